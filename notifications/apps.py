from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # e-mail: no business mail to an address that bounced or complained, and the
        # provider's delivery events (anymail's tracking signal) recorded
        from mectofitness.core.mail import mail_guard_register

        from . import webhooks  # noqa: F401 (connects the tracking signal)
        from .email import suppressed_among

        mail_guard_register(suppressed_among)
