from django.core.management.base import BaseCommand
from django.db import connection

from billing.platform.services import plans_sync


class Command(BaseCommand):
    help = "Sync Stripe's products and prices into dj-stripe and link our plans to them."

    def handle(self, *args, **options):
        connection.set_schema_to_public()
        linked = plans_sync()
        self.stdout.write(
            self.style.SUCCESS(f"Linked {len(linked)} plan(s): {', '.join(p.key for p in linked)}")
        )
