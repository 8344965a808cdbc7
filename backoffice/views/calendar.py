"""Back office: the calendar. A week or a day of sessions, for one coach or (the owner)
for the whole business; booking a session for a client; one session's page with its
clients, attendance, cancellation and a move form that needs no JavaScript (dragging a
session on the calendar posts the same form).

Times are on the business's clock. A coach opens only their own calendar; the owner,
everyone's (``scheduling.selectors.calendar_coaches``). Every write is a scheduling
service.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.policies import is_owner
from clients.selectors import client_queryset_for
from scheduling.forms import (
    AttendanceForm,
    CalendarBookForm,
    CancelForm,
    ClassAddForm,
    MoveForm,
    StaffCancelForm,
)
from scheduling.models import Appointment, Booking, SessionType
from scheduling.selectors import (
    appointment_queryset_for,
    business_zone,
    calendar_appointments,
    calendar_blocked,
    calendar_coaches,
    calendar_windows,
    session_types_offered,
)
from scheduling.services import booking as booking_services
from scheduling.services.recurring import WeeklyMode, session_book_weekly

from ..chrome import render_page

DAY_FIRST_HOUR = 7  # the calendar shows at least 07:00-20:00
DAY_LAST_HOUR = 20


def urls(site):
    return [
        path("scheduling/calendar/", site.admin_view(calendar_view), name="scheduling_calendar"),
        path("scheduling/calendar/book/", site.admin_view(book_view), name="scheduling_book"),
        path(
            "scheduling/calendar/<int:pk>/",
            site.admin_view(appointment_view),
            name="scheduling_appointment",
        ),
        path(
            "scheduling/calendar/<int:pk>/move/",
            site.admin_view(move_view),
            name="scheduling_move",
        ),
    ]


# --- the calendar --------------------------------------------------------------------------


@dataclass
class Placed:
    """An appointment placed in a column: its position in percent of the day shown."""

    appointment: Appointment
    top: float
    height: float
    lane: int = 0
    lanes: int = 1

    @property
    def left(self) -> float:
        return 100 * self.lane / self.lanes

    @property
    def width(self) -> float:
        return 100 / self.lanes


@dataclass
class Column:
    day: dt.date
    coach: object | None  # the coach of a per-coach column (the day view of everyone)
    label: str
    events: list[Placed] = field(default_factory=list)
    open: list[tuple[float, float]] = field(default_factory=list)  # working hours, percent
    blocked: list[tuple[float, float, str, str]] = field(default_factory=list)  # + kind, label
    is_today: bool = False


def _day_param(request: HttpRequest, today: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return today


def _hour_range(events, windows, tz) -> tuple[int, int]:
    first, last = DAY_FIRST_HOUR, DAY_LAST_HOUR
    for start, end in [*((a.starts_at, a.ends_at) for a in events), *windows]:
        local_start, local_end = start.astimezone(tz), end.astimezone(tz)
        first = min(first, local_start.hour)
        if local_end.date() > local_start.date():
            last = 24
        else:
            last = max(last, local_end.hour + (1 if local_end.minute else 0))
    return first, last


def _percent(moment: dt.datetime, day: dt.date, first: int, last: int, tz) -> float:
    local = moment.astimezone(tz)
    if local.date() < day:
        return 0.0
    if local.date() > day:
        return 100.0
    minutes = local.hour * 60 + local.minute - first * 60
    return max(0.0, min(100.0, 100 * minutes / ((last - first) * 60)))


def _span(start, end, day, first, last, tz) -> tuple[float, float] | None:
    """(top, height) in percent of ``day``'s column of the part of start..end in it."""
    if not start.astimezone(tz).date() <= day <= end.astimezone(tz).date():
        return None
    top = _percent(start, day, first, last, tz)
    bottom = _percent(end, day, first, last, tz)
    return (top, bottom - top) if bottom > top else None


def _lanes(placed: list[Placed]) -> None:
    """Side by side where sessions overlap (several coaches in one day's column): each
    cluster of overlapping sessions is split into as many lanes as it needs."""
    placed.sort(key=lambda p: (p.top, -p.height))
    cluster: list[Placed] = []
    cluster_end = -1.0

    def close() -> None:
        lanes = max((m.lane for m in cluster), default=-1) + 1
        for member in cluster:
            member.lanes = lanes

    for item in placed:
        if cluster and item.top >= cluster_end:
            close()
            cluster, cluster_end = [], -1.0
        busy = {m.lane for m in cluster if m.top + m.height > item.top}
        item.lane = next(n for n in range(len(cluster) + 1) if n not in busy)
        cluster.append(item)
        cluster_end = max(cluster_end, item.top + item.height)
    if cluster:
        close()


def calendar_view(request: HttpRequest) -> HttpResponse:
    """A week (or a day) of sessions: one coach's, or everyone's for the owner."""
    tz = business_zone()
    today = timezone.now().astimezone(tz).date()
    day = _day_param(request, today)
    mode = "day" if request.GET.get("view") == "day" else "week"
    allowed = list(calendar_coaches(user=request.user))
    wanted = request.GET.get("coach", "")
    everyone = is_owner(request.user) and wanted in ("", "all")
    coaches = allowed if everyone else [c for c in allowed if str(c.pk) == wanted]
    if not coaches:
        coaches = [c for c in allowed if c.pk == request.user.pk] or allowed[:1]
    start_day = day - dt.timedelta(days=day.weekday()) if mode == "week" else day
    days = [start_day + dt.timedelta(days=n) for n in range(7 if mode == "week" else 1)]
    start = dt.datetime.combine(days[0], dt.time(), tzinfo=tz)
    end = dt.datetime.combine(days[-1] + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    appointments = calendar_appointments(user=request.user, start=start, end=end, coaches=coaches)
    one = coaches[0] if len(coaches) == 1 else None
    windows = calendar_windows(coaches=coaches, start=start, end=end) if one else {}
    blocked = calendar_blocked(coach=one, start=start, end=end) if one else []
    first, last = _hour_range(appointments, [w for ws in windows.values() for w in ws], tz)

    by_coach = mode == "day" and len(coaches) > 1
    if by_coach:
        columns = [
            Column(day=day, coach=c, label=c.get_full_name() or c.email, is_today=day == today)
            for c in coaches
        ]
    else:
        columns = [
            Column(
                day=d,
                coach=coaches[0] if len(coaches) == 1 else None,
                label="",
                is_today=d == today,
            )
            for d in days
        ]
    for column in columns:
        for appointment in appointments:
            if by_coach and appointment.coach_id != column.coach.pk:
                continue
            local_start = appointment.starts_at.astimezone(tz).date()
            local_end = (appointment.ends_at - dt.timedelta(seconds=1)).astimezone(tz).date()
            if not local_start <= column.day <= local_end:
                continue
            top = _percent(appointment.starts_at, column.day, first, last, tz)
            bottom = _percent(appointment.ends_at, column.day, first, last, tz)
            column.events.append(Placed(appointment, top, max(bottom - top, 1.5)))
        _lanes(column.events)
        for start_w, end_w in windows.get(one.pk, []) if one else []:
            span = _span(start_w, end_w, column.day, first, last, tz)
            if span:
                column.open.append(span)
        for start_b, end_b, kind in blocked:
            span = _span(start_b, end_b, column.day, first, last, tz)
            if span:
                label = _("Time off") if kind == "off" else _("Busy in your own calendar")
                column.blocked.append((*span, kind, label))

    step = dt.timedelta(days=7 if mode == "week" else 1)
    coach_value = "all" if everyone else str(coaches[0].pk)

    def link(**changes) -> str:
        params = {"view": mode, "date": day.isoformat(), "coach": coach_value} | changes
        return f"{reverse('backoffice:scheduling_calendar')}?{urlencode(params)}"

    context = {
        "title": _("Calendar"),
        "mode": mode,
        "day": day,
        "days": days,
        "columns": columns,
        "by_coach": by_coach,
        "hours": [dt.time(h) for h in range(first, last)],
        "first_hour": first,
        "last_hour": last,
        "coaches": allowed,
        "coach_value": coach_value,
        "everyone": everyone,
        "may_see_everyone": is_owner(request.user),
        "zone": str(tz),
        "appointments": appointments,
        "previous_url": link(date=(day - step).isoformat()),
        "next_url": link(date=(day + step).isoformat()),
        "today_url": link(date=today.isoformat()),
        "day_url": link(view="day"),
        "week_url": link(view="week"),
        "book_url": reverse("backoffice:scheduling_book"),
        "range_start": days[0],
        "range_end": days[-1],
    }
    return render_page(request, "scheduling/backoffice/calendar.html", context)


# --- booking for a client ------------------------------------------------------------------


def _book_form(request: HttpRequest, data=None) -> CalendarBookForm:
    tz = business_zone()
    initial = {"weeks": 1, "coach": request.user.pk}
    for name in ("day", "time", "coach", "client", "session_type"):
        if request.GET.get(name):
            initial[name] = request.GET[name]
    return CalendarBookForm(
        data,
        initial=initial,
        tz=tz,
        session_types=session_types_offered(),
        coaches=calendar_coaches(user=request.user),
        clients=client_queryset_for(user=request.user)
        .exclude(status="archived")
        .order_by("first_name", "last_name"),
    )


def _form_errors(form, exc: ValidationError) -> None:
    """A service's refusal on the form: on its field when the form has it."""
    for name, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
        form.add_error(name if name in form.fields else None, errors)


def _book(request: HttpRequest, form: CalendarBookForm) -> Appointment | None:
    data = form.cleaned_data
    kind: SessionType = data["session_type"]
    client = data.get("client")
    try:
        if kind.is_class:
            appointment = booking_services.class_schedule(
                session_type=kind,
                coach=data["coach"],
                starts_at=data["starts_at"],
                by=request.user,
                note=data["note"],
            )
            if client is not None:
                booking_services.class_join(appointment=appointment, client=client, by=request.user)
            return appointment
        if data["weeks"] > 1:
            result = session_book_weekly(
                client=client,
                session_type=kind,
                coach=data["coach"],
                starts_at=data["starts_at"],
                weeks=data["weeks"],
                by=request.user,
                mode=WeeklyMode.ALL,
                note=data["note"],
            )
            return result.booked[0].appointment
        return booking_services.session_book(
            client=client,
            session_type=kind,
            coach=data["coach"],
            starts_at=data["starts_at"],
            by=request.user,
            note=data["note"],
        ).appointment
    except ValidationError as exc:
        _form_errors(form, exc)
    except PermissionDenied as exc:
        form.add_error(None, str(exc) or _("You cannot book this."))
    return None


def book_view(request: HttpRequest) -> HttpResponse:
    """Book a one-to-one for a client, or put a class on the calendar."""
    if request.method == "POST":
        form = _book_form(request, request.POST)
        if form.is_valid():
            appointment = _book(request, form)
            if appointment is not None:
                messages.success(request, _("Booked: %(what)s.") % {"what": _when(appointment)})
                return redirect("backoffice:scheduling_appointment", pk=appointment.pk)
    else:
        form = _book_form(request)
    context = {
        "title": _("Book a session"),
        "form": form,
        "zone": str(business_zone()),
        "calendar_url": reverse("backoffice:scheduling_calendar"),
    }
    return render_page(
        request,
        "scheduling/backoffice/book.html",
        context,
        status=400 if form.is_bound else 200,
    )


# --- one session ---------------------------------------------------------------------------


def _when(appointment: Appointment) -> str:
    local = appointment.starts_at.astimezone(business_zone())
    return f"{appointment.session_type}, {local:%a %-d %b %H:%M}"


def _appointment_for(request: HttpRequest, pk: int) -> Appointment:
    try:
        return appointment_queryset_for(user=request.user).get(pk=pk)
    except Appointment.DoesNotExist as exc:
        raise Http404(_("No such session.")) from exc


def _move_form(request: HttpRequest, appointment: Appointment, data=None) -> MoveForm:
    tz = business_zone()
    local = appointment.starts_at.astimezone(tz)
    coaches = calendar_coaches(user=request.user).filter(
        pk__in=appointment.session_type.coaches.values("pk")
    ) | calendar_coaches(user=request.user).filter(pk=appointment.coach_id)
    return MoveForm(
        data,
        tz=tz,
        coaches=coaches.distinct(),
        initial={"day": local.date(), "time": local.time(), "coach": appointment.coach_id},
    )


def _class_join_form(request: HttpRequest, appointment: Appointment, data=None) -> ClassAddForm:
    clients = (
        client_queryset_for(user=request.user)
        .exclude(status="archived")
        .exclude(pk__in=appointment.bookings.filter(status__in=Booking.HOLDING).values("client"))
        .order_by("first_name", "last_name")
    )
    return ClassAddForm(data, clients=clients, prefix="join")


def appointment_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One session: when, where, who; attendance, cancellation, moving, a class's roster."""
    appointment = _appointment_for(request, pk)
    move_form = _move_form(request, appointment)
    join_form = _class_join_form(request, appointment) if appointment.capacity > 1 else None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            done = _act(request, appointment, action)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            status = 400
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("You cannot change this session."))
            status = 403
        else:
            if done is not None:
                messages.success(request, done)
                return redirect("backoffice:scheduling_appointment", pk=appointment.pk)
            status = 400
        appointment = _appointment_for(request, pk)
    holding = [
        b
        for b in appointment.bookings.select_related("client").order_by("created_at")
        if b.is_holding or b.status in (Booking.Status.CANCELLED, Booking.Status.LATE_CANCELLED)
    ]
    context = {
        "title": _when(appointment),
        "appointment": appointment,
        "bookings": holding,
        "waitlist": appointment.waitlist.filter(status="waiting").select_related("client"),
        "move_form": move_form,
        "join_form": join_form,
        "cancel_form": CancelForm(),
        "zone": str(business_zone()),
        "now": timezone.now(),
        "calendar_url": reverse("backoffice:scheduling_calendar")
        + "?"
        + urlencode({"date": appointment.starts_at.astimezone(business_zone()).date().isoformat()}),
    }
    return render_page(request, "scheduling/backoffice/appointment.html", context, status=status)


def _booking_of(appointment: Appointment, booking_id: int) -> Booking:
    try:
        return appointment.bookings.get(pk=booking_id)
    except Booking.DoesNotExist as exc:
        raise ValidationError(_("That client is not booked in this session.")) from exc


def _act(request: HttpRequest, appointment: Appointment, action: str | None) -> str | None:
    """One POSTed action on the session's page; the message to show, or None when the
    form was not valid (its errors are shown as a message)."""
    if action == "attendance":
        form = AttendanceForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Choose attended or no-show."))
        booking = _booking_of(appointment, form.cleaned_data["booking"])
        booking = booking_services.attendance_mark(
            booking=booking, status=form.cleaned_data["status"], by=request.user
        )
        return _("%(client)s: %(status)s.") % {
            "client": booking.client,
            "status": booking.get_status_display(),
        }
    if action == "cancel":
        form = StaffCancelForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Choose the booking to cancel."))
        booking = _booking_of(appointment, form.cleaned_data["booking"])
        booking = booking_services.booking_cancel(
            booking=booking,
            by=request.user,
            reason=form.cleaned_data["reason"],
            waive_late=form.cleaned_data["waive_late"],
        )
        if booking.status == Booking.Status.LATE_CANCELLED:
            return _("Cancelled late: %(client)s's session is charged.") % {
                "client": booking.client
            }
        return _("Cancelled. %(client)s's session is given back.") % {"client": booking.client}
    if action == "join" and appointment.capacity > 1:
        form = _class_join_form(request, appointment, request.POST)
        if not form.is_valid():
            raise ValidationError(_("Choose a client to add."))
        booking_services.class_join(
            appointment=appointment, client=form.cleaned_data["client"], by=request.user
        )
        return _("%(client)s has a place.") % {"client": form.cleaned_data["client"]}
    raise ValidationError(_("Nothing to do."))


@require_POST
def move_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a session: the form on its page, or a session dropped on the calendar (which
    asks for JSON: ``{"ok": true}`` or 400 with the field errors)."""
    appointment = _appointment_for(request, pk)
    wants_json = "application/json" in request.headers.get("Accept", "")
    form = _move_form(request, appointment, request.POST)
    if form.is_valid():
        try:
            appointment = booking_services.appointment_move(
                appointment=appointment,
                starts_at=form.cleaned_data["starts_at"],
                coach=form.cleaned_data["coach"],
                by=request.user,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("You cannot move this session."))
    if form.errors:
        if wants_json:
            errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
            return JsonResponse({"ok": False, "errors": errors}, status=400)
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("backoffice:scheduling_appointment", pk=appointment.pk)
    message = _("Moved to %(when)s.") % {"when": _when(appointment)}
    if wants_json:
        messages.success(request, message)
        return JsonResponse({"ok": True, "message": message})
    messages.success(request, message)
    return redirect("backoffice:scheduling_appointment", pk=appointment.pk)
