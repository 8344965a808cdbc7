"""Form helpers shared by the apps' views and back-office pages."""

import functools
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .timezones import ZONE_COUNTRY, timezone_canonical, timezone_choices, timezone_for_country

# a phone number as people write it: digits, spaces, + ( ) . -
PHONE_RE = re.compile(r"^\+?[0-9 ().-]{6,32}$")


def form_errors_add(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on ``form``: errors keyed by one of its fields
    go to that field, everything else to the form as a whole."""
    if hasattr(exc, "error_dict"):
        for key, errors in exc.error_dict.items():
            form.add_error(key if key in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class TimezoneInput(forms.TextInput):
    """A text box with the time zones as a <datalist>: the browser filters the list
    as a person types (by zone or country), no script or build step needed."""

    def __init__(self, attrs=None):
        base = {
            "autocomplete": "off",
            "autocapitalize": "none",
            "spellcheck": "false",
            "data-timezone-input": "",
        }
        super().__init__({**base, **(attrs or {})})

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id') or name}_list"
        attrs["list"] = list_id
        field = super().render(name, value, attrs, renderer)
        options = format_html_join(
            "",
            '<option value="{}" data-country="{}"{}>{}</option>',
            timezone_choices_for_datalist(),
        )
        return format_html('{}<datalist id="{}">{}</datalist>', field, list_id, options)


@functools.cache
def timezone_choices_for_datalist() -> list[tuple[str, str, str, str]]:
    """(zone, country code, primary mark, "Place (Country)"); the label lets people
    find a zone by country, the code and mark let signup.js go from zone to country
    and from country to its main zone."""

    primary = mark_safe(" data-primary")
    rows = []
    for name, label in timezone_choices():
        country = ZONE_COUNTRY.get(name, "")
        is_primary = bool(country) and timezone_for_country(country) == name
        rows.append((name, country, primary if is_primary else "", label))
    return rows


class TimezoneField(forms.CharField):
    """A time zone from our list (mectofitness.core.timezones). Deprecated names and
    other letter cases are accepted and saved as the current name."""

    widget = TimezoneInput

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault(
            "help_text", _("Type a city or country, then pick from the list (e.g. Europe/London).")
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        canonical = timezone_canonical(value)
        if canonical is None:
            raise ValidationError(
                _(
                    "Select a valid choice: type a city or country, "
                    "then pick a time zone from the list."
                ),
                code="invalid_choice",
            )
        return canonical
