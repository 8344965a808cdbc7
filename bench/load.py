"""`make bench ARGS=--load`: many people at once against `make run`'s processes.

The demo business (``demo_seed``) in a database of its own, kept between runs
(``<name>_load``), grown once to ``--load-users`` people (19 clients in 20 and the rest
coaches, at least one): each client a portal login on a program started today (a
workout every day), with a conversation, a coach among the load's coaches; each coach
with working hours every day, offering a free half-hour call the clients book, and
coaching the demo's clients that have check-ins and workouts to review. People are
written in bulk as the demo's roster is, with no password (Argon2 is slow on purpose);
each is signed in by a session made in the database (as Django's test client's
``force_login`` makes it) whose cookie, with a CSRF token, their simulated browser
sends.

Then the processes `make run` starts, on free loopback ports: the web server as
production runs it (``web_command``: gunicorn's sync workers, two per core; README,
Deploying), the real-time server (daphne), a Celery worker and beat, so the work the
requests queue is done meanwhile. Their environment is the bench's, with plain http, no
mail leaving (Django's dummy e-mail backend) and the API's per-business rate raised
(``API_RATE_PER_BUSINESS``: a thousand people of one business send about 1,000 API
requests a minute, near production's default of 1,200; the per-person rate stays).
``--load-pool`` gives the web processes Django's psycopg 3 pool (``DATABASE_POOL=1``)
instead of persistent connections.

locust (headless, one process, sharing the machine) runs bench/load_scenario.py's
people for ``--load-minutes``, spawning ``--load-spawn-rate`` a second (default: all
within a minute), each person thinking 10-30 s between actions and 2-5 s on a page
within one. The web server's workers' memory (RSS, summed) is read every 10 s.
Lines:

    load_ms name=… n=… errors=… p50=… p95=…     per request kind (locust's percentiles)
    load users=… errors=… p95_ms=… rss_growth_pct=… requests=… rps=… pool=…

``errors``: answers not 2xx/3xx, redirects to sign-in and failed connections (the
failures are listed on stderr); ``rss_growth_pct``: the workers' memory at the end
against minute 2 (or against half-way, for a run shorter than four minutes); ``rps``:
locust's, from its first request to its last. Also on stderr: bookings made and lost to
someone else, API requests a minute, the workers' RSS and their CPU time a request
(what the machine could serve with nothing else running).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.big import clients_bulk_insert
from bench.pages import _note
from bench.run import free_port, stop, wait_for

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = "load.test"  # the load's people: load-client-<n>@load.test, load-coach-<n>@load.test
SESSION_TYPE = "Load check-in call"
COACH_SHARE = 20  # one coach in twenty people
RSS_EVERY = 10  # seconds between two readings of the web workers' memory
BITE = 50  # clients assigned their program per transaction


def client_email(index: int) -> str:
    return f"load-client-{index}@{DOMAIN}"


def coach_email(index: int) -> str:
    return f"load-coach-{index}@{DOMAIN}"


def split(users: int) -> tuple[int, int]:
    """(clients, coaches) for ``users`` simulated people."""
    coaches = max(1, users // COACH_SHARE)
    return max(1, users - coaches), coaches


# --- the people ---------------------------------------------------------------------------


def load_people_seed(*, clients: int, coaches: int, owner) -> None:
    """Top the current business up to ``clients`` load clients and ``coaches`` load
    coaches, as the module says (each part once; a second run adds only what is missing)."""
    # here and below, Django's modules are imported after django.setup()
    from django.contrib.auth.models import Group

    from accounts.models import User
    from accounts.roles import CLIENT, COACH
    from clients.models import Client
    from scheduling.services.setup import Stretch, weekly_hours_set

    have = set(User.objects.filter(email__endswith=f"@{DOMAIN}").values_list("email", flat=True))
    new_coaches = _users_create(
        emails=[coach_email(i) for i in range(coaches) if coach_email(i) not in have],
        group=Group.objects.get(name=COACH),
        staff=True,
    )
    for coach in new_coaches:  # every day, early to late: free times for everyone
        weekly_hours_set(
            coach=coach,
            stretches=[Stretch(day, dt.time(6), dt.time(22)) for day in range(7)],
            by=coach,
        )
    staff = list(User.objects.filter(email__in=[coach_email(i) for i in range(coaches)]))
    staff.sort(key=lambda user: int(user.email.split("-")[2].split("@")[0]))
    _session_type_offer(coaches=staff, owner=owner)
    _reviews_share(coaches=staff)
    new_users = _users_create(
        emails=[client_email(i) for i in range(clients) if client_email(i) not in have],
        group=Group.objects.get(name=CLIENT),
        staff=False,
    )
    if new_users:
        started = time.perf_counter()
        count = Client.objects.filter(email__endswith=f"@{DOMAIN}").count()
        _clients_create(users=new_users, coaches=staff, first=count, owner=owner)
        _note(f"{len(new_users)} load clients added in {time.perf_counter() - started:.0f} s")


def _users_create(*, emails: list[str], group, staff: bool) -> list:
    """People with these addresses (verified, no password) in ``group``."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password

    from accounts.models import User

    if not emails:
        return []
    users = User.objects.bulk_create(
        [
            User(
                email=email,
                first_name="Coach" if staff else "Client",
                last_name=email.split("@")[0].rsplit("-", 1)[1],
                is_staff=staff,
                password=make_password(None),  # unusable: they sign in by session only
            )
            for email in emails
        ]
    )
    through = User.groups.through
    through.objects.bulk_create([through(user_id=u.pk, group_id=group.pk) for u in users])
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users]
    )
    return users


def _session_type_offer(*, coaches: list, owner) -> None:
    """The free half-hour call the load's clients book, offered by every load coach."""
    from scheduling.models import SessionType
    from scheduling.services.setup import (
        SessionTypeDetails,
        session_type_create,
        session_type_update,
    )

    details = SessionTypeDetails(
        name=SESSION_TYPE,
        description="Thirty minutes on video (the load scenario's bookings).",
        duration_minutes=30,
        location_kind=SessionType.Location.ONLINE,
        meeting_url="https://meet.example.com/load",
        payment=SessionType.Payment.FREE,
        book_ahead_days=30,
        min_notice_minutes=60,
        position=9,
    )
    kind = SessionType.objects.filter(name=SESSION_TYPE).first()
    if kind is None:
        session_type_create(by=owner, details=details, coaches=coaches)
    elif set(kind.coaches.values_list("pk", flat=True)) != {c.pk for c in coaches}:
        session_type_update(session_type=kind, by=owner, details=details, coaches=coaches)


def _reviews_share(*, coaches: list) -> None:
    """Every load coach also coaches the demo's clients with a check-in or a workout
    (the demo's roster and Chloe): what they review."""
    from clients.models import Client, Response
    from programs.models import WorkoutLog

    reviewed = set(
        Response.objects.filter(period_start__isnull=False, submitted_at__isnull=False)
        .exclude(client__email__endswith=f"@{DOMAIN}")
        .values_list("client_id", flat=True)
    ) | set(
        WorkoutLog.objects.exclude(client__email__endswith=f"@{DOMAIN}").values_list(
            "client_id", flat=True
        )
    )
    through = Client.coaches.through
    through.objects.bulk_create(
        [through(client_id=c, user_id=coach.pk) for c in reviewed for coach in coaches],
        ignore_conflicts=True,
    )


def _clients_create(*, users: list, coaches: list, first: int, owner) -> None:
    """A client record for each of ``users``, coached by the load's coaches in turn, on
    the demo's template program from today (every day a workout), with a conversation."""
    from django.db import transaction
    from django.utils import timezone

    from clients.models import Client
    from messaging.services import client_thread_get_or_create
    from programs.models import Program
    from programs.services.assignment import assignment_create

    now = timezone.now()
    rows = []
    for offset, user in enumerate(users):
        coach = coaches[(first + offset) % len(coaches)]
        client = Client(
            user=user,
            first_name=user.first_name,
            last_name=user.last_name,
            email=user.email,
            status=Client.Status.ACTIVE,
            primary_coach=coach,
            created_at=now,
            status_changed_at=now,
            last_activity_at=now,
        )
        rows.append(client)
    made = clients_bulk_insert(rows)
    template = (
        Program.objects.filter(is_template=True, client__isnull=True, archived_at__isnull=True)
        .order_by("pk")
        .first()
    )
    today = timezone.localdate()
    for start in range(0, len(made), BITE):
        bite = made[start : start + BITE]
        with transaction.atomic():
            assignment_create(
                program=template,
                clients=bite,
                start_date=today,
                weekdays=range(7),
                by=owner,
            )
            for client in bite:
                client_thread_get_or_create(client=client, by=client.user)


def load_people(*, clients: int, coaches: int, host: str) -> list[dict]:
    """Each simulated person: signed in afresh (a session saved as a sign-in saves it),
    a CSRF token, and the ids their pages use."""
    from django.conf import settings
    from django.test import Client as Browser
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import User
    from clients.models import Client, Response
    from clients.selectors import client_queryset_for
    from messaging.models import Thread
    from programs.models import Prescription, ScheduledWorkout, WorkoutLog
    from programs.services.logging import measurements_for
    from scheduling.models import SessionType

    def person(user, kind: str) -> dict:
        browser = Browser(HTTP_HOST=host)  # a browser each: a sign-in ends the last one's
        browser.force_login(user)
        return {
            "kind": kind,
            "user": user.pk,
            "email": user.email,
            "cookie_name": settings.SESSION_COOKIE_NAME,
            "session": browser.cookies[settings.SESSION_COOKIE_NAME].value,
            "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
            "csrf": secrets.token_hex(16),  # 32 characters: the form of Django's secret
        }

    kind = SessionType.objects.get(name=SESSION_TYPE).pk
    today = timezone.localdate()
    people = []
    records = Client.objects.filter(email__in=[client_email(i) for i in range(clients)])
    threads = dict(Thread.objects.filter(client__in=records).values_list("client_id", "pk"))
    for record in records.select_related("user").order_by("pk"):
        scheduled = (
            ScheduledWorkout.objects.filter(client=record, date__gte=today)
            .select_related("day")
            .order_by("date", "pk")
            .first()
        )
        prescriptions = list(
            Prescription.objects.filter(block__day=scheduled.day)
            .order_by("block__position", "position")
            .values_list("pk", "catalog_exercise_id", "exercise_id", "sets")
        )
        refs = [f"catalog:{c}" if c else f"own:{e}" for _pk, c, e, _sets in prescriptions]
        kinds = measurements_for(set(refs))
        people.append(
            person(record.user, "client")
            | {
                "thread": threads[record.pk],
                "session_type": kind,
                "workout": {
                    "scheduled": scheduled.pk,
                    "name": scheduled.day.name,
                    "prescriptions": [
                        (pk, ref, max(1, sets), kinds.get(ref, "reps_load"))
                        for (pk, _c, _e, sets), ref in zip(prescriptions, refs, strict=True)
                    ],
                },
            }
        )
    for user in User.objects.filter(email__in=[coach_email(i) for i in range(coaches)]):
        mine = client_queryset_for(user=user).exclude(email__endswith=f"@{DOMAIN}")
        checkins = Response.objects.filter(
            client__in=mine, period_start__isnull=False, submitted_at__isnull=False
        ).order_by("-submitted_at")[:10]
        workouts = WorkoutLog.objects.filter(client__in=mine).order_by("-started_at")[:10]
        people.append(
            person(user, "coach")
            | {
                "checkins": [
                    reverse("backoffice:clients_checkin_review", args=[c.pk]) for c in checkins
                ],
                "workouts": [
                    reverse("backoffice:programs_workoutlog_review", args=[w.pk]) for w in workouts
                ],
            }
        )
    return people


# --- the processes --------------------------------------------------------------------------


def web_command(port: int) -> list[str]:
    """The web server as production starts it (README, Deploying and Application
    server: gunicorn's sync workers, two per core), on loopback. `make run` serves with
    Django's development server instead, which says nothing about production."""
    workers = 2 * (os.cpu_count() or 1)
    return [
        *(sys.executable, "-m", "gunicorn", "mectofitness.wsgi", "-w", str(workers)),
        *("-b", f"127.0.0.1:{port}", "--log-level", "warning"),
    ]


def processes_start(*, pool: bool, business_rate: str, workdir: Path) -> tuple[dict, int]:
    """The web server, the sockets' server, a worker and beat, as `make run` starts
    them; the web server's port."""
    port, socket_port = free_port(), free_port()
    env = dict(os.environ) | {
        "DJANGO_DEBUG": "0",
        "SITE_SCHEME": "http",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "API_RATE_PER_BUSINESS": business_rate,
        "REALTIME_URL": f"ws://{{host}}:{socket_port}/ws/messages/",
    }
    web_env = env | ({"DATABASE_POOL": "1"} if pool else {})
    celery = [sys.executable, "-m", "celery", "-A", "mectofitness"]
    specs = {
        "web": (web_command(port), web_env),
        "sockets": (
            [
                *(sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(socket_port)),
                "mectofitness.asgi:application",
            ],
            env,
        ),
        "worker": (
            celery + ["worker", "-l", "warning", "--concurrency", "2", "-n", "load@%h"],
            env,
        ),
        "beat": (
            celery + ["beat", "-l", "warning", "-s", str(workdir / "beat-schedule")],
            env,
        ),
    }
    procs = {}
    for name, (command, environ) in specs.items():
        with open(workdir / f"{name}.log", "w") as log:  # the lines on stdout are figures
            procs[name] = subprocess.Popen(
                command,
                cwd=ROOT,
                env=environ,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
    return procs, port


class RssSampler(threading.Thread):
    """The web server's workers' memory (RSS, summed, MB) every ``RSS_EVERY`` seconds:
    ``samples``, [(seconds since start, MB)]; and their CPU seconds (user and system,
    summed) at the first and the last reading, ``cpu``."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.samples: list[tuple[float, float]] = []
        self.cpu: list[float] = []
        self.done = threading.Event()

    def run(self) -> None:
        import psutil

        master = psutil.Process(self.pid)
        started = time.monotonic()
        while True:
            rss, cpu = 0, 0.0
            for worker in master.children(recursive=True):
                try:
                    rss += worker.memory_info().rss
                    times = worker.cpu_times()
                    cpu += times.user + times.system
                except psutil.NoSuchProcess:
                    pass
            self.samples.append((time.monotonic() - started, rss / 2**20))
            self.cpu = [self.cpu[0] if self.cpu else cpu, cpu]
            if self.done.is_set():  # the last reading: the run's end
                break
            self.done.wait(RSS_EVERY)

    def growth_pct(self, seconds: float) -> float:
        """From minute 2 (half-way in a shorter run) to the last reading."""
        since = min(120.0, seconds / 2)
        after = [mb for at, mb in self.samples if at >= since]
        if len(after) < 2:
            return 0.0
        return 100 * (after[-1] - after[0]) / after[0]


# --- the run ------------------------------------------------------------------------------


def locust_run(*, people_file: str, notes_file: str, csv_prefix: str, args, port: int, host: str):
    users = args.load_users
    rate = args.load_spawn_rate or max(1.0, users / 60)
    command = [
        *(sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "load_locust.py")),
        *("--headless", "--only-summary", "--loglevel", "WARNING"),
        *("-u", str(users), "-r", str(rate), "-t", f"{int(args.load_minutes * 60)}s"),
        *("--host", f"http://127.0.0.1:{port}", "--csv", csv_prefix, "--stop-timeout", "30"),
    ]
    env = dict(os.environ) | {
        "MF_LOAD_PEOPLE": people_file,
        "MF_LOAD_NOTES": notes_file,
        "MF_LOAD_HOST": host,
        "PYTHONPATH": str(ROOT),
    }
    with open(os.devnull, "w") as quiet:
        subprocess.run(command, cwd=ROOT, env=env, stdout=quiet, check=False)


def report(*, csv_prefix: str, notes_file: str, sampler: RssSampler, args, seconds: float):
    with open(f"{csv_prefix}_stats.csv") as stats:
        rows = list(csv.DictReader(stats))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    api = 0
    for row in rows:
        if row["Name"] == "Aggregated":
            continue
        if "sync" in row["Name"] or "send message" in row["Name"]:
            api += int(row["Request Count"])
        print(
            f"load_ms name={row['Name'].replace(' ', '_')} n={row['Request Count']}"
            f" errors={row['Failure Count']} p50={row['50%']} p95={row['95%']}",
            flush=True,
        )
    with open(f"{csv_prefix}_failures.csv") as failures:
        for row in list(csv.DictReader(failures))[:20]:
            _note(f"failed: {row['Name']}: {row['Error']} x{row['Occurrences']}")
    if os.path.exists(notes_file):
        with open(notes_file) as notes:
            _note(f"bookings: {json.load(notes)}")
    _note(f"API requests a minute: {api / (seconds / 60):.0f}")
    mbs = [mb for _at, mb in sampler.samples]
    if mbs:
        _note(
            f"web workers' RSS MB: first {mbs[0]:.0f}, max {max(mbs):.0f}, last {mbs[-1]:.0f},"
            f" median {statistics.median(mbs):.0f} ({len(mbs)} readings)"
        )
    requests = int(total["Request Count"])
    if sampler.cpu and requests:
        cpu_ms = 1000 * (sampler.cpu[1] - sampler.cpu[0]) / requests
        _note(
            f"web workers' CPU: {cpu_ms:.0f} ms a request, so at most about"
            f" {1000 * (os.cpu_count() or 1) / cpu_ms:.0f} requests a second on this"
            " machine's cores with nothing else running"
        )
    print(
        f"load users={args.load_users} errors={total['Failure Count']} p95_ms={total['95%']}"
        f" rss_growth_pct={sampler.growth_pct(seconds):.1f} requests={requests}"
        f" rps={float(total['Requests/s']):.1f} pool={int(args.load_pool)}",
        flush=True,
    )


def load_figures(args) -> None:
    """``make bench ARGS=--load``: the module's run."""
    import django

    from bench.pages import seed_demo

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django_tenants.utils import tenant_context

    from accounts.models import User
    from mectofitness.celery import app as celery_app
    from tenants.management.commands.demo_seed import DEMO_SLUG, PEOPLE
    from tenants.models import Business

    celery_app.conf.task_always_eager = False  # queued work waits for the worker
    with open(os.devnull, "w") as quiet:
        call_command("migrate_schemas", interactive=False, verbosity=0, stdout=quiet)
    if not Business.objects.filter(slug=DEMO_SLUG).exists():
        seed_demo()
    business = Business.objects.get(slug=DEMO_SLUG)
    host = f"{DEMO_SLUG}.{settings.BASE_DOMAIN}"
    clients, coaches = split(args.load_users)
    with tenant_context(business):
        owner = User.objects.get(email=PEOPLE[0][0])
        load_people_seed(clients=clients, coaches=coaches, owner=owner)
        people = load_people(clients=clients, coaches=coaches, host=host)
        with connection.cursor() as cursor:  # as autovacuum would after bulk writes
            cursor.execute("ANALYZE")
    connection.close()

    workdir = Path(tempfile.mkdtemp(prefix="mf-load-"))
    people_file, notes_file = str(workdir / "people.json"), str(workdir / "notes.json")
    Path(people_file).write_text(json.dumps(people))
    procs, port = processes_start(pool=args.load_pool, business_rate="1000000/min", workdir=workdir)
    try:
        wait_for(port, host, 90, proc=procs["web"])
        sampler = RssSampler(procs["web"].pid)
        sampler.start()
        _note(
            f"{args.load_users} people ({clients} clients, {coaches} coaches) for"
            f" {args.load_minutes} min; web on {port}, pool={args.load_pool};"
            f" the processes' logs in {workdir}"
        )
        started = time.monotonic()
        locust_run(
            people_file=people_file,
            notes_file=notes_file,
            csv_prefix=str(workdir / "locust"),
            args=args,
            port=port,
            host=host,
        )
        seconds = time.monotonic() - started
        sampler.done.set()
        sampler.join()
        for name, proc in procs.items():
            if proc.poll() is not None:
                _note(f"the {name} process exited during the run ({proc.returncode})")
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                try:
                    stop(proc)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    os.killpg(proc.pid, signal.SIGKILL)
    Path(people_file).unlink()  # live sign-ins
    report(
        csv_prefix=str(workdir / "locust"),
        notes_file=notes_file,
        sampler=sampler,
        args=args,
        seconds=seconds,
    )
