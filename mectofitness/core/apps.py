from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mectofitness.core"
    label = "core"
    verbose_name = "Platform core"
