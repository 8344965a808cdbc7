"""Signal handlers of the platform core."""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType  # imported by ready(): apps are loaded
from django.db import connection

from .tenancy import tenant_app_labels


def shared_app_content_types_drop(sender, using, **kwargs):
    """A business's schema keeps content types and permissions of its own apps only.

    Django creates them for every installed app in every schema, so a
    business's back office offered permissions for platform tables (Stripe,
    periodic tasks, businesses) that do not exist in its schema. Runs after
    the last app's post_migrate, when all of them exist; connected by
    mectofitness.core (installed after django.contrib.auth) so it runs after
    Django's own handlers for that app.
    """
    # post_migrate goes to apps with models only, in order: act on the last one
    last = [config for config in apps.get_app_configs() if config.models_module][-1]
    if connection.schema_name == "public" or sender is not last:
        return
    ContentType.objects.using(using).exclude(app_label__in=tenant_app_labels()).delete()
    ContentType.objects.clear_cache()
