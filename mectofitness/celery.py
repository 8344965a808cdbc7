"""The Celery app. Tasks run in the schema they were sent from (tenant-schemas-celery)."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mectofitness.settings")

app = CeleryApp("mectofitness")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
