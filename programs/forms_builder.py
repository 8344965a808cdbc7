"""Forms of the program builder's back-office pages: a new program, and the "Move to"
form the builder shows without JavaScript."""

from django import forms
from django.utils.translation import gettext_lazy

from clients.selectors import client_queryset_for
from clients.widgets import ClientSelect

from .models import Program


class ProgramCreateForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    goal = forms.ChoiceField(
        label=gettext_lazy("Goal"), choices=[("", "—"), *Program.Goal.choices], required=False
    )
    length_weeks = forms.IntegerField(
        label=gettext_lazy("Length (weeks)"), min_value=1, max_value=52, initial=4
    )
    days = forms.IntegerField(
        label=gettext_lazy("Workouts a week"),
        min_value=0,
        max_value=7,
        initial=3,
        help_text=gettext_lazy("Named Day 1, Day 2…; rename them in the builder."),
    )
    client = forms.ModelChoiceField(
        label=gettext_lazy("For a client"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("No one: a template"),
        widget=ClientSelect,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = client_queryset_for(user=user, include_archived=False)


class MoveForm(forms.Form):
    """The builder's "Move to": one exercise (``prescription``) or one ``block`` (ids) to
    ``to`` ("block:12" or "day:5")."""

    prescription = forms.IntegerField(required=False, min_value=1, max_value=10**11)
    block = forms.IntegerField(required=False, min_value=1, max_value=10**11)
    to = forms.CharField(required=False, max_length=40)
