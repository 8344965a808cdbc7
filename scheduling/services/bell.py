"""The bell (and push) beside the booking mails of ``notices``: the client and the coach
hear that a booking was made, given from the waitlist, cancelled or moved."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from notifications.models import Kind
from notifications.services import notify

from ..models import Appointment, Booking

CONFIRMED, PROMOTED, CANCELLED = "confirmed", "promoted", "cancelled"


def booking_bell(*, booking: Booking, notice: str) -> int:
    """Notify ``booking``'s client (their sessions page) and the session's coach (the
    session in the calendar) of ``notice``, once per booking and notice."""
    appointment = booking.appointment
    what = appointment.session_type.name if appointment.session_type_id else _("Session")
    titles = {
        CONFIRMED: (_("Booked: %(what)s"), _("%(client)s booked %(what)s")),
        PROMOTED: (_("You got a place: %(what)s"), _("%(client)s got a place in %(what)s")),
        CANCELLED: (_("Cancelled: %(what)s"), _("%(client)s's booking of %(what)s is cancelled")),
    }
    if notice not in titles:
        return 0
    for_client, for_coach = titles[notice]
    names = {"what": what, "client": booking.client.full_name}
    key = f"booking:{booking.pk}:{notice}"
    made = 0
    if booking.client.user_id:
        made += (
            notify(
                user=booking.client.user,
                kind=Kind.BOOKING,
                title=for_client % names,
                url=reverse("scheduling_sessions"),
                key=key,
            )
            is not None
        )
    if appointment.coach_id:
        made += (
            notify(
                user=appointment.coach,
                kind=Kind.BOOKING,
                title=for_coach % names,
                url=reverse("backoffice:scheduling_appointment", args=[appointment.pk]),
                key=key,
            )
            is not None
        )
    return made


def appointment_moved_bell(
    *, appointment: Appointment, bookings: list[Booking], was_coach_id: int | None
) -> int:
    """Notify the clients with a place in the moved ``appointment`` (their sessions
    page) and its coach (the session), and the coach who had it when it was handed to
    another (their calendar), once per move."""
    what = appointment.session_type.name if appointment.session_type_id else _("Session")
    key = f"moved:{appointment.pk}:{int(appointment.starts_at.timestamp())}:{appointment.coach_id}"
    made = 0
    for booking in bookings:
        if booking.client.user_id:
            made += (
                notify(
                    user=booking.client.user,
                    kind=Kind.BOOKING,
                    title=_("Moved: %(what)s") % {"what": what},
                    url=reverse("scheduling_sessions"),
                    key=key,
                )
                is not None
            )
    if appointment.coach_id:
        made += (
            notify(
                user=appointment.coach,
                kind=Kind.BOOKING,
                title=_("%(what)s was moved") % {"what": what},
                url=reverse("backoffice:scheduling_appointment", args=[appointment.pk]),
                key=key,
            )
            is not None
        )
    if was_coach_id and was_coach_id != appointment.coach_id:
        previous = User.objects.filter(pk=was_coach_id).first()
        made += (
            notify(
                user=previous,
                kind=Kind.BOOKING,
                title=_("%(what)s was handed to another coach") % {"what": what},
                url=reverse("backoffice:scheduling_calendar"),
                key=key,
            )
            is not None
        )
    return made
