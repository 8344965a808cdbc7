from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "clients"
    verbose_name = "Clients"

    def ready(self):
        from . import receivers  # noqa: F401  (imports models: apps must be loaded)
