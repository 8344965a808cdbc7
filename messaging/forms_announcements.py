"""The back office's form to write an announcement (``backoffice.views.announcements``).
Choices come from this business; who is reached is decided by
``messaging.announcements`` (a coach: their own clients)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import Client, Tag
from programs.models import Program
from scheduling.models import SessionType

from .models import BODY_MAX_CHARS, Announcement

STATUSES = [(value, label) for value, label in Client.Status.choices if value != "archived"]


class AnnouncementForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": BODY_MAX_CHARS}),
    )
    tags = forms.ModelMultipleChoiceField(
        label=_("With any of these tags"),
        queryset=Tag.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    statuses = forms.MultipleChoiceField(
        label=_("Status"),
        choices=STATUSES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: clients being onboarded or coached."),
    )
    program = forms.ModelChoiceField(
        label=_("Following the program"),
        queryset=Program.objects.filter(is_template=True, archived_at__isnull=True),
        required=False,
        empty_label=_("Any"),
    )
    session_type = forms.ModelChoiceField(
        label=_("In the class"),
        queryset=SessionType.objects.filter(capacity__gt=1),
        required=False,
        empty_label=_("Any"),
        help_text=_("Booked on it, or came in the last 30 days."),
    )
    delivery = forms.ChoiceField(
        label=_("How"),
        choices=Announcement.Delivery.choices,
        initial=Announcement.Delivery.THREAD,
        widget=forms.RadioSelect,
    )
    send_at = forms.DateTimeField(
        label=_("Send at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("Leave empty to send now. Your time zone."),
    )

    def __init__(self, *args, zone: dt.tzinfo | None = None, **kwargs):
        self.zone = zone
        super().__init__(*args, **kwargs)

    def clean_send_at(self):
        value = self.cleaned_data.get("send_at")
        if value is not None and self.zone is not None:
            value = timezone.make_aware(value.replace(tzinfo=None), self.zone)
        return value

    def segment(self) -> dict:
        data = self.cleaned_data
        segment = {
            "tags": [tag.pk for tag in data.get("tags") or []],
            "statuses": list(data.get("statuses") or []),
            "program": data["program"].pk if data.get("program") else None,
            "session_type": data["session_type"].pk if data.get("session_type") else None,
        }
        return {key: value for key, value in segment.items() if value}
