"""Fields a screen reader can name: the lines of an inline table (an invoice's lines)
are named by column and line, and the list's search box has a label of words."""

import pytest

pytestmark = pytest.mark.django_db


def test_an_invoices_lines_are_named_by_column_and_line(owner_client):
    page = owner_client.get("/admin/billing/invoice/add/").content.decode()
    for column in ("Description", "Quantity", "Unit price"):
        assert f'aria-label="{column}, line 1"' in page
    assert 'aria-label="Tax, line 1"' in page and 'aria-label="Quantity, line 2"' in page


def test_a_lists_search_box_is_labelled_in_words(owner_client):
    page = owner_client.get("/admin/clients/tag/").content.decode()
    label = page.split('<label for="searchbar">', 1)[1].split("</label>", 1)[0]
    assert "Search tags" in label
