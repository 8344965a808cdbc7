"""What a business offers and when its coaches work: session types, weekly hours, time
off and extra hours. The owner sets the types; a coach keeps their own hours (the
owner anyone's)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policies import is_owner, is_staff_member

from ..models import Appointment, SessionType, TimeOff, WeeklyHours


@dataclass(frozen=True)
class SessionTypeDetails:
    name: str
    description: str = ""
    duration_minutes: int = 60
    buffer_before_minutes: int = 0
    buffer_after_minutes: int = 0
    location_kind: str = SessionType.Location.IN_PERSON
    location: str = ""
    meeting_url: str = ""
    capacity: int = 1
    payment: str = SessionType.Payment.CREDITS
    book_ahead_days: int = 60
    min_notice_minutes: int = 120
    cancel_window_hours: int = 24
    late_cancel_charge: str = SessionType.Charge.CREDIT
    no_show_charge: str = SessionType.Charge.CREDIT
    is_public: bool = False
    is_active: bool = True
    position: int = 0


DETAIL_FIELDS = tuple(f.name for f in fields(SessionTypeDetails))


def _require_owner(by: User) -> None:
    if not is_owner(by):
        raise PermissionDenied(_("Only the owner changes what the business offers."))


def _coaches_check(coaches: list[User]) -> None:
    if not coaches:
        raise ValidationError({"coaches": _("Choose at least one coach who offers it.")})
    if any(not (coach.is_staff and coach.is_active) for coach in coaches):
        raise ValidationError({"coaches": _("Only active coaches can offer sessions.")})


def session_type_validate(*, session_type: SessionType | None, details: SessionTypeDetails) -> None:
    """The rules a type's details keep beyond each field's own (forms call this too)."""
    if details.is_public and details.payment != SessionType.Payment.FREE:
        raise ValidationError(
            {"is_public": _("Prospects have no pack: a session they may book must be free.")}
        )
    if (
        session_type is not None
        and session_type.pk
        and (details.capacity > 1) != session_type.is_class
        and session_type.appointments.exists()
    ):
        raise ValidationError(
            {"capacity": _("This session has bookings: make a new one to change its places.")}
        )


def _apply(kind: SessionType, details: SessionTypeDetails) -> None:
    session_type_validate(session_type=kind if kind.pk else None, details=details)
    for name in DETAIL_FIELDS:
        setattr(kind, name, getattr(details, name))
    if kind.location_kind == SessionType.Location.ONLINE and kind.location:
        kind.location = ""
    kind.full_clean(exclude=["coaches"])


@transaction.atomic
def session_type_create(
    *, by: User, details: SessionTypeDetails, coaches: list[User]
) -> SessionType:
    _require_owner(by)
    _coaches_check(coaches)
    kind = SessionType()
    _apply(kind, details)
    kind.save()
    kind.coaches.set(coaches)
    return kind


@transaction.atomic
def session_type_update(
    *, session_type: SessionType, by: User, details: SessionTypeDetails, coaches: list[User]
) -> SessionType:
    """Change a type. What was booked keeps its time, place and price; a one-to-one
    cannot become a class (or back) once it has been booked."""
    _require_owner(by)
    _coaches_check(coaches)
    kind = SessionType.objects.select_for_update().get(pk=session_type.pk)
    _apply(kind, details)
    kind.save()
    kind.coaches.set(coaches)
    return kind


@transaction.atomic
def session_type_delete(*, session_type: SessionType, by: User) -> bool:
    """Delete a type never booked; one with bookings is only withdrawn (not offered
    any more) so its history stays. Returns whether it was deleted."""
    _require_owner(by)
    if Appointment.objects.filter(session_type=session_type).exists():
        SessionType.objects.filter(pk=session_type.pk).update(is_active=False)
        return False
    session_type.delete()
    return True


def _require_hours_of(by: User, coach: User) -> None:
    if not is_staff_member(by) or (coach.pk != by.pk and not is_owner(by)):
        raise PermissionDenied(_("You can change only your own hours."))


@dataclass(frozen=True)
class Stretch:
    weekday: int
    starts: dt.time
    ends: dt.time


@transaction.atomic
def weekly_hours_set(*, coach: User, stretches: list[Stretch], by: User) -> list[WeeklyHours]:
    """Replace a coach's working week. Stretches of one day must not overlap."""
    _require_hours_of(by, coach)
    stretches_validate(coach=coach, stretches=stretches)
    WeeklyHours.objects.filter(coach=coach).delete()
    return WeeklyHours.objects.bulk_create(
        WeeklyHours(coach=coach, weekday=s.weekday, starts=s.starts, ends=s.ends) for s in stretches
    )


def stretches_validate(*, coach: User, stretches: list[Stretch]) -> None:
    """A week of hours: real days, each stretch ending after it starts, none of one day
    overlapping another."""
    if not coach.is_staff:
        raise ValidationError({"coach": _("Only coaches have working hours.")})
    by_day: dict[int, list[Stretch]] = {}
    for stretch in stretches:
        if not 0 <= stretch.weekday <= 6:
            raise ValidationError({"weekday": _("Choose a day of the week.")})
        if stretch.starts >= stretch.ends:
            raise ValidationError({"ends": _("The end must be after the start.")})
        by_day.setdefault(stretch.weekday, []).append(stretch)
    for day in by_day.values():
        day.sort(key=lambda s: s.starts)
        for earlier, later in zip(day, day[1:], strict=False):
            if later.starts < earlier.ends:
                raise ValidationError(
                    {"starts": _("These hours overlap hours the coach already has that day.")}
                )


def week_with(*, coach: User, stretch: Stretch, hours: WeeklyHours | None) -> list[Stretch]:
    """The coach's week with ``stretch`` added (or in place of ``hours``)."""
    others = WeeklyHours.objects.filter(coach=coach).exclude(pk=getattr(hours, "pk", None))
    return [*(Stretch(h.weekday, h.starts, h.ends) for h in others), stretch]


@transaction.atomic
def weekly_hours_save(
    *, hours: WeeklyHours | None, coach: User, stretch: Stretch, by: User
) -> WeeklyHours:
    """Add one stretch of a coach's week, or change one (it keeps its id)."""
    _require_hours_of(by, coach)
    if hours is not None:
        _require_hours_of(by, hours.coach)
    stretches_validate(coach=coach, stretches=week_with(coach=coach, stretch=stretch, hours=hours))
    entry = hours or WeeklyHours()
    entry.coach, entry.weekday = coach, stretch.weekday
    entry.starts, entry.ends = stretch.starts, stretch.ends
    entry.save()
    return entry


@transaction.atomic
def weekly_hours_delete(*, hours: WeeklyHours, by: User) -> None:
    _require_hours_of(by, hours.coach)
    hours.delete()


@transaction.atomic
def time_off_save(
    *,
    time_off: TimeOff | None,
    coach: User,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    note: str,
    by: User,
) -> TimeOff:
    """Add or change time off (or extra hours). Sessions already booked in it stay:
    the coach moves or cancels them, the calendar shows them."""
    _require_hours_of(by, coach)
    if starts_at >= ends_at:
        raise ValidationError({"ends_at": _("The end must be after the start.")})
    if kind not in TimeOff.Kind.values:
        raise ValidationError({"kind": _("Choose time off or extra hours.")})
    entry = time_off or TimeOff()
    entry.coach, entry.kind, entry.starts_at, entry.ends_at = coach, kind, starts_at, ends_at
    entry.note = note[:200]
    entry.save()
    return entry


@transaction.atomic
def time_off_delete(*, time_off: TimeOff, by: User) -> None:
    _require_hours_of(by, time_off.coach)
    time_off.delete()
