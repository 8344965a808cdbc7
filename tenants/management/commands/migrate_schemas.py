"""django-tenants' migrate_schemas, which also keeps the template and the pool current."""

from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand

from tenants import schemas


class Command(MigrateSchemasCommand):
    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--skip-template",
            action="store_true",
            dest="skip_template",
            help="Do not rebuild the business schema template and pool afterwards.",
        )

    def handle(self, *args, **options):
        super().handle(*args, **options)
        if options.get("skip_template") or options.get("schema_name") or not self.sync_tenant:
            return
        if options.get("plan") or options.get("check_unapplied") or options.get("fake"):
            return
        if not schemas.template_is_current():
            self.stdout.write("Rebuilding the business schema template…")
            schemas.template_rebuild(verbosity=0)
        dropped = schemas.pool_drop_stale()
        added = schemas.pool_fill()
        if dropped or added:
            self.stdout.write(f"Schema pool: {dropped} stale dropped, {added} added.")
