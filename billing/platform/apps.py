from django.apps import AppConfig


class PlatformBillingConfig(AppConfig):
    """The platform's own billing: plans, the businesses' subscriptions (dj-stripe,
    public schema), plan limits. Shared app: its tables live in the public schema."""

    name = "billing.platform"
    label = "platform_billing"
    verbose_name = "Platform billing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        import stripe
        from django.conf import settings

        # the local stand-in (dev, demo) or Stripe itself; settings decide
        if settings.STRIPE_API_BASE:
            stripe.api_base = stripe.connect_api_base = settings.STRIPE_API_BASE

        # connects the webhook receivers; registers the tasks the services queue by name
        from . import handlers, tasks  # noqa: F401
