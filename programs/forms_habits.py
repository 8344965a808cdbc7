"""Forms for habits: the portal's tick (a day and, for a habit with a target, how
much) and the back-office client panel's "Add a habit". They parse the fields once;
``programs.services.habits`` takes them typed and checks the rules."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from .services.habits import WEEKDAY_NAMES

WEEKDAY_CHOICES = [(str(i), name) for i, name in enumerate(WEEKDAY_NAMES)]
DATE_MESSAGE = gettext_lazy("Enter a date like 2025-03-14.")


class NumberField(forms.Field):
    """A number as people type it ("2.5", "2,5"); empty is None."""

    default_error_messages = {"invalid": gettext_lazy("Enter a number, like 8000 or 2.5.")}

    def to_python(self, value) -> Decimal | None:
        text = str(value if value is not None else "").strip().replace(",", ".")
        if not text:
            return None
        try:
            number = Decimal(text)
        except (InvalidOperation, ValueError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not number.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class HabitTickForm(forms.Form):
    date = forms.DateField(required=False, error_messages={"invalid": DATE_MESSAGE})
    value = NumberField(required=False)


class HabitAddForm(forms.Form):
    """The client panel's form; empty days mean every day."""

    name = forms.CharField(required=False, max_length=300)
    target = NumberField(required=False)
    unit = forms.CharField(required=False, max_length=300)
    weekdays = forms.TypedMultipleChoiceField(
        choices=WEEKDAY_CHOICES,
        coerce=int,
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose the days of the week.")},
    )
    starts_on = forms.DateField(required=False, error_messages={"invalid": DATE_MESSAGE})
    ends_on = forms.DateField(required=False, error_messages={"invalid": DATE_MESSAGE})
