"""Form fields the programs app's forms share."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy


class NumberField(forms.Field):
    """A number as people type it ("2.5", "2,5"), parsed to a Decimal; empty is None."""

    widget = forms.TextInput
    default_error_messages = {"invalid": gettext_lazy("Enter a number, like 120 or 12.5.")}

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
