"""Weekly bookings: the same session at the same time for N weeks, in one go.

Each week is booked by ``booking.session_book`` in a savepoint of its own, so its
checks, PostgreSQL's exclusion constraints and the draw from the client's pack stay the
guarantee; a week that cannot be booked is rolled back alone and reported in words.
The weeks fall on the same wall-clock time in the business's time zone: 10:00 stays
10:00 across a daylight-saving change (each week's moment is built from the local date
and time, never by adding seven days in UTC). The appointments booked together share a
``series``.

Staff only for now (a coach for their own clients: ``session_book`` asks the policy).
"""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import User
from accounts.policies import is_staff_member
from billing.selectors import session_balance
from clients.models import Client

from ..models import Appointment, Booking, SessionType
from ..selectors import business_zone
from ..slots import local_moment
from .booking import session_book

MIN_WEEKS = 2
MAX_WEEKS = 26
# how a week is named in a message: "Tue 16 Jun 10:00" (the business's wall clock)
WEEK_LABEL = "D j M H:i"


class WeeklyMode(models.TextChoices):
    """What to do when some weeks are not free."""

    ALL = "all", gettext_lazy("All or nothing: book none if one week is not free")
    FREE = "free", gettext_lazy("Book the weeks that are free")


@dataclass(frozen=True)
class Clash:
    """A week that could not be booked, and why, in words a coach can act on."""

    starts_at: dt.datetime
    label: str  # "Tue 16 Jun 10:00", on the business's clock
    reason: str  # "the coach is busy"

    def __str__(self) -> str:
        return f"{self.label}: {self.reason}"


@dataclass(frozen=True)
class WeeklyBooking:
    """What ``session_book_weekly`` did: the bookings made (in date order, all in
    ``series``) and the weeks left out (only in ``WeeklyMode.FREE``)."""

    series: uuid.UUID
    booked: tuple[Booking, ...]
    clashes: tuple[Clash, ...] = ()

    @property
    def is_complete(self) -> bool:
        return not self.clashes


def weekly_starts(
    *, starts_at: dt.datetime, weeks: int, tz: zoneinfo.ZoneInfo | None = None
) -> list[dt.datetime]:
    """The start of each week's session (UTC): the first one's date and wall-clock time
    in the business's zone, a week apart on the calendar. A time the clocks skip that
    day moves forward by the gap, as clocks do (``slots.local_moment``)."""
    tz = tz or business_zone()
    first = starts_at.astimezone(tz)
    wall = first.time().replace(tzinfo=None)
    return [
        local_moment(first.date() + dt.timedelta(weeks=week), wall, tz) for week in range(weeks)
    ]


@transaction.atomic
def session_book_weekly(
    *,
    client: Client,
    session_type: SessionType,
    coach: User,
    starts_at: dt.datetime,
    weeks: int,
    by: User,
    now: dt.datetime | None = None,
    mode: str = WeeklyMode.ALL,
    note: str = "",
) -> WeeklyBooking:
    """Book ``session_type`` with ``coach`` for ``client`` every week for ``weeks`` weeks
    (2 to 26), from ``starts_at``, each week drawing a session from the pack when the
    type costs one.

    ``WeeklyMode.ALL``: every week or none; one week that is not free books nothing and
    raises a ValidationError naming each such week ("Tue 16 Jun 10:00: the coach is
    busy"). ``WeeklyMode.FREE``: the free weeks are booked and the others come back in
    ``clashes``; it raises only when no week is free. Either way a ValidationError means
    nothing was booked. Refusals that hold for every week (the wrong person, a type not
    offered) raise as ``session_book`` raises them."""
    now = now or timezone.now()
    if not is_staff_member(by):
        raise PermissionDenied(_("Only staff book sessions weekly."))
    if mode not in WeeklyMode.values:
        raise ValidationError({"mode": _("Choose all or nothing, or the free weeks.")})
    if not MIN_WEEKS <= weeks <= MAX_WEEKS:
        raise ValidationError(
            {
                "weeks": _("Repeat for %(min)d to %(max)d weeks.")
                % {"min": MIN_WEEKS, "max": MAX_WEEKS}
            }
        )
    tz = business_zone()
    series = uuid.uuid4()
    booked: list[Booking] = []
    clashes: list[Clash] = []
    for moment in weekly_starts(starts_at=starts_at, weeks=weeks, tz=tz):
        try:
            with transaction.atomic():
                booking = session_book(
                    client=client,
                    session_type=session_type,
                    coach=coach,
                    starts_at=moment,
                    by=by,
                    now=now,
                    note=note,
                )
        except ValidationError as exc:
            reason = _clash_reason(
                exc,
                client=client,
                session_type=session_type,
                coach=coach,
                starts_at=moment,
                now=now,
            )
            if reason is None:
                raise  # the same for every week: say it once
            clashes.append(
                Clash(
                    starts_at=moment,
                    label=dateformat.format(moment.astimezone(tz), WEEK_LABEL),
                    reason=reason,
                )
            )
            continue
        Appointment.objects.filter(pk=booking.appointment_id).update(series=series)
        booking.appointment.series = series
        booked.append(booking)
    if clashes and (mode == WeeklyMode.ALL or not booked):
        # raising rolls back the weeks booked so far with this function's transaction
        raise ValidationError(
            {"starts_at": [_nothing_booked(weeks, len(clashes)), *map(str, clashes)]}
        )
    return WeeklyBooking(series=series, booked=tuple(booked), clashes=tuple(clashes))


def _nothing_booked(weeks: int, clashing: int) -> str:
    if clashing == weeks:
        return _("Nothing was booked: none of the %(weeks)d weeks is free.") % {"weeks": weeks}
    return ngettext(
        "Nothing was booked: %(n)d of the %(weeks)d weeks is not free.",
        "Nothing was booked: %(n)d of the %(weeks)d weeks are not free.",
        clashing,
    ) % {"n": clashing, "weeks": weeks}


def _clash_reason(
    exc: ValidationError,
    *,
    client: Client,
    session_type: SessionType,
    coach: User,
    starts_at: dt.datetime,
    now: dt.datetime,
) -> str | None:
    """Why one week could not be booked, in words; None for a refusal that is not about
    the week (it would be the same for every week). Asked after ``session_book`` said
    no, inside this booking's transaction: what stands in the way is still there."""
    errors = getattr(exc, "error_dict", {})
    if "client" in errors:
        if (
            session_type.payment == SessionType.Payment.CREDITS
            and session_balance(client=client) <= 0
        ):
            return _("not enough sessions left in the pack")
        return None
    if "starts_at" not in errors:
        return None
    if starts_at <= now:
        return _("that time has passed")
    ends_at = starts_at + session_type.duration
    held = (starts_at - session_type.buffer_before, ends_at + session_type.buffer_after)
    if Appointment.objects.filter(
        coach=coach,
        status=Appointment.Status.SCHEDULED,
        held_from__lt=held[1],
        held_until__gt=held[0],
    ).exists():
        return _("the coach is busy")
    if Booking.objects.filter(
        client=client, status__in=Booking.HOLDING, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).exists():
        return _("the client has another session then")
    return " ".join(exc.message_dict["starts_at"])
