"""The business's booking settings (one row): when reminders go out, whether they also
go by text message, and the standing video link of online sessions. The owner
changes them; staff read them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policies import is_owner

from ..models import SchedulingSettings

MOST_REMINDERS = 3
REMINDER_HOURS_RANGE = (1, 168)  # an hour to a week before


@dataclass(frozen=True)
class BookingSettingsDetails:
    reminder_hours: list[int]
    sms_reminders: bool = False
    meeting_url: str = ""
    zoom_meetings: bool = False


def reminder_hours_clean(hours: Iterable[int]) -> list[int]:
    """The reminder hours as stored: distinct, 1 to 168 each, at most three, the
    earliest first. Raises ValidationError keyed ``reminder_hours`` (forms call this)."""
    hours = list(hours)
    low, high = REMINDER_HOURS_RANGE
    if any(not low <= h <= high for h in hours):
        raise ValidationError(
            {"reminder_hours": _("Each reminder is 1 to 168 hours (a week) before.")}
        )
    if len(set(hours)) != len(hours):
        raise ValidationError({"reminder_hours": _("Give each number of hours once.")})
    if len(hours) > MOST_REMINDERS:
        raise ValidationError({"reminder_hours": _("Up to three reminders.")})
    return sorted(hours, reverse=True)


def scheduling_settings_get(*, lock: bool = False) -> SchedulingSettings:
    """The business's one settings row (made on first use). ``lock``: hold it till
    commit."""
    settings, _created = SchedulingSettings.objects.get_or_create(pk=1)
    if lock:
        return SchedulingSettings.objects.select_for_update().get(pk=1)
    return settings


@transaction.atomic
def scheduling_settings_update(*, by: User, details: BookingSettingsDetails) -> SchedulingSettings:
    """Save the booking settings (the owner only). Other fields of the row are kept."""
    if not is_owner(by):
        raise PermissionDenied(_("Only the owner changes the booking settings."))
    settings = scheduling_settings_get(lock=True)
    settings.reminder_hours = reminder_hours_clean(details.reminder_hours)
    for field in fields(details):
        if field.name != "reminder_hours":
            setattr(settings, field.name, getattr(details, field.name))
    settings.full_clean()
    settings.save()
    return settings
