"""Assigning programs to clients, and keeping their calendars.

Assigning makes the client their own copy of the program (a deep copy: later edits
of the template never reach it) and a ``ScheduledWorkout`` for every session of the
program's length: the written weeks repeat up to ``length_weeks``, and the sessions,
in order (week by week, day by day), take the chosen weekdays one after another
from the start date. With fewer training days than workouts in a week the program
simply takes longer; it never skips a workout.

One active main program per client (the ``assignment_one_active_main`` constraint);
extras (``is_main=False``) are unlimited. Pausing hides the future workouts (they
stay, with their order); resuming lays them out again on the chosen weekdays from
the day of resuming.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from clients.models import Client
from clients.services.measurements import client_today

from ..models import Program, ProgramAssignment, ProgramDay, ScheduledWorkout
from .program_structure import program_clone

MAX_SHIFT_DAYS = 365


def weekdays_clean(weekdays: Iterable) -> list[int]:
    try:
        days = sorted({int(d) for d in weekdays or []})
    except (TypeError, ValueError):
        raise ValidationError(
            {"weekdays": _("Choose training days from Monday to Sunday.")}
        ) from None
    if not days or days[0] < 0 or days[-1] > 6:
        raise ValidationError({"weekdays": _("Choose at least one training day.")})
    return days


def training_dates(*, start: datetime.date, weekdays: list[int], count: int):
    """The first ``count`` dates on or after ``start`` that fall on ``weekdays``."""
    dates, day = [], start
    while len(dates) < count:
        if day.weekday() in weekdays:
            dates.append(day)
        day += datetime.timedelta(days=1)
    return dates


def program_sessions(program: Program) -> list[tuple[int, ProgramDay]]:
    """(program week, day) for every session of the program's length, in order (two
    queries). Written weeks with no workouts are rest weeks and add no session."""
    weeks = list(program.weeks.order_by("number").prefetch_related("days"))
    written = [sorted(w.days.all(), key=lambda d: (d.position, d.pk)) for w in weeks]
    sessions = []
    for week_number in range(1, program.length_weeks + 1):
        if not written:
            break
        for day in written[(week_number - 1) % len(written)]:
            sessions.append((week_number, day))
    return sessions


def _main_conflict(client: Client, *, exclude: int | None = None) -> ProgramAssignment | None:
    rows = ProgramAssignment.objects.filter(
        client=client, is_main=True, status=ProgramAssignment.Status.ACTIVE
    ).select_related("program")
    if exclude:
        rows = rows.exclude(pk=exclude)
    return rows.first()


def _main_message(client: Client, current: ProgramAssignment) -> str:
    return _(
        "%(client)s already follows %(program)s as their main program. Cancel or pause it "
        "first, or assign this one as an extra."
    ) % {"client": client.full_name, "program": current.program.name}


def _schedule(assignment: ProgramAssignment, start: datetime.date) -> int:
    sessions = program_sessions(assignment.program)
    dates = training_dates(start=start, weekdays=assignment.weekdays, count=len(sessions))
    ScheduledWorkout.objects.bulk_create(
        ScheduledWorkout(
            assignment=assignment,
            client_id=assignment.client_id,
            day=day,
            week_number=week_number,
            date=date,
        )
        for (week_number, day), date in zip(sessions, dates, strict=True)
    )
    return len(sessions)


@transaction.atomic
def assignment_create(
    *,
    program: Program,
    clients: list[Client],
    start_date: datetime.date | None,
    weekdays: Iterable,
    by: User | None,
    is_main: bool = True,
) -> list[ProgramAssignment]:
    """Assign ``program`` to each of ``clients``: all of them, or none (every problem
    is reported under ``clients``). Each gets their own copy of the program and a dated
    workout for every session."""
    errors: dict[str, list[str]] = {}
    days = []
    try:
        days = weekdays_clean(weekdays)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if start_date is None:
        errors["start_date"] = [_("Choose the day the program starts, like 2025-03-14.")]
    if not clients:
        errors["clients"] = [_("Choose at least one client.")]
    if program.archived_at is not None:
        errors["program"] = [_("This program is archived.")]
    if not program_sessions(program):
        errors["program"] = [_("This program has no workouts yet: add a day first.")]
    seen = set()
    for client in clients or []:
        if client.pk in seen:
            continue
        seen.add(client.pk)
        if client.is_archived:
            errors.setdefault("clients", []).append(
                _("%(client)s is archived.") % {"client": client.full_name}
            )
        if is_main and (current := _main_conflict(client)) is not None:
            errors.setdefault("clients", []).append(_main_message(client, current))
        if start_date is not None and start_date < client_today(client=client) - datetime.timedelta(
            days=30
        ):
            errors["start_date"] = [_("Start within the last 30 days, or later.")]
    if errors:
        raise ValidationError(errors)
    created = []
    for client in {c.pk: c for c in clients}.values():
        source = program
        if (
            not program.is_template
            and program.client_id == client.pk
            and not program.assignments.exists()
        ):
            copy = program  # a program written for this client: follow it as it is
        else:
            name = program.name
            copy = program_clone(program=source, by=by, name=name, client=client)
        try:
            with transaction.atomic():
                assignment = ProgramAssignment.objects.create(
                    client=client,
                    program=copy,
                    start_date=start_date,
                    weekdays=days,
                    is_main=is_main,
                    assigned_by=by,
                )
        except IntegrityError:  # assigned a moment ago by someone else
            raise ValidationError(
                {"clients": [_main_message(client, _main_conflict(client))]}
            ) from None
        _schedule(assignment, start_date)
        created.append(assignment)
    return created


def _today(assignment: ProgramAssignment) -> datetime.date:
    return client_today(client=assignment.client)


def _future(assignment: ProgramAssignment, since: datetime.date):
    return assignment.workouts.filter(status=ScheduledWorkout.Status.SCHEDULED, date__gte=since)


def _lock(assignment: ProgramAssignment) -> ProgramAssignment:
    return (
        ProgramAssignment.objects.select_for_update(of=("self",))
        .select_related("client", "program")
        .get(pk=assignment.pk)
    )


@transaction.atomic
def assignment_shift(
    *, assignment: ProgramAssignment, days: int, by: User | None, today: datetime.date | None = None
) -> int:
    """Move every workout from today on by ``days`` (negative: earlier, never into the
    past). Returns how many moved."""
    assignment = _lock(assignment)
    if assignment.status != ProgramAssignment.Status.ACTIVE:
        raise ValidationError({"days": _("Only an active program can be shifted.")})
    if days == 0 or abs(days) > MAX_SHIFT_DAYS:
        raise ValidationError({"days": _("Shift by 1 to 365 days, forwards or back.")})
    today = today or _today(assignment)
    workouts = list(_future(assignment, today).order_by("date", "pk"))
    if not workouts:
        raise ValidationError({"days": _("There are no upcoming workouts to shift.")})
    if workouts[0].date + datetime.timedelta(days=days) < today:
        raise ValidationError(
            {
                "days": _("That would move workouts into the past: shift back at most %(n)d days.")
                % {"n": (workouts[0].date - today).days}
            }
        )
    delta = datetime.timedelta(days=days)
    for workout in workouts:
        workout.date += delta
    ScheduledWorkout.objects.bulk_update(workouts, ["date", "updated_at"])
    if assignment.start_date >= today:
        ProgramAssignment.objects.filter(pk=assignment.pk).update(
            start_date=assignment.start_date + delta
        )
    return len(workouts)


@transaction.atomic
def assignment_pause(*, assignment: ProgramAssignment, by: User | None) -> ProgramAssignment:
    """Stop the calendar: upcoming workouts are hidden until ``assignment_resume``."""
    assignment = _lock(assignment)
    if assignment.status != ProgramAssignment.Status.ACTIVE:
        raise ValidationError({"status": _("Only an active program can be paused.")})
    assignment.status = ProgramAssignment.Status.PAUSED
    assignment.paused_at = timezone.now()
    assignment.save(update_fields=["status", "paused_at"])
    return assignment


@transaction.atomic
def assignment_resume(
    *,
    assignment: ProgramAssignment,
    by: User | None,
    start: datetime.date | None = None,
    today: datetime.date | None = None,
) -> ProgramAssignment:
    """Start again: the workouts not done since the pause take the chosen weekdays from
    ``start`` (default today) on, in their order."""
    assignment = _lock(assignment)
    if assignment.status != ProgramAssignment.Status.PAUSED:
        raise ValidationError({"status": _("Only a paused program can be resumed.")})
    if assignment.is_main and (current := _main_conflict(assignment.client)) is not None:
        raise ValidationError({"status": _main_message(assignment.client, current)})
    today = today or _today(assignment)
    start = start or today
    if start < today:
        raise ValidationError({"start": _("Resume today or later.")})
    paused_on = timezone.localdate(assignment.paused_at) if assignment.paused_at else today
    workouts = list(_future(assignment, min(paused_on, today)).order_by("date", "pk"))
    dates = training_dates(start=start, weekdays=assignment.weekdays, count=len(workouts))
    for workout, date in zip(workouts, dates, strict=True):
        workout.date = date
    ScheduledWorkout.objects.bulk_update(workouts, ["date", "updated_at"])
    assignment.status = ProgramAssignment.Status.ACTIVE
    assignment.paused_at = None
    assignment.save(update_fields=["status", "paused_at"])
    return assignment


@transaction.atomic
def assignment_cancel(
    *, assignment: ProgramAssignment, by: User | None, today: datetime.date | None = None
) -> ProgramAssignment:
    """Stop for good: upcoming workouts not logged are removed; the past stays."""
    assignment = _lock(assignment)
    if assignment.status in (
        ProgramAssignment.Status.CANCELLED,
        ProgramAssignment.Status.COMPLETED,
    ):
        raise ValidationError({"status": _("This program has ended already.")})
    today = today or _today(assignment)
    _future(assignment, today).filter(logs__isnull=True).delete()
    assignment.status = ProgramAssignment.Status.CANCELLED
    assignment.paused_at = None
    assignment.save(update_fields=["status", "paused_at"])
    return assignment


# How long a program stays active after its last scheduled date, so a client can
# still catch up on a missed last workout before it counts as finished.
COMPLETE_AFTER_DAYS = 7


def assignment_complete_if_done(*, assignment_id: int) -> bool:
    """Mark an active program completed once no workout of it is left to do (every
    one logged or skipped). Returns whether it changed. Call inside a transaction."""
    changed = (
        ProgramAssignment.objects.filter(pk=assignment_id, status=ProgramAssignment.Status.ACTIVE)
        .exclude(workouts__status=ScheduledWorkout.Status.SCHEDULED)
        .filter(workouts__isnull=False)
        .update(status=ProgramAssignment.Status.COMPLETED)
    )
    return bool(changed)


@transaction.atomic
def assignments_complete_due(*, today: datetime.date | None = None) -> int:
    """Complete active programs whose last workout date is more than
    ``COMPLETE_AFTER_DAYS`` ago (missed workouts stay missed, for the adherence
    figures). Frees the client's main-program slot for what comes next.
    Returns how many were completed."""
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=COMPLETE_AFTER_DAYS)
    due = (
        ProgramAssignment.objects.filter(status=ProgramAssignment.Status.ACTIVE)
        .annotate(last_date=Max("workouts__date"))
        .filter(last_date__lt=cutoff)
        .values_list("pk", flat=True)
    )
    return ProgramAssignment.objects.filter(pk__in=list(due)).update(
        status=ProgramAssignment.Status.COMPLETED
    )
