"""migrate_schemas opens only the business schemas behind the code, migrates them as Django
would, keeps going past a failure, records what finished, and retries only what failed."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.transaction import atomic

from accounts import roles
from tenants import rollout, schemas
from tenants.models import Business, PooledSchema, SchemaMigrationFailure
from tenants.services import business_provision

from .test_schema_template import CATALOG, _describe

pytestmark = [pytest.mark.citus, pytest.mark.usefixtures("committed")]

# before accounts' last migration, which adds accounts_user.units (nothing depends on it)
BEFORE = ("accounts", "0003_api_token")
LAST = "accounts.0004_settings_and_units"


def _provision(slug: str) -> Business:
    with atomic():
        return business_provision(
            name=slug.title(), slug=slug, owner_email=f"owner@{slug}.test", owner_password=None
        ).business


def _migrate(*args, **options) -> str:
    out = io.StringIO()
    options = {"tenant": True, "skip_template": True, "jobs": 1, "interactive": False, **options}
    try:
        call_command("migrate_schemas", *args, stdout=out, stderr=out, **options)
    finally:
        connection.set_schema_to_public()
    return out.getvalue()


def _applied(schema_name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{schema_name}".django_migrations')
        return cursor.fetchone()[0]


def _roll_back(business: Business) -> int:
    """Take one schema back before accounts' last migration, as Django's migrate does;
    returns how many migrations it unapplied."""
    applied = _applied(business.schema_name)
    call_command(
        "migrate_schemas", *BEFORE, schema_name=business.schema_name, interactive=False, verbosity=0
    )
    connection.set_schema_to_public()
    return applied - _applied(business.schema_name)


def _columns(schema_name: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = %s AND table_name = 'accounts_user'",
            [schema_name],
        )
        return {row[0] for row in cursor.fetchall()}


def _fingerprint(business: Business) -> str:
    return Business.objects.values_list("schema_fingerprint", flat=True).get(pk=business.pk)


def test_a_new_business_is_recorded_current_and_a_plain_run_opens_no_schema():
    pooled = _provision("rollout-pooled")
    PooledSchema.objects.all().delete()  # the next sign-up replays the template
    replayed = _provision("rollout-replayed")

    current = schemas.schema_fingerprint()
    assert _fingerprint(pooled) == current and _fingerprint(replayed) == current
    assert rollout.schemas_pending() == []
    assert "Business schemas: all up to date." in _migrate()


def test_a_schema_behind_is_migrated_to_what_a_new_business_gets():
    behind = _provision("rollout-behind")
    level = _provision("rollout-level")
    assert _roll_back(behind) == 1
    assert "units" not in _columns(behind.schema_name)
    assert _fingerprint(behind) == ""  # a run aimed elsewhere leaves its state unknown
    assert rollout.schemas_pending() == [behind.schema_name]
    with pytest.raises(SystemExit):  # --check asks the schemas that may be behind
        _migrate(check_unapplied=True)

    out = _migrate()

    assert "Business schemas: 1 to migrate" in out
    assert "1 migrated (1 migration applied), 0 failed" in out
    assert "units" in _columns(behind.schema_name)
    migrated, template = _describe(behind.schema_name), _describe(schemas.TEMPLATE_SCHEMA)
    for part in CATALOG:  # tables, constraints, indexes, and the rows post_migrate makes
        if part == "sequences":  # the business has rows: compare all but the last values
            migrated[part] = [row[:3] for row in migrated[part]]
            template[part] = [row[:3] for row in template[part]]
        assert migrated[part] == template[part], part
    assert _fingerprint(behind) == _fingerprint(level) == schemas.schema_fingerprint()
    _migrate(check_unapplied=True)  # nothing left: no exit


def test_a_failure_is_recorded_the_rest_go_on_and_only_the_failure_is_retried(monkeypatch):
    broken = _provision("rollout-broken")
    fine = _provision("rollout-fine")
    _roll_back(broken)
    Business.objects.filter(pk=fine.pk).update(schema_fingerprint="")
    with connection.cursor() as cursor:  # the column the migration adds is in the way
        cursor.execute(f'ALTER TABLE "{broken.schema_name}".accounts_user ADD units text')
    monkeypatch.setattr(rollout, "PROGRESS_EVERY_S", 0)

    with pytest.raises(CommandError, match="1 business schema"):
        out = io.StringIO()
        try:
            call_command(
                "migrate_schemas", tenant=True, skip_template=True, jobs=2, stdout=out, stderr=out
            )
        finally:
            connection.set_schema_to_public()
    out = out.getvalue()

    assert "Business schemas: 2 to migrate (2 at a time)." in out
    assert "2/2 schemas (1 migrated, 1 failed)" in out  # a progress line
    assert (
        f"{broken.schema_name}: applying {LAST}: ProgrammingError: "
        'column "units" of relation "accounts_user" already exists'
    ) in out
    failure = SchemaMigrationFailure.objects.get()
    assert failure.schema_name == broken.schema_name and failure.attempts == 1
    assert 'column "units" of relation "accounts_user" already exists' in failure.error
    assert _fingerprint(fine) == schemas.schema_fingerprint()
    assert _fingerprint(broken) == ""
    checked = io.StringIO()
    call_command("check", tags=["provisioning"], databases=["default"], stderr=checked)
    assert "(tenants.W004) 1 business schemas failed their last migration" in checked.getvalue()

    with pytest.raises(CommandError):
        _migrate(failed_only=True)  # still in the way: tried again, counted
    assert SchemaMigrationFailure.objects.get().attempts == 2

    with connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE "{broken.schema_name}".accounts_user DROP units')
    out = _migrate(failed_only=True)

    assert "Business schemas: 1 to migrate" in out and "1 migrated" in out
    assert not SchemaMigrationFailure.objects.exists()
    assert _fingerprint(broken) == schemas.schema_fingerprint()
    assert "units" in _columns(broken.schema_name)


def test_a_run_that_dies_resumes_after_the_schemas_it_finished(monkeypatch):
    first = _provision("rollout-first")
    second = _provision("rollout-second")
    Business.objects.filter(pk__in=[first.pk, second.pk]).update(schema_fingerprint="")
    real = rollout.SchemaMigrator.migrate

    def dies_at_the_second(self, schema_name):
        if schema_name == second.schema_name:
            raise KeyboardInterrupt  # the deploy is killed mid-run
        return real(self, schema_name)

    monkeypatch.setattr(rollout.SchemaMigrator, "migrate", dies_at_the_second)
    with pytest.raises(KeyboardInterrupt):
        _migrate()
    assert _fingerprint(first) == schemas.schema_fingerprint()
    assert rollout.schemas_pending() == [second.schema_name]

    monkeypatch.setattr(rollout.SchemaMigrator, "migrate", real)
    assert "Business schemas: 1 to migrate" in _migrate()
    assert rollout.schemas_pending() == []


def test_a_second_run_beside_the_first_stops_at_once():
    behind = _provision("rollout-beside")
    Business.objects.filter(pk=behind.pk).update(schema_fingerprint="")
    busy = pytest.raises(CommandError, match="Another migrate_schemas is migrating")
    with rollout.rollout_lock(), busy:  # a first deploy's migrate_schemas is running
        _migrate()
    assert _fingerprint(behind) == ""
    assert "1 to migrate" in _migrate()  # the lock went with the first


def test_the_fingerprint_covers_the_role_groups_permissions(monkeypatch):
    before = schemas.schema_fingerprint(), schemas.migration_fingerprint()
    monkeypatch.setitem(
        roles.ROLE_PERMISSIONS, roles.CLIENT, [*roles.ROLE_PERMISSIONS[roles.CLIENT], "x.y"]
    )
    for cached in (schemas.schema_fingerprint, schemas.migration_fingerprint):
        cached.cache_clear()
    try:  # the businesses' state and the template's both change
        changed = schemas.schema_fingerprint(), schemas.migration_fingerprint()
        assert changed[0] != before[0] and changed[1] != before[1]
    finally:
        monkeypatch.undo()
        for cached in (schemas.schema_fingerprint, schemas.migration_fingerprint):
            cached.cache_clear()
    assert (schemas.schema_fingerprint(), schemas.migration_fingerprint()) == before


def test_a_new_capture_format_makes_the_template_stale_not_the_businesses(monkeypatch):
    before = schemas.schema_fingerprint(), schemas.migration_fingerprint()
    monkeypatch.setattr(schemas, "CAPTURE_FORMAT", schemas.CAPTURE_FORMAT + 1)
    schemas.migration_fingerprint.cache_clear()
    try:
        assert schemas.schema_fingerprint() == before[0]
        assert schemas.migration_fingerprint() != before[1]
    finally:
        monkeypatch.undo()
        schemas.migration_fingerprint.cache_clear()
