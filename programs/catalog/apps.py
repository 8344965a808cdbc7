from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "programs.catalog"
    label = "catalog"
    verbose_name = "Exercise catalog"
    default_auto_field = "django.db.models.BigAutoField"
