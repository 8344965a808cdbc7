"""A fresh database's first migration: the public schema and the business schema template
in one pass.

A fresh database (the test suite's, a new installation's, ``make run``'s first start)
migrates the public schema from nothing and then the template from nothing. The two
passes walk the same plan, and most of each is Django working out the models' state
after every operation (a new model pointing at the user re-renders every model related
to the user): about 10 s of CPU a pass, half of building the test database. Here the
public schema's ``migrate`` applies each operation to the template too, from the one
state it works out.

What each schema gets is what its own pass gives it: the router lets an operation touch
only the schema its app belongs to (shared apps the public schema, business apps the
template; ``connection.schema_name`` is what it reads), each schema's schema editor runs
its own deferred statements (constraints, indexes) in that schema, both record every
migration, and ``pre_migrate`` and ``post_migrate`` are sent in each (content types,
permissions, role groups). ``python -m devtools.template_twin_check`` compares the
result with the two passes' byte for byte (``pg_dump`` of both schemas, DDL and rows);
``tenants/tests/test_template_twin.py`` checks what each schema must hold.

Only from nothing: a public schema with migrations applied has another plan than a new
template, and takes the two passes (``migrate_schemas``, ``schemas.template_rebuild``), as
does Citus, and ``migrate_schemas --separate-template``.
"""

from __future__ import annotations

import contextlib

from django.core.management.commands import migrate as migrate_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.db.transaction import atomic

from tenants.schemas import template_schema_empty


def twin_eligible() -> bool:
    """Whether the public schema has no migration applied yet (and the database is not
    Citus: its distributed schemas' DDL is not mixed into the public schema's
    transactions, which ``make citus`` has not been run against)."""
    connection.set_schema_to_public()
    if connection.is_citus:
        return False
    recorder = MigrationRecorder(connection)
    return not recorder.has_table() or not recorder.applied_migrations()


class _TwinExecutor(MigrationExecutor):
    """Applies each migration to the public schema and then to ``template`` (set by
    ``template_twinned``), from the same states."""

    template = ""

    def apply_migration(self, state, migration, fake=False, fake_initial=False):
        if fake or fake_initial:  # never asked of a fresh database
            raise NotImplementedError("a twinned migrate applies migrations, never fakes them")
        if self.progress_callback:
            self.progress_callback("apply_start", migration, fake)
        with self.connection.schema_editor(atomic=migration.atomic) as public_editor:
            # inside the public editor's transaction; its deferred statements are run
            # below, in the template (a schema editor's own exit runs them where it is)
            template_editor = self.connection.schema_editor(atomic=False)
            template_editor.deferred_sql = []
            for operation in migration.operations:
                old_state = state.clone()
                operation.state_forwards(migration.app_label, state)
                # as Migration.apply: an atomic operation of a non-atomic migration gets
                # a transaction of its own, in each schema
                own_transaction = not public_editor.atomic_migration and (
                    operation.atomic or (migration.atomic and operation.atomic is not False)
                )
                for editor, schema in ((public_editor, None), (template_editor, self.template)):
                    where = _in_schema(schema) if schema else contextlib.nullcontext()
                    own = atomic(self.connection.alias) if own_transaction else None
                    with where, own or contextlib.nullcontext():
                        operation.database_forwards(migration.app_label, editor, old_state, state)
            # the template's deferred statements (the public editor's run as it closes)
            with _in_schema(self.template):
                for sql in template_editor.deferred_sql:
                    template_editor.execute(sql)
        self.record_migration(migration)
        with _in_schema(self.template):
            self.record_migration(migration)
        if self.progress_callback:
            self.progress_callback("apply_success", migration, fake)
        return state

    def check_replacements(self):
        super().check_replacements()
        with _in_schema(self.template):
            super().check_replacements()


@contextlib.contextmanager
def _in_schema(schema: str):
    """The connection on ``schema`` (the router reads it), back on public afterwards."""
    connection.set_schema(schema)
    try:
        yield
    finally:
        connection.set_schema_to_public()


def _in_both(emit, template: str):
    """A signal's emission in the public schema, then in ``template``."""

    def emit_in_both(*args, **kwargs):
        emit(*args, **kwargs)
        with _in_schema(template):
            emit(*args, **kwargs)

    return emit_in_both


@contextlib.contextmanager
def template_twinned(template: str):
    """Within: ``migrate`` run on the public schema migrates ``template`` too, which is
    made afresh (empty, with its own migration table) first. Only for a fresh database
    (``twin_eligible``)."""
    template_schema_empty(template)
    # its own django_migrations, not the public one found through the search path
    connection.set_schema(template, include_public=False)
    MigrationRecorder(connection).ensure_schema()
    connection.set_schema_to_public()

    executor = type("TwinExecutor", (_TwinExecutor,), {"template": template})
    saved = (
        migrate_command.MigrationExecutor,
        migrate_command.emit_pre_migrate_signal,
        migrate_command.emit_post_migrate_signal,
    )
    # Django's migrate command names these at its module's top; swapped for this one run
    # (a management command, one thread), put back however it ends
    migrate_command.MigrationExecutor = executor
    migrate_command.emit_pre_migrate_signal = _in_both(saved[1], template)
    migrate_command.emit_post_migrate_signal = _in_both(saved[2], template)
    try:
        yield
    finally:
        (
            migrate_command.MigrationExecutor,
            migrate_command.emit_pre_migrate_signal,
            migrate_command.emit_post_migrate_signal,
        ) = saved
