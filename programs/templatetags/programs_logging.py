"""Template tags for workout logging: the portal home card and the back-office client
panel. Each runs a fixed, small number of queries."""

from django import template
from django.urls import reverse

from clients import units as u
from clients.selectors_progress import progress_range
from clients.services.measurements import client_today

from ..models import ScheduledWorkout, WorkoutLog
from ..selectors.logging import (
    charts_json,
    compliance,
    record_entry,
    record_text,
    records_for,
    scheduled_queryset,
    training_progress,
    workout_logs_for,
)
from ..sets import format_set, kind_of

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` or None (dicts keyed by ids in templates)."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.simple_tag
def home_training(client, request):
    """Today's workout (or the next one) and the latest record (three queries)."""
    today = client_today(client=client, business=request.tenant)
    upcoming = (
        scheduled_queryset(client=client)
        .filter(date__gte=today, status=ScheduledWorkout.Status.SCHEDULED)
        .order_by("date", "pk")
        .first()
    )
    record = records_for(client=client, limit=1)
    record = record[0] if record else None
    system = u.units_for(client=client, viewer=request.user, business=request.tenant)
    is_open = bool(
        upcoming
        and WorkoutLog.objects.filter(
            client=client, scheduled=upcoming, finished_at__isnull=True
        ).exists()
    )
    return {
        "today": today,
        "next": upcoming,
        "is_open": is_open,
        "record": record,
        "record_exercise": (record.catalog_exercise or record.exercise).name if record else "",
        "record_text": record_text(record, system) if record else "",
    }


@register.simple_tag
def logs_panel(client, request):
    """The back-office client panel: recent workouts with sets, records, compliance over
    the last 4 weeks (a fixed number of queries). The charts are a panel of their own
    (``training_charts_panel``): they read the whole history."""
    system = u.units_for(viewer=request.user, business=request.tenant)
    today = client_today(client=client, business=request.tenant)
    logs = list(workout_logs_for(clients=type(client).objects.filter(pk=client.pk))[:6])
    return {
        "units": system,
        "logs": logs,
        "records": [record_entry(r, system) for r in records_for(client=client, limit=8)],
        "compliance": compliance(client=client, today=today),
        "logs_url": reverse("backoffice:programs_workoutlog_changelist")
        + f"?client__id__exact={client.pk}",
    }


@register.simple_tag
def training_charts_panel(client, request):
    """The back-office panel of training progress: per lift, per session and per muscle,
    in the viewer's units, over the range the page asks for (``?range=``, as the progress
    panel above it; ``training_progress``: a fixed number of queries)."""
    system = u.units_for(viewer=request.user, business=request.tenant)
    today = client_today(client=client, business=request.tenant)
    shown = progress_range(key=request.GET.get("range"), today=today)
    progress = training_progress(
        client=client, system=system, today=today, since=shown.since, weekly=shown.weekly
    )
    return {"progress": progress, "charts_json": charts_json(progress)}


@register.filter
def set_line(s, system) -> str:
    """ "100 kg × 5 @ 8", "45 s", "400 m in 1:32" for a logged set, in ``system``, by
    how its exercise is measured."""
    text = format_set(s, kind_of(s), system=system)
    if s.rpe:
        text += f" @ {u.number_text(s.rpe.normalize())}"
    if s.is_warmup:
        text += " (warm-up)"
    return text


@register.filter
def grouped_sets(log, system) -> list[dict]:
    """A log's (prefetched) sets by exercise, in order: [{"name", "text"}]."""
    groups: list[dict] = []
    for s in log.sets.all():
        name = (s.catalog_exercise or s.exercise).name
        if not groups or groups[-1]["name"] != name:
            groups.append({"name": name, "lines": []})
        groups[-1]["lines"].append(set_line(s, system))
    return [{"name": g["name"], "text": ", ".join(g["lines"])} for g in groups]
