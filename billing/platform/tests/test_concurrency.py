"""Two deliveries of one event racing on committed data: processed exactly once."""

import json
import threading

from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client

from billing.platform import services
from billing.platform.models import Plan
from devtools.stripe_standin.server import stripe_signature
from tenants.models import Business


def _post(server, payload: bytes) -> int:
    client = Client(HTTP_HOST=settings.BASE_DOMAIN)
    try:
        return client.post(
            server.webhook_path,
            data=payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=stripe_signature(payload, server.webhook_secret),
        ).status_code
    finally:
        connection.close()


def test_two_racing_deliveries_of_one_event_are_processed_once(committed_standin):
    from djstripe.models import Event, WebhookEventTrigger

    server, business = committed_standin
    url = services.checkout_session_create(
        business=business, plan=Plan.objects.get(key="solo"), success_url="x", cancel_url="y"
    )
    server.checkout_complete(url.rsplit("/", 1)[1])
    for payload, _ in server.outbox:
        assert _post(server, payload) == 200
    server.outbox.clear()
    sub_id = next(iter(server.objects[(None, "subscriptions")]))
    server.subscription_payment_fail(sub_id)
    failed = next(p for p, _ in server.outbox if b'"invoice.payment_failed"' in p)
    mail.outbox.clear()

    start = threading.Barrier(2)
    statuses = []

    def deliver():
        start.wait()
        statuses.append(_post(server, failed))

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    event_id = json.loads(failed)["id"]
    assert statuses == [200, 200]
    assert Event.objects.filter(id=event_id).count() == 1
    assert WebhookEventTrigger.objects.filter(event_id=event_id, processed=True).count() == 2
    assert [m.subject for m in mail.outbox].count(
        "Acme Strength: your MectoFitness payment failed"
    ) == 1
    business.refresh_from_db()
    assert business.status == Business.Status.PAST_DUE
