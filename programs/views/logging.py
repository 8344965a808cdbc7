"""Portal pages: workouts (today first), the logger for a phone in a gym, the summary of
a finished workout, training progress, and the service worker that keeps it all working
offline (served at /sw.js so its scope is the whole portal)."""

import hashlib
import json
import uuid

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_POST

from accounts.policies import portal_client_required
from clients import units as u
from clients.selectors_progress import progress_range, progress_range_choices
from clients.services.measurements import client_today

from ..forms_adhoc import AdHocRowFormSet, AdHocWorkoutForm
from ..models import ScheduledWorkout, WorkoutLog
from ..selectors.library import exercise_best_match
from ..selectors.logging import (
    charts_json,
    logger_cards,
    record_entry,
    records_best_of,
    records_for,
    training_progress,
    unit_symbol,
    workout_summary,
    workouts_overview,
)
from ..services.comments import workout_comments_mark_seen
from ..services.logging import AdHocEntry, load_to_kg, workout_adhoc_log
from ..services.records import record_mark_seen
from ..values import exercise_ref

SECTION = gettext_lazy("Your workouts")


def _units(request, client) -> str:
    return u.units_for(client=client, viewer=request.user, business=request.tenant)


@portal_client_required(section=SECTION)
@ensure_csrf_cookie
def workouts(request):
    """Today's workout first, then the next two weeks, missed ones and recent logs. The
    page asks the service worker to keep the next workouts for offline use."""
    client = request.client
    today = client_today(client=client, business=request.tenant)
    overview = workouts_overview(client=client, today=today)
    system = _units(request, client)
    upcoming = [*overview.today, *overview.upcoming][:6]
    context = {
        "client": client,
        "overview": overview,
        "today": today,
        "units": system,
        "offline_urls": [f"/workouts/{s.pk}/" for s in upcoming],
        "latest_records": [record_entry(r, system) for r in records_for(client=client, limit=3)],
    }
    return render(request, "programs/portal/workouts.html", context)


@portal_client_required(section=SECTION)
@ensure_csrf_cookie
def workout_logger(request, pk: int):
    """Log a scheduled workout, set by set (works offline once cached)."""
    client = request.client
    scheduled = get_object_or_404(
        ScheduledWorkout.objects.select_related("day", "assignment__program"),
        pk=pk,
        client=client,
    )
    log = (
        WorkoutLog.objects.filter(client=client, scheduled=scheduled)
        .order_by("finished_at", "-started_at")  # an open one first
        .first()
    )
    if log is not None and log.finished_at is not None:
        if request.GET.get("again") != "1":
            return redirect("portal_workout_summary", log.client_uuid)
        log = None
    system = _units(request, client)
    cards = logger_cards(client=client, scheduled=scheduled, log=log, system=system)
    config = {
        "workout": {
            "client_uuid": str(log.client_uuid if log else uuid.uuid4()),
            "scheduled": scheduled.pk,
            "name": scheduled.day.name,
            "started_at": log.started_at.isoformat() if log else None,
            "is_open": log is not None,
        },
        "unit": unit_symbol(system),
        "syncUrl": "/api/v1/workout-sync/",
        "unlogUrl": "/api/v1/workout-sync/unlog/",
        "seenUrl": "/api/v1/personal-records/seen/",
    }
    context = {
        "client": client,
        "scheduled": scheduled,
        "log": log,
        "cards": cards,
        "units": system,
        "unit": unit_symbol(system),
        "config": config,
        "logged_count": sum(1 for c in cards for r in c.rows if r.logged),
    }
    return render(request, "programs/portal/workout_logger.html", context)


@portal_client_required(section=SECTION)
def workout_summary_view(request, log_uuid):
    """A finished (or in-progress) workout: volume, sets, time, records, the coach's
    comment."""
    client = request.client
    log = get_object_or_404(
        WorkoutLog.objects.select_related("scheduled__day", "commented_by"),
        client_uuid=log_uuid,
        client=client,
    )
    system = _units(request, client)
    summary = workout_summary(log=log, system=system)
    records = [record_entry(r, system) for r in records_best_of(summary.records)]
    # a GET changes nothing for records: the page's "Got it" button (POST) marks them
    # seen; a coach's comment is read by opening the page (the portal badge clears)
    comment_is_new = log.has_new_comment
    if comment_is_new:
        workout_comments_mark_seen(client=client, log_ids=[log.pk])
    context = {
        "client": client,
        "summary": summary,
        "log": log,
        "records": records,
        "records_unseen": any(not r.is_seen for r in summary.records),
        "comment_is_new": comment_is_new,
    }
    return render(request, "programs/portal/workout_summary.html", context)


@portal_client_required(section=SECTION)
@require_POST
def workout_records_seen(request, log_uuid):
    """The client saw this workout's records (the summary's "Got it")."""
    client = request.client
    log = get_object_or_404(WorkoutLog, client_uuid=log_uuid, client=client)
    record_mark_seen(client=client, record_ids=log.records.values_list("pk", flat=True))
    return redirect("portal_workout_summary", log_uuid=log.client_uuid)


@portal_client_required(section=SECTION)
def workout_new(request):
    """Log a workout done on one's own (a run, a hotel gym session): name, notes and
    rows of exercise, sets, reps, load or minutes. Records count as for any set."""
    client = request.client
    system = _units(request, client)
    form = AdHocWorkoutForm(request.POST or None)
    rows = AdHocRowFormSet(request.POST or None, prefix="rows")
    if request.method == "POST":
        form_ok, rows_ok = form.is_valid(), rows.is_valid()
        entries = []
        for row in rows:
            data = row.cleaned_data if row.is_valid() else {}
            if not data.get("exercise"):
                continue
            exercise = exercise_best_match(name=data["exercise"])
            if exercise is None:
                row.add_error(
                    "exercise",
                    _("“%(name)s” is not in the library. Try another name.")
                    % {"name": data["exercise"]},
                )
                continue
            if getattr(exercise, "measurement", "") in (
                "time",
                "distance",
                "time_distance",
            ) and data.get("reps"):
                row.add_error(
                    "reps",
                    _("%(name)s is measured in time or distance: give the minutes, not reps.")
                    % {"name": exercise.name},
                )
                continue
            entries.append(
                AdHocEntry(
                    exercise=exercise_ref(
                        catalog_exercise_id=None if exercise.is_own else exercise.pk,
                        exercise_id=exercise.pk if exercise.is_own else None,
                    ),
                    sets=data.get("sets") or 1,
                    reps=data.get("reps"),
                    load_kg=(
                        load_to_kg(data["load"], unit=system)
                        if data.get("load") is not None
                        else None
                    ),
                    duration_seconds=data["minutes"] * 60 if data.get("minutes") else None,
                )
            )
        if form_ok and rows_ok and not any(row.errors for row in rows):
            try:
                result = workout_adhoc_log(
                    client=client,
                    workout_uuid=form.cleaned_data["workout_uuid"],
                    name=form.cleaned_data["name"],
                    notes=form.cleaned_data["notes"],
                    minutes=form.cleaned_data["minutes"],
                    entries=entries,
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                return redirect("portal_workout_summary", log_uuid=result.workout.client_uuid)
    context = {"client": client, "form": form, "rows": rows, "unit": unit_symbol(system)}
    status = 400 if request.method == "POST" else 200
    return render(request, "programs/portal/workout_new.html", context, status=status)


@portal_client_required(section=SECTION)
def progress_training(request):
    """Charts per exercise (estimated 1RM, top set, volume) over a range of history
    (``?range=``: six months unless another is chosen), weekly sets per muscle,
    adherence, each with a table."""
    client = request.client
    system = _units(request, client)
    today = client_today(client=client, business=request.tenant)
    shown = progress_range(key=request.GET.get("range"), today=today)
    progress = training_progress(
        client=client, system=system, today=today, since=shown.since, weekly=shown.weekly
    )
    context = {
        "client": client,
        "progress": progress,
        "range": shown,
        "ranges": progress_range_choices(current=shown),
        "charts_json": charts_json(progress),
        "units": system,
    }
    return render(request, "programs/portal/workout_progress.html", context)


# --- the service worker ------------------------------------------------------------

# the scripts as templates/programs/_logging_scripts.html loads them
LOGGING_SCRIPTS = [
    "js/shared.js",
    "js/programs-logging-queue.js",
    "js/programs-logging-sync.js",
    "js/programs-logging-sets.js",
    "js/programs-logging-timer.js",
    "js/programs-logging-results.js",
    "js/programs-logging-summary.js",
    "js/programs-logging-charts.js",
    "js/programs-logging.js",
]
PRECACHE_STATIC = [
    "css/site.css",
    "css/programs-logging.css",
    *LOGGING_SCRIPTS,
    "vendor/chartjs/chart.umd.min.js",
    "img/favicon.svg",
]


def _sw_source() -> str:
    found = finders.find("sw.js")
    if found:
        with open(found, encoding="utf-8") as f:
            return f.read()
    with staticfiles_storage.open("sw.js") as f:  # collected, finders off (production)
        return f.read().decode()


def _static_url(name: str) -> str:
    """The file's hashed URL; its plain one when it is not collected."""
    try:
        return static(name)
    except ValueError:
        return settings.STATIC_URL + name


@never_cache
def service_worker(request):
    """The portal's service worker, at the root so its scope is the whole portal. The
    precache list carries hashed static names, so a deploy changes the worker and the
    browser installs the new one. The worker imports shared.js (MF_SHARED)."""
    if not getattr(request, "tenant", None) or request.tenant.schema_name == "public":
        raise Http404
    urls = []
    for name in PRECACHE_STATIC:
        try:
            urls.append(static(name))
        except ValueError:  # not collected (a missing file must not break the worker)
            continue
    source = _sw_source()
    version = hashlib.sha1(("|".join(urls) + source).encode()).hexdigest()[:10]
    header = (
        "/* generated by programs.views.logging.service_worker */\n"
        f"const MF_VERSION = {json.dumps(version)};\n"
        f"const MF_PRECACHE = {json.dumps(urls + ['/workouts/', '/manifest.webmanifest'])};\n"
        f"const MF_SHARED = {json.dumps(_static_url('js/shared.js'))};\n"
    )
    response = HttpResponse(header + source, content_type="application/javascript")
    response["Service-Worker-Allowed"] = "/"
    return response


urlpatterns = [
    path("workouts/", workouts, name="portal_workouts"),
    path("workouts/new/", workout_new, name="portal_workout_new"),
    path("workouts/<int:pk>/", workout_logger, name="portal_workout_logger"),
    path("workouts/log/<uuid:log_uuid>/", workout_summary_view, name="portal_workout_summary"),
    path(
        "workouts/log/<uuid:log_uuid>/records-seen/",
        workout_records_seen,
        name="portal_workout_records_seen",
    ),
    path("progress/training/", progress_training, name="portal_progress_training"),
    path("sw.js", service_worker, name="portal_service_worker"),
]
