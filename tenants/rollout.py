"""Bringing every business schema to the code's migrations: skip what is current, migrate
the rest in parallel, resumably, and say how it goes.

Django's ``migrate`` loads the migration graph, replays every migration's state and runs
the system checks for each schema it is given: 0.6 s a schema with nothing to do, close to
two hours a deploy at 10,000 businesses. Here:

- **Skip what is current.** Each business records the fingerprint of the migration state
  its schema was made at or last migrated to (``Business.schema_fingerprint``: set at
  provisioning from the template or pool schema, and after each migration here). One query
  finds the businesses whose fingerprint is not the code's; no other schema is opened.
- **One graph per process.** ``SchemaMigrator`` loads the graph once; for each set of
  applied migrations a schema starts from, the project state, the states around each
  operation of its plan and the registry handed to post_migrate are worked out once and
  shared by every schema that starts there. Django's executor runs the plan (each migration
  atomic, as ``migrate`` does, its operations' own ``database_forwards``), and the pre- and
  post-migrate signals run as ``migrate`` sends them (content types, permissions, role
  groups) to the business apps.
- **Parallel, resumable, observable.** Worker processes (forked after the graph is loaded)
  take one schema at a time; the parent records finished schemas in batches as they come
  in, so a run that dies restarts after the last batch; progress lines give counts, rate
  and time left; a failure is recorded with its error (``SchemaMigrationFailure``, also in
  the platform admin) and does not stop the others; ``migrate_schemas --failed`` retries
  only those.
"""

import contextlib
import multiprocessing
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.apps import apps as global_apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.sql import emit_pre_migrate_signal
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.exceptions import InconsistentMigrationHistory
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.migrations.state import ModelState
from django.db.models import F
from django.db.models.signals import post_migrate
from django.utils import timezone
from django_tenants.utils import quote_schema_name

from mectofitness.core.tenancy import tenant_app_labels

from .models import Business, SchemaMigrationFailure
from .schemas import schema_fingerprint

# the parent records finished schemas at least this often (a crash loses at most this)
RECORD_EVERY_S = 1.0
RECORD_EVERY_N = 200
PROGRESS_EVERY_S = 5.0


class SchemaMigrationError(RuntimeError):
    """A schema's migration failed: the message says which migration and why."""


class _SchemaRecorder(MigrationRecorder):
    """Django's recorder, asking for the schema's django_migrations by name: Django lists
    every table on the search path for it, a scan of the whole catalog (76 ms a schema at
    300 businesses, growing with every business)."""

    def __init__(self, connection, schema_name: str):
        super().__init__(connection)
        self.table = f"{quote_schema_name(schema_name)}.{self.Migration._meta.db_table}"

    def has_table(self) -> bool:
        if not self._has_table:
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [self.table])
                self._has_table = cursor.fetchone()[0]
        return self._has_table


class _SharedGraphExecutor(MigrationExecutor):
    """Django's executor over a migration graph loaded once (its constructor loads one per
    instance, the most of a no-op ``migrate``'s time), applying each migration with the
    project states around its operations computed once per starting point (``steps``):
    schemas that start from the same applied set go through the same states, and working
    them out (re-rendering every model related to the one changed) cost more than the DDL."""

    def __init__(self, connection, loader, recorder, steps: dict, start: frozenset):
        self.connection = connection
        self.loader = loader
        self.recorder = recorder
        self.progress_callback = None
        self.steps = steps
        self.start = start

    def apply_migration(self, state, migration, fake=False, fake_initial=False):
        """``MigrationExecutor.apply_migration`` and ``Migration.apply`` (neither fake nor
        fake_initial: this executor is not given them), over the cached states."""
        if self.progress_callback:
            self.progress_callback("apply_start", migration, fake)
        steps = self._steps(state, migration)
        recorded = False
        with self.connection.schema_editor(atomic=migration.atomic) as schema_editor:
            for operation, before, after in steps:
                atomic_operation = operation.atomic or (
                    migration.atomic and operation.atomic is not False
                )
                if not schema_editor.atomic_migration and atomic_operation:
                    with transaction.atomic(self.connection.alias):
                        operation.database_forwards(
                            migration.app_label, schema_editor, before, after
                        )
                else:
                    operation.database_forwards(migration.app_label, schema_editor, before, after)
            if not schema_editor.deferred_sql:
                self.record_migration(migration)
                recorded = True
        if not recorded:
            self.record_migration(migration)
        if self.progress_callback:
            self.progress_callback("apply_success", migration, fake)
        return steps[-1][2] if steps else state

    def _steps(self, state, migration):
        key = (self.start, migration.app_label, migration.name)
        steps = self.steps.get(key)
        if steps is None:
            state = state.clone()  # the state handed in may be a cached one: never mutated
            steps = []
            for operation in migration.operations:
                before = state.clone()
                operation.state_forwards(migration.app_label, state)
                steps.append((operation, before, state.clone()))
            self.steps[key] = steps
        return steps


class SchemaMigrator:
    """Migrates business schemas to the graph's leaves, one schema at a time, in this
    process. What ``migrate`` does for one schema, less what is the same for all of them."""

    def __init__(self, using: str = DEFAULT_DB_ALIAS):
        self.using = using
        self.loader = MigrationLoader(None, ignore_no_migrations=True)
        conflicts = self.loader.detect_conflicts()
        if conflicts:
            raise RuntimeError(f"Conflicting migrations: {conflicts}; run makemigrations --merge")
        self.targets = self.loader.graph.leaf_nodes()
        self.app_configs = [
            config
            for config in global_apps.get_app_configs()
            if config.models_module is not None and config.label in tenant_app_labels()
        ]
        # per starting applied set: its rendered state, the states around each operation
        # of its plan, and the registry post_migrate handlers get after it
        self._states: dict[frozenset, object] = {}
        self._steps: dict[tuple, list] = {}
        self._post_apps: dict[frozenset, object] = {}

    def migrate(self, schema_name: str) -> int:
        """Bring ``schema_name`` up to date; returns how many migrations it applied."""
        connection = connections[self.using]
        recorder = _SchemaRecorder(connection, schema_name)
        if not recorder.has_table():
            # made in the schema itself, not public (django-tenants does the same)
            connection.set_schema(schema_name, include_public=False)
            recorder.ensure_schema()
        connection.set_schema(schema_name)
        applying = []
        try:
            applied = recorder.applied_migrations()
            self._check_consistent(applied)
            start = frozenset(applied)
            # the recorder knows its table exists: no second look
            executor = _SharedGraphExecutor(connection, self.loader, recorder, self._steps, start)
            executor.progress_callback = lambda action, migration=None, fake=False: (
                applying.append(migration) if action == "apply_start" else None
            )
            self.loader.applied_migrations = applied
            plan = executor.migration_plan(self.targets)
            pre_state = self._state(executor, start)
            ContentType.objects.clear_cache()  # its cache is per database, not per schema
            emit_pre_migrate_signal(0, False, self.using, apps=pre_state.apps, plan=plan)
            post_state = executor.migrate(self.targets, plan=plan, state=pre_state)
            post_apps = self._post_apps.get(start)
            if post_apps is None:
                post_apps = self._post_apps[start] = self._with_real_models(post_state.clone())
            self._post_migrate(post_apps, plan)
            return len(plan)
        except Exception as error:
            where = f"applying {applying[-1]}" if applying else "before its first migration"
            raise SchemaMigrationError(f"{where}: {type(error).__name__}: {error}") from error
        finally:
            self.loader.applied_migrations = None
            ContentType.objects.clear_cache()
            connection.set_schema_to_public()

    def _check_consistent(self, applied) -> None:
        """``MigrationLoader.check_consistent_history`` over the applied set already read
        (Django's reads it again, with a fresh recorder that lists the schema's tables)."""
        graph = self.loader.graph
        for key in applied:
            if key not in graph.nodes:
                continue
            for parent in graph.node_map[key].parents:
                parent = parent.key
                if parent in applied:
                    continue
                replaced = self.loader.replacements.get(parent)
                if replaced and all(old in applied for old in replaced.replaces):
                    continue
                raise InconsistentMigrationHistory(
                    f"Migration {key[0]}.{key[1]} is applied before its dependency "
                    f"{parent[0]}.{parent[1]}"
                )

    def _post_migrate(self, state_apps, plan) -> None:
        """``emit_post_migrate_signal``, to the business apps only: sent for every app, it
        made content types and permissions of the platform's apps in each schema, which
        ``mectofitness.core.signals`` then deleted again (a third of a schema's time)."""
        for app_config in self.app_configs:
            post_migrate.send(
                sender=app_config,
                app_config=app_config,
                verbosity=0,
                interactive=False,
                stdout=sys.stdout,
                using=self.using,
                apps=state_apps,
                plan=plan,
            )

    def _state(self, executor, start: frozenset):
        """The rendered project state after ``start``, built once per distinct set (never
        mutated: the executor above clones what it changes)."""
        state = self._states.get(start)
        if state is None:
            state = executor._create_project_state(with_applied_migrations=True)
            state.apps  # noqa: B018  (render once here, not once per schema)
            self._states[start] = state
        return state

    @staticmethod
    def _with_real_models(state):
        """The post-migrate registry as ``migrate`` hands it to post_migrate handlers:
        apps without migrations rendered from their real models."""
        state.clear_delayed_apps_cache()
        state_apps = state.apps
        with state_apps.bulk_update():
            keys = []
            for model_state in state_apps.real_models:
                key = model_state.app_label, model_state.name_lower
                keys.append(key)
                state_apps.unregister_model(*key)
        state_apps.render_multiple(
            [ModelState.from_model(global_apps.get_model(*key)) for key in keys]
        )
        return state_apps


# --- which schemas ------------------------------------------------------------


def schemas_pending(*, failed_only: bool = False, recheck: bool = False) -> list[str]:
    """Business schemas to migrate, oldest business first (one query).

    By default those whose recorded fingerprint is not the code's; ``failed_only``: those
    whose last attempt failed; ``recheck``: every one.
    """
    businesses = Business.objects.exclude(schema_name="public")
    if failed_only:  # of businesses still here (a deleted one's failure stays as a record)
        businesses = businesses.filter(
            schema_name__in=SchemaMigrationFailure.objects.values("schema_name")
        )
    elif not recheck:
        businesses = _behind()
    return list(businesses.order_by("pk").values_list("schema_name", flat=True))


def _behind():
    """Businesses whose schema is not recorded at the code's migration state."""
    return Business.objects.exclude(schema_name="public").exclude(
        schema_fingerprint=schema_fingerprint()
    )


def rollout_state() -> dict:
    """How many business schemas are behind the code and how many failed (two counts)."""
    return {
        "schemas_behind": _behind().count(),
        "schemas_failed": SchemaMigrationFailure.objects.count(),
    }


def schemas_forget(schema_names: Iterable[str] | None = None) -> int:
    """Mark schemas (all businesses' when None) as of unknown state: a migration run outside
    this module (a target, ``--fake``, one schema by hand) may have left them anywhere."""
    businesses = Business.objects.all()
    if schema_names is not None:
        businesses = businesses.filter(schema_name__in=list(schema_names))
    return businesses.exclude(schema_fingerprint="").update(schema_fingerprint="")


def _record(done: list[str], failed: dict[str, str], fingerprint: str) -> None:
    with transaction.atomic():
        if done:
            Business.objects.filter(schema_name__in=done).update(schema_fingerprint=fingerprint)
            SchemaMigrationFailure.objects.filter(schema_name__in=done).delete()
        for schema_name, error in failed.items():
            updated = SchemaMigrationFailure.objects.filter(schema_name=schema_name).update(
                fingerprint=fingerprint,
                error=error,
                attempts=F("attempts") + 1,
                failed_at=timezone.now(),
            )
            if not updated:
                SchemaMigrationFailure.objects.create(
                    schema_name=schema_name, fingerprint=fingerprint, error=error
                )


# --- the run ------------------------------------------------------------------


class RolloutBusy(RuntimeError):
    """Another whole-platform migrate_schemas holds the lock."""


@contextlib.contextmanager
def rollout_lock(using: str = DEFAULT_DB_ALIAS):
    """One whole-platform ``migrate_schemas`` at a time: a second (a deploy retried while the
    first still runs) stops at once instead of migrating the same schemas beside it.

    A session lock on a connection of its own, held to the end: the run's connections are
    closed before its workers fork; the lock goes with this one, or with the process."""
    holder = connections[using].copy()
    try:
        with holder.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(hashtext('mf:migrate_schemas'))")
            if not cursor.fetchone()[0]:
                raise RolloutBusy(
                    "Another migrate_schemas is migrating the businesses; wait for it to end."
                )
        yield
    finally:
        holder.close()


@dataclass
class Progress:
    total: int
    done: int = 0
    failed: dict[str, str] = field(default_factory=dict)
    applied: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def finished(self) -> int:
        return self.done + len(self.failed)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def rate(self) -> float:
        elapsed = self.elapsed
        return self.finished / elapsed if elapsed > 0 else 0.0

    def line(self) -> str:
        rate = self.rate
        left = (self.total - self.finished) / rate if rate else 0.0
        return (
            f"{self.finished}/{self.total} schemas ({self.done} migrated, "
            f"{len(self.failed)} failed), {rate:.1f}/s, {left:.0f} s left"
        )


_worker: SchemaMigrator | None = None


def _migrate_one(schema_name: str) -> tuple[str, int, str]:
    """One schema in a worker: (name, migrations applied, error or "")."""
    try:
        return schema_name, _worker.migrate(schema_name), ""
    except SchemaMigrationError as error:  # recorded and reported: one never stops the rest
        return schema_name, 0, str(error).strip()
    except Exception as error:
        return schema_name, 0, traceback.format_exception_only(error)[-1].strip()


def rollout(
    schema_names: list[str],
    *,
    jobs: int = 1,
    report: Callable[[str], None] = lambda line: None,
    using: str = DEFAULT_DB_ALIAS,
) -> Progress:
    """Migrate ``schema_names`` with ``jobs`` processes, recording each outcome."""
    global _worker
    fingerprint = schema_fingerprint()
    progress = Progress(total=len(schema_names))
    if not schema_names:
        return progress
    _worker = SchemaMigrator(using)
    done: list[str] = []
    failed: dict[str, str] = {}
    last_record = last_report = time.monotonic()
    pool = None
    try:
        if jobs > 1 and len(schema_names) > 1:
            # children inherit the loaded graph; none may share the parent's connection
            connections.close_all()
            pool = multiprocessing.get_context("fork").Pool(min(jobs, len(schema_names)))
            outcomes = pool.imap_unordered(_migrate_one, schema_names)
        else:
            outcomes = map(_migrate_one, schema_names)
        for schema_name, applied, error in outcomes:
            if error:
                failed[schema_name] = error
                progress.failed[schema_name] = error
            else:
                done.append(schema_name)
                progress.done += 1
                progress.applied += applied
            now = time.monotonic()
            if len(done) + len(failed) >= RECORD_EVERY_N or now - last_record >= RECORD_EVERY_S:
                _record(done, failed, fingerprint)
                done, failed, last_record = [], {}, now
            if now - last_report >= PROGRESS_EVERY_S:
                report(progress.line())
                last_report = now
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
        _worker = None
        # what finished is kept even when the run stops early (an interrupt, a lost worker)
        _record(done, failed, fingerprint)
    return progress
