from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People"

    def ready(self):
        from . import signals  # noqa: F401  (connects receivers; imports models: apps must be loaded)
