from django.apps import AppConfig


class PlatformNotificationsConfig(AppConfig):
    """Notifications' part of the public schema: no models, only the rows of beat's
    periodic tasks that fan out to every business (its migrations). Shared app."""

    name = "notifications.platform"
    label = "platform_notifications"
    verbose_name = "Platform notifications"
    default_auto_field = "django.db.models.BigAutoField"
