"""Progress over a range of history (issue 18, item 3): the charts and tables of a client's
measurements show six months unless another range is chosen (3 months, 6 months, 1 year,
all), a year or more one point per week (the week's mean); the changes still count from
the first value ever. Every page that shows them runs the same queries with two years of
daily weigh-ins as with a month of them, so a query per value cannot come back unseen.

Time is frozen (``NOW``): the ranges count back from the client's today."""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from clients.models import Measurement, Metric
from tenants.routing import host_cache

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC)  # a Wednesday, noon
TODAY = NOW.date()


def weigh_ins(client, *, days: int, start_kg: str = "90") -> None:
    """A weigh-in a day for ``days`` days up to today, 0.01 kg lighter each day, and a waist
    measurement on the first of each month (rows written in bulk: a history, not a use case)."""
    weight, waist = Metric.objects.get(key="weight"), Metric.objects.get(key="waist")
    rows = []
    for back in range(days):
        day = TODAY - dt.timedelta(days=back)
        rows.append(
            Measurement(
                client=client,
                metric=weight,
                value=Decimal(start_kg) - Decimal("0.01") * (days - 1 - back),
                measured_on=day,
            )
        )
        if day.day == 1:
            rows.append(Measurement(client=client, metric=waist, value=80, measured_on=day))
    Measurement.objects.bulk_create(rows)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def by_key(response) -> dict:
    """The series a page drew, by metric (the back-office panel's come from its tag)."""
    context = response.context
    series = context["pp"]["series"] if "pp" in context else context["series"]
    return {s["key"]: s for s in series}


# --- what the ranges show ----------------------------------------------------------------


def test_the_progress_page_shows_six_months_unless_another_range_is_chosen(
    frozen, business, client_browser, client_record
):
    with tenant_context(business):
        weigh_ins(client_record, days=400)
    weight = by_key(client_browser.get("/progress/"))["weight"]
    assert len(weight["points"]) == 182
    assert weight["points"][0]["d"] == (TODAY - dt.timedelta(days=181)).isoformat()
    assert weight["points"][-1]["d"] == TODAY.isoformat()
    assert len(weight["rows"]) == 182 and weight["rows"][0]["date"] == TODAY
    assert weight["count"] == 400
    # the changes count from the first value ever, outside the range
    assert weight["first_date"] == TODAY - dt.timedelta(days=399)
    assert weight["since_first"]["text"] == "\u22124\u00a0kg"  # 90 kg then, 86.01 now
    assert weight["since_last"]["text"] == "\u00b10\u00a0kg"  # 0.01 kg shows as 0
    three = by_key(client_browser.get("/progress/?range=3m"))["weight"]
    assert len(three["points"]) == 91


def test_a_year_or_all_draws_one_point_per_week_the_weeks_mean(
    frozen, business, client_browser, client_record
):
    with tenant_context(business):
        weigh_ins(client_record, days=400)
    response = client_browser.get("/progress/?range=all")
    weight = by_key(response)["weight"]
    assert weight["weekly"] is True
    # 400 days from a Sunday: 58 weeks, Monday first, this week's three days the last
    assert len(weight["points"]) == len(weight["rows"]) == 58
    assert all(dt.date.fromisoformat(p["d"]).weekday() == 0 for p in weight["points"])
    assert weight["rows"][0]["values"] == 3 and weight["rows"][0]["id"] is None
    # this week: 86.03 (Monday), 86.02, 86.01: the mean 86.02 shows as 86
    assert weight["rows"][0]["text"] == "86\u00a0kg"
    assert weight["shown_count"] == 400
    assert "each point is a week's average" in response.text
    year = by_key(client_browser.get("/progress/?range=1y"))["weight"]
    assert len(year["points"]) == 53 and year["shown_count"] == 365


def test_a_week_of_one_value_keeps_its_delete_button(
    frozen, business, client_browser, client_record
):
    with tenant_context(business):
        weigh_ins(client_record, days=400)
        first_waist = Measurement.objects.filter(metric__key="waist").earliest("measured_on")
    response = client_browser.get("/progress/?range=all")
    waist = by_key(response)["waist"]
    assert all(row["values"] == 1 and row["id"] for row in waist["rows"])
    assert f'action="/progress/measurements/{first_waist.pk}/delete/"' in response.text
    # a week of seven weigh-ins is a mean: nothing to delete on its row
    weight_rows = re.search(
        r'id="p-metric-weight".*?</article>', response.content.decode(), re.S
    ).group(0)
    assert weight_rows.count("/delete/") == 0


def test_an_unknown_range_shows_the_default(frozen, business, client_browser, client_record):
    with tenant_context(business):
        weigh_ins(client_record, days=200)
    response = client_browser.get("/progress/?range=forever")
    assert response.status_code == 200
    assert response.context["range"].key == "6m"
    assert len(by_key(response)["weight"]["points"]) == 182


def test_the_range_picker_is_a_labelled_list_of_links_with_the_shown_one_marked(
    frozen, business, client_browser, client_record
):
    with tenant_context(business):
        weigh_ins(client_record, days=30)
    text = client_browser.get("/progress/?range=1y").content.decode()
    nav = re.search(r'<nav class="mf-range" aria-label="([^"]+)">(.*?)</nav>', text, re.S)
    assert nav.group(1) == "Time range of the charts"
    links = re.findall(r'<a class="mf-range__chip" href="([^"]+)"([^>]*)>([^<]+)</a>', nav.group(2))
    assert [(href, label) for href, _attrs, label in links] == [
        ("?range=3m#history", "3 months"),
        ("?range=6m#history", "6 months"),
        ("?range=1y#history", "1 year"),
        ("?range=all#history", "All"),
    ]
    assert [label for _href, attrs, label in links if 'aria-current="true"' in attrs] == ["1 year"]


def test_the_back_office_panel_follows_the_range_too(
    frozen, business, coach_browser, client_record
):
    with tenant_context(business):
        weigh_ins(client_record, days=400)
    url = f"/admin/clients/measurement/client/{client_record.pk}/"
    assert len(by_key(coach_browser.get(url))["weight"]["points"]) == 182
    weekly = coach_browser.get(f"{url}?range=all")
    assert len(by_key(weekly)["weight"]["points"]) == 58
    assert 'aria-current="true">All</a>' in weekly.content.decode()


def test_the_home_trend_draws_the_last_twelve_values(
    frozen, business, client_browser, client_record
):
    with tenant_context(business):
        weigh_ins(client_record, days=400)
    text = client_browser.get("/").content.decode()
    assert "Trend of your last 12 values" in text
    assert "\u22124\u00a0kg" in text  # since the first value ever


# --- queries, however long the history ---------------------------------------------------

PAGES = {
    # (who opens it, the address; {client}: the client's id): the most queries, the route's
    # and the session's included; a range drawn by week reads its weeks in one more
    ("client", "/progress/"): 10,
    ("client", "/progress/?range=3m"): 10,
    ("client", "/progress/?range=1y"): 11,
    ("client", "/progress/?range=all"): 11,
    ("client", "/"): 15,
    ("coach", "/admin/clients/measurement/client/{client}/"): 13,
    ("coach", "/admin/clients/measurement/client/{client}/?range=all"): 14,
    ("coach", "/admin/clients/client/{client}/profile/progress/"): 18,
    ("coach", "/admin/clients/client/{client}/profile/progress/?range=all"): 19,
}


def _count(browser, url: str) -> tuple[int, int]:
    """The status and queries of a GET, after a first visit (which fills the session's
    caches) and with the route cache emptied (its entries expire within seconds: counted
    or not, the business's query would come and go)."""
    browser.get(url)
    host_cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(url)
    return response.status_code, len(queries.captured_queries)


def test_the_progress_pages_run_the_same_queries_with_two_years_of_values_as_with_a_month(
    frozen, business, client_browser, coach_browser, client_record
):
    browsers = {"client": client_browser, "coach": coach_browser}
    with tenant_context(business):
        weigh_ins(client_record, days=30)
    few = {}
    for (role, url), _budget in PAGES.items():
        few[role, url] = _count(browsers[role], url.format(client=client_record.pk))
    with tenant_context(business):
        Measurement.objects.filter(client=client_record).delete()
        weigh_ins(client_record, days=730)
    for (role, url), budget in PAGES.items():
        status, many = _count(browsers[role], url.format(client=client_record.pk))
        assert status == 200, url
        assert few[role, url] == (200, many), f"{url}: {few[role, url][1]} queries, then {many}"
        assert many <= budget, f"{url}: {many} queries"
