"""`make bench ARGS=--pages`: each back-office page's server time with the demo's data.

The demo business is seeded into the bench's database as `make run` seeds it
(``demo_seed``). Signed in as the owner and as the coach, Django's test client asks
for every page in process (middleware, view, template; no network, no static files):
each entry of the person's navigation, and the pages behind them (a client's profile
and each of its tabs, the builder, a check-in and a workout to review, a
conversation, a session, the forms behind the lists). One warm-up request per page
counts its queries; ``--page-repeat`` more are timed. One line per page:

    page_ms path=/admin/ role=owner p50=… p95=… cpu_p50=… queries=… n=…

(wall-clock milliseconds; ``cpu_p50``: this process's CPU time alone, the database's
not counted, which a busy machine disturbs less) and a last line with the slowest
page, after the machine's load average. Figures, not assertions: the query budgets
are tests (``backoffice/tests/test_query_budgets.py``).
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import time

NAV = re.compile(r'<nav id="mf-nav".*?</nav>', re.S)
HREF = re.compile(r'href="([^"]+)"')


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))]


def _note(message: str) -> None:
    print(f"# {message}", file=sys.stderr, flush=True)


def seed_demo() -> None:
    """Migrate the bench database and seed the demo business into it."""
    import django

    django.setup()
    from django.core.management import call_command

    from mectofitness.celery import app as celery_app

    celery_app.conf.task_always_eager = False  # queued work goes to Redis, unconsumed
    _note("migrating the bench database…")
    call_command("migrate_schemas", interactive=False, verbosity=0)
    _note("seeding the demo business…")
    started = time.perf_counter()
    with open("/dev/null", "w") as quiet:
        call_command("demo_seed", stdout=quiet)
    _note(f"demo seeded in {time.perf_counter() - started:.1f} s")


def detail_pages(*, role: str) -> list[str]:
    """The pages behind the lists, on the demo's own rows: the demo client's (Chloe's)
    profile and each of its tabs and her other pages, the program she follows in the
    builder, her check-in and workout to review, her conversation, a session, and
    the forms and builders the lists lead to."""
    from django.urls import reverse

    from clients.models import Client, Questionnaire, Response
    from messaging.models import Thread
    from programs.models import MealPlan, WorkoutLog
    from scheduling.models import Appointment

    def url(name: str, *args) -> str:
        return reverse(f"backoffice:{name}", args=args)

    chloe = Client.objects.get(user__email="client@demo.mectofitness.dev")
    tabs = ["", "training", "progress", "nutrition", "forms", "messages", "bookings", "notes"]
    tabs += ["billing"] if role == "owner" else []
    pages = [url("clients_client_profile" + (f"_{tab}" if tab else ""), chloe.pk) for tab in tabs]
    pages += [
        url("clients_client_change", chloe.pk),
        url("clients_client_changelist") + "?q=chloe",
        url("clients_measurement_client", chloe.pk),
        url("clients_progressphoto_client", chloe.pk),
        url("programs_programassignment_client", chloe.pk),
        url("clients_response_held_list"),
        url("clients_send_form_choose"),
        url("messaging_announcement_new"),
        url("scheduling_book"),
        url("scheduling_busy_calendar"),
    ]
    assignment = chloe.program_assignments.order_by("-is_main", "-created_at").first()
    if assignment is not None:
        pages.append(url("programs_program_builder", assignment.program_id))
    checkin = (
        Response.objects.filter(client=chloe, period_start__isnull=False, status="submitted")
        .order_by("reviewed_at", "-submitted_at")
        .first()
    )
    if checkin is not None:
        pages.append(url("clients_checkin_review", checkin.pk))
    workout = WorkoutLog.objects.filter(client=chloe).order_by("-started_at").first()
    if workout is not None:
        pages.append(url("programs_workoutlog_review", workout.pk))
    thread = Thread.objects.filter(client=chloe).first()
    if thread is not None:
        pages.append(url("messaging_thread", thread.pk))
    appointment = Appointment.objects.filter(bookings__client=chloe).order_by("-starts_at").first()
    if appointment is not None:
        pages.append(url("scheduling_appointment", appointment.pk))
    plan = MealPlan.objects.order_by("pk").first()
    if plan is not None:
        pages.append(url("programs_mealplan_build", plan.pk))
    form = Questionnaire.objects.order_by("pk").first()
    if form is not None and role == "owner":  # forms are the owner's to build
        pages.append(url("clients_questionnaire_builder", form.pk))
    return pages


# pages a list leads to, found by their links: (the page, the links' pattern)
LINKED = [
    ("/admin/programs/exercise/", re.compile(r"^/admin/programs/exercise/[^/?]+/$")),
    ("/admin/notifications/email/", re.compile(r"^/admin/notifications/email/[a-z_]+/$")),
    ("/admin/billing/invoice/", re.compile(r"^/admin/billing/invoice/\d+/change/$")),
]


def page_time(browser, path: str, *, role: str, repeat: int) -> float | None:
    """Ask for ``path`` once to count its queries, then ``repeat`` times timed; print its
    ``page_ms`` line and give its p95 (None when it does not answer 200)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = browser.get(path, secure=True)
    # counted now: the next request's start empties the connection's log
    count = len(queries.captured_queries)
    if response.status_code != 200:
        _note(f"{path} as {role}: {response.status_code}, not timed")
        return None
    timings, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        browser.get(path, secure=True)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    p95 = _percentile(timings, 95)
    print(
        f"page_ms path={path} role={role} p50={statistics.median(timings):.1f}"
        f" p95={p95:.1f} cpu_p50={statistics.median(cpu):.1f} queries={count} n={repeat}",
        flush=True,
    )
    return p95


def bench_pages(*, repeat: int, only: str = "") -> None:
    """Time every back-office page as the demo's owner and coach."""
    from django.conf import settings
    from django.test import Client as Browser
    from django_tenants.utils import tenant_context

    from accounts.models import User
    from mectofitness.core.heap import heap_freeze_as_it_warms
    from tenants.management.commands.demo_seed import DEMO_SLUG, PEOPLE
    from tenants.models import Business

    heap_freeze_as_it_warms()  # as a web process does (mectofitness/wsgi.py)
    business = Business.objects.get(slug=DEMO_SLUG)
    host = f"{DEMO_SLUG}.{settings.BASE_DOMAIN}"
    slowest = (0.0, "", "")
    for role, email in (("owner", PEOPLE[0][0]), ("coach", PEOPLE[1][0])):
        browser = Browser(HTTP_HOST=host)
        with tenant_context(business):
            browser.force_login(User.objects.get(email=email))
            home = browser.get("/admin/", secure=True)
            assert home.status_code == 200, (role, home.status_code)
            nav = NAV.search(home.content.decode())
            listed = list(dict.fromkeys(HREF.findall(nav.group(0)) if nav else []))
            # the navigation shows a section's entries on its own pages: open each section
            for section in list(listed):
                page = browser.get(section, secure=True).content.decode()
                found = NAV.search(page)
                listed += [h for h in HREF.findall(found.group(0)) if h not in listed]
            for page, pattern in LINKED:
                if page in listed:
                    links = HREF.findall(browser.get(page, secure=True).content.decode())
                    listed += [h for h in links if pattern.match(h)][:1]
            pages = list(dict.fromkeys([*listed, *detail_pages(role=role)]))
        for path in pages:
            if only and only not in path:
                continue
            response = browser.get(path, secure=True)
            if response.status_code == 302 and response.url.startswith("/admin/"):
                # a list of one row opens that row (booking settings, own calendars)
                path = response.url
            p95 = page_time(browser, path, role=role, repeat=repeat)
            if p95 is None:
                continue
            slowest = max(slowest, (p95, path, role))
    _note("load average " + " ".join(f"{x:.1f}" for x in os.getloadavg()))
    print(f"page_slowest_ms p95={slowest[0]:.1f} path={slowest[1]} role={slowest[2]}", flush=True)
