"""The back office's client list: each client's figures (current program, compliance over
the last four weeks, last workout, last check-in, sessions left), who sees which rows
and figures, sorting by a figure, and a page that costs the same queries whatever its
length. The clock is frozen at NOW (``timezone.now``; the list reads nothing else)."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from billing.models import BillingSettings, Purchase
from billing.tests.factories import ProductFactory
from clients.models import Client, Questionnaire, QuestionnaireVersion, Response, Tag
from clients.selectors import client_list_rows, client_queryset_for
from programs.models import Program, ProgramAssignment, ProgramDay, ProgramWeek, WorkoutLog
from programs.models import ScheduledWorkout as Workout
from programs.selectors.logging import compliance
from tenants.routing import host_cache

from .factories import ClientFactory

LIST = "/admin/clients/client/"
NOW = dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC)  # a Wednesday, noon
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


def ago(days: int) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


def on(days_ago: int) -> dt.date:
    return TODAY - dt.timedelta(days=days_ago)


# --- what the figures are made of ------------------------------------------------------


def program_for(client: Client, name: str, *, status="active", is_main=True, created=30):
    """An assignment of a one-day program named ``name`` to ``client``."""
    program = Program.objects.create(name=name, length_weeks=8)
    day = ProgramDay.objects.create(
        week=ProgramWeek.objects.create(program=program, number=1), position=1, name="Day"
    )
    assignment = ProgramAssignment.objects.create(
        client=client,
        program=program,
        start_date=on(created),
        weekdays=[0, 2, 4],
        is_main=is_main,
        status=status,
        created_at=ago(created),
    )
    return assignment, day


def workouts(assignment, day, *rows: tuple[int, str]) -> None:
    """Scheduled workouts ``(days ago, status)``; a negative day is in the future."""
    for week, (days_ago, status) in enumerate(rows, start=1):
        Workout.objects.create(
            assignment=assignment,
            client=assignment.client,
            day=day,
            week_number=week,
            date=on(days_ago),
            status=status,
        )


def checkin(client: Client, *, days_ago: int) -> Response:
    questionnaire, _ = Questionnaire.objects.get_or_create(
        title="Weekly check-in", kind=Questionnaire.Kind.CHECKIN
    )
    version, _ = QuestionnaireVersion.objects.get_or_create(
        questionnaire=questionnaire, number=1, defaults={"published_at": ago(90)}
    )
    return Response.objects.create(
        version=version,
        client=client,
        status=Response.Status.SUBMITTED,
        submitted_at=ago(days_ago),
        period_start=on(days_ago + 6),
    )


def pack(client: Client, *, total=10, used=0, status="active", expires=None) -> Purchase:
    product = ProductFactory(name="Ten sessions")
    return Purchase.objects.create(
        client=client,
        product=product,
        amount=product.amount,
        currency=product.currency,
        status=status,
        sessions_total=total,
        sessions_used=used,
        expires_at=expires,
    )


def coaches_see_billing(allowed: bool) -> None:
    BillingSettings.objects.update_or_create(pk=1, defaults={"coaches_see_billing": allowed})


def rows_for(user) -> dict[str, Client]:
    clients = client_list_rows(clients=client_queryset_for(user=user), user=user)
    return {client.first_name: client for client in clients}


def cells(page: str, css_class: str) -> list[str]:
    """The text of every cell of one column, top to bottom, tags stripped."""
    found = re.findall(rf'<td class="{css_class}">(.*?)</td>', page, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in found]


def row_names(page: str) -> list[str]:
    return re.findall(r'<a class="mf-cl-name" href="[^"]+">([^<]+)</a>', page)


# --- the figures -----------------------------------------------------------------------


def test_compliance_counts_workouts_done_of_those_due_in_the_last_four_weeks(
    tenant, owner, client_record
):
    assignment, day = program_for(client_record, "Strength")
    workouts(
        assignment,
        day,
        (0, "done"),  # today, done: counts
        (0, "scheduled"),  # today, not yet: not due
        (3, "done"),
        (5, "skipped"),  # due, not done
        (10, "done"),
        (20, "scheduled"),  # missed: due, not done
        (27, "done"),  # the window's first day
        (28, "done"),  # before the window
        (-2, "scheduled"),  # the future
    )
    row = rows_for(owner)["Cleo"]
    assert (row.compliance_done, row.compliance_due) == (4, 6)
    assert row.compliance_ratio == pytest.approx(4 / 6)
    # the same count as the client page's (programs.selectors.logging.compliance)
    assert compliance(client=client_record, today=TODAY) == {
        "done": 4,
        "scheduled": 6,
        "percent": 67,
    }


def test_a_client_with_nothing_due_has_no_compliance(tenant, owner, client_record):
    assignment, day = program_for(client_record, "Strength")
    workouts(assignment, day, (0, "scheduled"), (-1, "scheduled"))
    row = rows_for(owner)["Cleo"]
    assert (row.compliance_done, row.compliance_due, row.compliance_ratio) == (0, 0, None)


def test_the_current_program_is_the_active_main_one(tenant, owner, client_record, stranger_record):
    program_for(client_record, "Old block", status="completed", created=60)
    program_for(client_record, "Mobility extra", is_main=False, created=2)
    program_for(client_record, "Hypertrophy", created=20)
    program_for(stranger_record, "Paused plan", status="paused")
    rows = rows_for(owner)
    assert rows["Cleo"].current_program == "Hypertrophy"
    assert rows["Sam"].current_program is None


def test_the_last_workout_and_check_in_are_the_latest(tenant, owner, client_record):
    WorkoutLog.objects.create(client=client_record, started_at=ago(9))
    WorkoutLog.objects.create(client=client_record, started_at=ago(2))
    checkin(client_record, days_ago=15)
    checkin(client_record, days_ago=1)
    Response.objects.create(  # a draft is not a check-in sent
        version=QuestionnaireVersion.objects.get(),
        client=client_record,
        period_start=on(0),
    )
    row = rows_for(owner)["Cleo"]
    assert (row.last_workout_at, row.last_checkin_at) == (ago(2), ago(1))


def test_sessions_left_add_up_usable_packs_only(tenant, owner, client_record, stranger_record):
    pack(client_record, total=10, used=4)
    pack(client_record, total=5, used=2, expires=NOW + dt.timedelta(days=3))
    pack(client_record, total=5, used=1, status="expired", expires=NOW - dt.timedelta(days=1))
    pack(client_record, total=5, used=0, expires=NOW - dt.timedelta(hours=1))  # ran out today
    pack(client_record, total=10, status="pending")  # not paid for
    used_up = ClientFactory(first_name="Uma")
    pack(used_up, total=10, used=10, status="used_up")
    rows = rows_for(owner)
    assert rows["Cleo"].sessions_left == 6 + 3
    assert rows["Uma"].sessions_left == 0  # had packs: nothing left
    assert rows["Sam"].sessions_left is None  # never bought one


# --- the page --------------------------------------------------------------------------


def test_the_list_shows_each_clients_figures(owner_client, business, client_record):
    with tenant_context(business):
        client_record.injuries = "Left knee"
        client_record.save()
        assignment, day = program_for(client_record, "Strength 3x")
        workouts(assignment, day, (1, "done"), (3, "done"), (5, "skipped"))
        WorkoutLog.objects.create(client=client_record, started_at=ago(1))
        checkin(client_record, days_ago=16)
        pack(client_record, total=10, used=6)
        Tag.objects.create(name="VIP").clients.add(client_record)
    page = owner_client.get(LIST).content.decode()
    assert cells(page, "field-program_display") == ["Program Strength 3x"]
    assert cells(page, "field-compliance_display") == ["Compliance 67% 2 of 3 workouts"]
    assert '<meter min="0" max="100" value="67" aria-hidden="true">' in page
    assert cells(page, "field-last_workout_display") == ["Last workout yesterday"]
    assert cells(page, "field-last_checkin_display") == ["Last check-in 2 weeks ago"]
    assert cells(page, "field-sessions_left_display") == ["Sessions left 4"]
    assert cells(page, "field-coach_display") == ["Primary coach Cora"]
    assert '<span class="mf-tag">VIP</span>' in page


def test_empty_figures_show_a_dash_that_reads_as_its_meaning(owner_client, client_record):
    page = owner_client.get(LIST).content.decode()
    assert cells(page, "field-program_display") == ["Program — no active program"]
    assert cells(page, "field-compliance_display") == [
        "Compliance — nothing scheduled in the last 4 weeks"
    ]
    assert cells(page, "field-last_workout_display") == ["Last workout — never"]
    assert cells(page, "field-sessions_left_display") == ["Sessions left — no session pack"]


def test_the_health_flag_is_explained_by_a_tooltip_and_a_legend(
    owner_client, business, client_record
):
    with tenant_context(business):
        client_record.medical_notes = "Asthma"
        client_record.save()
    page = owner_client.get(LIST).content.decode()
    assert (
        '<span class="mf-flag" role="img" title="Injuries or medical notes on record" '
        'aria-label="Health flag: injuries or medical notes on record">!</span>'
    ) in page
    legend = page.split('<p class="mf-cl-legend">')[1].split("</p>")[0]
    assert "Injuries or medical notes on record" in legend


def test_a_coach_sees_only_their_clients_figures(
    coach_browser, business, client_record, stranger_record
):
    with tenant_context(business):
        program_for(client_record, "Cleo's plan")
        program_for(stranger_record, "Sam's plan")
    page = coach_browser.get(LIST).content.decode()
    assert row_names(page) == ["Cleo Martin"]
    assert "Cleo&#x27;s plan" in page and "Sam&#x27;s plan" not in page


def test_a_coach_sees_sessions_left_only_when_the_owner_allows_billing(
    coach_browser, business, client_record
):
    with tenant_context(business):
        pack(client_record, total=10, used=3)
        coaches_see_billing(False)
        assert rows_for(client_record.primary_coach)["Cleo"].sessions_left is None
    page = coach_browser.get(LIST).content.decode()
    assert "Sessions left" not in page
    assert cells(page, "field-sessions_left_display") == []
    with tenant_context(business):
        coaches_see_billing(True)
    page = coach_browser.get(LIST).content.decode()
    assert cells(page, "field-sessions_left_display") == ["Sessions left 7"]


def test_another_businesss_clients_never_show(owner_client, other_business, client_record):
    with tenant_context(other_business):
        zed = ClientFactory(first_name="Zed", last_name="Zen")
        program_for(zed, "Zen flow")
    page = owner_client.get(f"{LIST}?status=all").content.decode()
    assert row_names(page) == ["Cleo Martin"]
    assert "Zen flow" not in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("o=5", ["Low", "High", "Nothing"]),
        ("o=-5", ["High", "Low", "Nothing"]),
        ("q=sort&o=5", ["Low", "High", "Nothing"]),  # a search ranks, a click wins
    ],
)
def test_sorting_by_compliance_puts_clients_with_nothing_due_last(
    owner_client, business, query, expected
):
    with tenant_context(business):
        for name, rows in [
            ("High", [(1, "done"), (2, "done"), (3, "done"), (4, "skipped")]),
            ("Nothing", []),
            ("Low", [(1, "done"), (2, "skipped"), (3, "skipped"), (4, "scheduled")]),
        ]:
            client = ClientFactory(first_name=name, last_name="Sort")
            workouts(*program_for(client, f"{name} plan"), *rows)
    # a column's number counts the selection checkbox as 0: compliance is 5
    page = owner_client.get(f"{LIST}?{query}").content.decode()
    assert row_names(page) == [f"{name} Sort" for name in expected]
    percents = {"Low": "25%", "High": "75%"}
    shown = [cell.split()[1] for cell in cells(page, "field-compliance_display")]
    assert shown == [percents.get(name, "—") for name in expected]


def test_sorting_by_last_workout_puts_the_quietest_first(owner_client, business):
    with tenant_context(business):
        for name, days in [("Recent", 1), ("Never", None), ("Quiet", 20)]:
            client = ClientFactory(first_name=name, last_name="Sort")
            if days is not None:
                WorkoutLog.objects.create(client=client, started_at=ago(days))
    page = owner_client.get(f"{LIST}?o=6").content.decode()
    assert row_names(page) == ["Quiet Sort", "Recent Sort", "Never Sort"]


def test_filters_search_and_their_counts_keep_the_figures(owner_client, business, client_record):
    with tenant_context(business):
        program_for(client_record, "Strength")
        tag = Tag.objects.create(name="VIP")
        tag.clients.add(client_record)
    for query in ("?status=active", "?q=martin", f"?tags__id__exact={tag.pk}", "?_facets=True"):
        page = owner_client.get(f"{LIST}{query}").content.decode()
        assert cells(page, "field-program_display") == ["Program Strength"], query
    assert row_names(owner_client.get(f"{LIST}?coach=none").content.decode()) == []


# --- what a page costs -----------------------------------------------------------------


def _a_busy_client(index: int, tag: Tag, coach) -> None:
    client = ClientFactory(
        first_name=f"P{index:02d}", injuries="knee" if index % 3 else "", primary_coach=coach
    )
    client.tags.add(tag)
    assignment, day = program_for(client, f"Plan {index}")
    workouts(assignment, day, (1, "done"), (3, "skipped"), (5, "done"))
    WorkoutLog.objects.create(client=client, started_at=ago(1))
    checkin(client, days_ago=2)
    pack(client, total=10, used=index % 10)


def _queries_for_a_page_of(count: int, browser, business, coach=None) -> int:
    """Queries of the list's first page once ``count`` busy clients are on it."""
    with tenant_context(business):
        tag = Tag.objects.get_or_create(name="busy")[0]
        for index in range(Client.objects.count(), count):
            _a_busy_client(index, tag, coach)
    browser.get(LIST)  # the first request of a test fills the process's caches
    # the host's route is cached for seconds and dropped when any business changes
    # (another run's, too): both pages look it up
    host_cache.clear()
    with CaptureQueriesContext(connection) as queries:
        page = browser.get(LIST).content.decode()
    assert len(row_names(page)) == count
    return len(queries)


def test_a_page_of_50_clients_costs_the_queries_of_a_page_of_5(owner_client, business):
    five = _queries_for_a_page_of(5, owner_client, business)
    fifty = _queries_for_a_page_of(50, owner_client, business)
    assert fifty == five
    assert five <= 20


def test_a_coachs_page_of_50_costs_the_queries_of_a_page_of_5(coach_browser, business, coach):
    with tenant_context(business):
        coaches_see_billing(True)
    five = _queries_for_a_page_of(5, coach_browser, business, coach)
    fifty = _queries_for_a_page_of(50, coach_browser, business, coach)
    assert fifty == five
    assert "Sessions left" in coach_browser.get(LIST).content.decode()
