import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mectofitness.settings")
application = get_wsgi_application()

from mectofitness.core.heap import heap_freeze_as_it_warms  # noqa: E402 (Django set up first)

heap_freeze_as_it_warms()
