"""Forms for habits: the portal's tick (a day and, for a habit with a target, how
much) and the back-office client panel's "Add a habit". They parse the fields once;
``programs.services.habits`` takes them typed and checks the rules."""

from django import forms
from django.utils.translation import gettext_lazy

from .form_fields import NumberField
from .services.habits import WEEKDAY_NAMES

WEEKDAY_CHOICES = [(str(i), name) for i, name in enumerate(WEEKDAY_NAMES)]
DATE_MESSAGE = gettext_lazy("Enter a date like 2025-03-14.")
NUMBER_MESSAGE = gettext_lazy("Enter a number, like 8000 or 2.5.")


class HabitTickForm(forms.Form):
    date = forms.DateField(required=False, error_messages={"invalid": DATE_MESSAGE})
    value = NumberField(required=False, error_messages={"invalid": NUMBER_MESSAGE})


class HabitAddForm(forms.Form):
    """The client panel's form; empty days mean every day."""

    name = forms.CharField(required=False, max_length=300)
    target = NumberField(required=False, error_messages={"invalid": NUMBER_MESSAGE})
    unit = forms.CharField(required=False, max_length=300)
    weekdays = forms.TypedMultipleChoiceField(
        choices=WEEKDAY_CHOICES,
        coerce=int,
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose the days of the week.")},
    )
    starts_on = forms.DateField(required=False, error_messages={"invalid": DATE_MESSAGE})
    ends_on = forms.DateField(required=False, error_messages={"invalid": DATE_MESSAGE})
