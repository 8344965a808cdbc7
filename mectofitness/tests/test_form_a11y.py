"""Fields a screen reader can name: the lines of an inline table (an invoice's lines)
are named by column and line, their delete boxes too, and the table is a region the
keyboard can scroll; the list's search box has a label of words; a date and time pair
has a label for each box; the plan list's order boxes are named by their plan."""

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


def test_a_date_and_time_pair_has_a_label_for_each_box(owner_client):
    page = owner_client.get("/admin/scheduling/timeoff/add/").content.decode()
    assert '<label for="id_starts_at_0">Date:</label>' in page
    assert '<label for="id_starts_at_1">Time:</label>' in page


@pytest.fixture
def platform_staff(public_client, django_user_model):
    staff = django_user_model.objects.create_superuser(
        email="ops@mectofitness.test", password="correct-horse-battery"
    )
    public_client.force_login(staff)
    return public_client


def test_an_inline_tables_delete_box_is_named_by_its_line(platform_staff, business):
    page = platform_staff.get(f"/admin/tenants/business/{business.pk}/change/").content.decode()
    assert 'name="domains-0-DELETE"' in page and 'aria-label="Delete, line 1"' in page


def test_an_inline_table_that_scrolls_sideways_takes_the_keyboards_focus(platform_staff, business):
    page = platform_staff.get(f"/admin/tenants/business/{business.pk}/change/").content.decode()
    group = page.split('id="domains-group"', 1)[1].split(">", 1)[0]
    assert 'role="region"' in group and 'tabindex="0"' in group
    assert 'aria-labelledby="domains-heading"' in group and 'id="domains-heading"' in page


def test_the_plan_lists_order_boxes_are_named_by_their_plan(platform_staff):
    from billing.platform.models import Plan

    page = platform_staff.get("/admin/platform_billing/plan/").content.decode()
    for plan in Plan.objects.all():
        assert f'aria-label="Order of {plan.name}"' in page
    assert Plan.objects.exists()
