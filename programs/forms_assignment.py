"""Forms of the assignment pages in the back office: assigning a template to clients."""

from django import forms
from django.utils.translation import gettext_lazy

from clients.selectors import client_queryset_for
from clients.widgets import ClientCheckboxes

from .selectors.builder import program_queryset_for

WEEKDAYS = [
    (0, gettext_lazy("Mon")),
    (1, gettext_lazy("Tue")),
    (2, gettext_lazy("Wed")),
    (3, gettext_lazy("Thu")),
    (4, gettext_lazy("Fri")),
    (5, gettext_lazy("Sat")),
    (6, gettext_lazy("Sun")),
]


class AssignForm(forms.Form):
    program = forms.ModelChoiceField(
        label=gettext_lazy("Program"),
        queryset=None,
        error_messages={"required": gettext_lazy("Choose a program.")},
    )
    clients = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Clients"),
        queryset=None,
        widget=ClientCheckboxes,
        error_messages={"required": gettext_lazy("Choose at least one client.")},
    )
    start_date = forms.DateField(
        label=gettext_lazy("Start date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Enter a date like 2025-03-14.")},
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Training days"),
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one training day.")},
    )
    is_main = forms.BooleanField(
        label=gettext_lazy("Main program"),
        required=False,
        initial=True,
        help_text=gettext_lazy("Untick to add it as an extra beside the client's main program."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = program_queryset_for(user=user).filter(is_template=True)
        self.fields["clients"].queryset = client_queryset_for(
            user=user, include_archived=False
        ).order_by("first_name", "last_name")


class ShiftForm(forms.Form):
    """The client page's "Move the upcoming workouts by N days" (the service checks the
    range and the past)."""

    days = forms.IntegerField(
        error_messages={
            "invalid": gettext_lazy("Give a whole number of days, like 7 or -2."),
            "required": gettext_lazy("Give the number of days."),
        },
    )
