"""Form helpers shared by the apps' views and back-office pages."""

from django.core.exceptions import ValidationError


def form_errors_add(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on ``form``: errors keyed by one of its fields
    go to that field, everything else to the form as a whole."""
    if hasattr(exc, "error_dict"):
        for key, errors in exc.error_dict.items():
            form.add_error(key if key in form.fields else None, errors)
    else:
        form.add_error(None, exc)
