"""``manage.py import_exercises <path-or-url>``: merge a free-exercise-db JSON file.

    manage.py import_exercises ../shared/data/free-exercise-db/exercises.json
    manage.py import_exercises \\
        https://raw.githubusercontent.com/yuhonas/free-exercise-db/main/dist/exercises.json \\
        --images https://raw.githubusercontent.com/yuhonas/free-exercise-db/main/exercises

Images named in the JSON are looked up under ``--images`` (a directory or URL prefix;
default: ``images/`` next to the JSON), copied into storage under ``public/catalog/``
and served publicly; missing ones are counted and skipped. Running it again changes
nothing that has not changed upstream.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from programs.catalog.services import (
    ImageSource,
    catalog_import,
    default_image_source,
    parse_free_exercise_db,
    read_source,
)


class Command(BaseCommand):
    help = "Import exercises in the free-exercise-db JSON format (file or URL) into the catalog."

    def add_arguments(self, parser):
        parser.add_argument("source", help="path or http(s) URL of exercises.json")
        parser.add_argument("--images", help="directory or URL prefix of the images")
        parser.add_argument("--no-images", action="store_true", help="do not copy images")

    def handle(self, *args, source, images=None, no_images=False, **options):
        try:
            data = parse_free_exercise_db(read_source(source), source=source)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        image_source = None
        if not no_images:
            image_source = ImageSource(images) if images else default_image_source(source)
        with schema_context("public"):
            summary = catalog_import(data=data, images=image_source)
        self.stdout.write(f"import_exercises: {len(data)} read; {summary}")
