from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "mectofitness.core"
    label = "core"
    verbose_name = "Platform core"

    def ready(self):
        from .signals import shared_app_content_types_drop  # imports models: apps must be loaded

        post_migrate.connect(shared_app_content_types_drop, dispatch_uid="mf_shared_ct_drop")
