"""Invoice pages: the portal's list, page and PDF; the back office's invoices, actions,
settings, tax rates and revenue, for every role and another business."""

import io

import pytest
from django.core import mail
from django_tenants.utils import tenant_context
from pypdf import PdfReader

from billing.models import BillingSettings, Invoice, Payment, TaxRate
from billing.services.invoices import InvoiceLineSpec, invoice_create_draft, invoice_issue


@pytest.fixture
def stranger_invoice(business, owner, stranger_record):
    with tenant_context(business):
        draft = invoice_create_draft(
            client=stranger_record, lines=[InvoiceLineSpec("Stranger things", 1, 999)], by=owner
        )
        return invoice_issue(invoice=draft, by=owner, send=False)


@pytest.fixture
def coaches_allowed(business):
    with tenant_context(business):
        BillingSettings.objects.update_or_create(pk=1, defaults={"coaches_see_billing": True})


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


# --- portal ---------------------------------------------------------------------------


def test_a_client_sees_their_invoices_with_status_and_total(client_browser, open_invoice):
    page = client_browser.get("/billing/invoices/")
    assert page.status_code == 200
    assert "INV-00001" in page.text and "€120.00" in page.text and "Open" in page.text


def test_a_client_does_not_see_drafts(client_browser, draft_invoice):
    assert "Draft" not in client_browser.get("/billing/invoices/").text
    assert client_browser.get(f"/billing/invoices/{draft_invoice.pk}/").status_code == 404


def test_a_client_does_not_see_another_clients_invoice(
    client_browser, open_invoice, stranger_invoice
):
    assert "Stranger things" not in client_browser.get("/billing/invoices/").text
    assert client_browser.get(f"/billing/invoices/{stranger_invoice.pk}/").status_code == 404
    assert client_browser.get(f"/billing/invoices/{stranger_invoice.pk}/pdf/").status_code == 404


def test_the_invoice_page_shows_lines_taxes_and_totals(client_browser, open_invoice):
    page = client_browser.get(f"/billing/invoices/{open_invoice.pk}/")
    assert page.status_code == 200
    for text in ("Personal training", "VAT 20%", "€100.00", "€20.00", "€120.00", "Cleo Martin"):
        assert text in page.text
    assert "private" in page["Cache-Control"]


def test_the_invoice_pages_are_for_signed_in_people(tenant_client, open_invoice):
    for url in (
        "/billing/invoices/",
        f"/billing/invoices/{open_invoice.pk}/",
        f"/billing/invoices/{open_invoice.pk}/pdf/",
    ):
        page = tenant_client.get(url)
        assert page.status_code == 302 and "/accounts/login/" in page["Location"]


def test_another_businesss_session_does_not_reach_the_invoices(zen_client_browser, open_invoice):
    page = zen_client_browser.get(f"/billing/invoices/{open_invoice.pk}/pdf/")
    assert page.status_code == 302


def test_another_businesss_invoice_is_not_found_here(client_browser, zen_invoice):
    assert client_browser.get(f"/billing/invoices/{zen_invoice.pk}/").status_code == 404


def test_staff_are_sent_from_the_portal_list_to_the_back_office(coach_browser):
    assert coach_browser.get("/billing/invoices/")["Location"] == "/admin/billing/invoice/"


# --- the PDF --------------------------------------------------------------------------


def test_a_client_downloads_their_invoice_as_a_pdf(client_browser, open_invoice):
    page = client_browser.get(f"/billing/invoices/{open_invoice.pk}/pdf/")
    assert page.status_code == 200
    assert page["Content-Type"] == "application/pdf"
    assert page.content.startswith(b"%PDF")
    assert 'filename="invoice-INV-00001.pdf"' in page["Content-Disposition"]
    assert "private" in page["Cache-Control"] and "no-store" in page["Cache-Control"]


def test_the_pdf_holds_the_reference_parties_lines_taxes_and_total(
    business, owner_client, open_invoice
):
    text = _text(owner_client.get(f"/billing/invoices/{open_invoice.pk}/pdf/").content)
    for expected in (
        "INV-00001",
        "Acme Strength",
        "Cleo Martin",
        "Personal training",
        "VAT 20%",
        "€120.00",
        "OPEN",
    ):
        assert expected in text


def test_a_coach_cannot_download_pdfs_unless_the_owner_allows(coach_browser, open_invoice):
    assert coach_browser.get(f"/billing/invoices/{open_invoice.pk}/pdf/").status_code == 404


def test_an_allowed_coach_downloads_pdfs_of_their_own_clients_only(
    coach_browser, coaches_allowed, open_invoice, stranger_invoice
):
    assert coach_browser.get(f"/billing/invoices/{open_invoice.pk}/pdf/").status_code == 200
    assert coach_browser.get(f"/billing/invoices/{stranger_invoice.pk}/pdf/").status_code == 404


# --- back office: invoices ------------------------------------------------------------


def test_the_owner_lists_invoices_in_the_back_office(owner_client, open_invoice):
    page = owner_client.get("/admin/billing/invoice/")
    assert page.status_code == 200 and "INV-00001" in page.text


def test_a_coach_sees_no_invoices_unless_the_owner_allows(coach_browser, open_invoice):
    assert coach_browser.get("/admin/billing/invoice/").status_code == 403


def test_an_allowed_coach_sees_only_their_clients_invoices(
    coach_browser, coaches_allowed, open_invoice, stranger_invoice
):
    page = coach_browser.get("/admin/billing/invoice/")
    assert page.status_code == 200
    assert "INV-00001" in page.text and "INV-00002" not in page.text


def test_an_allowed_coach_cannot_issue_or_void(coach_browser, coaches_allowed, open_invoice):
    assert (
        coach_browser.post(
            f"/admin/billing/invoice/{open_invoice.pk}/void/", {"reason": "x"}
        ).status_code
        == 403
    )
    assert coach_browser.get("/admin/billing/invoice/add/").status_code == 403


def test_a_client_cannot_open_the_back_office_invoices(client_browser, open_invoice):
    assert client_browser.get("/admin/billing/invoice/").status_code in (302, 403)


def test_the_owner_writes_a_draft_with_lines_in_the_back_office(
    business, owner_client, client_record, vat
):
    data = {
        "client": client_record.pk,
        "notes": "Thanks!",
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-description": "Coaching",
        "lines-0-quantity": "3",
        "lines-0-unit_price": "33.33",
        "lines-0-tax_rate": str(vat.pk),
        "lines-1-description": "Water",
        "lines-1-quantity": "1",
        "lines-1-unit_price": "1.50",
        "lines-1-tax_rate": "",
    }
    page = owner_client.post("/admin/billing/invoice/add/", data)
    assert page.status_code == 302, page.text[:3000]
    with tenant_context(business):
        invoice = Invoice.objects.get()
        # 99.99 + 20 % (19.998 -> 20.00) + 1.50
        assert (invoice.status, invoice.subtotal, invoice.tax_total, invoice.total) == (
            "draft",
            10149,
            2000,
            12149,
        )


def _draft_change_data(draft, line, **extra) -> dict:
    """The change form of ``draft`` as posted with its one ``line`` as it is."""
    return {
        "client": draft.client_id,
        "notes": draft.notes,
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "1",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-id": str(line.pk),
        "lines-0-invoice": str(draft.pk),
        "lines-0-description": line.description,
        "lines-0-quantity": str(line.quantity),
        "lines-0-unit_price": "50.00",
        "lines-0-tax_rate": "",
        **extra,
    }


def test_the_owner_changes_a_drafts_client_notes_and_lines_in_the_back_office(
    business, owner_client, draft_invoice, stranger_record, vat
):
    with tenant_context(business):
        line = draft_invoice.lines.get()
    data = _draft_change_data(
        draft_invoice,
        line,
        **{
            "client": str(stranger_record.pk),
            "notes": "Two lines now",
            "lines-0-tax_rate": str(vat.pk),
            "lines-1-description": "Water",
            "lines-1-quantity": "1",
            "lines-1-unit_price": "1.50",
            "lines-1-tax_rate": "",
        },
    )
    page = owner_client.post(f"/admin/billing/invoice/{draft_invoice.pk}/change/", data)
    assert page.status_code == 302, page.text[:3000]
    with tenant_context(business):
        invoice = Invoice.objects.get(pk=draft_invoice.pk)
        # 2 x 50.00 + 20 % VAT, and 1.50 without tax
        assert (invoice.client_id, invoice.notes, invoice.total) == (
            stranger_record.pk,
            "Two lines now",
            12150,
        )
        assert [each.description for each in invoice.lines.all()] == ["Personal training", "Water"]


def test_a_line_deleted_in_the_back_office_leaves_the_draft(business, owner_client, draft_invoice):
    with tenant_context(business):
        line = draft_invoice.lines.get()
    data = _draft_change_data(
        draft_invoice,
        line,
        **{
            "lines-0-DELETE": "on",
            "lines-1-description": "Water",
            "lines-1-quantity": "2",
            "lines-1-unit_price": "1.50",
        },
    )
    page = owner_client.post(f"/admin/billing/invoice/{draft_invoice.pk}/change/", data)
    assert page.status_code == 302, page.text[:3000]
    with tenant_context(business):
        invoice = Invoice.objects.get(pk=draft_invoice.pk)
        assert [each.description for each in invoice.lines.all()] == ["Water"]
        assert (invoice.subtotal, invoice.tax_total, invoice.total) == (300, 0, 300)


def test_a_price_with_too_many_decimals_is_a_form_error(business, owner_client, client_record):
    data = {
        "client": client_record.pk,
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-description": "Coaching",
        "lines-0-quantity": "1",
        "lines-0-unit_price": "33.333",
    }
    page = owner_client.post("/admin/billing/invoice/add/", data)
    assert page.status_code == 200 and "decimals" in page.text
    with tenant_context(business):
        assert not Invoice.objects.exists()


def test_the_owner_issues_a_draft_from_the_back_office(
    business, owner_client, draft_invoice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = owner_client.post(f"/admin/billing/invoice/{draft_invoice.pk}/issue/")
    assert page.status_code == 302
    with tenant_context(business):
        assert Invoice.objects.get().reference == "INV-00001"
    assert len(mail.outbox) == 1 and mail.outbox[0].attachments


def test_the_owner_marks_an_invoice_paid_from_the_back_office(business, owner_client, open_invoice):
    page = owner_client.post(
        f"/admin/billing/invoice/{open_invoice.pk}/pay/", {"method": "bank_transfer"}
    )
    assert page.status_code == 302
    with tenant_context(business):
        assert Invoice.objects.get().status == "paid"
        assert Payment.objects.get().amount == 12000


def test_voiding_without_a_reason_is_a_form_error(business, owner_client, open_invoice):
    page = owner_client.post(f"/admin/billing/invoice/{open_invoice.pk}/void/", {"reason": ""})
    assert page.status_code == 400
    with tenant_context(business):
        assert Invoice.objects.get().status == "open"


def test_an_issued_invoice_cannot_be_changed_in_the_back_office(
    business, owner_client, open_invoice
):
    page = owner_client.post(
        f"/admin/billing/invoice/{open_invoice.pk}/change/", {"notes": "sneaky"}
    )
    assert page.status_code == 403
    with tenant_context(business):
        assert Invoice.objects.get().notes == ""


def test_an_issued_invoice_shows_read_only_with_its_actions(owner_client, open_invoice):
    page = owner_client.get(f"/admin/billing/invoice/{open_invoice.pk}/change/")
    assert page.status_code == 200
    assert "Personal training" in page.text and "Mark paid" in page.text and "Void" in page.text


def test_an_allowed_coach_reads_an_issued_invoice_without_actions(
    coach_browser, coaches_allowed, open_invoice
):
    page = coach_browser.get(f"/admin/billing/invoice/{open_invoice.pk}/change/")
    assert page.status_code == 200
    assert "Personal training" in page.text and "Mark paid" not in page.text


def test_the_owner_opens_a_draft_to_edit_it(owner_client, draft_invoice):
    page = owner_client.get(f"/admin/billing/invoice/{draft_invoice.pk}/change/")
    assert page.status_code == 200 and 'value="50.00"' in page.text


def test_another_businesss_invoice_is_not_in_this_back_office(owner_client, zen_invoice):
    assert owner_client.get(f"/admin/billing/invoice/{zen_invoice.pk}/change/").status_code == 302
    assert (
        owner_client.post(
            f"/admin/billing/invoice/{zen_invoice.pk}/void/", {"reason": "x"}
        ).status_code
        == 404
    )


# --- back office: settings, tax rates, revenue ----------------------------------------


def test_the_owner_edits_billing_settings(business, owner_client):
    page = owner_client.get("/admin/billing/billingsettings/")
    assert page.status_code == 302
    page = owner_client.post(
        "/admin/billing/billingsettings/1/change/",
        {
            "legal_name": "Acme Ltd",
            "invoice_prefix": "A-",
            "next_invoice_number": "5",
            "payment_terms_days": "7",
            "coaches_see_billing": "on",
        },
    )
    assert page.status_code == 302
    with tenant_context(business):
        settings = BillingSettings.objects.get()
        assert (
            settings.legal_name,
            settings.next_invoice_number,
            settings.coaches_see_billing,
        ) == ("Acme Ltd", 5, True)


def test_the_next_number_cannot_move_back_below_issued_invoices(
    business, owner_client, open_invoice
):
    page = owner_client.post(
        "/admin/billing/billingsettings/1/change/",
        {"invoice_prefix": "INV-", "next_invoice_number": "1", "payment_terms_days": "14"},
    )
    assert page.status_code == 200 and "already issued" in page.text


def test_coaches_cannot_open_billing_settings_or_tax_rates(coach_browser, coaches_allowed):
    assert coach_browser.get("/admin/billing/billingsettings/1/change/").status_code == 403
    assert coach_browser.get("/admin/billing/taxrate/").status_code == 403


def test_the_owner_adds_a_tax_rate_as_a_percentage(business, owner_client):
    page = owner_client.post(
        "/admin/billing/taxrate/add/", {"name": "GST", "percent": "5.5", "is_active": "on"}
    )
    assert page.status_code == 302
    with tenant_context(business):
        assert TaxRate.objects.get(name="GST").rate_bp == 550


def test_a_tax_rate_above_100_percent_is_a_form_error(owner_client):
    page = owner_client.post("/admin/billing/taxrate/add/", {"name": "X", "percent": "120"})
    assert page.status_code == 200 and "between 0 and 100" in page.text


def test_the_owner_sees_the_revenue_page(owner_client, open_invoice):
    page = owner_client.get("/admin/billing/invoice/revenue/")
    assert page.status_code == 200
    assert "Monthly recurring revenue" in page.text and "€120.00" in page.text  # outstanding
    assert "vendor/chartjs/chart.umd.min" in page.text


def test_a_coach_does_not_see_revenue_unless_the_owner_allows(coach_browser):
    assert coach_browser.get("/admin/billing/invoice/revenue/").status_code == 403


def test_an_allowed_coach_sees_revenue_of_their_clients_only(
    coach_browser, coaches_allowed, open_invoice, stranger_invoice
):
    page = coach_browser.get("/admin/billing/invoice/revenue/")
    assert page.status_code == 200
    assert "INV-00001" in page.text and "INV-00002" not in page.text


def test_a_client_does_not_see_revenue(client_browser):
    assert client_browser.get("/admin/billing/invoice/revenue/").status_code in (302, 403)
