"""Connect webhook deliveries racing on committed data (two connections)."""

import json
import threading

from django.db import connection
from django_tenants.utils import tenant_context

from billing.models import Payment, Purchase, StripeEvent
from devtools.stripe_standin.connect import checkout_complete
from tenants.models import Business


def test_two_racing_deliveries_of_one_event_fulfil_once(committed, standin):
    """Two deliveries of the same paid checkout at once (two connections, committed data)."""
    from django.test import Client as Browser

    from accounts.models import User
    from billing.models import Invoice, SessionUse
    from billing.services.checkout import checkout_start
    from billing.tests.factories import ProductFactory
    from clients.tests.factories import ClientFactory
    from devtools.stripe_standin.server import stripe_signature

    business = Business.objects.get(slug="acme")
    account = standin.create("accounts", {"charges_enabled": True})["id"]
    Business.objects.filter(pk=business.pk).update(
        stripe_account_id=account, stripe_charges_enabled=True
    )
    business.refresh_from_db()
    with tenant_context(business):
        owner = User.objects.get(email="owner@acme.test")
        client = ClientFactory(first_name="Racer")
        product = ProductFactory(name="Race pack", amount=1000, sessions=2)
        started = checkout_start(
            client=client, product=product, by=owner, success_url="s", cancel_url="c"
        )
    (event,) = checkout_complete(
        standin, started.purchase.stripe_checkout_session_id, deliver=False
    )
    payload = json.dumps(event).encode()
    barrier = threading.Barrier(2)
    statuses, errors = [], []

    def deliver():
        try:
            browser = Browser(HTTP_HOST="localhost")
            barrier.wait()
            statuses.append(
                browser.post(
                    "/stripe/connect/",
                    data=payload,
                    content_type="application/json",
                    HTTP_STRIPE_SIGNATURE=stripe_signature(payload, "whsec_connect_test"),
                ).status_code
            )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors and statuses == [200, 200]
        with tenant_context(business):
            assert Payment.objects.filter(purchase=started.purchase).count() == 1
            assert Invoice.objects.filter(purchase=started.purchase).count() == 1
    finally:
        with tenant_context(business):
            Payment.objects.filter(client=client).delete()
            Invoice.objects.filter(client=client).delete()
            SessionUse.objects.filter(purchase__client=client).delete()
            Purchase.objects.filter(client=client).delete()
            StripeEvent.objects.filter(event_id=event["id"]).delete()
            product.delete()
            client.delete()
        Business.objects.filter(pk=business.pk).update(
            stripe_account_id=None, stripe_charges_enabled=False
        )
