"""Booking, moving and cancelling sessions, and the places in classes.

No client is ever booked twice and no credit is ever lost:

- A coach's appointments never overlap (buffers included): PostgreSQL's exclusion
  constraint refuses the second of two racing bookings, which gets "just taken".
- A class's places are counted on its appointment row, under that row's lock, with a
  check constraint that the count never passes the capacity.
- A client's own bookings never overlap (another exclusion constraint).
- A session drawn from a pack is drawn in the same transaction as the booking, with
  the booking's reference (``booking:<pk>``), and given back in the same transaction
  as a cancellation inside the window (billing's ``session_draw``/``session_return``).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policies import is_staff_member
from billing.services.balances import session_draw, session_return
from clients.models import Client
from clients.selectors import client_queryset_for

from ..models import Appointment, Booking, SessionType, WaitlistEntry
from ..selectors import cancel_deadline, is_free
from . import notices
from .video import meeting_sync

# constraint name -> (field, message) for a refused insert or update
_CONSTRAINTS = {
    "appointment_coach_never_double_booked": (
        "starts_at",
        _("That time was just taken. Please choose another."),
    ),
    "booking_client_never_double_booked": (
        "starts_at",
        _("You already have a session at that time."),
    ),
    "booking_one_place_per_client": ("appointment", _("You already have a place in this class.")),
    "appointment_not_overbooked": ("appointment", _("This class is full.")),
}


def _refused(exc: IntegrityError) -> ValidationError:
    """The clear message for a constraint PostgreSQL enforced; other errors re-raise."""
    name = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)
    if name not in _CONSTRAINTS:
        raise exc
    field, message = _CONSTRAINTS[name]
    return ValidationError({field: message})


def _reference(booking: Booking) -> str:
    return f"booking:{booking.pk}"


def _check_client(*, client: Client, by: User) -> None:
    if client.status == Client.Status.ARCHIVED:
        raise ValidationError({"client": _("This client is archived.")})
    if not client_queryset_for(user=by).filter(pk=client.pk).exists():
        raise PermissionDenied(_("You cannot book for this client."))


def _check_time(
    *,
    session_type: SessionType,
    coach: User,
    starts_at: dt.datetime,
    by: User | None,
    now: dt.datetime,
    ignore: Appointment | None = None,
) -> None:
    """A client (or a visitor, ``by=None``) books inside the coach's hours and the type's
    notice and reach; staff may book any time that is not past (the calendar is theirs),
    never over another session."""
    if starts_at <= now:
        raise ValidationError({"starts_at": _("That time has passed.")})
    if is_staff_member(by):
        return
    if not is_free(
        session_type=session_type, coach=coach, starts_at=starts_at, now=now, ignore=ignore
    ):
        raise ValidationError(
            {"starts_at": _("That time is not free any more. Please choose another.")}
        )


def _draw(*, booking: Booking, session_type: SessionType, by: User | None) -> None:
    if session_type.payment != SessionType.Payment.CREDITS:
        return
    booking.credit_reference = _reference(booking)
    session_draw(client=booking.client, reference=booking.credit_reference, by=by)
    booking.save(update_fields=["credit_reference"])


def _hold(session_type: SessionType, coach: User, starts_at: dt.datetime) -> dict:
    ends_at = starts_at + session_type.duration
    return {
        "starts_at": starts_at,
        "ends_at": ends_at,
        "held_from": starts_at - session_type.buffer_before,
        "held_until": ends_at + session_type.buffer_after,
    }


@transaction.atomic
def session_book(
    *,
    client: Client,
    session_type: SessionType,
    coach: User,
    starts_at: dt.datetime,
    by: User,
    now: dt.datetime | None = None,
    note: str = "",
) -> Booking:
    """Book a one-to-one session: a new appointment on the coach's calendar with the
    client's place in it, and a session drawn from their pack when the type costs one."""
    now = now or timezone.now()
    _check_offer(session_type=session_type, coach=coach)
    _check_client(client=client, by=by)
    _check_time(session_type=session_type, coach=coach, starts_at=starts_at, by=by, now=now)
    return _session_create(
        client=client, session_type=session_type, coach=coach, starts_at=starts_at, by=by, note=note
    )


@transaction.atomic
def session_book_for_visitor(
    *,
    client: Client,
    session_type: SessionType,
    coach: User,
    starts_at: dt.datetime,
    now: dt.datetime | None = None,
    note: str = "",
) -> Booking:
    """Book a public session for a visitor without an account (the public booking page;
    ``scheduling.services.prospects`` finds or makes their client record). Nobody signed
    in vouches for the client, so only a public type (free, by its check constraint),
    at a time a client could book: inside the coach's hours, with the type's notice and
    reach. The rest is ``session_book``'s: the same appointment and place, refused by
    the same constraints when someone took the time first."""
    now = now or timezone.now()
    if not session_type.is_public:
        raise ValidationError({"session_type": _("This session cannot be booked here.")})
    _check_offer(session_type=session_type, coach=coach)
    _check_time(session_type=session_type, coach=coach, starts_at=starts_at, by=None, now=now)
    return _session_create(
        client=client,
        session_type=session_type,
        coach=coach,
        starts_at=starts_at,
        by=None,
        note=note,
    )


def _check_offer(*, session_type: SessionType, coach: User) -> None:
    if session_type.is_class:
        raise ValidationError({"session_type": _("Book a place in one of the class's times.")})
    if not session_type.is_active:
        raise ValidationError({"session_type": _("This session is not offered any more.")})
    if not session_type.coaches.filter(pk=coach.pk, is_active=True).exists():
        raise ValidationError({"coach": _("This coach does not offer this session.")})


def _session_create(
    *,
    client: Client,
    session_type: SessionType,
    coach: User,
    starts_at: dt.datetime,
    by: User | None,
    note: str,
) -> Booking:
    """The appointment with the client's place in it, and the session from their pack:
    what every one-to-one booking shares once its caller has checked who and when."""
    try:
        with transaction.atomic():
            appointment = Appointment.objects.create(
                session_type=session_type,
                coach=coach,
                capacity=1,
                booked=1,
                location_kind=session_type.location_kind,
                location=session_type.location,
                meeting_url=session_type.meeting_url,
                note=note[:200],
                created_by=by,
                **_hold(session_type, coach, starts_at),
            )
            booking = Booking.objects.create(
                appointment=appointment,
                client=client,
                starts_at=appointment.starts_at,
                ends_at=appointment.ends_at,
                booked_by=by,
            )
    except IntegrityError as exc:
        raise _refused(exc) from exc
    _draw(booking=booking, session_type=session_type, by=by)
    meeting_sync(appointment=appointment)
    notices.booking_confirmed(booking=booking)
    return booking


@transaction.atomic
def class_schedule(
    *, session_type: SessionType, coach: User, starts_at: dt.datetime, by: User, note: str = ""
) -> Appointment:
    """Put one occurrence of a class on the coach's calendar, with its places free."""
    if not is_staff_member(by):
        raise PermissionDenied(_("Only staff schedule classes."))
    if not session_type.is_class:
        raise ValidationError({"session_type": _("This session is one-to-one: book it instead.")})
    try:
        with transaction.atomic():
            appointment = Appointment.objects.create(
                session_type=session_type,
                coach=coach,
                capacity=session_type.capacity,
                booked=0,
                location_kind=session_type.location_kind,
                location=session_type.location,
                meeting_url=session_type.meeting_url,
                note=note[:200],
                created_by=by,
                **_hold(session_type, coach, starts_at),
            )
    except IntegrityError as exc:
        raise _refused(exc) from exc
    meeting_sync(appointment=appointment)
    return appointment


@transaction.atomic
def class_join(
    *, appointment: Appointment, client: Client, by: User, now: dt.datetime | None = None
) -> Booking:
    """Take a place in a class. The appointment's row is locked while its places are
    counted; the count's check constraint would refuse a place past the capacity."""
    _check_client(client=client, by=by)
    return _place_take(
        appointment=appointment,
        client=client,
        by=by,
        now=now or timezone.now(),
        mind_notice=not is_staff_member(by),
    )


def _place_take(
    *,
    appointment: Appointment,
    client: Client,
    by: User | None,
    now: dt.datetime,
    mind_notice: bool,
) -> Booking:
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    session_type = appointment.session_type
    if appointment.status != Appointment.Status.SCHEDULED:
        raise ValidationError({"appointment": _("This class was cancelled.")})
    if appointment.starts_at <= now:
        raise ValidationError({"appointment": _("This class has started.")})
    notice = dt.timedelta(minutes=session_type.min_notice_minutes)
    if mind_notice and appointment.starts_at < now + notice:
        raise ValidationError({"appointment": _("It is too late to book this class.")})
    if appointment.booked >= appointment.capacity:
        raise ValidationError({"appointment": _("This class is full.")})
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                appointment=appointment,
                client=client,
                starts_at=appointment.starts_at,
                ends_at=appointment.ends_at,
                booked_by=by,
            )
            Appointment.objects.filter(pk=appointment.pk).update(booked=F("booked") + 1)
    except IntegrityError as exc:
        raise _refused(exc) from exc
    WaitlistEntry.objects.filter(
        appointment=appointment, client=client, status=WaitlistEntry.Status.WAITING
    ).update(status=WaitlistEntry.Status.PROMOTED)
    _draw(booking=booking, session_type=session_type, by=by)
    notices.booking_confirmed(booking=booking)
    return booking


def _is_late(booking: Booking, now: dt.datetime) -> bool:
    return now > cancel_deadline(booking)


@transaction.atomic
def booking_cancel(
    *,
    booking: Booking,
    by: User,
    now: dt.datetime | None = None,
    reason: str = "",
    waive_late: bool = False,
) -> Booking:
    """Cancel a booking. Inside the window the session goes back to the client's pack;
    later, the type's policy says what it costs (staff may waive it). A one-to-one
    frees the coach's time; a class frees a place and offers it to the waitlist."""
    now = now or timezone.now()
    booking = Booking.objects.select_for_update().select_related("client").get(pk=booking.pk)
    appointment = Appointment.objects.select_for_update().get(pk=booking.appointment_id)
    booking.appointment = appointment
    if booking.status != Booking.Status.BOOKED:
        raise ValidationError({"booking": _("This booking is not open any more.")})
    if booking.starts_at <= now:
        raise ValidationError({"booking": _("This session has started: it cannot be cancelled.")})
    session_type = appointment.session_type
    late = _is_late(booking, now) and not (waive_late and is_staff_member(by))
    booking.status = Booking.Status.LATE_CANCELLED if late else Booking.Status.CANCELLED
    booking.cancelled_at = now
    booking.cancelled_by = by
    booking.cancel_reason = reason[:200]
    booking.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason"])
    if booking.credit_reference and (
        not late or session_type.late_cancel_charge == SessionType.Charge.NOTHING
    ):
        session_return(
            reference=booking.credit_reference,
            client=booking.client,
            by=by,
            reason=_("Cancelled in time") if not late else _("Cancelled late, not charged"),
        )
    if appointment.capacity == 1:
        appointment.status = Appointment.Status.CANCELLED
        appointment.booked = 0
        appointment.save(update_fields=["status", "booked", "updated_at"])
        meeting_sync(appointment=appointment)
    else:
        Appointment.objects.filter(pk=appointment.pk).update(booked=F("booked") - 1)
        appointment.refresh_from_db(fields=["booked"])
        waitlist_promote(appointment=appointment, now=now)
    notices.booking_cancelled(booking=booking)
    return booking


def waitlist_promote(*, appointment: Appointment, now: dt.datetime) -> Booking | None:
    """Give a freed place to the first client waiting who can take it (one with no
    session left in their pack, or another session at that time, is passed over and
    stays waiting). Runs inside the caller's transaction, the appointment locked; the
    place is the business's doing, so it has no ``booked_by``."""
    if appointment.starts_at <= now or appointment.booked >= appointment.capacity:
        return None
    waiting = WaitlistEntry.objects.filter(
        appointment=appointment, status=WaitlistEntry.Status.WAITING
    ).select_related("client")
    for entry in waiting:
        if entry.client.status == Client.Status.ARCHIVED:
            continue
        try:
            with transaction.atomic():
                return _place_take(
                    appointment=appointment,
                    client=entry.client,
                    by=None,
                    now=now,
                    mind_notice=False,
                )
        except ValidationError:
            continue
    return None


@transaction.atomic
def waitlist_join(*, appointment: Appointment, client: Client, by: User) -> WaitlistEntry:
    """Wait for a place in a full class."""
    _check_client(client=client, by=by)
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.capacity == 1:
        raise ValidationError({"appointment": _("Only classes have a waitlist.")})
    if appointment.booked < appointment.capacity:
        raise ValidationError({"appointment": _("This class has places: book one.")})
    if Booking.objects.filter(
        appointment=appointment, client=client, status__in=Booking.HOLDING
    ).exists():
        raise ValidationError({"appointment": _("You already have a place in this class.")})
    entry, _created = WaitlistEntry.objects.get_or_create(
        appointment=appointment, client=client, status=WaitlistEntry.Status.WAITING
    )
    return entry


@transaction.atomic
def waitlist_leave(*, entry: WaitlistEntry, by: User) -> WaitlistEntry:
    _check_client(client=entry.client, by=by)
    WaitlistEntry.objects.filter(pk=entry.pk, status=WaitlistEntry.Status.WAITING).update(
        status=WaitlistEntry.Status.LEFT
    )
    entry.refresh_from_db()
    return entry


@transaction.atomic
def booking_reschedule(
    *,
    booking: Booking,
    starts_at: dt.datetime,
    by: User,
    now: dt.datetime | None = None,
    coach: User | None = None,
) -> Booking:
    """Move a one-to-one session to another time (and, for staff, another coach). A
    client may move it until the cancellation window closes; the pack is untouched."""
    now = now or timezone.now()
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    appointment = Appointment.objects.select_for_update().get(pk=booking.appointment_id)
    if booking.status != Booking.Status.BOOKED:
        raise ValidationError({"booking": _("This booking is not open any more.")})
    if appointment.capacity != 1:
        raise ValidationError(
            {"booking": _("A class keeps its time: cancel and book another of its times.")}
        )
    if not is_staff_member(by):
        _check_client(client=booking.client, by=by)
        if _is_late(booking, now):
            raise ValidationError(
                {"booking": _("It is too late to move this session. Please contact your coach.")}
            )
        coach = None
    return _appointment_move(
        appointment=appointment,
        starts_at=starts_at,
        coach=coach or appointment.coach,
        by=by,
        now=now,
    ).bookings.get(pk=booking.pk)


@transaction.atomic
def appointment_move(
    *,
    appointment: Appointment,
    starts_at: dt.datetime,
    by: User,
    coach: User | None = None,
    now: dt.datetime | None = None,
) -> Appointment:
    """Staff move an appointment (drag and drop, or the move form): its bookings move
    with it. Another session in the way refuses the move."""
    if not is_staff_member(by):
        raise PermissionDenied(_("Only staff move sessions."))
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.status != Appointment.Status.SCHEDULED:
        raise ValidationError({"appointment": _("This session was cancelled.")})
    return _appointment_move(
        appointment=appointment,
        starts_at=starts_at,
        coach=coach or appointment.coach,
        by=by,
        now=now or timezone.now(),
    )


def _appointment_move(
    *, appointment: Appointment, starts_at: dt.datetime, coach: User, by: User, now: dt.datetime
) -> Appointment:
    notices.appointment_moved(appointment=appointment)  # before: it notes the old time
    session_type = appointment.session_type
    if coach.pk != appointment.coach_id and not session_type.coaches.filter(pk=coach.pk).exists():
        raise ValidationError({"coach": _("This coach does not offer this session.")})
    _check_time(
        session_type=session_type,
        coach=coach,
        starts_at=starts_at,
        by=by,
        now=now,
        ignore=appointment,
    )
    hold = _hold(session_type, coach, starts_at)
    try:
        with transaction.atomic():
            for name, value in hold.items():
                setattr(appointment, name, value)
            appointment.coach = coach
            appointment.save()
            appointment.bookings.filter(status__in=Booking.HOLDING).update(
                starts_at=hold["starts_at"], ends_at=hold["ends_at"]
            )
    except IntegrityError as exc:
        raise _refused(exc) from exc
    meeting_sync(appointment=appointment)
    return appointment


@transaction.atomic
def attendance_mark(*, booking: Booking, status: str, by: User) -> Booking:
    """Staff mark a booking attended or a no-show. A no-show costs what the type says:
    with "nothing", the session goes back to the pack (and is drawn again if the
    coach then marks the client as attended after all)."""
    if not is_staff_member(by):
        raise PermissionDenied(_("Only staff mark attendance."))
    if status not in (Booking.Status.ATTENDED, Booking.Status.NO_SHOW, Booking.Status.BOOKED):
        raise ValidationError({"status": _("Mark attended or no-show.")})
    booking = Booking.objects.select_for_update().select_related("client").get(pk=booking.pk)
    if not booking.is_holding:
        raise ValidationError({"booking": _("This booking was cancelled.")})
    session_type = booking.appointment.session_type
    returned = (
        booking.status == Booking.Status.NO_SHOW
        and session_type.no_show_charge == SessionType.Charge.NOTHING
    )
    returns = (
        status == Booking.Status.NO_SHOW
        and session_type.no_show_charge == SessionType.Charge.NOTHING
    )
    if booking.credit_reference and returns and not returned:
        session_return(
            reference=booking.credit_reference,
            client=booking.client,
            by=by,
            reason=_("No-show, not charged"),
        )
    if booking.credit_reference and returned and not returns:
        session_draw(client=booking.client, reference=booking.credit_reference, by=by)
    booking.status = status
    booking.save(update_fields=["status"])
    return booking
