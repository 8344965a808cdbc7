from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = _("Messages")

    def ready(self):
        # a client's conversations belong to their data export and erasure
        from clients.services.data_parts import client_data_part_register

        from .client_data import client_messages_part

        client_data_part_register(client_messages_part)
