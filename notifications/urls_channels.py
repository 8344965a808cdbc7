"""A business's URLs of the e-mail and text-message channels: the portal's consent
page and Twilio's delivery-status callback (signed; notifications.webhooks)."""

from django.urls import path

from . import views_channels, webhooks

urlpatterns = [
    path("profile/texts/", views_channels.texts_settings, name="notifications_texts"),
    path("hooks/twilio/status/", webhooks.twilio_status, name="twilio_status"),
]
