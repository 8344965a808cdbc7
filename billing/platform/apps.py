import stripe
from django.apps import AppConfig
from django.conf import settings

from mectofitness.core import quotas


class PlatformBillingConfig(AppConfig):
    """The platform's own billing: plans, the businesses' subscriptions (dj-stripe,
    public schema), plan limits. Shared app: its tables live in the public schema."""

    name = "billing.platform"
    label = "platform_billing"
    verbose_name = "Platform billing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # the local stand-in (dev, demo) or Stripe itself; settings decide
        if settings.STRIPE_API_BASE:
            stripe.api_base = stripe.connect_api_base = settings.STRIPE_API_BASE

        # they import models, so not before apps are loaded; handlers connects the
        # webhook receivers, tasks registers what the services queue by name
        from . import handlers, limits, tasks  # noqa: F401

        quotas.provide(limits)  # the plan limits other apps ask for
