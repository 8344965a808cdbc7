"""Offline payments, refunds (never more than paid) and session balances, through
the services and the back office."""

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_tenants.utils import tenant_context

from billing.models import Payment, Purchase, Refund, SessionUse
from billing.selectors import session_balance
from billing.services.balances import session_draw, session_return
from billing.services.payments import payment_record_offline
from billing.services.refunds import payment_refund

pytestmark = pytest.mark.django_db


@pytest.fixture
def sold_pack(tenant, owner, client_record, pack):
    """Cleo paid 600.00 cash for the 10-session pack."""
    return payment_record_offline(
        client=client_record, amount=None, product=pack, method="cash", by=owner
    )


# --- offline payments -----------------------------------------------------------------------


def test_an_offline_payment_for_a_product_starts_the_clients_purchase(sold_pack):
    purchase = sold_pack.purchase
    assert purchase.status == "active" and purchase.sessions_left == 10
    assert (sold_pack.amount, sold_pack.method, sold_pack.status) == (60000, "cash", "succeeded")


def test_an_offline_payment_gets_a_paid_invoice(sold_pack):
    assert sold_pack.invoice.status == "paid" and sold_pack.invoice.total == 60000


def test_an_offline_payment_without_a_product_needs_an_amount(tenant, owner, client_record):
    with pytest.raises(ValidationError) as error:
        payment_record_offline(client=client_record, amount=None, method="cash", by=owner)
    assert "amount" in error.value.message_dict
    assert not Payment.objects.exists()


def test_an_offline_payment_cannot_be_dated_in_the_future(tenant, owner, client_record):
    with pytest.raises(ValidationError) as error:
        payment_record_offline(
            client=client_record,
            amount=1000,
            method="bank_transfer",
            paid_at=timezone.now() + dt.timedelta(days=3),
            by=owner,
        )
    assert "paid_at" in error.value.message_dict


def test_a_coach_cannot_record_a_payment(tenant, coach, client_record):
    with pytest.raises(PermissionDenied):
        payment_record_offline(client=client_record, amount=1000, method="cash", by=coach)


def test_the_owner_records_a_bank_transfer_in_the_back_office(
    business, owner_client, client_record, pack
):
    response = owner_client.post(
        "/admin/billing/payment/record/",
        {
            "client": client_record.pk,
            "product": pack.pk,
            "amount": "550.00",
            "method": "bank_transfer",
            "paid_on": "2024-05-02",
            "note": "May transfer",
        },
    )
    assert response.status_code == 302
    with tenant_context(business):
        payment = Payment.objects.get()
    assert (payment.amount, payment.method, payment.note) == (
        55000,
        "bank_transfer",
        "May transfer",
    )
    assert payment.paid_at.date() == dt.date(2024, 5, 2)
    assert payment.purchase.sessions_total == 10


@pytest.mark.parametrize(
    "amount, field", [("12.345", "amount"), ("abc", "amount"), ("", "amount"), ("-5", "amount")]
)
def test_a_bad_amount_is_shown_on_the_form_and_nothing_is_saved(
    business, owner_client, client_record, amount, field
):
    response = owner_client.post(
        "/admin/billing/payment/record/",
        {"client": client_record.pk, "amount": amount, "method": "cash", "paid_on": "2024-05-02"},
    )
    assert response.status_code == 400
    assert field in response.context["form"].errors
    with tenant_context(business):
        assert not Payment.objects.exists()


def test_a_coach_cannot_open_the_record_payment_page(coach_browser):
    assert coach_browser.get("/admin/billing/payment/record/").status_code == 403


# --- refunds ---------------------------------------------------------------------------------


def test_a_partial_refund_of_an_offline_payment_is_recorded(tenant, owner, sold_pack):
    refund = payment_refund(payment=sold_pack, amount=10000, by=owner, reason="Missed two")
    sold_pack.refresh_from_db()
    assert refund.status == "succeeded" and refund.stripe_refund_id is None
    assert sold_pack.refunded_amount == 10000
    assert sold_pack.purchase.status == "active"


def test_a_refund_cannot_exceed_what_is_left(tenant, owner, sold_pack):
    payment_refund(payment=sold_pack, amount=50000, by=owner)
    with pytest.raises(ValidationError) as error:
        payment_refund(payment=sold_pack, amount=10001, by=owner)
    assert "At most $100.00 can be refunded." in error.value.message_dict["amount"]
    sold_pack.refresh_from_db()
    assert sold_pack.refunded_amount == 50000 and Refund.objects.count() == 1


def test_a_full_refund_of_a_pack_marks_the_purchase_refunded(tenant, owner, sold_pack):
    payment_refund(payment=sold_pack, amount=None, by=owner)
    sold_pack.refresh_from_db()
    assert sold_pack.refunded_amount == 60000
    assert Purchase.objects.get(pk=sold_pack.purchase_id).status == "refunded"


def test_a_zero_refund_is_refused(tenant, owner, sold_pack):
    with pytest.raises(ValidationError):
        payment_refund(payment=sold_pack, amount=0, by=owner)


def test_a_coach_cannot_refund(tenant, coach, sold_pack):
    with pytest.raises(PermissionDenied):
        payment_refund(payment=sold_pack, amount=100, by=coach)


def test_a_card_refund_goes_through_stripe_on_the_connected_account(
    business, owner, client_browser, client_record, connected, standin, pack, connect_post
):
    from devtools.stripe_standin.connect import checkout_complete

    client_browser.post(f"/shop/{pack.pk}/buy/")
    with tenant_context(business):
        purchase = Purchase.objects.get(client=client_record)
    for event in checkout_complete(standin, purchase.stripe_checkout_session_id, deliver=False):
        connect_post(event)
    with tenant_context(business):
        payment = Payment.objects.get(purchase=purchase)
        refund = payment_refund(payment=payment, amount=2500, by=owner)
    stripe_refund = standin.get("refunds", refund.stripe_refund_id, account=connected)
    assert stripe_refund["amount"] == 2500
    assert stripe_refund["payment_intent"] == payment.stripe_payment_intent_id


def test_a_refund_stripe_refuses_leaves_nothing_behind(
    business, owner, client_record, connected, standin, pack
):
    with tenant_context(business):
        payment = Payment.objects.create(
            client=client_record,
            amount=1000,
            currency="USD",
            method="card",
            status="succeeded",
            paid_at=timezone.now(),
            stripe_payment_intent_id="pi_unknown",
        )
        with pytest.raises(ValidationError):
            payment_refund(payment=payment, amount=500, by=owner)
        payment.refresh_from_db()
        assert payment.refunded_amount == 0 and not Refund.objects.exists()


def test_the_owner_refunds_from_the_payment_page(business, owner_client, sold_pack):
    response = owner_client.post(
        f"/admin/billing/payment/{sold_pack.pk}/refund/", {"amount": "100.00", "reason": "Sorry"}
    )
    assert response.status_code == 302
    with tenant_context(business):
        sold_pack.refresh_from_db()
    assert sold_pack.refunded_amount == 10000


def test_refunding_too_much_on_the_page_shows_the_limit(business, owner_client, sold_pack):
    response = owner_client.post(
        f"/admin/billing/payment/{sold_pack.pk}/refund/", {"amount": "700.00"}
    )
    assert response.status_code == 400
    assert "At most $600.00 can be refunded." in response.content.decode()


def test_a_coach_cannot_open_the_refund_page(coach_browser, sold_pack):
    assert coach_browser.get(f"/admin/billing/payment/{sold_pack.pk}/refund/").status_code == 403


# --- session balances ------------------------------------------------------------------------


def test_a_session_is_drawn_from_the_oldest_usable_pack(
    tenant, owner, client_record, pack, sold_pack
):
    newer = payment_record_offline(
        client=client_record, amount=None, product=pack, method="cash", by=owner
    )
    use = session_draw(client=client_record, reference="booking:1")
    assert use.purchase_id == sold_pack.purchase_id
    assert Purchase.objects.get(pk=newer.purchase_id).sessions_used == 0


def test_a_reference_draws_once(tenant, client_record, sold_pack):
    first = session_draw(client=client_record, reference="booking:7")
    again = session_draw(client=client_record, reference="booking:7")
    assert first.pk == again.pk
    assert Purchase.objects.get(pk=sold_pack.purchase_id).sessions_used == 1


def test_drawing_without_a_balance_says_so(tenant, client_record):
    with pytest.raises(ValidationError) as error:
        session_draw(client=client_record, reference="booking:1")
    assert "has no sessions left" in error.value.message_dict["client"][0]


def test_an_expired_pack_is_not_drawn_from(tenant, client_record, sold_pack):
    Purchase.objects.filter(pk=sold_pack.purchase_id).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    with pytest.raises(ValidationError):
        session_draw(client=client_record, reference="booking:1")


def test_the_last_session_uses_up_the_pack(tenant, client_record, sold_pack):
    Purchase.objects.filter(pk=sold_pack.purchase_id).update(sessions_used=9)
    session_draw(client=client_record, reference="booking:10")
    assert Purchase.objects.get(pk=sold_pack.purchase_id).status == "used_up"
    assert session_balance(client=client_record) == 0


def test_returning_a_session_gives_it_back_to_its_pack(tenant, client_record, sold_pack):
    session_draw(client=client_record, reference="booking:3")
    session_return(reference="booking:3", client=client_record)
    assert Purchase.objects.get(pk=sold_pack.purchase_id).sessions_used == 0
    assert list(SessionUse.objects.values_list("delta", flat=True).order_by("pk")) == [1, -1]


def test_a_session_is_given_back_once(tenant, client_record, sold_pack):
    session_draw(client=client_record, reference="booking:3")
    session_return(reference="booking:3", client=client_record)
    with pytest.raises(ValidationError):
        session_return(reference="booking:3", client=client_record)


def test_the_owner_uses_a_session_from_the_back_office(business, owner_client, sold_pack):
    response = owner_client.post(
        "/admin/billing/purchase/",
        {"action": "use_session", "_selected_action": [sold_pack.purchase_id]},
    )
    assert response.status_code == 302
    with tenant_context(business):
        assert Purchase.objects.get(pk=sold_pack.purchase_id).sessions_used == 1


def test_the_client_page_shows_the_balance_to_the_owner(owner_client, client_record, sold_pack):
    profile = f"/admin/clients/client/{client_record.pk}/profile/billing/"
    page = owner_client.get(profile).content.decode()
    assert "Packages and payments" in page and "10/10" in page


def test_coaches_do_not_see_billing_unless_the_owner_allows(
    business, coach_browser, client_record, sold_pack
):
    from billing.models import BillingSettings

    assert coach_browser.get("/admin/billing/payment/").status_code == 403
    response = coach_browser.get(f"/admin/clients/client/{client_record.pk}/profile/billing/")
    assert response.status_code == 403
    assert "Packages and payments" not in response.content.decode()
    with tenant_context(business):
        BillingSettings.objects.update_or_create(pk=1, defaults={"coaches_see_billing": True})
    page = coach_browser.get("/admin/billing/payment/").content.decode()
    assert "Cleo" in page


def test_a_coach_sees_only_their_own_clients_payments(
    business, owner, coach_browser, stranger_record, pack, sold_pack
):
    from billing.models import BillingSettings

    with tenant_context(business):
        BillingSettings.objects.update_or_create(pk=1, defaults={"coaches_see_billing": True})
        payment_record_offline(client=stranger_record, amount=1234, method="cash", by=owner)
    page = coach_browser.get("/admin/billing/payment/").content.decode()
    assert "Cleo" in page and "Stranger" not in page


def test_products_are_for_the_owner_only_in_the_back_office(coach_browser):
    assert coach_browser.get("/admin/billing/product/").status_code == 403


def test_the_owner_adds_a_product_with_a_typed_price(business, owner_client):
    response = owner_client.post(
        "/admin/billing/product/add/",
        {
            "name": "5 sessions",
            "kind": "pack",
            "price": "60.00",
            "sessions": "5",
            "is_active": "on",
            "position": "0",
        },
    )
    assert response.status_code == 302
    from billing.models import Product

    with tenant_context(business):
        product = Product.objects.get()
    assert (product.amount, product.currency, product.sessions) == (6000, "USD", 5)


def test_a_price_with_too_many_decimals_is_refused(business, owner_client):
    response = owner_client.post(
        "/admin/billing/product/add/",
        {"name": "5 sessions", "kind": "pack", "price": "60.001", "sessions": "5", "position": "0"},
    )
    assert response.status_code == 200
    assert "price" in response.context["adminform"].form.errors


def test_the_payment_page_offers_a_refund_of_what_is_left(owner_client, sold_pack):
    page = owner_client.get(f"/admin/billing/payment/{sold_pack.pk}/change/").content.decode()
    assert "Refund (up to $600.00)" in page


def test_the_purchase_list_shows_balances(owner_client, sold_pack):
    page = owner_client.get("/admin/billing/purchase/").content.decode()
    assert "10 / 10" in page


def test_a_client_page_links_to_its_payments(owner_client, client_record, sold_pack):
    page = owner_client.get(f"/admin/billing/payment/?client__id__exact={client_record.pk}")
    assert page.status_code == 200 and "Cleo" in page.content.decode()


# --- monthly coaching paid by hand again (H4) ---------------------------------------------------


def test_paying_monthly_coaching_again_extends_the_running_purchase(
    tenant, owner, client_record, coaching
):
    first = payment_record_offline(
        client=client_record, amount=None, product=coaching, method="cash", by=owner
    )
    ends = first.purchase.period_ends_at
    second = payment_record_offline(
        client=client_record, amount=None, product=coaching, method="cash", by=owner
    )
    assert second.purchase_id == first.purchase_id
    assert Purchase.objects.filter(client=client_record).count() == 1
    purchase = Purchase.objects.get()
    assert purchase.period_ends_at == ends + relativedelta(months=1)
    assert purchase.payments.count() == 2


def test_paying_past_due_coaching_makes_it_active_for_the_month_after_the_unpaid_one(
    tenant, owner, client_record, coaching
):
    first = payment_record_offline(
        client=client_record, amount=None, product=coaching, method="cash", by=owner
    )
    lapsed = timezone.now() - dt.timedelta(days=3)
    Purchase.objects.filter(pk=first.purchase_id).update(status="past_due", period_ends_at=lapsed)
    payment_record_offline(
        client=client_record, amount=None, product=coaching, method="bank_transfer", by=owner
    )
    purchase = Purchase.objects.get()
    assert purchase.status == "active"
    assert purchase.period_ends_at == lapsed + relativedelta(months=1)


def test_the_client_paying_coaching_twice_counts_once_in_mrr(
    tenant, owner, client_record, coaching
):
    from billing.selectors import revenue_summary

    for _ in range(2):
        payment_record_offline(
            client=client_record, amount=None, product=coaching, method="cash", by=owner
        )
    summary = revenue_summary(user=owner, currency=coaching.currency)
    assert (summary.mrr, summary.active_subscriptions) == (15000, 1)


def test_cancelled_coaching_paid_again_starts_a_new_purchase(
    tenant, owner, client_record, coaching
):
    first = payment_record_offline(
        client=client_record, amount=None, product=coaching, method="cash", by=owner
    )
    Purchase.objects.filter(pk=first.purchase_id).update(status="cancelled")
    second = payment_record_offline(
        client=client_record, amount=None, product=coaching, method="cash", by=owner
    )
    assert second.purchase_id != first.purchase_id
    assert second.purchase.status == "active"


def test_another_clients_coaching_is_not_extended(
    tenant, owner, client_record, stranger_record, coaching
):
    theirs = payment_record_offline(
        client=stranger_record, amount=None, product=coaching, method="cash", by=owner
    )
    mine = payment_record_offline(
        client=client_record, amount=None, product=coaching, method="cash", by=owner
    )
    assert mine.purchase_id != theirs.purchase_id
    theirs.purchase.refresh_from_db()
    assert theirs.purchase.payments.count() == 1


def test_a_pack_bought_again_is_a_new_purchase_with_its_own_balance(
    tenant, owner, client_record, pack, sold_pack
):
    session_draw(client=client_record, reference="booking:1", by=owner)
    again = payment_record_offline(
        client=client_record, amount=None, product=pack, method="cash", by=owner
    )
    assert again.purchase_id != sold_pack.purchase_id
    assert again.purchase.sessions_left == 10
    assert Purchase.objects.get(pk=sold_pack.purchase_id).sessions_left == 9
    assert session_balance(client=client_record) == 19


def test_the_owner_renews_coaching_from_the_record_payment_page(
    business, owner_client, owner, client_record, coaching
):
    with tenant_context(business):
        payment_record_offline(
            client=client_record, amount=None, product=coaching, method="cash", by=owner
        )
    response = owner_client.post(
        "/admin/billing/payment/record/",
        {
            "client": client_record.pk,
            "product": coaching.pk,
            "amount": "150.00",
            "method": "cash",
            "paid_on": timezone.now().date().isoformat(),
        },
    )
    assert response.status_code == 302
    with tenant_context(business):
        assert Purchase.objects.count() == 1 and Payment.objects.count() == 2
