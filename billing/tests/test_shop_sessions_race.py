"""Two bookings drawing the last session at once (two connections, committed data)."""

import threading

from django.core.exceptions import ValidationError
from django.db import connection
from django_tenants.utils import tenant_context

from tenants.models import Business


def test_two_draws_of_the_last_session_at_once_never_go_negative(committed):
    from accounts.models import User
    from billing.models import Invoice, Payment, Purchase, SessionUse
    from billing.services.balances import session_draw
    from billing.services.payments import payment_record_offline
    from billing.tests.factories import ProductFactory
    from clients.tests.factories import ClientFactory

    business = Business.objects.get(slug="acme")
    with tenant_context(business):
        owner = User.objects.get(email="owner@acme.test")
        client = ClientFactory(first_name="Racer")
        product = ProductFactory(name="Single", amount=1000, sessions=1)
        payment = payment_record_offline(
            client=client, amount=None, product=product, method="cash", by=owner
        )
    barrier = threading.Barrier(2)
    outcomes = []

    def draw(reference):
        try:
            with tenant_context(business):
                barrier.wait()
                session_draw(client=client, reference=reference)
                outcomes.append("drawn")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=draw, args=(f"booking:{i}",)) for i in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["drawn", "refused"]
        with tenant_context(business):
            purchase = Purchase.objects.get(pk=payment.purchase_id)
            assert purchase.sessions_used == 1 and purchase.status == "used_up"
    finally:
        with tenant_context(business):
            SessionUse.objects.filter(purchase__client=client).delete()
            Payment.objects.filter(client=client).delete()
            Invoice.objects.filter(client=client).delete()
            Purchase.objects.filter(client=client).delete()
            product.delete()
            client.delete()
