"""Serializer fields the programs API shares."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field(OpenApiTypes.STR)
class DecimalTextField(serializers.Field):
    """A number as people type it ("12.5", "12,5") or a JSON number, parsed to a
    Decimal; empty is None. Answered as decimal text."""

    default_error_messages = {"invalid": gettext_lazy("Enter a number, like 120 or 12.5.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def validate_empty_values(self, data):
        if data == "":
            data = None
        return super().validate_empty_values(data)

    def to_internal_value(self, data) -> Decimal:
        if isinstance(data, bool) or not isinstance(data, (str, int, float)):
            self.fail("invalid")
        try:
            value = Decimal(str(data).strip().replace(",", "."))
        except (InvalidOperation, ValueError):
            self.fail("invalid")
        if not value.is_finite():
            self.fail("invalid")
        return value

    def to_representation(self, value) -> str | None:
        return None if value is None else str(value)
