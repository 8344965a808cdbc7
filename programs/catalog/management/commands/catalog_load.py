"""``manage.py catalog_load``: put the authored catalog into the public schema (idempotent)."""

from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from programs.catalog.services import AUTHORED_PATH, catalog_load


class Command(BaseCommand):
    help = "Load or update the authored exercise catalog (public schema), by slug."

    def add_arguments(self, parser):
        parser.add_argument("--path", default=str(AUTHORED_PATH), help="authored JSON file")

    def handle(self, *args, path, **options):
        with schema_context("public"):
            summary = catalog_load(path=path)
        self.stdout.write(f"catalog_load: {summary}")
