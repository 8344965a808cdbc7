"""Portal pages: a client's sessions (/sessions/), booking one, a place in a class,
moving and cancelling. Times are shown in the client's own time zone."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.policies import portal_client_required
from billing.selectors import session_balance
from clients.selectors import client_zone

from ..forms import CancelForm, DayForm, TimeChoiceForm
from ..models import Appointment, Booking, SessionType, WaitlistEntry
from ..selectors import (
    cancel_deadline,
    client_bookings,
    coaches_for,
    free_days,
    session_types_offered,
    upcoming_classes,
)
from ..services import booking as svc

SECTION = gettext_lazy("Your sessions")
CLASS_WEEKS = 4


def _errors(request, errors: dict) -> None:
    """Each message of a form's errors or a service's ValidationError.message_dict."""
    for messages_of_field in errors.values():
        for error in messages_of_field:
            messages.error(request, error)


def _offer(client, now):
    """What the client may book: each type with its coaches, and each class's times."""
    offer = []
    for kind in session_types_offered().prefetch_related("coaches"):
        if kind.is_class:
            times = list(
                upcoming_classes(
                    session_type=kind, now=now, until=now + dt.timedelta(weeks=CLASS_WEEKS)
                )
            )
            mine = set(
                Booking.objects.filter(
                    client=client, appointment__in=times, status__in=Booking.HOLDING
                ).values_list("appointment_id", flat=True)
            )
            waiting = set(
                WaitlistEntry.objects.filter(
                    client=client, appointment__in=times, status=WaitlistEntry.Status.WAITING
                ).values_list("appointment_id", flat=True)
            )
            offer.append({"type": kind, "classes": times, "mine": mine, "waiting": waiting})
        else:
            offer.append({"type": kind, "coaches": list(coaches_for(kind))})
    return offer


@portal_client_required(section=SECTION)
def sessions(request):
    client = request.client
    now = timezone.now()
    upcoming = list(client_bookings(client=client, now=now))
    for booking in upcoming:
        booking.movable = booking.appointment.capacity == 1 and now < cancel_deadline(booking)
    context = {
        "client": client,
        "tz": client_zone(client),
        "upcoming": upcoming,
        "past": client_bookings(client=client, now=now, upcoming=False)[:10],
        "offer": _offer(client, now),
        "balance": session_balance(client=client),
        "now": now,
    }
    return render(request, "scheduling/portal/sessions.html", context)


def _coach_for(kind: SessionType, client, wanted: int | None):
    coaches = list(coaches_for(kind))
    if not coaches:
        raise Http404
    by_pk = {coach.pk: coach for coach in coaches}
    if wanted in by_pk:
        return by_pk[wanted], coaches
    return by_pk.get(client.primary_coach_id, coaches[0]), coaches


@portal_client_required(section=SECTION)
def book(request, type_id: int):
    """Pick a day and a time for a one-to-one session."""
    client = request.client
    kind = get_object_or_404(session_types_offered(), pk=type_id, capacity=1)
    form = DayForm(request.GET)
    form.is_valid()
    coach, coaches = _coach_for(kind, client, form.cleaned_data.get("coach"))
    return _picker(request, kind=kind, coach=coach, coaches=coaches, form=form, moving=None)


def _picker(request, *, kind, coach, coaches, form, moving):
    client = request.client
    now = timezone.now()
    tz = client_zone(client)
    days = free_days(session_type=kind, coach=coach, now=now, tz=tz)
    day = form.cleaned_data.get("day")
    if day not in days:
        day = next((d for d, times in days.items() if times), next(iter(days)))
    needs_credit = kind.payment == SessionType.Payment.CREDITS
    balance = session_balance(client=client) if needs_credit else None
    context = {
        "kind": kind,
        "coach": coach,
        "coaches": coaches,
        "days": days,
        "day": day,
        "times": days[day],
        "tz": tz,
        "needs_credit": needs_credit,
        "balance": balance,
        "moving": moving,
    }
    return render(request, "scheduling/portal/book.html", context)


@portal_client_required(section=SECTION)
def book_confirm(request, type_id: int):
    """GET: the chosen time, to confirm; POST: book it."""
    client = request.client
    kind = get_object_or_404(session_types_offered(), pk=type_id, capacity=1)
    form = TimeChoiceForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        _errors(request, form.errors)
        return redirect("scheduling_book", type_id=kind.pk)
    coach, _coaches = _coach_for(kind, client, form.cleaned_data.get("coach"))
    starts_at = form.cleaned_data["starts_at"]
    if request.method == "POST":
        try:
            svc.session_book(
                client=client, session_type=kind, coach=coach, starts_at=starts_at, by=request.user
            )
        except ValidationError as exc:
            _errors(request, exc.message_dict)
            day = starts_at.astimezone(client_zone(client)).date().isoformat()
            return redirect(f"/sessions/book/{kind.pk}/?coach={coach.pk}&day={day}")
        local = timezone.localtime(starts_at, client_zone(client))
        messages.success(
            request,
            _("Booked: %(kind)s with %(coach)s on %(when)s.")
            % {
                "kind": kind.name,
                "coach": coach.first_name or coach.email,
                "when": local.strftime("%A %-d %B at %H:%M"),
            },
        )
        return redirect("scheduling_sessions")
    needs_credit = kind.payment == SessionType.Payment.CREDITS
    context = {
        "kind": kind,
        "coach": coach,
        "starts_at": starts_at,
        "ends_at": starts_at + kind.duration,
        "tz": client_zone(client),
        "needs_credit": needs_credit,
        "balance": session_balance(client=client) if needs_credit else None,
    }
    return render(request, "scheduling/portal/confirm.html", context)


@portal_client_required(section=SECTION)
@require_POST
def class_join(request, appointment_id: int):
    client = request.client
    occurrence = get_object_or_404(
        Appointment.objects.filter(session_type__in=session_types_offered(), capacity__gt=1),
        pk=appointment_id,
    )
    try:
        if request.POST.get("waitlist"):
            svc.waitlist_join(appointment=occurrence, client=client, by=request.user)
            messages.success(
                request,
                _("You are on the waitlist. If a place frees up it is yours, and we tell you."),
            )
        else:
            svc.class_join(appointment=occurrence, client=client, by=request.user)
            messages.success(request, _("You have a place in %(kind)s.") % {"kind": occurrence})
    except ValidationError as exc:
        _errors(request, exc.message_dict)
    return redirect("scheduling_sessions")


def _own_booking(request, pk: int) -> Booking:
    return get_object_or_404(
        Booking.objects.select_related("appointment__session_type", "appointment__coach"),
        pk=pk,
        client=request.client,
    )


@portal_client_required(section=SECTION)
def cancel(request, pk: int):
    """GET: what cancelling costs now; POST: cancel."""
    booking = _own_booking(request, pk)
    now = timezone.now()
    kind = booking.appointment.session_type
    free_until = cancel_deadline(booking)
    late = now > free_until
    if request.method == "POST":
        form = CancelForm(request.POST)
        if form.is_valid():
            try:
                svc.booking_cancel(
                    booking=booking, by=request.user, now=now, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                _errors(request, exc.message_dict)
                return redirect("scheduling_sessions")
            messages.success(request, _("Your session is cancelled."))
            return redirect("scheduling_sessions")
    else:
        form = CancelForm()
    context = {
        "booking": booking,
        "kind": kind,
        "late": late,
        "costs_credit": bool(booking.credit_reference)
        and late
        and kind.late_cancel_charge == SessionType.Charge.CREDIT,
        "free_until": free_until,
        "tz": client_zone(request.client),
        "form": form,
        "open": booking.status == Booking.Status.BOOKED and booking.starts_at > now,
    }
    return render(request, "scheduling/portal/cancel.html", context)


@portal_client_required(section=SECTION)
def reschedule(request, pk: int):
    """GET: pick another time; POST: move the session there."""
    booking = _own_booking(request, pk)
    kind = booking.appointment.session_type
    if booking.status != Booking.Status.BOOKED or kind.is_class:
        raise Http404
    if request.method == "POST":
        form = TimeChoiceForm(request.POST)
        if form.is_valid():
            try:
                moved = svc.booking_reschedule(
                    booking=booking, starts_at=form.cleaned_data["starts_at"], by=request.user
                )
            except ValidationError as exc:
                _errors(request, exc.message_dict)
                return redirect("scheduling_reschedule", pk=booking.pk)
            local = timezone.localtime(moved.starts_at, client_zone(request.client))
            messages.success(
                request,
                _("Moved to %(when)s.") % {"when": local.strftime("%A %-d %B at %H:%M")},
            )
            return redirect("scheduling_sessions")
        _errors(request, form.errors)
    form = DayForm(request.GET)
    form.is_valid()
    coach = booking.appointment.coach
    return _picker(request, kind=kind, coach=coach, coaches=[coach], form=form, moving=booking)


urlpatterns = [
    path("sessions/", sessions, name="scheduling_sessions"),
    path("sessions/book/<int:type_id>/", book, name="scheduling_book"),
    path("sessions/book/<int:type_id>/confirm/", book_confirm, name="scheduling_book_confirm"),
    path("sessions/class/<int:appointment_id>/", class_join, name="scheduling_class_join"),
    path("sessions/<int:pk>/cancel/", cancel, name="scheduling_cancel"),
    path("sessions/<int:pk>/reschedule/", reschedule, name="scheduling_reschedule"),
]
