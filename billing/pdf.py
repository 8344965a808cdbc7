"""An invoice as a PDF (fpdf2: pure Python, no system libraries).

Text is set in DejaVu Sans (embedded, subset) when its files are found in
``settings.INVOICE_PDF_FONT_DIR`` (Debian: fonts-dejavu-core), so names in
any European script print as written; characters DejaVu lacks (Chinese,
Japanese, Korean) come from the first of ``settings.INVOICE_PDF_FALLBACK_FONTS``
that exists (Debian: fonts-droid-fallback). Without DejaVu the PDF core font
Helvetica is used with the Windows-1252 encoding (Western European names and
the € sign); a character outside it prints as "?" rather than failing the
download.

The renderer takes an ``InvoiceSnapshot`` (what the invoice shows, built by
``services.invoices.invoice_snapshot``) and imports no service.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from fontTools.ttLib import TTFont
from fpdf import FPDF

from .models import Invoice
from .services.money import money_format

logger = logging.getLogger(__name__)

ENCODING = "windows-1252"
GREY = (107, 114, 128)
DARK = (17, 24, 39)
STATUS_COLOURS = {
    Invoice.Status.DRAFT: (107, 114, 128),
    Invoice.Status.OPEN: (194, 65, 12),
    Invoice.Status.PAID: (21, 128, 61),
    Invoice.Status.VOID: (185, 28, 28),
}


@dataclass(frozen=True)
class InvoiceLineSnapshot:
    description: str
    quantity: int
    unit_amount: int
    tax_name: str
    tax_rate_bp: int
    tax_inclusive: bool
    tax_amount: int


@dataclass(frozen=True)
class InvoiceSnapshot:
    """What an invoice's PDF shows: its parties (frozen at issue, or as they would be
    for a draft), dates, lines and totals, and the business's brand."""

    reference: str  # empty for a draft
    status: str
    status_label: str
    currency: str
    seller: dict
    buyer: dict
    issued_at: dt.datetime | None
    due_at: dt.datetime | None
    paid_at: dt.datetime | None
    voided_at: dt.datetime | None
    subtotal: int
    total: int
    notes: str
    lines: tuple[InvoiceLineSnapshot, ...]
    brand_colour: str = ""
    logo: bytes | None = None


def _core_font_text(value: str | None) -> str:
    """``value`` as text the core font can print (Windows-1252, "?" for the rest)."""
    return (value or "").encode(ENCODING, errors="replace").decode(ENCODING)


def _unicode_text(value: str | None) -> str:
    return value or ""


@dataclass(frozen=True)
class FontFiles:
    regular: str
    bold: str
    fallbacks: tuple[str, ...]


@functools.lru_cache(maxsize=8)
def _font_files(font_dir: str, fallbacks: tuple[str, ...]) -> FontFiles | None:
    """DejaVu Sans in ``font_dir`` (bold optional) and the fallback fonts that exist;
    None without DejaVu. Cached per setting: a lookup of a few files."""
    folder = Path(font_dir or "")
    regular = folder / "DejaVuSans.ttf"
    if not font_dir or not regular.is_file():
        return None
    bold = folder / "DejaVuSans-Bold.ttf"
    return FontFiles(
        regular=str(regular),
        bold=str(bold if bold.is_file() else regular),
        fallbacks=tuple(path for path in fallbacks if path and Path(path).is_file()),
    )


def font_files() -> FontFiles | None:
    """The Unicode fonts to embed, from the settings; None: use Helvetica."""
    return _font_files(
        str(getattr(settings, "INVOICE_PDF_FONT_DIR", "") or ""),
        tuple(getattr(settings, "INVOICE_PDF_FALLBACK_FONTS", ()) or ()),
    )


@functools.lru_cache(maxsize=4)
def _characters(path: str) -> frozenset[int]:
    """The code points a font has glyphs for (read once per process)."""
    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


def _fonts_set_up(pdf: FPDF, texts: list[str]) -> tuple[str, Callable[[object], str]]:
    """Register the fonts on ``pdf``: (the family to use, how to prepare text for it).

    Fallback fonts are large (a CJK font takes a third of a second to load), so
    they are added only when ``texts`` hold a character DejaVu lacks."""
    files = font_files()
    if files is None:
        pdf.core_fonts_encoding = ENCODING
        return "helvetica", _core_font_text
    try:
        pdf.add_font("dejavu", "", files.regular)
        pdf.add_font("dejavu", "B", files.bold)
        covered = _characters(files.regular)
        missing = any(ord(ch) not in covered for text in texts for ch in text if not ch.isspace())
        names = []
        for number, path in enumerate(files.fallbacks if missing else ()):
            name = f"fallback{number}"
            pdf.add_font(name, "", path)
            names.append(name)
        if names:
            # bold text borrows the regular fallback rather than losing the character
            pdf.set_fallback_fonts(names, exact_match=False)
    except Exception:  # noqa: BLE001 - a broken font file must not break the invoice
        logger.warning("invoice PDF: cannot load fonts from %s", files, exc_info=True)
        pdf.core_fonts_encoding = ENCODING
        return "helvetica", _core_font_text
    return "dejavu", _unicode_text


def _date(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%d %b %Y") if value else ""


def _hex_rgb(colour: str, default=(194, 65, 12)) -> tuple[int, int, int]:
    try:
        colour = colour.lstrip("#")
        return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))
    except (AttributeError, ValueError):
        return default


def invoice_pdf_render(invoice: InvoiceSnapshot) -> bytes:
    """The PDF of an invoice as its snapshot has it (no query)."""
    seller = invoice.seller
    buyer = invoice.buyer
    currency = invoice.currency
    brand = _hex_rgb(invoice.brand_colour)
    lines = invoice.lines
    pdf = FPDF(format="A4")
    family, printable = _fonts_set_up(
        pdf,
        [
            *seller.values(),
            *buyer.values(),
            invoice.notes,
            *(line.description for line in lines),
        ],
    )
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_title(printable(f"{_('Invoice')} {invoice.reference or _('draft')}"))
    pdf.set_author(printable(seller.get("name")))
    pdf.add_page()
    width = pdf.epw

    # header: logo or name on the left, the invoice's title and status on the right
    top = pdf.get_y()
    logo = invoice.logo
    if logo:
        try:
            pdf.image(io.BytesIO(logo), x=pdf.l_margin, y=top, h=16)
        except Exception:  # noqa: BLE001 - an image fpdf cannot read
            logo = None
    if not logo:
        pdf.set_font(family, "B", 16)
        pdf.set_text_color(*brand)
        pdf.cell(width / 2, 10, printable(seller.get("business_name") or seller.get("name")))
    pdf.set_xy(pdf.l_margin + width / 2, top)
    pdf.set_font(family, "B", 20)
    pdf.set_text_color(*DARK)
    pdf.cell(width / 2, 10, printable(_("Invoice")), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(pdf.l_margin + width / 2)
    pdf.set_font(family, "", 11)
    pdf.cell(
        width / 2,
        6,
        printable(invoice.reference or _("Draft (no number yet)")),
        align="R",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_x(pdf.l_margin + width / 2)
    pdf.set_font(family, "B", 11)
    pdf.set_text_color(*STATUS_COLOURS.get(invoice.status, GREY))
    pdf.cell(
        width / 2,
        6,
        printable(invoice.status_label.upper()),
        align="R",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_y(max(pdf.get_y(), top + 20) + 6)

    # the parties
    pdf.set_text_color(*GREY)
    pdf.set_font(family, "B", 9)
    y = pdf.get_y()
    pdf.cell(width / 2, 5, printable(_("From").upper()))
    pdf.cell(width / 2, 5, printable(_("Bill to").upper()), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*DARK)
    pdf.set_font(family, "", 10)
    seller_lines = [
        seller.get("name"),
        seller.get("address"),
        seller.get("email"),
        f"{_('Tax number')}: {seller['tax_id']}" if seller.get("tax_id") else "",
    ]
    buyer_lines = [buyer.get("name"), buyer.get("address"), buyer.get("email")]
    pdf.multi_cell(width / 2 - 4, 5, printable("\n".join(x for x in seller_lines if x)))
    left_bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin + width / 2, y + 5)
    pdf.multi_cell(width / 2, 5, printable("\n".join(x for x in buyer_lines if x)))
    pdf.set_y(max(left_bottom, pdf.get_y()) + 4)

    # dates
    dates = [
        (_("Issued"), _date(invoice.issued_at)),
        (_("Due"), _date(invoice.due_at) if invoice.status == Invoice.Status.OPEN else ""),
        (_("Paid"), _date(invoice.paid_at)),
        (_("Voided"), _date(invoice.voided_at)),
    ]
    pdf.set_font(family, "", 10)
    for label, value in dates:
        if value:
            pdf.set_text_color(*GREY)
            pdf.cell(22, 5, printable(label))
            pdf.set_text_color(*DARK)
            pdf.cell(0, 5, printable(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    # lines
    cols = (width * 0.46, width * 0.1, width * 0.16, width * 0.12, width * 0.16)
    pdf.set_fill_color(243, 244, 246)
    pdf.set_font(family, "B", 9)
    pdf.set_text_color(*GREY)
    for text, w, align in zip(
        (_("Description"), _("Qty"), _("Unit price"), _("Tax"), _("Amount")),
        cols,
        ("L", "R", "R", "R", "R"),
        strict=True,
    ):
        pdf.cell(w, 7, printable(text), align=align, fill=True)
    pdf.ln(7)
    pdf.set_font(family, "", 10)
    pdf.set_text_color(*DARK)
    for line in lines:
        tax = f"{line.tax_rate_bp / 100:g}%" if line.tax_rate_bp else "-"
        if line.tax_rate_bp and line.tax_inclusive:
            tax += f" {_('incl.')}"
        amount = line.quantity * line.unit_amount
        y = pdf.get_y()
        pdf.multi_cell(cols[0], 6, printable(line.description), new_x="RIGHT", new_y="TOP")
        desc_bottom = pdf.get_y()
        pdf.set_xy(pdf.l_margin + cols[0], y)
        pdf.cell(cols[1], 6, str(line.quantity), align="R")
        pdf.cell(cols[2], 6, printable(money_format(line.unit_amount, currency)), align="R")
        pdf.cell(cols[3], 6, printable(tax), align="R")
        pdf.cell(cols[4], 6, printable(money_format(amount, currency)), align="R")
        pdf.set_y(max(desc_bottom, y + 6))
        pdf.set_draw_color(229, 231, 235)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
    pdf.ln(3)

    # totals, with one row per tax rate
    taxes: dict[tuple[str, int, bool], int] = {}
    for line in lines:
        if line.tax_rate_bp:
            key = (line.tax_name, line.tax_rate_bp, line.tax_inclusive)
            taxes[key] = taxes.get(key, 0) + line.tax_amount
    rows = [(_("Subtotal (before tax)"), invoice.subtotal, False)]
    for (name, bp, inclusive), amount in taxes.items():
        label = f"{name} {bp / 100:g}%"
        if inclusive:
            label += f" ({_('included')})"
        rows.append((label, amount, False))
    rows.append((f"{_('Total')} ({currency})", invoice.total, True))
    for label, amount, bold in rows:
        pdf.set_font(family, "B" if bold else "", 12 if bold else 10)
        pdf.set_x(pdf.l_margin + width * 0.5)
        pdf.cell(width * 0.3, 7, printable(label), align="R")
        pdf.cell(width * 0.2, 7, printable(money_format(amount, currency)), align="R")
        pdf.ln(7)

    if invoice.notes:
        pdf.ln(4)
        pdf.set_font(family, "", 9)
        pdf.set_text_color(*GREY)
        pdf.multi_cell(0, 5, printable(invoice.notes), new_x="LMARGIN", new_y="NEXT")
    if seller.get("footer"):
        pdf.ln(4)
        pdf.set_font(family, "", 8)
        pdf.set_text_color(*GREY)
        pdf.multi_cell(0, 4, printable(seller["footer"]), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def invoice_pdf_filename(invoice: Invoice) -> str:
    return f"invoice-{invoice.reference or f'draft-{invoice.pk}'}.pdf"
