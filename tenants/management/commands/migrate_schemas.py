"""django-tenants' migrate_schemas, with business schemas brought up to date by
``tenants.rollout`` (only those not recorded as current, in parallel, resumably), and the
template and the pool kept current.

Runs that aim somewhere else than "everything up to date" (an app or migration target,
``--fake``, ``--fake-initial``, ``--prune``, one ``--schema``) take
django-tenants' own path, and the schemas they touched are marked as of unknown state, so
the next plain run checks them.
"""

import contextlib
import os

from django.core.management.base import CommandError
from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand

from tenants import rollout, schemas, template_twin

# options that take a schema somewhere other than the code's latest state
# (--run-syncdb is not one: Django's test runner passes it; no business app lacks migrations)
_AIMED = ("app_label", "migration_name", "fake", "fake_initial", "prune")
_FAILURES_SHOWN = 20


class Command(MigrateSchemasCommand):
    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--skip-template",
            action="store_true",
            dest="skip_template",
            help="Do not rebuild the business schema template and pool afterwards.",
        )
        parser.add_argument(
            "--separate-template",
            action="store_true",
            dest="separate_template",
            help="On a fresh database too, migrate the template in a pass of its own after "
            "the public schema's (as every later run does), instead of in the same pass.",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=None,
            help="Business schemas migrated at once (processes; default: one per core).",
        )
        parser.add_argument(
            "--failed",
            action="store_true",
            dest="failed_only",
            help="Retry only the business schemas whose last migration failed.",
        )
        parser.add_argument(
            "--recheck",
            action="store_true",
            help="Open every business schema, also those recorded as up to date.",
        )

    def handle(self, *args, **options):
        schema_name = options.get("schema_name")
        aimed = any(options.get(name) for name in _AIMED)
        if schema_name or options.get("shared") or aimed:
            super().handle(*args, **options)
            if schema_name or (aimed and not options.get("shared")):
                rollout.schemas_forget([schema_name] if schema_name else None)
            return
        if options.get("plan") or options.get("check_unapplied"):
            for name in self._public_then_pending(args, options):
                super().handle(*args, **{**options, "tenant": True, "schema_name": name})
            return
        try:
            with rollout.rollout_lock():
                # a fresh database migrates the template in the public schema's pass
                twinned = not any(
                    options.get(name) for name in ("skip_template", "tenant", "separate_template")
                )
                twinned = twinned and template_twin.twin_eligible()
                with (
                    template_twin.template_twinned(schemas.TEMPLATE_SCHEMA)
                    if twinned
                    else contextlib.nullcontext()
                ):
                    pending = self._public_then_pending(args, options)
                failures = self._rollout(pending, options)
                if not options.get("skip_template"):
                    self._template_and_pool(twinned=twinned)
        except rollout.RolloutBusy as busy:
            raise CommandError(str(busy)) from busy
        if failures:
            raise CommandError(
                f"{len(failures)} business schema(s) could not be migrated (listed above). "
                "Fix the cause, then run `migrate_schemas --failed` to retry only those."
            )

    def _public_then_pending(self, args, options) -> list[str]:
        """Migrate the public schema (unless ``--tenant``), then name the business schemas
        this run is for."""
        if not options.get("tenant"):
            super().handle(*args, **{**options, "shared": True, "tenant": False})
        return rollout.schemas_pending(
            failed_only=options["failed_only"], recheck=options["recheck"]
        )

    def _rollout(self, pending: list[str], options) -> dict[str, str]:
        verbosity = int(options.get("verbosity", 1))
        say = self.stdout.write if verbosity >= 1 else (lambda line: None)
        jobs = options.get("jobs") or os.cpu_count() or 1
        if not pending:
            say("Business schemas: all up to date.")
            return {}
        say(f"Business schemas: {len(pending)} to migrate ({jobs} at a time).")
        progress = rollout.rollout(pending, jobs=jobs, report=say)
        migrations = f"{progress.applied} migration{'' if progress.applied == 1 else 's'}"
        say(
            f"Business schemas: {progress.done} migrated ({migrations} applied), "
            f"{len(progress.failed)} failed, in {progress.elapsed:.1f} s."
        )
        for name, error in list(progress.failed.items())[:_FAILURES_SHOWN]:
            self.stderr.write(f"  {name}: {error}")
        if len(progress.failed) > _FAILURES_SHOWN:
            self.stderr.write(
                f"  … and {len(progress.failed) - _FAILURES_SHOWN} more "
                "(the platform admin lists every schema migration failure)."
            )
        return progress.failed

    def _template_and_pool(self, *, twinned: bool):
        if twinned:
            schemas.template_capture()
        elif not schemas.template_is_current():
            self.stdout.write("Rebuilding the business schema template…")
            schemas.template_rebuild(verbosity=0)
        dropped = schemas.pool_drop_stale()
        added = schemas.pool_fill()
        if dropped or added:
            self.stdout.write(f"Schema pool: {dropped} stale dropped, {added} added.")
