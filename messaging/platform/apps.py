from django.apps import AppConfig


class PlatformMessagingConfig(AppConfig):
    """Messaging's part of the public schema: no models, only the row of beat's periodic
    task that sends every business's scheduled announcements (its migrations). Shared app."""

    name = "messaging.platform"
    label = "platform_messaging"
    verbose_name = "Platform messaging"
    default_auto_field = "django.db.models.BigAutoField"
