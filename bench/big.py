"""A big business: the demo grown to 10,000 clients, Chloe with two years of history.

`make scale` (and `make bench ARGS=--big`) time every page on it:

    page_ms path=… role=owner|coach|client p50=… p95=… cpu_p50=… queries=… n=…

The demo business (``demo_seed``) is topped up, once, in its own bench database:

- clients up to ``--big-clients`` (default 10,000), half the owner's and half the coach's,
  a mix of leads, active, paused and former clients, written in bulk; ``--big-roster`` of
  them (default 300) on programs and logging workouts as the demo's roster does;
- Chloe, the demo client, gets ``--big-days`` (default 730) days of history before the
  demo's own month (``tenants.demo_history``: workouts and sets, weigh-ins, tape
  measurements, habits, food, weekly check-ins, sessions, messages).

Then every table is analysed, as autovacuum would after bulk writes. Portal pages are
found by following the client's links (``mectofitness.testing.portal_pages``). Figures,
not assertions: the query budgets are tests (``backoffice/tests/test_query_budgets.py``,
``mectofitness/tests/test_portal_budgets.py``).
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time

from bench.pages import _note, page_time


def big_business_seed(*, clients: int, roster: int, days: int) -> None:
    """Top the demo business up as the module says (each part once)."""
    # here and below, Django's modules are imported after django.setup()
    from django.db import connection
    from django_tenants.utils import tenant_context

    from accounts.models import User
    from clients.models import Client
    from programs.models import WorkoutLog
    from tenants.demo_history import demo_history_seed
    from tenants.management.commands.demo_seed import DEMO_SLUG, PEOPLE
    from tenants.models import Business

    business = Business.objects.get(slug=DEMO_SLUG)
    with tenant_context(business):
        owner = User.objects.get(email=PEOPLE[0][0])
        coach = User.objects.get(email=PEOPLE[1][0])
        chloe = Client.objects.select_related("user").get(user__email=PEOPLE[2][0])
        started = time.perf_counter()
        added = _more_clients(target=clients, roster=roster, coaches=[owner, coach], owner=owner)
        if added:
            _note(f"{added} clients added in {time.perf_counter() - started:.0f} s")
        if WorkoutLog.objects.filter(client=chloe).count() < 100:
            started = time.perf_counter()
            demo_history_seed(chloe=chloe, coach=coach, days=days)
            _note(f"{days} days of Chloe's history in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:  # as autovacuum would after bulk writes
        # this business's tables and the public ones (not all: make scale's database has
        # 10,000 schemas)
        cursor.execute(
            "SELECT oid::regclass::text FROM pg_class WHERE relkind IN ('r', 'p')"
            " AND relnamespace IN (%s::regnamespace, 'public'::regnamespace)",
            [business.schema_name],
        )
        for (table,) in cursor.fetchall():
            cursor.execute(f"ANALYZE {table}")


def clients_bulk_insert(rows: list) -> list:
    """``rows`` (unsaved clients) inserted at once, their search keys set and each with
    its primary coach among its coaches, as the product's client_create leaves them."""
    from django.db import transaction

    from clients.models import Client

    for client in rows:
        client.refresh_search_keys()
    through = Client.coaches.through
    with transaction.atomic():
        made = Client.objects.bulk_create(rows, batch_size=2000)
        through.objects.bulk_create(
            [through(client_id=c.pk, user_id=c.primary_coach_id) for c in made],
            batch_size=5000,
            ignore_conflicts=True,
        )
    return made


def _more_clients(*, target: int, roster: int, coaches: list, owner) -> int:
    from django.db import connection, transaction
    from django.utils import timezone
    from faker import Faker

    from clients.models import Client
    from programs.demo import training_demo_roster_seed

    have = Client.objects.count()
    if have >= target:
        return 0
    rng = random.Random(17)
    faker = Faker(["en_GB", "fr_FR", "de_DE", "es_ES"])
    faker.seed_instance(17)
    firsts = list({faker.first_name() for _ in range(1500)})
    lasts = list({faker.last_name() for _ in range(3000)})
    now = timezone.now()
    statuses = ["active"] * 6 + ["lead", "lead", "onboarding", "paused", "archived"]
    rows = []
    for index in range(target - have):
        first, last = rng.choice(firsts), rng.choice(lasts)
        status = rng.choice(statuses)
        joined = now - dt.timedelta(days=rng.randrange(1, 900))
        client = Client(
            first_name=first,
            last_name=last,
            email=f"big{have + index}.{rng.randrange(10**6)}@example.com",
            phone=f"+44 7{rng.randrange(100, 999)} {rng.randrange(100000, 999999)}",
            status=status,
            primary_coach=coaches[index % len(coaches)],
            created_at=joined,
            status_changed_at=joined,
            last_activity_at=(
                None if status == "lead" else now - dt.timedelta(hours=rng.randrange(2, 24 * 60))
            ),
        )
        rows.append(client)
    made = clients_bulk_insert(rows)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {Client._meta.db_table}")
    active = [c for c in made if c.status == "active"][:roster]
    coach = coaches[-1]
    for start in range(0, len(active), 50):  # the demo's roster, in bites
        with transaction.atomic():
            training_demo_roster_seed(clients=active[start : start + 50], coach=coach, owner=owner)
    return len(made)


def big_figures(args) -> None:
    """``make bench ARGS=--big``: the demo (seeded once), topped up, every page timed."""
    import django

    from bench.pages import bench_pages, seed_demo

    django.setup()
    from django.core.management import call_command

    from tenants.models import Business

    call_command("migrate_schemas", interactive=False, verbosity=0)
    if not Business.objects.filter(slug="demo").exists():
        seed_demo()
    big_business_seed(clients=args.big_clients, roster=args.big_roster, days=args.big_days)
    bench_pages(repeat=args.page_repeat, only=args.page_only)
    bench_portal(repeat=args.page_repeat, only=args.page_only)


# --- the portal's pages -------------------------------------------------------------------


def bench_portal(*, repeat: int, only: str = "") -> None:
    """Time every portal page as Chloe, one line each (as bench/pages.py does)."""
    from django.conf import settings
    from django.test import Client as Browser
    from django_tenants.utils import tenant_context

    from accounts.models import User
    from mectofitness.core.heap import heap_freeze_as_it_warms
    from mectofitness.testing import portal_pages
    from tenants.management.commands.demo_seed import DEMO_SLUG, PEOPLE
    from tenants.models import Business

    heap_freeze_as_it_warms()  # as a web process does (mectofitness/wsgi.py)
    business = Business.objects.get(slug=DEMO_SLUG)
    browser = Browser(HTTP_HOST=f"{DEMO_SLUG}.{settings.BASE_DOMAIN}")
    with tenant_context(business):
        browser.force_login(User.objects.get(email=PEOPLE[2][0]))
    pages = portal_pages(browser)
    slowest = (0.0, "")
    for path in pages:
        if only and only not in path:
            continue
        p95 = page_time(browser, path, role="client", repeat=repeat)
        if p95 is None:
            continue
        slowest = max(slowest, (p95, path))
    print(f"page_slowest_ms p95={slowest[0]:.1f} path={slowest[1]} role=client", flush=True)


if __name__ == "__main__":
    sys.exit("run through `make bench ARGS=--big` or `make scale`")
