"""`make bench`: figures for provisioning and routing, one parsable line per figure.

    provision_ms p50=… p95=… n=…        warm sign-up (a pooled schema is claimed)
    provision_cold_ms p50=… p95=… n=…   empty pool: the template's capture is replayed
    ddl_ms p50=… p95=… n=…              the same schema's raw DDL (pg_dump --schema-only)
                                        executed in one transaction, for comparison
    exercise_search_ms p50=… p95=… n=…  library search (authored catalog + free-exercise-db,
                                        exact, prefix, alias, misspelt and filtered queries)
    exercise_search_recall top1=… top3=… n=…   each catalog name with one slip in one word
                                        (dropped, doubled, swapped or replaced letter):
                                        how often the exercise comes first, in the top 3
    client_search_recall top1=… top3=… n=…     a client's full name with one slip in one
                                        word: how often that client comes first, top 3
    client_surname_recall top1=… top3=… n=…    a misspelt surname alone: someone with it
    booking_slots_ms, booking_race      see bench/booking.py
    message_latency_ms p50=… p95=… clients=200   see bench/realtime.py
    realtime_choice transport=… p50=… p95=… rss_mb=…   --realtime-choice only (not in the
                                        full run): see bench/realtime_choice.py
    page_ms path=… role=… p50=… p95=… queries=…   --pages only (not in the full run):
                                        every back-office page with the demo's data, as
                                        the owner and the coach; see bench/pages.py
    page_ms path=… role=client …        --big only: the same, and every portal page as
                                        the client, on a business of 10,000 clients whose
                                        client has two years of history; see bench/big.py
    api_rps path=… server=… rps=… plain_rps=… pct=…   --api only (not in the full run):
    api_ms path=… server=… p50=… p95=… …  /api/v1/me/ and 25 clients with a personal token
    api_server choice=… goals=…         against plain Django's JSON of the same rows, per
                                        application server; see bench/api.py
    load users=… errors=… p95_ms=… rss_growth_pct=… requests=… rps=…   --load only (not in
    load_ms name=… n=… errors=… p50=… p95=…   the full run): locust's clients and coaches
                                        against make run's processes; see bench/load.py
    routing_rps plain=… one=… spread=…  a trivial JSON view: plain Django (no tenancy),
                                        routed to one business, spread over 20 businesses

Runs in its own database (``<name>_bench``, made afresh each run) so the
development data is left alone. Owner passwords are not hashed here (Argon2
is slow on purpose); everything else a sign-up does is timed, commit included.
The load generator is wrk (Debian package ``wrk``), against gunicorn with
2 sync workers on loopback, the three runs back to back.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def figure(name: str, values: list[float]) -> None:
    print(
        f"{name} p50={statistics.median(values):.1f} p95={percentile(values, 95):.1f}"
        f" n={len(values)}",
        flush=True,
    )


def note(message: str) -> None:
    print(f"# {message}", file=sys.stderr, flush=True)


def machine_speed() -> None:
    """One line on how fast this machine's Python is right now, so that figures taken on
    different days (or machines) can be compared. On 2026-12-07 this VM measured 15 to
    22 µs for it within the hour, and its page and crawl figures were two to three times
    those of earlier sessions with the same code."""
    best = min(timeit.repeat("sum(range(1000))", number=2000, repeat=5)) / 2000
    print(
        f"machine python_us={best * 1e6:.1f} cores={os.cpu_count()} load={os.getloadavg()[0]:.1f}",
        flush=True,
    )


def bench_database_url() -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    name = parts.path.lstrip("/") + "_bench"
    return urlunsplit(parts._replace(path="/" + name)), name


def create_database(url: str, name: str) -> None:
    """``name``, unless it exists."""
    import psycopg

    admin_url = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(
        admin_url.replace("postgres://", "postgresql://"), autocommit=True
    ) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def recreate_database(url: str, name: str) -> None:
    import psycopg

    admin_url = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(
        admin_url.replace("postgres://", "postgresql://"), autocommit=True
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


# --- provisioning --------------------------------------------------------------------


def bench_provisioning(n: int) -> list[str]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from mectofitness.celery import app as celery_app
    from tenants import schemas
    from tenants.models import Business, PooledSchema
    from tenants.services import business_provision

    # queued tasks go to Redis as in production; nobody consumes them here
    celery_app.conf.task_always_eager = False
    note("migrating the bench database…")
    call_command("migrate_schemas", interactive=False, verbosity=0)
    connection.set_schema_to_public()

    def provision(slug: str) -> float:
        started = time.perf_counter()
        business_provision(
            name=f"Bench {slug}", slug=slug, owner_email=f"owner@{slug}.test", owner_password=None
        )
        return (time.perf_counter() - started) * 1000

    warm = []
    for i in range(n):
        schemas.pool_fill(size=1)
        warm.append(provision(f"warm-{i}"))
    figure("provision_ms", warm)

    for entry in PooledSchema.objects.all():
        schemas.schema_drop(entry.schema_name)
        entry.delete()

    # the raw DDL of the same (business) schema, executed in one transaction
    source = Business.objects.get(slug="warm-0").schema_name
    db = connection.settings_dict
    dump = subprocess.run(
        [
            schemas.pg_dump_path(),
            "--schema-only",
            "--schema",
            source,
            "--no-owner",
            "--no-privileges",
            "--no-comments",
            "--dbname",
            db["NAME"],
            "--host",
            db["HOST"],
            "--port",
            str(db["PORT"]),
            "--username",
            db["USER"],
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    ddl = "\n".join(
        line
        for line in dump.splitlines()
        if line.strip()
        and not line.startswith(("SET ", "SELECT pg_catalog.set_config", "--", "\\"))
    )

    def run_ddl(target: str) -> float:
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                ddl.replace(f"{source}.", f"{target}.").replace(
                    f"CREATE SCHEMA {source};", f"CREATE SCHEMA {target};"
                )
            )
        elapsed = (time.perf_counter() - started) * 1000
        connection.search_path_set_schemas = None
        return elapsed

    # cold sign-ups and raw DDL alternate, so both see the same machine
    cold, ddl_times = [], []
    for i in range(n):
        cold.append(provision(f"cold-{i}"))
        ddl_times.append(run_ddl(f"ddl_{i}"))
    figure("provision_cold_ms", cold)
    figure("ddl_ms", ddl_times)
    note(f"cold/ddl p50 ratio {statistics.median(cold) / statistics.median(ddl_times):.2f}")

    # businesses for the routing bench
    for i in range(20):
        if not Business.objects.filter(slug=f"route-{i}").exists():
            schemas.pool_fill(size=1)
            provision(f"route-{i}")
    connection.close()
    return [f"route-{i}.localhost" for i in range(20)]


def bench_provisioning_minimal() -> None:
    """Migrate and sign up one business (``warm-0``), for benches that need only that."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from mectofitness.celery import app as celery_app
    from tenants import schemas
    from tenants.services import business_provision

    celery_app.conf.task_always_eager = False
    note("migrating the bench database…")
    call_command("migrate_schemas", interactive=False, verbosity=0)
    connection.set_schema_to_public()
    schemas.pool_fill(size=1)
    business_provision(
        name="Bench warm-0", slug="warm-0", owner_email="owner@warm-0.test", owner_password=None
    )


# --- client search --------------------------------------------------------------------


def bench_client_search(slug: str, n_clients: int, n_queries: int) -> None:
    """Ranked client search in one business holding ``n_clients`` clients.

    Names come from Faker's pools in several locales (accents included), put
    together at random; rows go in with COPY. The queries are a fixed-seed mix
    of short prefixes (2-3 letters), full names, e-mails, phone digits and
    misspelt surnames, each timed through the ORM as the back office's quick
    find and the API's search run it (``client_search_top``: the best 20)."""
    import random

    from django.db import connection
    from django_tenants.utils import tenant_context
    from faker import Faker

    from clients.models import Client, digits, normalise
    from clients.selectors import client_search_top
    from tenants.models import Business

    rng = random.Random(5)
    faker = Faker(["en_GB", "fr_FR", "de_DE", "es_ES", "pl_PL", "sv_SE"])
    faker.seed_instance(5)
    firsts = list({faker.first_name() for _ in range(3000)})
    lasts = list({faker.last_name() for _ in range(6000)})
    business = Business.objects.get(slug=slug)
    note(f"adding {n_clients} clients to {slug}…")
    with tenant_context(business):
        rows = []
        for i in range(n_clients):
            first, last = rng.choice(firsts), rng.choice(lasts)
            email = f"{normalise(first)}.{normalise(last)}{i}@example.com".replace(" ", "")
            phone = f"+44 7{rng.randrange(100, 999)} {rng.randrange(100000, 999999)}"
            name = f"{normalise(first)} {normalise(last)}"
            rows.append(
                (
                    first,
                    last,
                    email,
                    phone,
                    normalise(first),
                    normalise(last),
                    email,
                    digits(phone),
                    name,
                )
            )
        with connection.cursor() as cursor:
            table = Client._meta.db_table
            columns = (
                "first_name, last_name, email, phone, search_first, search_last, search_email,"
                " search_phone, search_name, date_of_birth, gender, goals, experience_level,"
                " injuries, medical_notes, emergency_contact_name, emergency_contact_phone,"
                " timezone, units, source, status, status_changed_at, created_at, updated_at"
            )
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(
                        (
                            *row,
                            None,
                            "",
                            "",
                            "",
                            "",
                            "",
                            "",
                            "",
                            "",
                            "",
                            "",
                            "active",
                            "now",
                            "now",
                            "now",
                        )
                    )
            cursor.execute(f"VACUUM ANALYZE {table}")  # as autovacuum would: GIN lists merged
        queries, kinds = [], []
        for kind in ("short", "full", "email", "phone", "misspelt") * (n_queries // 5):
            first, last, email, phone = rows[rng.randrange(len(rows))][:4]
            kinds.append(kind)
            if kind == "short":
                queries.append(last[: rng.choice((2, 3))])
            elif kind == "full":
                queries.append(f"{first} {last}")
            elif kind == "email":
                queries.append(email.split("@")[0][: rng.randrange(6, 14)])
            elif kind == "phone":
                queries.append(digits(phone)[-rng.choice((4, 6)) :])
            else:
                word = normalise(last)
                at = rng.randrange(1, max(2, len(word) - 1))
                queries.append(word[:at] + word[at + 1 :] if len(word) > 4 else word + "e")
        timings, found = [], 0
        clients = Client.objects.all()
        for query in queries[:10]:  # warm up plans and caches
            client_search_top(clients=clients, query=query)
        for query in queries:
            started = time.perf_counter()
            page = client_search_top(clients=clients, query=query)
            timings.append((time.perf_counter() - started) * 1000)
            found += bool(page)
    print(
        f"client_search_ms p50={statistics.median(timings):.1f}"
        f" p95={percentile(timings, 95):.1f} n={n_clients}",
        flush=True,
    )
    note(f"{len(queries)} queries, {found} with results")
    slowest = sorted(zip(timings, queries, strict=True), reverse=True)[:8]
    note("slowest: " + ", ".join(f"{q!r} {t:.1f}" for t, q in slowest))
    for kind in sorted(set(kinds)):
        mine = [t for t, k in zip(timings, kinds, strict=True) if k == kind]
        note(f"  {kind}: p50={statistics.median(mine):.1f} p95={percentile(mine, 95):.1f}")
    with tenant_context(business):
        client_recall(n_queries)


def recall_line(name: str, hits: list[int]) -> None:
    """``hits``: where each seeded misspelling's target came (1, 2, ...; 0 when missing)."""
    n = len(hits)
    top1 = sum(1 for hit in hits if hit == 1) / n
    top3 = sum(1 for hit in hits if 1 <= hit <= 3) / n
    print(f"{name} top1={top1:.3f} top3={top3:.3f} n={n}", flush=True)


def client_recall(n_queries: int) -> None:
    """Seeded misspellings of clients' names (one slip in one word, the four kinds in
    turn): the full name must find that client, a surname alone someone with it."""
    import random

    from clients.models import Client
    from clients.selectors import client_search_top
    from mectofitness.core.fuzzy import misspellings

    rng = random.Random(13)
    people = list(Client.objects.order_by("pk").values_list("pk", "search_first", "search_last"))
    sample = rng.sample(people, min(n_queries, len(people)))
    clients = Client.objects.all()
    full, surnames, misses = [], [], []
    names = [f"{first} {last}" for _pk, first, last in sample]
    by_name = dict(zip(names, sample, strict=True))
    for name, query in misspellings(names, seed=13):
        pk = by_name[name][0]
        found = [c.pk for c in client_search_top(clients=clients, query=query)]
        full.append(found.index(pk) + 1 if pk in found else 0)
        if not 1 <= full[-1] <= 3:
            misses.append(query)
    lasts = [last for _pk, _first, last in sample]
    for last, query in misspellings(lasts, seed=14):
        found = [c.search_last for c in client_search_top(clients=clients, query=query)]
        surnames.append(found.index(last) + 1 if last in found else 0)
    recall_line("client_search_recall", full)
    recall_line("client_surname_recall", surnames)
    note("full names missed: " + ", ".join(repr(q) for q in misses[:8]))


# --- exercise search ------------------------------------------------------------------


def bench_exercise_search(slug: str, n_queries: int) -> None:
    """Library search in one business: the authored catalog (loaded by migration) plus
    free-exercise-db imported, a few hidden entries, copies and own exercises.

    The queries are a fixed-seed mix of exact names, prefixes (3-6 letters), aliases,
    misspellings (a letter dropped, doubled or swapped; words run together) and filtered
    searches (muscle, equipment, category), each timed as the back office and the API
    run it (``exercise_search``: the best 20)."""
    import random

    from django.core.management import call_command
    from django_tenants.utils import tenant_context

    from accounts.models import User
    from programs.catalog.models import CatalogExercise
    from programs.catalog.text import EQUIPMENT, MUSCLES
    from programs.selectors.library import LibraryFilters, exercise_search
    from programs.services.library import exercise_copy, exercise_create, exercise_hide
    from tenants.models import Business

    fedb = ROOT.parent / "shared" / "data" / "free-exercise-db" / "exercises.json"
    note("importing free-exercise-db into the catalog…")
    with open(os.devnull, "w") as quiet:
        call_command("import_exercises", str(fedb), "--no-images", stdout=quiet)
    rng = random.Random(6)
    catalog = list(CatalogExercise.objects.values_list("pk", "name", "aliases", "category"))
    business = Business.objects.get(slug=slug)
    with tenant_context(business):
        owner = User.objects.filter(is_staff=True).first()
        for pk, *_rest in rng.sample(catalog, 30):
            exercise_hide(catalog_exercise=CatalogExercise.objects.get(pk=pk), by=owner)
        for pk, *_rest in rng.sample(catalog, 20):
            exercise_copy(catalog_exercise=CatalogExercise.objects.get(pk=pk), by=owner)
        for i in range(40):
            exercise_create(by=owner, name=f"Studio Circuit {i} {rng.choice(['A', 'B'])}")
        size = len(catalog) + 40

        def misspell(name: str) -> str:
            text = name.lower()
            at = rng.randrange(1, max(2, len(text) - 1))
            how = rng.choice(("drop", "double", "swap", "join"))
            if how == "drop":
                return text[:at] + text[at + 1 :]
            if how == "double":
                return text[:at] + text[at] + text[at:]
            if how == "swap" and at < len(text) - 1:
                return text[:at] + text[at + 1] + text[at] + text[at + 2 :]
            return text.replace(" ", "", 1)

        queries, kinds = [], []
        for kind in ("exact", "prefix", "alias", "misspelt", "filtered") * (n_queries // 5):
            _pk, name, aliases, category = rng.choice(catalog)
            filters = LibraryFilters()
            if kind == "exact":
                query = name
            elif kind == "prefix":
                query = name[: rng.randrange(3, 7)]
            elif kind == "alias":
                query = rng.choice(aliases) if aliases else name.split()[-1]
            elif kind == "misspelt":
                query = misspell(name)
            else:
                query = rng.choice(["", name.split()[0]])
                filters = rng.choice(
                    [
                        LibraryFilters(muscle=rng.choice(MUSCLES)),
                        LibraryFilters(equipment=rng.choice(EQUIPMENT)),
                        LibraryFilters(category=category, muscle=rng.choice(MUSCLES)),
                    ]
                )
            queries.append((query, filters))
            kinds.append(kind)
        for query, filters in queries[:20]:  # warm up plans and caches
            exercise_search(query=query, filters=filters)
        timings, found = [], 0
        for query, filters in queries:
            started = time.perf_counter()
            page = exercise_search(query=query, filters=filters)
            timings.append((time.perf_counter() - started) * 1000)
            found += bool(page.results)
    print(
        f"exercise_search_ms p50={statistics.median(timings):.1f}"
        f" p95={percentile(timings, 95):.1f} n={size}",
        flush=True,
    )
    note(f"{len(queries)} queries, {found} with results")
    slowest = sorted(zip(timings, [q for q, _f in queries], strict=True), reverse=True)[:8]
    note("slowest: " + ", ".join(f"{q!r} {t:.1f}" for t, q in slowest))
    for kind in sorted(set(kinds)):
        mine = [t for t, k in zip(timings, kinds, strict=True) if k == kind]
        note(f"  {kind}: p50={statistics.median(mine):.1f} p95={percentile(mine, 95):.1f}")
    with tenant_context(business):
        exercise_recall()


def exercise_recall() -> None:
    """Every catalog name this business shows, one word given one slip (the four kinds
    in turn, seeded): where the exercise comes in the results."""
    from mectofitness.core.fuzzy import misspellings
    from programs.catalog.models import CatalogExercise
    from programs.catalog.text import normalise
    from programs.models import ExerciseHide
    from programs.selectors.library import exercise_search

    hidden = set(ExerciseHide.objects.values_list("catalog_exercise_id", flat=True))
    names = {
        normalise(name): pk
        for pk, name in CatalogExercise.objects.order_by("pk").values_list("pk", "name")
        if pk not in hidden
    }
    hits, misses = [], []
    for name, query in misspellings(list(names), seed=10):
        found = [
            getattr(row, "catalog_id", None) or row.pk if row.is_own else row.pk
            for row in exercise_search(query=query, limit=20).results
        ]
        hits.append(found.index(names[name]) + 1 if names[name] in found else 0)
        if not 1 <= hits[-1] <= 3:
            misses.append(query)
    recall_line("exercise_search_recall", hits)
    note("missed: " + ", ".join(repr(q) for q in misses[:8]))


# --- routing --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, host: str, timeout: float = 30, proc=None) -> None:
    """Until ``/ping`` answers on ``port`` for ``host``; fails when ``proc`` (the server,
    if given) exits first."""
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise SystemExit(f"the server on {port} exited ({proc.returncode}) before answering")
        try:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/ping", headers={"Host": host}
            )
            with urllib.request.urlopen(request, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server on {port} did not answer for {host} in {timeout} s")


def wrk(port: int, hosts: list[str], seconds: int) -> float:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        quoted = ", ".join(f'"{h}"' for h in hosts)
        script.write(
            f"local hosts = {{{quoted}}}\nlocal i = 0\n"
            "request = function()\n  i = i + 1\n"
            '  wrk.headers["Host"] = hosts[(i % #hosts) + 1]\n'
            '  return wrk.format("GET", "/ping")\nend\n'
        )
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t1",
                "-c16",
                f"-d{seconds}s",
                "-s",
                script.name,
                f"http://127.0.0.1:{port}/ping",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    if "Non-2xx" in out:
        raise SystemExit(f"the server answered errors, figures would be meaningless:\n{out}")
    for line in out.splitlines():
        if line.startswith("Requests/sec:"):
            return float(line.split()[1])
    raise SystemExit(f"wrk printed no rate:\n{out}")


def serve(extra_env: dict) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = dict(os.environ) | {"DJANGO_DEBUG": "0", "LOG_LEVEL": "WARNING"} | extra_env
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "mectofitness.wsgi",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    return proc, port


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(15)


def bench_routing(hosts: list[str], seconds: int, rounds: int) -> None:
    if not shutil.which("wrk"):
        raise SystemExit("routing bench needs wrk: apt-get install wrk")
    best = {"plain": 0.0, "one": 0.0, "spread": 0.0}
    for _ in range(rounds):
        for label, extra, targets in (
            ("plain", {"MF_PLAIN_DJANGO": "1"}, ["localhost"]),
            ("one", {}, hosts[:1]),
            ("spread", {}, hosts),
        ):
            proc, port = serve(extra)
            try:
                for host in targets:
                    wait_for(port, host)
                wrk(port, targets, 1)  # warm-up: imports, connections, caches
                best[label] = max(best[label], wrk(port, targets, seconds))
            finally:
                stop(proc)
    plain = best["plain"]
    print(
        f"routing_rps plain={plain:.0f} one={best['one']:.0f} spread={best['spread']:.0f} "
        f"one_pct={100 * best['one'] / plain:.0f} spread_pct={100 * best['spread'] / plain:.0f}",
        flush=True,
    )


def booking_figures(args) -> None:
    from bench.booking import bench_booking

    bench_booking("warm-0", bookings=200, queries=200, racers=args.racers, slots=20)


def message_figures() -> None:
    from bench.realtime import bench_messages

    bench_messages("warm-0", clients=200)


def crawl_figures() -> None:
    """The role matrix's crawl (accounts/tests/test_role_matrix.py), about 4,000 GETs
    through Django's test client against the test database: its CPU seconds and its
    slowest pages. A figure, not a test's assertion: the suite only checks the answers."""
    with tempfile.NamedTemporaryFile("r", suffix=".txt") as report:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:warnings",
                "accounts/tests/test_role_matrix.py::test_the_crawl_covers_every_route_for_every_visitor",
            ],
            cwd=Path(__file__).resolve().parent.parent,
            env={**os.environ, "MF_BENCH_CRAWL": report.name},
            check=True,
            stdout=subprocess.DEVNULL,
        )
        print(report.read(), end="")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=25, help="businesses per provisioning figure")
    parser.add_argument("--seconds", type=int, default=5, help="seconds per routing run")
    parser.add_argument("--rounds", type=int, default=2, help="routing rounds (best kept)")
    parser.add_argument("--no-routing", action="store_true", help="provisioning figures only")
    parser.add_argument("--clients", type=int, default=100_000, help="clients for search")
    parser.add_argument("--queries", type=int, default=500, help="search queries timed")
    parser.add_argument(
        "--exercises-only", action="store_true", help="one business, exercise search only"
    )
    parser.add_argument(
        "--booking-only", action="store_true", help="one business, booking figures only"
    )
    parser.add_argument("--racers", type=int, default=8, help="threads racing for each time")
    parser.add_argument(
        "--messages-only", action="store_true", help="one business, message latency only"
    )
    parser.add_argument(
        "--realtime-choice",
        action="store_true",
        help="one business, message latency over WebSockets and server-sent events",
    )
    parser.add_argument(
        "--crawl",
        action="store_true",
        help="the role matrix's crawl: every route as every visitor, through the test client",
    )
    parser.add_argument(
        "--pages",
        action="store_true",
        help="the demo business, every back-office page's server time and queries",
    )
    parser.add_argument(
        "--big",
        action="store_true",
        help="every back-office and portal page on a business of --big-clients clients, its"
        " client with --big-days days of history (database kept: <name>_big)",
    )
    parser.add_argument("--big-clients", type=int, default=10_000)
    parser.add_argument("--big-roster", type=int, default=300, help="big clients on programs")
    parser.add_argument("--big-days", type=int, default=730)
    parser.add_argument("--page-repeat", type=int, default=15, help="timed requests per page")
    parser.add_argument("--page-only", default="", help="only the pages whose path has this")
    parser.add_argument(
        "--api",
        action="store_true",
        help="the API with a personal token against plain Django, per application server"
        " (database kept, with its demo business)",
    )
    parser.add_argument(
        "--api-servers", default="", help="comma-separated, for --api (default: bench/api.py's)"
    )
    parser.add_argument(
        "--load",
        action="store_true",
        help="locust's people (clients and coaches) against make run's processes, the demo"
        " business grown to --load-users people (database kept: <name>_load)",
    )
    parser.add_argument("--load-users", type=int, default=1000, help="simulated people")
    parser.add_argument("--load-minutes", type=float, default=10, help="the run's length")
    parser.add_argument(
        "--load-spawn-rate",
        type=float,
        default=0,
        help="people started a second (default: all in a minute)",
    )
    parser.add_argument(
        "--load-pool",
        action="store_true",
        help="the web processes on Django's psycopg 3 pool (DATABASE_POOL=1), not persistent"
        " connections",
    )
    args = parser.parse_args()
    machine_speed()
    if args.crawl:
        crawl_figures()
        return

    url, name = bench_database_url()
    if args.big:  # kept: building it takes minutes
        url, name = url.removesuffix("_bench") + "_big", name.removesuffix("_bench") + "_big"
        create_database(url, name)
    elif args.api:  # kept: the demo business is reused
        create_database(url, name)
    elif args.load:  # kept: the demo's thousand people are made once
        url, name = url.removesuffix("_bench") + "_load", name.removesuffix("_bench") + "_load"
        create_database(url, name)
    else:
        recreate_database(url, name)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mectofitness.settings")
    os.environ.setdefault(
        "STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage"
    )

    if args.big:
        from bench.big import big_figures

        big_figures(args)
        return
    if args.api:
        from bench.api import api_figures, migrate

        migrate()
        servers = [server for server in args.api_servers.split(",") if server] or None
        api_figures(seconds=args.seconds, rounds=args.rounds, servers=servers)
        return
    if args.load:
        from bench.load import load_figures

        load_figures(args)
        return
    if args.pages:
        from bench.pages import bench_pages, seed_demo

        seed_demo()
        bench_pages(repeat=args.page_repeat, only=args.page_only)
        return
    if args.exercises_only:
        bench_provisioning_minimal()
        bench_exercise_search("warm-0", args.queries)
        return
    if args.booking_only:
        bench_provisioning_minimal()
        booking_figures(args)
        return
    if args.messages_only:
        bench_provisioning_minimal()
        message_figures()
        return
    if args.realtime_choice:
        from bench.realtime_choice import bench_realtime_choice

        bench_provisioning_minimal()
        bench_realtime_choice("warm-0", clients=200)
        return
    hosts = bench_provisioning(args.n)
    bench_client_search("warm-0", args.clients, args.queries)
    bench_exercise_search("warm-0", args.queries)
    booking_figures(args)
    message_figures()
    if not args.no_routing:
        bench_routing(hosts, args.seconds, args.rounds)


if __name__ == "__main__":
    main()
