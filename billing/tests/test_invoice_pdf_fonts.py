"""Invoice PDFs print every client's name as written: DejaVu Sans (embedded) when
its files are there, a CJK fallback font for Chinese, Japanese and Korean, and
Helvetica (Western European only, "?" for the rest) when no font is found."""

import io
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django_tenants.utils import tenant_context
from pypdf import PdfReader

from billing.pdf import font_files
from billing.services.invoices import (
    InvoiceLineSpec,
    invoice_create_draft,
    invoice_issue,
    invoice_pdf,
)
from clients.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

NAME = "Zoë Łukasiewicz 李"
DEJAVU = Path(django_settings.INVOICE_PDF_FONT_DIR) / "DejaVuSans.ttf"
CJK = [path for path in django_settings.INVOICE_PDF_FALLBACK_FONTS if Path(path).is_file()]


def _words(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def zoe_invoice(business, owner):
    """An issued invoice for Zoë Łukasiewicz 李, a line in Greek and Cyrillic."""
    with tenant_context(business):
        zoe = ClientFactory(first_name="Zoë", last_name="Łukasiewicz 李", email="zoe@example.test")
        draft = invoice_create_draft(
            client=zoe,
            lines=[InvoiceLineSpec("Προπόνηση / Тренировка", 1, 5000)],
            by=owner,
            currency="EUR",
        )
        return invoice_issue(invoice=draft, by=owner, send=False)


def _pdf(business, invoice) -> bytes:
    with tenant_context(business):
        return invoice_pdf(invoice=invoice, business=business)


@pytest.mark.skipif(not DEJAVU.is_file(), reason="needs DejaVu Sans (fonts-dejavu-core)")
def test_a_name_in_any_european_script_prints_as_written(business, zoe_invoice):
    words = _words(_pdf(business, zoe_invoice))
    assert "Zoë Łukasiewicz" in words
    assert "Προπόνηση / Тренировка" in words and "€50.00" in words


@pytest.mark.skipif(not DEJAVU.is_file(), reason="needs DejaVu Sans (fonts-dejavu-core)")
def test_the_whole_name_round_trips_through_the_pdf_text(business, zoe_invoice):
    words = _words(_pdf(business, zoe_invoice))
    assert "Zoë Łukasiewicz" in words
    if not CJK:
        pytest.skip("李 needs a CJK fallback font (fonts-droid-fallback)")
    assert NAME in words


@pytest.mark.skipif(not DEJAVU.is_file(), reason="needs DejaVu Sans (fonts-dejavu-core)")
def test_the_font_is_embedded_as_a_subset(business, zoe_invoice):
    pdf = _pdf(business, zoe_invoice)
    assert b"DejaVuSans" in pdf
    assert len(pdf) < 200_000  # subset, not the whole font


def test_without_the_fonts_helvetica_prints_what_it_can(business, zoe_invoice, settings, tmp_path):
    settings.INVOICE_PDF_FONT_DIR = str(tmp_path)  # no DejaVu here
    settings.INVOICE_PDF_FALLBACK_FONTS = []
    assert font_files() is None
    words = _words(_pdf(business, zoe_invoice))
    assert "Zoë ?ukasiewicz ?" in words and "€50.00" in words


def test_a_broken_font_file_falls_back_to_helvetica(business, zoe_invoice, settings, tmp_path):
    (tmp_path / "DejaVuSans.ttf").write_bytes(b"not a font")
    settings.INVOICE_PDF_FONT_DIR = str(tmp_path)
    words = _words(_pdf(business, zoe_invoice))
    assert "Zoë ?ukasiewicz" in words


def test_the_owner_downloads_the_unicode_invoice(business, zoe_invoice, owner_client):
    response = owner_client.get(f"/admin/billing/invoice/{zoe_invoice.pk}/pdf/", follow=True)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    if DEJAVU.is_file():
        assert "Zoë Łukasiewicz" in _words(response.content)


@pytest.mark.skipif(not (DEJAVU.is_file() and CJK), reason="needs DejaVu and a CJK font")
def test_the_large_cjk_font_is_embedded_only_when_a_name_needs_it(
    business, owner, zoe_invoice, client_record
):
    with tenant_context(business):
        draft = invoice_create_draft(
            client=client_record,
            lines=[InvoiceLineSpec("Training", 1, 5000)],
            by=owner,
            currency="EUR",
        )
        latin = invoice_issue(invoice=draft, by=owner, send=False)
    assert b"DroidSans" not in _pdf(business, latin)
    assert b"DroidSans" in _pdf(business, zoe_invoice)
