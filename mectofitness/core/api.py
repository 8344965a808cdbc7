"""What every API endpoint shares: throttles, errors, permissions."""

import zoneinfo

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection
from rest_framework import exceptions, throttling
from rest_framework.views import exception_handler as drf_exception_handler


class UserRateThrottle(throttling.UserRateThrottle):
    """Per person; the cache key carries the schema (user ids repeat across businesses)."""

    def get_cache_key(self, request, view):
        key = super().get_cache_key(request, view)
        return f"{connection.schema_name}:{key}" if key else None


class BusinessRateThrottle(throttling.SimpleRateThrottle):
    """Per business: all of one business's API traffic together."""

    scope = "business"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": connection.schema_name}


def timezone_validate(value: str) -> str:
    """A serializer field check: empty, or an IANA time zone name ("Europe/London")."""

    if value:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise exceptions.ValidationError("Unknown time zone.") from None
    return value


def exception_handler(exc, context):
    """DRF's handler, plus Django's ValidationError and PermissionDenied from services:
    400 with field messages, 403 with a detail."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = exceptions.ValidationError(exc.message_dict)
        else:
            exc = exceptions.ValidationError({"non_field_errors": exc.messages})
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, TooManyFieldsSent | TooManyFilesSent | RequestDataTooBig):
        # Django's own answer would be its HTML 400 page: say it in the API's words
        exc = exceptions.ParseError(str(exc))
    return drf_exception_handler(exc, context)
