"""Test fixtures shared by every app.

The test database is created by ``migrate`` (our migrate_schemas), which also
builds the business schema template and pool. Two businesses, ``acme`` and
``zen``, are provisioned once per session and committed; each test runs in a
transaction that is rolled back, so it may provision more, suspend them, and
leave nothing behind. Tests that need committed data (concurrency, a real
Celery worker, a browser) use ``committed``, which cleans up after itself.
"""

import asyncio
import contextlib
import fcntl
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DatabaseError, connection
from django.test import Client
from django_tenants.utils import schema_context, tenant_context

from mectofitness.celery import app as celery_app

PASSWORD = "correct-horse-battery"
ROOT = Path(__file__).resolve().parent
ARTIFACTS = ROOT / "artifacts"
# Debian's headless shell (the old headless mode, without the full browser's UI) draws
# the same pages for about a quarter less CPU than the full chromium in headless mode:
# the browser tests use it when installed (.ci/run installs it).
CHROMIUM = (
    shutil.which("chromium-headless-shell")
    or shutil.which("chromium")
    or shutil.which("chromium-browser")
)
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM and not os.environ.get("CI"),
        reason="needs Debian's chromium-headless-shell (or chromium); CI installs it",
    ),
]


@dataclass
class LiveSite:
    url: str
    port: int
    mail_dir: Path

    def business_url(self, slug: str, path: str = "/") -> str:
        return f"http://{slug}.{settings.BASE_DOMAIN}:{self.port}{path}"

    def mails(self) -> list[str]:
        """Every e-mail the site sent, oldest first (the file backend's files)."""
        if not self.mail_dir.exists():
            return []
        files = sorted(self.mail_dir.iterdir(), key=lambda f: f.stat().st_mtime)
        return [f.read_text() for f in files]


def pytest_configure(config):
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        # once, in the process that starts the workers: they agree on it even when the
        # run starts a second before midnight. A developer may pin it (MF_TEST_DB_KEY=me:
        # pytest-django's --reuse-db, keeping the database whatever code changes, until
        # the key changes)
        os.environ.setdefault("MF_TEST_DB_KEY", _test_db_key())
        _EarlyBuild.start(config)
    from django.core.cache.backends.redis import RedisCache

    from mectofitness.testing import cache_clear, whitenoise_scan_once

    whitenoise_scan_once()
    # Redis's clear() is FLUSHDB: under xdist it wiped the other workers' keys,
    # their rate-limit counters mid-test (a lockout test then missed its lockout)
    RedisCache.clear = lambda self: cache_clear(self) >= 0
    # Argon2 at production cost is 0.2 s of CPU a password, thousands of times
    settings.PASSWORD_HASHERS = [
        "mectofitness.testing.QuickArgon2PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]


def pytest_unconfigure(config):
    _EarlyBuild.stop()


class _EarlyBuild:
    """Under xdist, the test database's build (``_SharedTestDatabase``: 20 to 25 s)
    starts in a process of its own as the run starts, beside the workers' start-up and
    collection (7 to 8 s each), instead of in the first worker after both. The builder
    is pytest itself, running ``devtools/pytest_database_build.py`` (one test that asks
    for ``django_db_setup``): the same settings, hashers and test environment as a
    worker, its own database (``test_<db>_build``, dropped when it ends). It takes the
    build's lock first; a worker that needs the database waits for it and copies the
    result. Should it fail, the first worker to take the lock builds, as without it.
    Not started when the database is already kept, for Citus, or with
    ``MF_TEST_DB_CACHE=0``."""

    process: subprocess.Popen | None = None

    @classmethod
    def start(cls, config) -> None:
        if (
            not getattr(config.option, "numprocesses", None)
            or os.environ.get("MF_CITUS")
            or os.environ.get("MF_TEST_DB_CACHE", "1") == "0"
        ):
            return
        from pytest_django.plugin import blocking_manager_key

        shared = _SharedTestDatabase(config, name=_test_database_name())
        try:
            with config.stash[blocking_manager_key].unblock():
                if shared._exists(shared.template):
                    return
        except DatabaseError:
            return  # no server yet: the workers will say so
        with open(Path(tempfile.gettempdir()) / f"{shared.template}.build.log", "w") as log:
            cls.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "pytest",
                    "-q",
                    str(ROOT / "devtools" / "pytest_database_build.py"),
                ],
                cwd=ROOT,
                env={**os.environ, "MF_TEST_DB_BUILDER": "1"},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @classmethod
    def stop(cls) -> None:
        """At the end of the run: a build still under way (a run of files that need no
        database) is stopped; its lock goes with it and the next run builds."""
        if cls.process is not None and cls.process.poll() is None:
            os.killpg(cls.process.pid, signal.SIGTERM)
            try:
                cls.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(cls.process.pid, signal.SIGKILL)
        cls.process = None


def _test_database_name() -> str:
    """What pytest-django names the test database, before any worker's suffix."""
    test = settings.DATABASES["default"].get("TEST") or {}
    return test.get("NAME") or f"test_{settings.DATABASES['default']['NAME']}"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """The early builder's database is ``test_<db>_build`` (see ``_EarlyBuild``)."""
    if os.environ.get("MF_TEST_DB_BUILDER"):
        from pytest_django.fixtures import _set_suffix_to_test_databases

        _set_suffix_to_test_databases(suffix="build")


def _needs_database(item) -> bool:
    return "django_db_setup" in item.fixturenames or item.get_closest_marker("django_db")


def _weight(items) -> tuple:
    """The role matrix's crawl first (the longest file), then the accessibility sweep
    (the longest test: minutes, in a business of its own, so it neither leaves rows in
    acme nor reads them; started early, the other worker runs the rest beside it instead
    of waiting for it at the end), then by number of tests, most first, as xdist's own
    reordering did. Browser files have few tests and so run last: some leave committed
    rows behind in acme (an invoice number taken, a notification's delivery), which files
    counting from a fresh business would see."""
    crawl = any(i.path.name == "test_role_matrix.py" for i in items)
    sweep = any(i.path.name == "test_accessibility_sweep.py" for i in items)
    return (not crawl, not sweep, -len(items))


def pytest_collection_modifyitems(config, items):
    """Under xdist, one file that needs the database first, then the files that need
    none, then the rest, the most tests first: while the test database is built
    (``_EarlyBuild``, ``_SharedTestDatabase``: 20 to 25 s), a worker runs the
    database-free files instead of waiting for it. ``make test`` runs
    ``--dist loadfile --no-loadscope-reorder``: files are handed out in this order."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    files: dict[str, list] = {}
    for item in items:
        files.setdefault(str(item.path), []).append(item)
    needing = [f for f, its in files.items() if any(_needs_database(i) for i in its)]
    free = [f for f in files if f not in set(needing)]
    needing.sort(key=lambda name: _weight(files[name]))
    order = [*needing[:1], *free, *needing[1:]]
    items[:] = [item for name in order for item in files[name]]


def _host(slug: str | None = None) -> str:
    return f"{slug}.{settings.BASE_DOMAIN}" if slug else settings.BASE_DOMAIN


def _session_businesses() -> None:
    """acme and zen, their owners' addresses verified, and the schema pool filled."""
    from allauth.account.models import EmailAddress

    from tenants.models import Business
    from tenants.schemas import pool_fill
    from tenants.services import business_provision

    connection.set_schema_to_public()
    for slug, name in (("acme", "Acme Strength"), ("zen", "Zen Movement")):
        if not Business.objects.filter(slug=slug).exists():
            business_provision(
                name=name,
                slug=slug,
                owner_email=f"owner@{slug}.test",
                owner_password=PASSWORD,
                owner_first_name="Owner",
            )
    # the owners have opened their welcome mail: verified addresses
    for business in Business.objects.filter(slug__in=["acme", "zen"]):
        with tenant_context(business):
            EmailAddress.objects.update(verified=True)
    pool_fill()


def _code_fingerprint() -> str:
    """What the migrated, provisioned test database is made from: every Python file
    outside the tests (migrations, models, provisioning, the signals they fire), this
    file, the project's pyproject, and the versions of what is installed. Tests
    themselves may change without a new database."""
    from importlib import metadata

    digest = hashlib.sha256()
    skip = {".venv", "node_modules", "artifacts", ".data", ".git", "tests", "__pycache__"}
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = sorted(d for d in subfolders if d not in skip)
        for name in sorted(f for f in files if f.endswith(".py")):
            path = Path(folder) / name
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    digest.update((ROOT / "pyproject.toml").read_bytes())
    for dist in sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions()):
        digest.update(dist.encode())
    return digest.hexdigest()[:16]


def _test_db_key() -> str:
    """The code's fingerprint and today's date (UTC): the session's businesses were
    provisioned on the day the kept database was built, and a test may read their trial
    or their owners' sign-up as recent."""
    return f"{_code_fingerprint()}_{time.strftime('%Y%m%d', time.gmtime())}"


def _database_use(name: str) -> None:
    """Point the default connection at the database ``name`` from now on."""
    connection.close()
    settings.DATABASES["default"]["NAME"] = name
    connection.settings_dict["NAME"] = name


class _SharedTestDatabase:
    """The migrated test database (104 migrations, applied to the public schema and the
    template schema in one pass, ``tenants.template_twin``: about 14 s of CPU on a fast
    machine, against 21 s for the two passes of before) with the
    session's businesses, kept on the database server as a template database named by
    what it is made from (``_code_fingerprint``): a run whose code made it before copies
    it (about a second) instead of migrating; a run with changed code (a migration, a
    model, the provisioning) builds a new one, and the older ones are dropped. This is
    pytest-django's ``--reuse-db`` made safe: the copy is the database this code would
    build, and each run starts from a fresh copy of it.

    Under xdist the early builder (``_EarlyBuild``, started with the run) builds it, or
    else the first worker to get here; the others wait for it and copy it. ``MF_TEST_DB_CACHE=0``
    builds from the migrations whatever is kept, and keeps nothing."""

    def __init__(self, config, name: str | None = None):
        self.name = name or connection.settings_dict["TEST"]["NAME"]  # test_<db>[_gw<n>]
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        suffixed = worker or os.environ.get("MF_TEST_DB_BUILDER")
        self.base = self.name.rsplit("_", 1)[0] if suffixed else self.name
        self.keep = os.environ.get("MF_TEST_DB_CACHE", "1") != "0"
        if self.keep:
            key = os.environ.get("MF_TEST_DB_KEY") or _test_db_key()
            key = "".join(c if c.isalnum() else "_" for c in key.lower())[:40]
            self.template = f"{self.base}_tpl_{key}"
        else:
            uid = config.workerinput["testrunuid"][:12] if worker else f"{os.getpid()}"
            self.template = f"{self.base}_tpl_run{uid}"
        folder = Path(tempfile.gettempdir())
        self.lock = folder / f"{self.template}.lock"
        self.done = folder / f"{self.template}.done"
        self.workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))

    def _sql(self, *statements: str) -> list:
        with connection._nodb_cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
            return cursor.fetchall() if cursor.description else []

    def _exists(self, name: str) -> bool:
        with connection._nodb_cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            return cursor.fetchone() is not None

    def _drop_others(self) -> None:
        """Templates another code's run left (one still being copied stays)."""
        with connection._nodb_cursor() as cursor:
            cursor.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s",
                [self.base.replace("_", "\\_") + "\\_tpl\\_%", self.template],
            )
            stale = [row[0] for row in cursor.fetchall()]
        for name in stale:
            with contextlib.suppress(DatabaseError):
                self._sql(f'DROP DATABASE IF EXISTS "{name}"')

    def setup(self, verbosity: int) -> None:
        from django.test.utils import setup_databases

        with open(self.lock, "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not self._exists(self.template):
                self._drop_others()
                setup_databases(verbosity=verbosity, interactive=False, aliases={"default"})
                assert connection.settings_dict["NAME"] == self.name
                _session_businesses()
                connection.close()
                self._sql(f'CREATE DATABASE "{self.template}" TEMPLATE "{self.name}"')
                _database_use(self.name)
                return
        self._sql(
            f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)',
            f'CREATE DATABASE "{self.name}" TEMPLATE "{self.template}"',
        )
        _database_use(self.name)

    def teardown(self) -> None:
        connection.close()
        self._sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        if self.keep:
            return
        with open(self.lock, "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            with open(self.done, "a+") as done:
                done.write("1\n")
                done.seek(0)
                finished = len(done.read().split())
            if finished >= self.workers:
                self._sql(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
                self.done.unlink(missing_ok=True)


class _CitusTestDatabase:
    """``make citus``: the test database on the Citus cluster of ``devtools.citus``, made
    afresh on the coordinator and both workers (a database copied from a template would
    not be on the workers), migrated, with the session's businesses; dropped at the end."""

    def __init__(self):
        self.name = connection.settings_dict["TEST"]["NAME"]

    def setup(self, verbosity: int) -> None:
        from django.core.management import call_command

        from devtools import citus

        citus.database_create(self.name, fresh=True)
        _database_use(self.name)
        call_command("migrate_schemas", interactive=False, verbosity=verbosity)
        _session_businesses()

    def teardown(self) -> None:
        from devtools import citus

        connection.close()
        citus.database_drop(self.name)


@pytest.fixture(scope="session")
def django_db_setup(
    request, django_test_environment, django_db_blocker, django_db_modify_db_settings
):
    """Create the test database, then provision the session's two businesses (committed).

    Replaces pytest-django's fixture, which creates databases only when a
    collected test is marked django_db: tests on committed data are not, and
    must never reach the development database.

    Under xdist (``make test`` runs ``-n auto``) each worker gets its own test
    database (pytest-django's ``_gw0`` suffix, via ``django_db_modify_db_settings``),
    copied from one the first worker built (``_SharedTestDatabase``), and its own cache
    key prefix, also for the live sites it starts.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        prefix = f"{settings.CACHES['default'].get('KEY_PREFIX', 'mf')}-{worker}"
        settings.CACHES["default"]["KEY_PREFIX"] = prefix
        os.environ["CACHE_KEY_PREFIX"] = prefix  # the live sites' gunicorn
        from asgiref.local import Local
        from django.core.cache import caches

        # a cache object made before now would keep the old prefix: start afresh
        caches._connections = Local(caches.thread_critical)
    # a run starts from no keys of its own: counters an earlier run left in the same
    # Redis database (DRF's daily throttles, under this worker's prefix) once
    # throttled a later run's API tests (429)
    from mectofitness.testing import cache_clear

    cache_clear()
    celery_app.conf.task_always_eager = True
    verbosity = request.config.option.verbose
    shared = (
        _CitusTestDatabase() if os.environ.get("MF_CITUS") else _SharedTestDatabase(request.config)
    )
    with django_db_blocker.unblock():
        shared.setup(verbosity)
    yield
    with django_db_blocker.unblock():
        shared.teardown()


@pytest.fixture(autouse=True)
def _public_schema_and_fresh_routes():
    """Every test starts in the public schema with an empty route cache."""
    from tenants.routing import host_cache

    connection.set_schema_to_public()
    host_cache.clear()
    yield
    connection.set_schema_to_public()
    host_cache.clear()


@pytest.fixture
def business(db):
    from tenants.models import Business

    return Business.objects.get(slug="acme")


@pytest.fixture
def other_business(db):
    from tenants.models import Business

    return Business.objects.get(slug="zen")


@pytest.fixture
def public_client():
    return Client(HTTP_HOST=_host())


@pytest.fixture
def tenant_client(business):
    """An anonymous browser on acme's subdomain."""
    return Client(HTTP_HOST=_host(business.slug))


@pytest.fixture
def owner(business):
    from accounts.models import User

    with tenant_context(business):
        return User.objects.get(email="owner@acme.test")


@pytest.fixture
def owner_client(business, owner):
    client = Client(HTTP_HOST=_host(business.slug))
    with tenant_context(business):
        client.force_login(owner)
    return client


@pytest.fixture
def owner_api(business, owner):
    """The owner at the API's usual door: a personal token in the Authorization header."""
    from accounts.services import api_token_create

    with tenant_context(business):
        key = api_token_create(user=owner, name="Zapier")[1]
    return Client(HTTP_HOST=_host(business.slug), HTTP_AUTHORIZATION=f"Token {key}")


@pytest.fixture
def fresh_throttles():
    """No rate-limit or lockout counter of another test in the cache, before this test or
    after it (``pytestmark = pytest.mark.usefixtures("fresh_throttles")``)."""
    from mectofitness.testing import cache_clear

    cache_clear()
    yield
    cache_clear()


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    """Run a test against committed data, and remove what it created afterwards.

    Businesses (and their schemas and domains) and leads created during the
    test are deleted; the schema pool is topped up again.
    """
    from tenants.models import Business, Lead, PooledSchema
    from tenants.schemas import pool_fill, schema_drop

    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        business_ids = set(Business.objects.values_list("pk", flat=True))
        lead_ids = set(Lead.objects.values_list("pk", flat=True))
        pool = set(PooledSchema.objects.values_list("schema_name", flat=True))
        numbers = _invoice_numbers()
        yield
        _invoice_numbers_restore(numbers)
        connection.set_schema_to_public()
        with schema_context("public"):
            for created in Business.objects.exclude(pk__in=business_ids):
                created.domains.all().delete()
                schema_drop(created.schema_name)
                created.delete()
            Lead.objects.exclude(pk__in=lead_ids).delete()
            with connection.cursor() as cursor:
                cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'pool\\_%%'")
                live = {row[0] for row in cursor.fetchall()}
            for orphan in (
                live - pool - set(PooledSchema.objects.values_list("schema_name", flat=True))
            ):
                schema_drop(orphan)
            pool_fill()


def _invoice_numbers() -> dict:
    """acme's and zen's next invoice numbers."""
    from billing.models import BillingSettings
    from tenants.models import Business

    numbers = {}
    for business in Business.objects.filter(slug__in=["acme", "zen"]):
        with tenant_context(business):
            numbers[business.pk] = BillingSettings.objects.values_list(
                "next_invoice_number", flat=True
            ).first()
    connection.set_schema_to_public()
    return numbers


def _invoice_numbers_restore(numbers: dict) -> None:
    """A committed test that paid or issued (and then deleted its invoices) gives the
    numbers back: the suite's invoice tests count from INV-00001 whatever ran before
    them on their worker. Never below a number an invoice still holds."""
    from django.db.models import Max

    from billing.models import BillingSettings, Invoice
    from tenants.models import Business

    for business in Business.objects.filter(pk__in=numbers):
        with tenant_context(business):
            kept = (Invoice.objects.aggregate(top=Max("number"))["top"] or 0) + 1
            BillingSettings.objects.update(next_invoice_number=max(numbers[business.pk] or 1, kept))
    connection.set_schema_to_public()


# --- a live site and a browser --------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# gunicorn on a test's clock: MF_LIVE_SITE_CLOCK seconds from the real one (a test that
# travels in time with time_machine gives its offset, set before it asks for ``live_site``:
# the site's clock and the test's then tick together; the worker, forked after --preload,
# keeps the travel)
_GUNICORN_ON_CLOCK = (
    "import os, sys, time, time_machine; "
    "offset = float(os.environ['MF_LIVE_SITE_CLOCK']); "
    "time_machine.travel(time.time() + offset, tick=True).start(); "
    # a travelling clock ticks from when it is first read, which importing the app may not do
    "time.time(); "
    "from gunicorn.app.wsgiapp import run; sys.argv[0] = 'gunicorn'; sys.exit(run())"
)

# What a test may change in the environment without the site it is served by changing:
# pytest's own marker, and the switch that lets the test process's ORM run beside
# Playwright's event loop (the site is another process).
_SITE_ENV_IGNORED = {"PYTEST_CURRENT_TEST", "DJANGO_ALLOW_ASYNC_UNSAFE"}


class _LiveSites:
    """The live sites of this session (of this xdist worker), reused by every browser
    test that runs with the same environment; a test whose environment differs (its own
    media folder, a Stripe stand-in's address) gets a site of its own, and the four most
    recently used stay up: tests of the plain environment come between the others, and
    with two kept a worker's run of media and Stripe tests stopped the plain site and
    started it again twice a run (an idle site costs memory, about 170 MB, not CPU).

    Starting gunicorn costs about two seconds of CPU and stopping it one more; the
    browser tests are many. A reused site starts each test with no e-mail in its folder
    and nothing cached from the test before: its route cache is off (``ROUTING_CACHE_TTL``
    0, so a business a test suspended, renamed or deleted is read afresh), and what
    else it holds is the database's and Redis's, which the tests clean up themselves."""

    KEEP = 4

    def __init__(self, mail_root: Path):
        self.mail_root = mail_root
        # environment -> (gunicorn, site), least recently used first
        self.running: dict[tuple, tuple[subprocess.Popen, LiveSite]] = {}
        self.starts = 0

    def site_for(self, environ: dict) -> LiveSite:
        key = tuple(sorted((k, v) for k, v in environ.items() if k not in _SITE_ENV_IGNORED))
        server, site = self.running.pop(key, (None, None))
        if server is None or server.poll() is not None:
            if server is not None:
                self._stop(server)
            while len(self.running) >= self.KEEP:
                self._stop(self.running.pop(next(iter(self.running)))[0])
            server, site = self._start(environ)
        self.running[key] = (server, site)
        for mail in site.mail_dir.glob("*"):
            mail.unlink()
        return site

    def _start(self, environ: dict) -> tuple[subprocess.Popen, LiveSite]:
        self.starts += 1
        mail_dir = self.mail_root / f"mail-{self.starts}"
        mail_dir.mkdir(parents=True)
        db = connection.settings_dict
        port = _free_port()
        env = dict(environ) | {
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "DJANGO_DEBUG": "0",
            "SITE_PORT": str(port),
            "SITE_SCHEME": "http",
            "BASE_DOMAIN": settings.BASE_DOMAIN,
            "CELERY_TASK_ALWAYS_EAGER": "1",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mail_dir),
            "ROUTING_CACHE_TTL": "0",
        }
        if db.get("PASSWORD"):
            env["DATABASE_URL"] = env["DATABASE_URL"].replace("@", f":{db['PASSWORD']}@", 1)
        server = subprocess.Popen(
            [
                sys.executable,
                *(
                    ("-c", _GUNICORN_ON_CLOCK)
                    if "MF_LIVE_SITE_CLOCK" in environ
                    else ("-m", "gunicorn")
                ),
                # one worker process with threads: a page's requests are still served at
                # once, and the application is loaded and warmed once per site, not once
                # per worker (two sync workers: about 6 % more CPU over the browser
                # tests, alternating runs); imported before the worker forks
                "--preload",
                "--workers",
                "1",
                "--threads",
                "4",
                "-b",
                f"127.0.0.1:{port}",
                "mectofitness.wsgi",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                probe = urllib.request.Request(
                    f"http://127.0.0.1:{port}/healthz", headers={"Host": settings.BASE_DOMAIN}
                )
                with urllib.request.urlopen(probe, timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    self._stop(server)
                    raise RuntimeError("the live site did not start") from None
                time.sleep(0.1)
        return server, LiveSite(f"http://{settings.BASE_DOMAIN}:{port}", port, mail_dir)

    @staticmethod
    def _stop(server: subprocess.Popen) -> None:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(5)

    def stop(self) -> None:
        while self.running:
            self._stop(self.running.popitem()[1][0])


@pytest.fixture(scope="session")
def _live_sites(django_db_setup, tmp_path_factory):
    """Stopped before the test database is dropped (its connections would keep it)."""
    sites = _LiveSites(tmp_path_factory.mktemp("live-site"))
    yield sites
    sites.stop()


@pytest.fixture
def live_site(committed, _live_sites):
    """The whole site served by gunicorn against the (committed) test database.

    Its e-mail goes to files in ``live_site.mail_dir``, empty when the test starts.
    The site is shared by the tests that run with the same environment (see
    ``_LiveSites``): set what the site should read in the environment (monkeypatch)
    before asking for this fixture."""
    return _live_sites.site_for(dict(os.environ))


@pytest.fixture(scope="session")
def _chromium():
    """One Playwright driver and one Chromium per session (per xdist worker): a launch
    costs about a second of CPU, and the browser tests are many.

    Playwright's sync API marks its event loop as running in this thread between its
    calls, which Django reads as "async context" (and asyncio.run() refuses to start):
    outside a browser test the loop is unmarked, so other tests never see it."""
    from playwright.sync_api import sync_playwright
    from playwright.sync_api._generated import Locator, Page

    if os.environ.get("MF_SCREENSHOTS") == "0":
        # CI: nobody looks at the artifacts there, and drawing full-page PNGs of tall
        # pages was 12 s of the run; `make test` on a developer's machine keeps them
        for cls in (Page, Locator):
            cls.screenshot = lambda self, *args, **kwargs: b""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        loop = asyncio.get_running_loop()
        asyncio._set_running_loop(None)
        yield launched, loop
        asyncio._set_running_loop(loop)
        launched.close()


@pytest.fixture
def browser(_chromium):
    """The session's Chromium; the contexts and pages a test opens are closed after it."""
    launched, loop = _chromium
    asyncio._set_running_loop(loop)
    try:
        yield launched
        for context in launched.contexts:
            context.close()
    finally:
        asyncio._set_running_loop(None)
