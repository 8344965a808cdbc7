"""The shop's API: products, purchases, payments, with the role matrix
(owner / coach / client / anonymous / another business)."""

import pytest
from django_tenants.utils import tenant_context

from billing.models import BillingSettings, Payment, Product
from billing.services.payments import payment_record_offline

pytestmark = pytest.mark.django_db


@pytest.fixture
def sold(business, owner, client_record, stranger_record, pack):
    """Cleo and Sam each bought the pack (cash)."""
    with tenant_context(business):
        mine = payment_record_offline(
            client=client_record, amount=None, product=pack, method="cash", by=owner
        )
        theirs = payment_record_offline(
            client=stranger_record, amount=None, product=pack, method="cash", by=owner
        )
    return mine, theirs


def _ids(response):
    return {row["id"] for row in response.json()["results"]}


# --- products --------------------------------------------------------------------------------


def test_a_client_reads_only_products_on_sale(business, client_browser, pack, one_off):
    with tenant_context(business):
        Product.objects.filter(pk=one_off.pk).update(is_active=False)
    assert _ids(client_browser.get("/api/v1/products/")) == {pack.pk}


def test_the_owner_reads_every_product(owner_client, business, pack, one_off):
    with tenant_context(business):
        Product.objects.filter(pk=one_off.pk).update(is_active=False)
    assert _ids(owner_client.get("/api/v1/products/")) == {pack.pk, one_off.pk}


def test_prices_travel_as_text_and_minor_units(client_browser, pack):
    row = client_browser.get(f"/api/v1/products/{pack.pk}/").json()
    assert (row["price"], row["amount"], row["currency"]) == ("600.00", 60000, "USD")


def test_the_owner_creates_a_product_with_a_typed_price(business, owner_client):
    response = owner_client.post(
        "/api/v1/products/", {"name": "Pack of 5", "kind": "pack", "price": "60.00", "sessions": 5}
    )
    assert response.status_code == 201
    with tenant_context(business):
        assert Product.objects.get().amount == 6000


@pytest.mark.parametrize(
    "body, field",
    [
        ({"name": "X", "kind": "pack", "price": "60.001", "sessions": 5}, "price"),
        ({"name": "X", "kind": "pack", "price": "sixty", "sessions": 5}, "price"),
        ({"name": "X", "kind": "pack", "price": "0", "sessions": 5}, "price"),
        ({"name": "X", "kind": "pack", "price": "60.00"}, "sessions"),
        ({"name": "", "kind": "pack", "price": "60.00", "sessions": 5}, "name"),
        ({"name": "X", "kind": "yearly", "price": "60.00"}, "kind"),
    ],
)
def test_bad_product_input_is_a_400_with_field_errors(business, owner_client, body, field):
    response = owner_client.post("/api/v1/products/", body, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()
    with tenant_context(business):
        assert not Product.objects.exists()


@pytest.mark.parametrize("who", ["coach_browser", "client_browser"])
def test_only_the_owner_writes_products(request, who, pack):
    browser = request.getfixturevalue(who)
    response = browser.patch(
        f"/api/v1/products/{pack.pk}/", {"price": "1.00"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_anonymous_callers_get_nothing(tenant_client, pack):
    assert tenant_client.get("/api/v1/products/").status_code in (401, 403)
    assert tenant_client.get("/api/v1/payments/").status_code in (401, 403)


def test_another_businesss_client_gets_nothing_here(zen_client_browser, pack):
    assert zen_client_browser.get("/api/v1/products/").status_code in (401, 403)


# --- purchases and payments ---------------------------------------------------------------------


def test_a_client_sees_only_their_own_purchases_and_payments(client_browser, sold):
    mine, _ = sold
    assert _ids(client_browser.get("/api/v1/purchases/")) == {mine.purchase_id}
    assert _ids(client_browser.get("/api/v1/payments/")) == {mine.pk}


def test_a_coach_sees_no_payments_unless_the_owner_allows(business, coach_browser, sold):
    mine, _ = sold
    assert _ids(coach_browser.get("/api/v1/payments/")) == set()
    with tenant_context(business):
        BillingSettings.objects.update_or_create(pk=1, defaults={"coaches_see_billing": True})
    assert _ids(coach_browser.get("/api/v1/payments/")) == {mine.pk}
    assert _ids(coach_browser.get("/api/v1/purchases/")) == {mine.purchase_id}


def test_the_owner_sees_every_payment(owner_client, sold):
    assert _ids(owner_client.get("/api/v1/payments/")) == {p.pk for p in sold}


def test_payments_list_runs_constant_queries(owner_client, sold, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        owner_client.get("/api/v1/payments/")


def test_the_owner_records_an_offline_payment(business, owner_client, client_record):
    response = owner_client.post(
        "/api/v1/payments/",
        {"client": client_record.pk, "price": "45.50", "method": "bank_transfer", "note": "April"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["amount"] == 4550
    with tenant_context(business):
        assert Payment.objects.get().invoice_id


@pytest.mark.parametrize(
    "body, field",
    [
        ({"price": "45.505", "method": "cash"}, "price"),
        ({"price": "45.50", "method": "card"}, "method"),
        ({"method": "cash"}, "price"),
    ],
)
def test_bad_offline_payment_input_is_a_400(business, owner_client, client_record, body, field):
    response = owner_client.post(
        "/api/v1/payments/", {"client": client_record.pk, **body}, content_type="application/json"
    )
    assert response.status_code == 400 and field in response.json()
    with tenant_context(business):
        assert not Payment.objects.exists()


@pytest.mark.parametrize("who", ["coach_browser", "client_browser"])
def test_only_the_owner_records_payments(request, who, client_record):
    browser = request.getfixturevalue(who)
    response = browser.post(
        "/api/v1/payments/",
        {"client": client_record.pk, "price": "10.00", "method": "cash"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_the_owner_refunds_part_of_a_payment(business, owner_client, sold):
    mine, _ = sold
    response = owner_client.post(
        f"/api/v1/payments/{mine.pk}/refund/", {"price": "100.00"}, content_type="application/json"
    )
    assert response.status_code == 201 and response.json()["amount"] == 10000


def test_refunding_more_than_was_paid_is_a_400(owner_client, sold):
    mine, _ = sold
    response = owner_client.post(
        f"/api/v1/payments/{mine.pk}/refund/", {"price": "600.01"}, content_type="application/json"
    )
    assert response.status_code == 400 and "amount" in response.json()


def test_a_coach_allowed_to_see_billing_still_cannot_refund(business, coach_browser, sold):
    mine, _ = sold
    with tenant_context(business):
        BillingSettings.objects.update_or_create(pk=1, defaults={"coaches_see_billing": True})
    response = coach_browser.post(
        f"/api/v1/payments/{mine.pk}/refund/", {}, content_type="application/json"
    )
    assert response.status_code == 403


def test_a_client_cannot_refund_their_own_payment(client_browser, sold):
    mine, _ = sold
    response = client_browser.post(
        f"/api/v1/payments/{mine.pk}/refund/", {}, content_type="application/json"
    )
    assert response.status_code == 403


def test_a_client_cannot_see_another_clients_payment(client_browser, sold):
    _, theirs = sold
    assert client_browser.get(f"/api/v1/payments/{theirs.pk}/").status_code == 404


def test_staff_use_a_session_through_the_api(business, owner_client, sold):
    mine, _ = sold
    response = owner_client.post(
        f"/api/v1/purchases/{mine.purchase_id}/use-session/",
        {"reference": "booking:9"},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["sessions_left"] == 9


def test_a_client_cannot_use_a_session_through_the_api(client_browser, sold):
    mine, _ = sold
    response = client_browser.post(f"/api/v1/purchases/{mine.purchase_id}/use-session/")
    assert response.status_code == 403
