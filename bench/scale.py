"""`make scale` (not in CI): a platform of N businesses, and what a deploy costs there.

    scale_provision_ms_per_business=… n=… built=…   wall time per business of the sign-ups
                                        this run made (``built``; the platform holds ``n``),
                                        --workers at once through the product's own
                                        ``tenants.services.business_provision``: a pooled
                                        schema claimed and renamed, the pool topped up from
                                        the template's capture (or, when it runs dry, the
                                        capture replayed for the sign-up itself)
    migrate_noop_s=… n=…                `manage.py migrate_schemas` with nothing to do, wall
                                        time of the command, start-up included
    migrate_one_s=… n=… applied=… failed=…   the same with one small migration to apply in
                                        every business schema (accounts.0004: one AddField),
                                        as after a deploy that brings it
    page_ms path=… role=… p50=… p95=…   every back-office page (owner, coach) and portal
                                        page (client) of the demo business grown to 10,000
                                        clients, its client with two years of history, on
                                        this platform: see bench/big.py
    api_rps …, api_ms …, api_server …   the API with a personal token against plain
                                        Django, per application server: see bench/api.py

The platform lives in its own database, ``<name>_scale``, kept between runs: a business
schema is 552 relations and about 4 MB, so 10,000 of them take tens of minutes to build and
about 40 GB of disk; a run tops the platform up to N (``--fresh`` starts over) and stops
building at ``--budget-s`` (the figures then say how many there are). Loopback only.

For migrate_one, the migration is taken back out of every schema by SQL first (the column
dropped, its django_migrations row deleted, the businesses' recorded state cleared): the
run that follows then does what a deploy adding that migration does.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.api import api_figures  # noqa: E402  (after sys.path: the repository's bench)
from bench.big import big_figures  # noqa: E402

ONE = ("accounts", "0004_settings_and_units")  # adds accounts_user.units


def note(message: str) -> None:
    print(f"# {message}", file=sys.stderr, flush=True)


def scale_database(fresh: bool) -> str:
    import psycopg

    parts = urlsplit(os.environ["DATABASE_URL"])
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("make scale runs against a database on loopback only")
    name = parts.path.lstrip("/") + "_scale"
    admin_url = urlunsplit(parts._replace(path="/postgres")).replace("postgres://", "postgresql://")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path="/" + name))


def manage(*args: str) -> tuple[float, str]:
    """Run manage.py in a process of its own (as a deploy does); (wall seconds, output)."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"manage.py {' '.join(args)} failed ({result.returncode})")
    return elapsed, result.stdout + result.stderr


# --- provisioning ---------------------------------------------------------------------


def _provision(slugs: list[str]) -> int:
    """One worker's share of sign-ups (fork: Django is set up; the connection is its own,
    and a new one for each batch: see README, Connections)."""
    from django.db import connection, transaction

    from tenants.services import business_provision

    for slug in slugs:
        with transaction.atomic():
            business_provision(
                name=f"Scale {slug[6:]}",
                slug=slug,
                owner_email=f"owner@{slug}.test",
                owner_password=None,
                welcome=False,
            )
    connection.close()
    return len(slugs)


def provision(n: int, workers: int, budget_s: float) -> tuple[int, int, float]:
    """Top the platform up to ``n`` businesses; (businesses now, built now, seconds)."""
    from django.db import connections

    from mectofitness.celery import app as celery_app
    from tenants.models import Business

    # the pool top-up each sign-up queues runs in the signing process, after its commit
    celery_app.conf.task_always_eager = True
    logging.getLogger("celery").setLevel(logging.WARNING)
    have = set(Business.objects.filter(slug__startswith="scale-").values_list("slug", flat=True))
    wanted = [f"scale-{i:05d}" for i in range(n) if f"scale-{i:05d}" not in have]
    if not wanted:
        return len(have), 0, 0.0
    note(f"building {len(wanted)} businesses ({len(have)} already here), {workers} at a time…")
    batches = [wanted[i : i + 20] for i in range(0, len(wanted), 20)]
    connections.close_all()
    built, started, last = 0, time.perf_counter(), 0.0
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for count in pool.imap_unordered(_provision, batches):
            built += count
            elapsed = time.perf_counter() - started
            if elapsed - last >= 30:
                note(f"{built}/{len(wanted)} built, {built / elapsed:.1f}/s")
                last = elapsed
            if elapsed > budget_s:
                note(f"budget of {budget_s:.0f} s spent: stopping at {built} new businesses")
                pool.terminate()
                break
    elapsed = time.perf_counter() - started
    connections.close_all()
    return Business.objects.filter(slug__startswith="scale-").count(), built, elapsed


def take_one_migration_out() -> int:
    """Unapply ONE in every business schema by SQL; returns how many schemas."""
    from django.db import connection

    from tenants.models import Business

    names = list(Business.objects.values_list("schema_name", flat=True))
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(f'ALTER TABLE "{name}".accounts_user DROP COLUMN IF EXISTS units')
            cursor.execute(
                f'DELETE FROM "{name}".django_migrations WHERE app = %s AND name = %s', list(ONE)
            )
    Business.objects.update(schema_fingerprint="")
    return len(names)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=10_000, help="businesses on the platform")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--budget-s", type=float, default=3600, help="seconds of building")
    parser.add_argument("--fresh", action="store_true", help="start from an empty database")
    parser.add_argument("--no-one", action="store_true", help="skip the migrate_one figure")
    parser.add_argument("--no-pages", action="store_true", help="skip the page_ms lines")
    parser.add_argument("--no-api", action="store_true", help="skip the api_* lines")
    parser.add_argument("--big-clients", type=int, default=10_000)
    parser.add_argument("--big-roster", type=int, default=300)
    parser.add_argument("--big-days", type=int, default=730)
    parser.add_argument("--page-repeat", type=int, default=15)
    parser.add_argument("--page-only", default="")
    parser.add_argument("--api-seconds", type=int, default=10)
    parser.add_argument("--api-rounds", type=int, default=2)
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = scale_database(args.fresh)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mectofitness.settings")
    note("migrating the scale database…")
    manage("migrate_schemas", "--noinput", "-v", "0")

    import django

    django.setup()
    total, built, seconds = provision(args.n, args.workers, args.budget_s)
    if built:
        print(
            f"scale_provision_ms_per_business={seconds * 1000 / built:.1f} n={total} built={built}",
            flush=True,
        )

    manage("migrate_schemas", "--noinput", "-v", "0")  # settle the pool and the template
    seconds, _ = manage("migrate_schemas", "--noinput", "-v", "0")
    print(f"migrate_noop_s={seconds:.1f} n={total}", flush=True)

    if not args.no_one:
        note("taking accounts.0004 out of every business schema…")
        take_one_migration_out()
        seconds, out = manage("migrate_schemas", "--noinput", "--tenant", "--skip-template")
        found = re.search(r"(\d+) migrated \((\d+) migrations? applied\), (\d+) failed", out)
        migrated, applied, failed = found.groups() if found else ("?", "?", "?")
        print(
            f"migrate_one_s={seconds:.1f} n={migrated} applied={applied} failed={failed}",
            flush=True,
        )

    if not args.no_pages:  # the demo business, grown: see bench/big.py
        big_figures(args)
    if not args.no_api:  # the same business's API: see bench/api.py
        api_figures(seconds=args.api_seconds, rounds=args.api_rounds)


if __name__ == "__main__":
    main()
