"""The revenue page fits a 360 px phone: no table scrolls sideways, every figure
(paid, refunded, net) is on screen under its label; the desktop keeps its tables.
Screenshots go to artifacts/billing-revenue/ (and SHOTS_DIR when set)."""

# ruff: noqa: F811  (the ledger fixture comes from the invoices' browser tests)

import os
from pathlib import Path

from conftest import ARTIFACTS, BROWSER_MARKS

from .test_invoice_browser import ledger, sign_in  # noqa: F401  (fixture)

pytestmark = BROWSER_MARKS

SHOTS = [ARTIFACTS / "billing-revenue"] + (
    [Path(os.environ["SHOTS_DIR"])] if os.environ.get("SHOTS_DIR") else []
)
URL = "/admin/billing/invoice/revenue/"

# every table's widest part past its own box, in px (0: nothing to scroll)
OVERFLOW = """() => Array.from(document.querySelectorAll('.mf-rev__table')).map(
    t => Math.max(t.scrollWidth, t.getBoundingClientRect().width)
         - t.closest('.mf-rev__section').clientWidth)"""


def shoot(page, name):
    for folder in SHOTS:
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def _open(browser, live_site, width):
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    sign_in(page, live_site, "owner@acme.test", "/admin/")
    page.wait_for_url("**/admin/")
    page.goto(live_site.business_url("acme", URL))
    page.wait_for_function("() => document.querySelector('#mf-rev-months').width > 0")
    return page


def test_the_revenue_tables_fit_a_phone_with_every_figure_labelled(ledger, live_site, browser):
    phone = _open(browser, live_site, 360)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert all(over <= 1 for over in phone.evaluate(OVERFLOW))
    latest = phone.locator("#rev-months ~ div table tbody tr").first
    labels = latest.evaluate(
        "row => Array.from(row.querySelectorAll('td')).map("
        "td => getComputedStyle(td, '::before').content)"
    )
    assert labels == ['"Paid"', '"Refunded"', '"Net"']
    text = latest.inner_text()
    assert "€25.00" in text and "€74.00" in text  # this month's refund and net
    net = latest.locator("td").last.bounding_box()
    assert net["x"] >= 0 and net["x"] + net["width"] <= 360
    shoot(phone, "revenue-phone")


def test_the_desktop_keeps_the_revenue_tables_as_tables(ledger, live_site, browser):
    desk = _open(browser, live_site, 1280)
    header = desk.locator("#rev-months ~ div table thead")
    assert header.is_visible() and "REFUNDED" in header.inner_text().upper()
    assert all(over <= 1 for over in desk.evaluate(OVERFLOW))
    shoot(desk, "revenue-desktop")
