from django.apps import AppConfig


class BillingConfig(AppConfig):
    """Billing inside a business: the shop (products, Checkout, payments, refunds,
    session balances) and invoices."""

    name = "billing"
    verbose_name = "Billing"

    def ready(self):
        # services queue their tasks by registered name (enqueue_on_commit), so the
        # task modules must be registered in every process, web included; they
        # import models and services, so not before the apps are loaded
        from . import tasks  # noqa: F401
