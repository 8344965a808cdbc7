"""Forms of the booking pages: input is parsed here once, services get typed values."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _


class TimeChoiceForm(forms.Form):
    """A start time picked from the offered ones: ISO 8601 with its offset (the pages
    write them so), and the coach it is with. A time without an offset is refused: it
    would be read in the server's time zone, not the client's."""

    starts_at = forms.CharField(max_length=40)
    coach = forms.IntegerField(min_value=1, required=False)

    def clean_starts_at(self) -> dt.datetime:
        try:
            value = dt.datetime.fromisoformat(self.cleaned_data["starts_at"].strip())
        except ValueError:
            value = None
        if value is None or value.tzinfo is None:
            raise forms.ValidationError(_("Pick one of the times shown."))
        return value.astimezone(dt.UTC)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class DayForm(forms.Form):
    """The day whose times a picker shows (the client's calendar date)."""

    day = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    coach = forms.IntegerField(min_value=1, required=False)
