"""The program generator's intake form (the back-office page). It parses the fields
once; ``programs.services.generator.intake_compose`` takes them typed, fills what is
left empty from the client's answers and checks the ranges again."""

from django import forms
from django.utils.translation import gettext_lazy

from clients.selectors import client_queryset_for
from clients.widgets import ClientSelect

from .models import Program
from .services.generator_rules import EQUIPMENT_CHOICES


class IntakeForm(forms.Form):
    client = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=gettext_lazy("Client"),
        empty_label=gettext_lazy("No client: a template"),
        widget=ClientSelect,
        help_text=gettext_lazy("Their latest goals answers fill the fields below you leave empty."),
    )
    goal = forms.ChoiceField(
        label=gettext_lazy("Goal"),
        required=False,
        choices=[("", gettext_lazy("From the answers"))] + list(Program.Goal.choices),
    )
    level = forms.ChoiceField(
        label=gettext_lazy("Experience"),
        required=False,
        choices=[
            ("", gettext_lazy("From the answers")),
            ("beginner", gettext_lazy("Beginner")),
            ("intermediate", gettext_lazy("Intermediate")),
            ("advanced", gettext_lazy("Advanced")),
        ],
    )
    days_per_week = forms.IntegerField(
        label=gettext_lazy("Days per week"), required=False, min_value=1, max_value=7
    )
    minutes = forms.IntegerField(
        label=gettext_lazy("Minutes per session"), required=False, min_value=20, max_value=180
    )
    equipment = forms.MultipleChoiceField(
        label=gettext_lazy("Equipment the client has"),
        required=False,
        choices=EQUIPMENT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Body weight is always included. None ticked: taken from the answers, or a full gym."
        ),
    )
    injuries = forms.CharField(
        label=gettext_lazy("Injuries to work around"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "e.g. “left knee (ACL 2022), shoulder impingement”. Knee, shoulder, lower back, "
            "wrist, elbow, hip, ankle and neck are recognised."
        ),
    )
    as_template = forms.BooleanField(
        label=gettext_lazy("Save as a template, not the client's own program"), required=False
    )
    name = forms.CharField(label=gettext_lazy("Program name"), required=False, max_length=120)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = client_queryset_for(
            user=user, include_archived=False
        ).order_by("first_name", "last_name")

    def intake_fields(self) -> dict:
        """The intake's typed values, None where left empty (for ``intake_compose``)."""
        data = self.cleaned_data
        return {
            "goal": data["goal"] or None,
            "level": data["level"] or None,
            "days_per_week": data["days_per_week"],
            "minutes": data["minutes"],
            "equipment": data["equipment"] or None,
            "injuries": data["injuries"] or None,
        }
