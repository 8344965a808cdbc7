"""Business schemas: the migration fingerprint, the template, and the pool.

A sign-up must be instant however many migrations the project collects, so
no business schema is built by running migrations:

- The **template** schema ``mf_template`` is migrated like any business, then
  captured with ``pg_dump`` (DDL and its seed rows: migrations, content types,
  permissions, role groups) into ``SchemaTemplate``.
- The **pool** holds a few empty schemas replayed from that capture. A
  sign-up claims one and renames it (warm path, a few milliseconds).
- When the pool is empty, the sign-up replays the capture itself (cold path).

Both carry the fingerprint of the migration state they were made from. A
missing or stale template, or a stale pool schema, raises ``SchemaStateError``:
it is never silently replaced by something older or slower.
``migrate_schemas`` (``tenants/management/commands``) rebuilds both.
"""

import functools
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import subprocess
import sys
import warnings

import sqlparse
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django_tenants.utils import quote_schema_name, schema_exists

from accounts.roles import ROLE_PERMISSIONS
from mectofitness.core.tenancy import tenant_app_labels

from .models import PooledSchema, SchemaTemplate

logger = logging.getLogger(__name__)

TEMPLATE_SCHEMA = "mf_template"
# Bump when the way the template is captured changes: templates and pooled
# schemas made by older code are then stale, as after a migration.
CAPTURE_FORMAT = 3
POOL_PREFIX = "pool_"


class SchemaStateError(RuntimeError):
    """The template or pool does not match the code's migrations. Run migrate_schemas."""


@functools.cache
def schema_fingerprint() -> str:
    """A hash of what a business schema is made of: every migration it runs (names and
    file contents) and the role groups' permissions post_migrate gives it.

    Each business records the one its schema was made or last migrated at
    (``Business.schema_fingerprint``, see ``tenants.rollout``). Computed once per process
    (it loads the migration graph).
    """

    tenant_labels = tenant_app_labels()
    loader = MigrationLoader(None, ignore_no_migrations=True, load=True)
    digest = hashlib.sha256(json.dumps(ROLE_PERMISSIONS, sort_keys=True).encode())
    for app_label, name in sorted(loader.graph.nodes):
        if app_label not in tenant_labels:
            continue
        migration = loader.graph.nodes[(app_label, name)]
        digest.update(f"{app_label}.{name}\n".encode())
        path = getattr(sys.modules.get(migration.__module__), "__file__", None)
        if path and os.path.exists(path):
            with open(path, "rb") as fh:
                digest.update(hashlib.sha256(fh.read()).digest())
    return digest.hexdigest()


@functools.cache
def migration_fingerprint() -> str:
    """The template's and the pool's fingerprint: the schema's, and the way the template
    is captured (a new capture format makes them stale; the businesses are not)."""
    return hashlib.sha256(
        f"capture-format:{CAPTURE_FORMAT}\n{schema_fingerprint()}".encode()
    ).hexdigest()


# --- template -----------------------------------------------------------------


def template_rebuild(*, verbosity: int = 0) -> SchemaTemplate:
    """Migrate a fresh template schema and capture it. Slow (seconds): deploys only."""
    template_schema_empty()
    call_command(
        "migrate_schemas",
        tenant=True,
        schema_name=TEMPLATE_SCHEMA,
        interactive=False,
        verbosity=verbosity,
        skip_template=True,
    )
    return template_capture()


def template_schema_empty(name: str = TEMPLATE_SCHEMA) -> None:
    """The template schema made afresh, empty, for a migration to fill."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {quote_schema_name(name)} CASCADE")
        cursor.execute(f"CREATE SCHEMA {quote_schema_name(name)}")


def template_capture() -> SchemaTemplate:
    """Capture the migrated template schema (``template_rebuild``, or a fresh database's
    first migration, ``tenants.template_twin``) as the current template."""
    fingerprint = migration_fingerprint()
    connection.set_schema_to_public()
    sql = _dump_schema(TEMPLATE_SCHEMA)
    with transaction.atomic():
        SchemaTemplate.objects.exclude(fingerprint=fingerprint).delete()
        template, _ = SchemaTemplate.objects.update_or_create(
            fingerprint=fingerprint, defaults={"sql": sql}
        )
    return template


def template_is_current() -> bool:
    return SchemaTemplate.objects.filter(fingerprint=migration_fingerprint()).exists()


def provisioning_state() -> dict:
    """Template freshness and pool counts, for health checks and `check --database`.

    Three small queries on the public schema.
    """
    fingerprint = migration_fingerprint()
    if SchemaTemplate.objects.filter(fingerprint=fingerprint).exists():
        template = "current"
    else:
        template = "stale" if SchemaTemplate.objects.exists() else "missing"
    ready = PooledSchema.objects.filter(fingerprint=fingerprint).count()
    stale = PooledSchema.objects.exclude(fingerprint=fingerprint).count()
    return {"template": template, "pool_ready": ready, "pool_stale": stale}


@functools.lru_cache(maxsize=2)
def _template_sql(fingerprint: str) -> str:
    template = SchemaTemplate.objects.filter(fingerprint=fingerprint).only("sql").first()
    if template is None:
        stale = SchemaTemplate.objects.exists()
        raise SchemaStateError(
            "The business schema template is "
            + ("stale (migrations changed)" if stale else "missing")
            + ". Run `manage.py migrate_schemas` to rebuild it."
        )
    return template.sql


def schema_create_from_template(schema_name: str) -> None:
    """Create ``schema_name`` by replaying the captured template in this transaction."""
    sql = _template_sql(migration_fingerprint()).replace(
        _TEMPLATE_TOKEN, quote_schema_name(schema_name)
    )
    with connection.cursor() as cursor:
        if connection.is_citus:
            # Citus hands each DDL command's whole query string to its workers, which
            # refuse a string of several commands: one statement at a time there
            for statement in sql.split(_STATEMENT):
                cursor.execute(statement)
        else:
            cursor.execute(sql)
    # the replay ran its own statements on this connection: re-issue the search path
    connection.search_path_set_schemas = None


def pg_dump_path() -> str:
    if settings.PG_DUMP:
        return settings.PG_DUMP
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs: XDG_RUNTIME_DIR unset
            import pgserver  # embedded PostgreSQL's pg_dump, where no other is installed

        bundled = os.path.join(os.path.dirname(pgserver.__file__), "pginstall", "bin", "pg_dump")
        if os.path.exists(bundled):
            return bundled
    except ImportError:
        pass
    found = shutil.which("pg_dump")
    if not found:
        raise SchemaStateError("pg_dump not found: set PG_DUMP to its path.")
    return found


_TEMPLATE_TOKEN = "__MF_TEMPLATE_SCHEMA__"
# between the capture's statements (a comment: the script still runs as one)
_STATEMENT = "\n-- mf:statement\n"
# session settings, comments, psql commands, and the column options Citus keeps for itself
# (``SET (pg_attver=…)``, which a distributed table refuses to be given)
_DROP_LINE = re.compile(
    r"^(SET |SELECT pg_catalog\.set_config|--|\\"
    r"|ALTER TABLE ONLY \S+ ALTER COLUMN \S+ SET \(pg_attver=\d+\);$)"
)


def _dump_schema(schema_name: str) -> str:
    """pg_dump one schema as a replayable script with the schema name as a token."""
    db = connection.settings_dict
    cmd = [
        pg_dump_path(),
        "--schema",
        schema_name,
        "--no-owner",
        "--no-privileges",
        "--no-comments",
        "--no-publications",
        "--no-subscriptions",
        "--no-table-access-method",
        "--no-tablespaces",
        "--inserts",
        "--rows-per-insert=1000",
        "--dbname",
        db["NAME"],
    ]
    env = dict(os.environ)
    if db.get("HOST"):
        cmd += ["--host", db["HOST"]]
    if db.get("PORT"):
        cmd += ["--port", str(db["PORT"])]
    if db.get("USER"):
        cmd += ["--username", db["USER"]]
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        raise SchemaStateError(f"pg_dump failed: {result.stderr.strip()}")
    lines = [
        line for line in result.stdout.splitlines() if line.strip() and not _DROP_LINE.match(line)
    ]
    script = _identity_inline("\n".join(lines))
    # pg_dump qualifies every object with the schema; make the name a token
    script = re.sub(rf"(?<![\w\"]){re.escape(schema_name)}(?=\.|;|\s|$)", _TEMPLATE_TOKEN, script)
    if _TEMPLATE_TOKEN not in script:
        raise SchemaStateError("pg_dump output did not name the template schema")
    return _STATEMENT.join(part.strip() for part in sqlparse.split(script) if part.strip())


_IDENTITY = re.compile(
    r"^ALTER TABLE (?:ONLY )?(?P<table>\S+) ALTER COLUMN (?P<column>\S+) ADD GENERATED "
    r"(?P<kind>BY DEFAULT|ALWAYS) AS IDENTITY \((?P<options>.*?)\n\);$",
    re.S | re.M,
)


def _identity_inline(script: str) -> str:
    """Declare identity columns in their CREATE TABLE, not in pg_dump's ALTER TABLE after it:
    Citus (make citus) refuses to add an identity to an existing column of a distributed
    table, and the replayed schema is the same either way (tenants/tests)."""
    for match in list(_IDENTITY.finditer(script)):
        options = " ".join(line.strip() for line in match["options"].splitlines() if line.strip())
        column = re.compile(
            rf"(^CREATE TABLE {re.escape(match['table'])} \(\n(?:.*\n)*?    "
            rf"{re.escape(match['column'])} [^\n]*?)(,?)$",
            re.M,
        )
        script, found = column.subn(
            rf"\1 GENERATED {match['kind']} AS IDENTITY ({options})\2", script, count=1
        )
        if not found:
            raise SchemaStateError(f"no CREATE TABLE for {match['table']}.{match['column']}")
        script = script.replace(match[0], "", 1)
    return script


# --- pool ---------------------------------------------------------------------


def pool_claim() -> str | None:
    """Take one ready schema out of the pool (in the caller's transaction), or None.

    Raises SchemaStateError when the pool holds schemas of an older migration state.
    """
    entry = PooledSchema.objects.select_for_update(skip_locked=True).order_by("pk").first()
    if entry is None:
        return None
    if entry.fingerprint != migration_fingerprint():
        raise SchemaStateError(
            "The schema pool is stale (migrations changed). Run `manage.py migrate_schemas`."
        )
    entry.delete()
    return entry.schema_name


def pool_fill(*, size: int | None = None) -> int:
    """Top the pool up to ``size`` schemas; returns how many were added.

    Each schema is made in its own transaction; an advisory lock keeps two
    fillers from overshooting.
    """
    size = settings.TENANT_POOL_SIZE if size is None else size
    fingerprint = migration_fingerprint()
    added = 0
    while True:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_xact_lock(hashtext('mf:pool_fill'))")
                if not cursor.fetchone()[0]:
                    return added
            if PooledSchema.objects.filter(fingerprint=fingerprint).count() >= size:
                return added
            schema_name = POOL_PREFIX + secrets.token_hex(6)
            schema_create_from_template(schema_name)
            PooledSchema.objects.create(schema_name=schema_name, fingerprint=fingerprint)
            added += 1


def pool_drop_stale() -> int:
    """Drop pool schemas made from an older migration state; returns how many."""
    fingerprint = migration_fingerprint()
    dropped = 0
    for entry in PooledSchema.objects.exclude(fingerprint=fingerprint):
        with transaction.atomic():
            schema_drop(entry.schema_name)
            entry.delete()
            dropped += 1
    return dropped


def schema_drop(schema_name: str) -> None:
    if schema_name in ("public", TEMPLATE_SCHEMA) or schema_name.startswith("pg_"):
        raise ValueError(f"refusing to drop schema {schema_name!r}")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {quote_schema_name(schema_name)} CASCADE")


def schema_rename(old: str, new: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER SCHEMA {quote_schema_name(old)} RENAME TO {quote_schema_name(new)}")


__all__ = [
    "SchemaStateError",
    "migration_fingerprint",
    "pool_claim",
    "pool_drop_stale",
    "pool_fill",
    "schema_create_from_template",
    "schema_drop",
    "schema_exists",
    "schema_rename",
    "template_is_current",
    "template_rebuild",
]
