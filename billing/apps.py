from django.apps import AppConfig


class BillingConfig(AppConfig):
    """Billing inside a business: the shop (products, Checkout, payments, refunds,
    session balances) and invoices."""

    name = "billing"
    verbose_name = "Billing"

    def ready(self):
        # the client list shows sessions left: clients cannot import billing, so billing
        # hands it the annotation (``selectors.client_list_sessions_left``)
        from clients.selectors import client_list_figures_register

        # services queue their tasks by registered name (enqueue_on_commit), so the
        # task modules must be registered in every process, web included; they
        # import models and services, so not before the apps are loaded
        from . import tasks  # noqa: F401
        from .selectors import client_list_sessions_left  # models too: see above

        client_list_figures_register(name="sessions", annotate=client_list_sessions_left)
