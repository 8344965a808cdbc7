"""A fresh database migrates the template in the public schema's pass
(``tenants.template_twin``); what each schema holds is what its own pass gives it.

The full comparison (two fresh databases, one each way, dumped and compared byte for
byte) takes a minute: ``python -m devtools.template_twin_check``. Here, what the suite's
own database (built the twinned way on a fresh run) must hold either way."""

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management.commands import migrate as migrate_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from accounts.roles import ROLE_PERMISSIONS
from mectofitness.core.tenancy import tenant_app_labels
from tenants import schemas, template_twin

pytestmark = pytest.mark.django_db


def _tables(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tablename <> "
            "'django_migrations'",
            [schema],
        )
        return {row[0] for row in cursor.fetchall()}


def _migrations(schema: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations')
        return set(cursor.fetchall())


def test_each_schema_holds_its_own_apps_tables_and_records_every_migration():
    connection.set_schema_to_public()
    tenant_labels = tenant_app_labels()
    shared_labels = {c.label for c in apps.get_app_configs() if c.name in settings.SHARED_APPS}
    tables = {label: set() for label in tenant_labels | shared_labels}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            tables.setdefault(model._meta.app_label, set()).add(model._meta.db_table)
    public, template = _tables("public"), _tables(schemas.TEMPLATE_SCHEMA)
    for label, names in tables.items():
        assert names <= public if label in shared_labels else not names & public, label
        assert names <= template if label in tenant_labels else not names & template, label

    graph = set(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)
    assert graph <= _migrations("public")
    assert graph <= _migrations(schemas.TEMPLATE_SCHEMA)


def test_the_template_got_its_own_post_migrate_content_types_permissions_and_roles():
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT DISTINCT app_label FROM "{schemas.TEMPLATE_SCHEMA}".django_content_type'
        )
        labels = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            f'SELECT g.name, count(gp.id) FROM "{schemas.TEMPLATE_SCHEMA}".auth_group g '
            f'LEFT JOIN "{schemas.TEMPLATE_SCHEMA}".auth_group_permissions gp '
            "ON gp.group_id = g.id GROUP BY g.name"
        )
        groups = dict(cursor.fetchall())
    assert {"clients", "programs", "billing", "messaging"} <= labels
    assert groups == {name: len(perms) for name, perms in ROLE_PERMISSIONS.items()}


def test_only_a_database_with_no_migration_applied_is_migrated_twinned():
    assert template_twin.twin_eligible() is False  # the suite's database is migrated


def test_the_twinned_run_puts_djangos_migrate_back_however_it_ends():
    saved = (
        migrate_command.MigrationExecutor,
        migrate_command.emit_pre_migrate_signal,
        migrate_command.emit_post_migrate_signal,
    )
    with pytest.raises(RuntimeError), template_twin.template_twinned("pool_twin_probe"):
        assert issubclass(migrate_command.MigrationExecutor, template_twin._TwinExecutor)
        assert migrate_command.MigrationExecutor.template == "pool_twin_probe"
        raise RuntimeError("a migration failed")
    assert (
        migrate_command.MigrationExecutor,
        migrate_command.emit_pre_migrate_signal,
        migrate_command.emit_post_migrate_signal,
    ) == saved
    assert migrate_command.MigrationExecutor is MigrationExecutor
    assert connection.schema_name == "public"
