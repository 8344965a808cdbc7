from django.apps import AppConfig


class PlatformSchedulingConfig(AppConfig):
    """Scheduling's part of the public schema: no models, only the rows of beat's
    periodic tasks that fan out to every business (its migrations). Shared app."""

    name = "scheduling.platform"
    label = "platform_scheduling"
    verbose_name = "Platform scheduling"
    default_auto_field = "django.db.models.BigAutoField"
