"""Forms of the client list and the client page in the back office: the record's form
and the bulk-action bar."""

from django import forms
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .models import Client
from .selectors import coach_list
from .services.records import client_room_check


class ClientActionForm(ActionForm):
    """The bulk-action bar: what to apply to the selected clients (labelled as what they
    do, so they do not read as the list's filters)."""

    status = forms.ChoiceField(
        label=_("Set status to"), required=False, choices=[("", "—"), *Client.Status.choices]
    )
    tag = forms.CharField(label=_("Add the tag"), required=False, max_length=40)
    coach = forms.ModelChoiceField(
        label=_("Move to coach"), required=False, queryset=User.objects.none(), empty_label="—"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coach"].queryset = coach_list()


class ClientAdminForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = [
            "first_name",
            "last_name",
            "email",
            "phone",
            "date_of_birth",
            "gender",
            "status",
            "source",
            "primary_coach",
            "coaches",
            "tags",
            "experience_level",
            "goals",
            "injuries",
            "medical_notes",
            "emergency_contact_name",
            "emergency_contact_phone",
            "timezone",
            "units",
        ]
        widgets = {
            "coaches": forms.CheckboxSelectMultiple(attrs={"class": "mf-checks"}),
            "tags": forms.CheckboxSelectMultiple(attrs={"class": "mf-checks"}),
            "goals": forms.Textarea(attrs={"rows": 3}),
            "injuries": forms.Textarea(attrs={"rows": 3}),
            "medical_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_status(self):
        """A client entering onboarding or active needs room on the plan: say so here."""
        status = self.cleaned_data.get("status")
        stored = Client.objects.filter(pk=self.instance.pk).values_list("status", flat=True)
        try:
            client_room_check(to_status=status, from_status=stored.first() or "")
        except ValidationError as exc:
            raise forms.ValidationError(exc.message_dict.get("status", exc.messages)) from exc
        return status
