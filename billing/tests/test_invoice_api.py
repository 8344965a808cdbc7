"""Invoice API: the role matrix, drafts to paid through the API, settings, tax rates, revenue."""

import pytest
from django_tenants.utils import tenant_context

from billing.models import BillingSettings, Invoice

JSON = "application/json"


@pytest.fixture
def coaches_allowed(business):
    with tenant_context(business):
        BillingSettings.objects.update_or_create(pk=1, defaults={"coaches_see_billing": True})


def _refs(response) -> list[str]:
    return [row["reference"] for row in response.json()["results"]]


def test_a_client_lists_only_their_issued_invoices(client_browser, open_invoice, zen_invoice):
    response = client_browser.get("/api/v1/invoices/")
    assert response.status_code == 200 and _refs(response) == ["INV-00001"]


def test_a_client_cannot_create_or_void_invoices(client_browser, client_record, open_invoice):
    assert (
        client_browser.post(
            "/api/v1/invoices/", {"client": client_record.pk, "lines": []}, content_type=JSON
        ).status_code
        == 403
    )
    assert (
        client_browser.post(
            f"/api/v1/invoices/{open_invoice.pk}/void/", {"reason": "x"}, content_type=JSON
        ).status_code
        == 403
    )


def test_a_coach_lists_no_invoices_unless_the_owner_allows(coach_browser, open_invoice):
    assert _refs(coach_browser.get("/api/v1/invoices/")) == []


def test_an_allowed_coach_reads_their_clients_invoices(
    coach_browser, coaches_allowed, open_invoice
):
    assert _refs(coach_browser.get("/api/v1/invoices/")) == ["INV-00001"]
    assert coach_browser.post(f"/api/v1/invoices/{open_invoice.pk}/issue/").status_code == 403


def test_anonymous_people_get_nothing(tenant_client, open_invoice):
    assert tenant_client.get("/api/v1/invoices/").status_code in (401, 403)


def test_another_businesss_session_gets_nothing_here(zen_client_browser, open_invoice):
    assert zen_client_browser.get("/api/v1/invoices/").status_code in (401, 403)


def test_another_businesss_invoice_is_not_found(owner_client, zen_invoice):
    assert owner_client.get(f"/api/v1/invoices/{zen_invoice.pk}/").status_code == 404


def test_the_owner_drafts_issues_and_pays_an_invoice_through_the_api(
    business, euro, owner_client, client_record, vat
):
    response = owner_client.post(
        "/api/v1/invoices/",
        {
            "client": client_record.pk,
            "lines": [
                {"description": "Coaching", "quantity": 2, "unit_amount": 5000, "tax_rate": vat.pk}
            ],
        },
        content_type=JSON,
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["total"], body["number"]) == ("draft", 12000, None)
    issued = owner_client.post(f"/api/v1/invoices/{body['id']}/issue/").json()
    assert (issued["status"], issued["reference"]) == ("open", "INV-00001")
    paid = owner_client.post(
        f"/api/v1/invoices/{body['id']}/pay/", {"method": "cash"}, content_type=JSON
    ).json()
    assert paid["status"] == "paid"


def test_voiding_without_a_reason_is_a_400(owner_client, open_invoice):
    response = owner_client.post(
        f"/api/v1/invoices/{open_invoice.pk}/void/", {"reason": ""}, content_type=JSON
    )
    assert response.status_code == 400 and "reason" in response.json()


def test_issuing_twice_is_a_400_with_the_status_error(owner_client, open_invoice):
    response = owner_client.post(f"/api/v1/invoices/{open_invoice.pk}/issue/")
    assert response.status_code == 400 and "status" in response.json()


def test_a_bad_line_is_a_400_and_nothing_is_saved(business, owner_client, client_record):
    response = owner_client.post(
        "/api/v1/invoices/",
        {
            "client": client_record.pk,
            "lines": [{"description": "", "quantity": 0, "unit_amount": "x"}],
        },
        content_type=JSON,
    )
    assert response.status_code == 400
    with tenant_context(business):
        assert not Invoice.objects.exists()


def test_the_pdf_comes_from_the_api(owner_client, open_invoice):
    response = owner_client.get(f"/api/v1/invoices/{open_invoice.pk}/pdf/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert "private" in response["Cache-Control"]


def test_only_the_owner_reads_and_changes_billing_settings(
    owner_client, coach_browser, client_browser, coaches_allowed
):
    assert owner_client.get("/api/v1/billing-settings/").status_code == 200
    response = owner_client.patch(
        "/api/v1/billing-settings/current/", {"payment_terms_days": 30}, content_type=JSON
    )
    assert response.status_code == 200 and response.json()["payment_terms_days"] == 30
    assert coach_browser.get("/api/v1/billing-settings/").status_code == 403
    assert client_browser.get("/api/v1/billing-settings/").status_code == 403


def test_the_next_number_cannot_go_back_through_the_api(owner_client, open_invoice):
    response = owner_client.patch(
        "/api/v1/billing-settings/current/", {"next_invoice_number": 1}, content_type=JSON
    )
    assert response.status_code == 400 and "next_invoice_number" in response.json()


def test_only_the_owner_manages_tax_rates(owner_client, coach_browser):
    response = owner_client.post(
        "/api/v1/tax-rates/", {"name": "GST", "rate_bp": 500}, content_type=JSON
    )
    assert response.status_code == 201
    assert coach_browser.get("/api/v1/tax-rates/").status_code == 403


def test_a_tax_rate_above_100_percent_is_a_400(owner_client):
    response = owner_client.post(
        "/api/v1/tax-rates/", {"name": "X", "rate_bp": 10001}, content_type=JSON
    )
    assert response.status_code == 400 and "rate_bp" in response.json()


def test_only_the_owner_reads_the_revenue_summary(
    owner_client, coach_browser, client_browser, coaches_allowed, open_invoice
):
    response = owner_client.get("/api/v1/revenue/")
    assert response.status_code == 200
    assert response.json()["outstanding_total"] == 12000 and len(response.json()["months"]) == 12
    assert coach_browser.get("/api/v1/revenue/").status_code == 403
    assert client_browser.get("/api/v1/revenue/").status_code == 403
