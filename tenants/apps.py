from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Businesses"

    def ready(self):
        from . import checks, signals  # noqa: F401  (registers checks and receivers once apps load)
