"""The form of a coach's own calendar (the back office's "Own calendar" page)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .services.busy import busy_calendar_url_clean


class BusyCalendarForm(forms.Form):
    url = forms.CharField(
        label=_("Private calendar address (ICS)"),
        max_length=2000,
        widget=forms.URLInput(attrs={"size": 80, "autocomplete": "off", "spellcheck": "false"}),
        help_text=_(
            'Google Calendar: Settings, your calendar, "Secret address in iCal format". '
            "Apple iCloud: share the calendar as a public calendar and copy its link. "
            "Outlook: Settings, Calendar, Shared calendars, publish it and copy the ICS "
            "link. Only when you are busy is read: never titles or places."
        ),
    )

    def clean_url(self) -> str:
        try:
            return busy_calendar_url_clean(self.cleaned_data["url"])
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["url"]) from exc
