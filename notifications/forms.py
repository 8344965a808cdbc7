"""The preferences form: on or off for each kind of notification on each channel, and
quiet hours on the person's own clock. The same form serves the portal and the back
office."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from . import services
from .models import OWN_MAIL_KINDS, Channel, Kind
from .selectors import person_settings_get, preferences_for


def field_name(kind: str, channel: str) -> str:
    return f"{kind}__{channel}"


def _own_mail(kind: str, channel: str) -> bool:
    return channel == Channel.EMAIL and kind in OWN_MAIL_KINDS


class PreferencesForm(forms.Form):
    """One checkbox per kind and channel, then quiet hours (both times, or neither)."""

    quiet_from = forms.TimeField(
        label=_("Quiet from"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M"),
    )
    quiet_until = forms.TimeField(
        label=_("Quiet until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M"),
        help_text=_("Push, e-mail and texts wait until then; the bell still shows everything."),
    )

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        current = preferences_for(user=user)
        row = person_settings_get(user=user)
        initial = {
            field_name(kind, channel): on
            for kind, channels in current.items()
            for channel, on in channels.items()
        }
        initial["quiet_from"] = row.quiet_from if row else None
        initial["quiet_until"] = row.quiet_until if row else None
        super().__init__(*args, initial=initial, **kwargs)
        for kind in Kind:
            for channel in Channel:
                if _own_mail(kind, channel):
                    continue
                self.fields[field_name(kind, channel)] = forms.BooleanField(
                    label=f"{kind.label}: {channel.label}", required=False
                )

    def rows(self) -> list[dict]:
        """The table: each kind with its channels' checkboxes."""
        return [
            {
                "label": kind.label,
                # None: e-mailed by its own app ("With its own e-mail", no checkbox)
                "fields": [
                    None if _own_mail(kind, channel) else self[field_name(kind, channel)]
                    for channel in Channel
                ],
            }
            for kind in Kind
        ]

    @staticmethod
    def channels() -> list[str]:
        """The columns' headings, short enough for a phone (each checkbox's own label
        says the whole name)."""
        short = {Channel.SMS: _("Text")}
        return [short.get(channel, channel.label) for channel in Channel]

    def save(self) -> bool:
        """Save it all, or add the service's errors to the form and save nothing."""
        data = self.cleaned_data
        choices = {
            kind.value: {
                channel.value: bool(data.get(field_name(kind, channel))) for channel in Channel
            }
            for kind in Kind
        }
        try:
            services.notification_settings_save(
                user=self.user,
                choices=choices,
                quiet_hours=(data.get("quiet_from"), data.get("quiet_until")),
            )
        except ValidationError as exc:
            self.add_error(None, exc)
            return False
        return True
