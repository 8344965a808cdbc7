"""Habits: streaks (hypothesis), ticking off (idempotent), validation, the portal page
and home partial, the back office and the API's role matrix."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context
from hypothesis import given, settings
from hypothesis import strategies as st

from clients.models import Habit, HabitCheck
from programs.services import habits as svc

TODAY = datetime.date(2025, 3, 14)  # a Friday


def scheduler(weekdays, start):
    def scheduled(d):
        return d >= start and d.weekday() in weekdays

    return scheduled


def oracle(done, weekdays, start, today):
    """Scheduled days from start to today, newest first; today skipped while open."""
    days = []
    d = today
    while d >= start:
        if d.weekday() in weekdays:
            days.append(d)
        d -= datetime.timedelta(days=1)
    if days and days[0] == today and today not in done:
        days = days[1:]
    count = 0
    for d in days:
        if d not in done:
            break
        count += 1
    return count


weekday_sets = st.sets(st.integers(0, 6), min_size=1)
offsets = st.sets(st.integers(0, 60), max_size=60)


@settings(max_examples=300, deadline=None)
@given(weekdays=weekday_sets, done_offsets=offsets, span=st.integers(0, 60))
def test_the_streak_counts_scheduled_days_done_in_a_row(weekdays, done_offsets, span):
    start = TODAY - datetime.timedelta(days=span)
    done = {TODAY - datetime.timedelta(days=o) for o in done_offsets}
    got = svc.streak_current(
        done=done, is_scheduled=scheduler(weekdays, start), today=TODAY, earliest=start
    )
    assert got == oracle(done, weekdays, start, TODAY)


@settings(max_examples=200, deadline=None)
@given(weekdays=weekday_sets, done_offsets=offsets, extra=st.integers(0, 60))
def test_ticks_on_unscheduled_days_never_change_the_streak(weekdays, done_offsets, extra):
    start = TODAY - datetime.timedelta(days=60)
    scheduled = scheduler(weekdays, start)
    done = {TODAY - datetime.timedelta(days=o) for o in done_offsets}
    day = TODAY - datetime.timedelta(days=extra)
    before = svc.streak_current(done=done, is_scheduled=scheduled, today=TODAY, earliest=start)
    if not scheduled(day):
        after = svc.streak_current(
            done=done | {day}, is_scheduled=scheduled, today=TODAY, earliest=start
        )
        assert after == before


@settings(max_examples=200, deadline=None)
@given(weekdays=weekday_sets, span=st.integers(0, 60))
def test_doing_every_scheduled_day_makes_the_streak_all_of_them(weekdays, span):
    start = TODAY - datetime.timedelta(days=span)
    scheduled = scheduler(weekdays, start)
    days = [start + datetime.timedelta(days=i) for i in range(span + 1)]
    done = {d for d in days if scheduled(d)}
    assert svc.streak_current(
        done=done, is_scheduled=scheduled, today=TODAY, earliest=start
    ) == len(done)
    assert svc.streak_best(done=done, is_scheduled=scheduled, today=TODAY) == len(done)


def test_weekends_off_do_not_break_a_weekday_streak():
    weekdays = {0, 1, 2, 3, 4}
    start = TODAY - datetime.timedelta(days=20)
    # Mon 3 Mar .. Fri 14 Mar, weekdays only
    done = {TODAY - datetime.timedelta(days=o) for o in (0, 1, 2, 3, 4, 7, 8, 9, 10, 11)}
    assert (
        svc.streak_current(
            done=done, is_scheduled=scheduler(weekdays, start), today=TODAY, earliest=start
        )
        == 10
    )


@pytest.fixture
def steps(tenant, client_record, coach):
    return svc.habit_assign(
        client=client_record,
        name="8k steps",
        target=Decimal("8000"),
        unit="steps",
        weekdays=range(7),
        starts_on=TODAY - datetime.timedelta(days=30),
        by=coach,
    )


def test_ticking_the_same_day_twice_keeps_one_check(steps):
    first = svc.habit_check(habit=steps, on=TODAY, by=None, today=TODAY)
    again = svc.habit_check(habit=steps, on=TODAY, value=Decimal("9000"), by=None, today=TODAY)
    assert first.created and not again.created
    assert HabitCheck.objects.filter(habit=steps).count() == 1
    assert again.check.value == Decimal("9000.0") and again.check.is_done


def test_a_value_under_the_target_is_logged_but_not_done(steps):
    checked = svc.habit_check(habit=steps, on=TODAY, value=Decimal("6000"), by=None, today=TODAY)
    assert not checked.check.is_done


def test_a_habits_day_reads_its_week_whole_and_its_history_as_days_done(
    steps, django_assert_num_queries
):
    from programs.selectors.habits import habit_days

    def check(back: int, *, done: bool = True, value=None):
        HabitCheck.objects.create(
            habit=steps, date=TODAY - datetime.timedelta(days=back), is_done=done, value=value
        )

    for back in range(12, 30):  # a best run of 18 days, long before the week shown
        check(back)
    check(11, done=False)  # logged short: it breaks that run
    for back in (10, 9, 8):
        check(back)
    check(4, done=False, value=Decimal("2000"))  # in the week: logged, not done
    for back in (3, 2, 1):
        check(back)
    check(0, value=Decimal("8500"))
    with django_assert_num_queries(2):
        (day,) = habit_days(client=steps.client, today=TODAY)
    assert day.check.value == Decimal("8500.0") and day.check.pk and day.is_done
    assert day.streak == 4 and day.best == 18
    week = [(d["is_logged"], d["is_done"]) for d in day.week]
    assert week == [
        (False, False),  # 6 days back: nothing
        (False, False),
        (True, False),  # 4 days back: logged short
        (True, True),
        (True, True),
        (True, True),
        (True, True),  # today
    ]


@pytest.mark.parametrize(
    ("on", "value", "field"),
    [
        (TODAY + datetime.timedelta(days=1), None, "date"),
        (TODAY - datetime.timedelta(days=10), None, "date"),
        (TODAY, Decimal("-5"), "value"),
        (TODAY, Decimal("99999999"), "value"),
    ],
)
def test_bad_checks_are_refused(steps, on, value, field):
    with pytest.raises(ValidationError) as exc:
        svc.habit_check(habit=steps, on=on, value=value, by=None, today=TODAY)
    assert field in exc.value.message_dict


def test_a_day_the_habit_is_not_planned_cannot_be_ticked(tenant, client_record):
    gym = svc.habit_assign(
        client=client_record,
        name="Stretch",
        weekdays=[0],
        starts_on=TODAY - datetime.timedelta(days=7),
        by=None,
    )
    with pytest.raises(ValidationError) as exc:
        svc.habit_check(habit=gym, on=TODAY, by=None, today=TODAY)  # a Friday
    assert "not planned" in exc.value.message_dict["date"][0]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": ""}, "name"),
        ({"target": Decimal("0")}, "target"),
        ({"weekdays": []}, "weekdays"),
        ({"weekdays": [9]}, "weekdays"),
        ({"ends_on": TODAY - datetime.timedelta(days=40)}, "ends_on"),
    ],
)
def test_habit_validation(tenant, client_record, data, field):
    args = {
        "name": "Water",
        "weekdays": range(7),
        "starts_on": TODAY - datetime.timedelta(days=30),
    } | data
    with pytest.raises(ValidationError) as exc:
        svc.habit_assign(client=client_record, by=None, **args)
    assert field in exc.value.message_dict


# --- portal --------------------------------------------------------------------------------


def _today_habit(business, client_record, name="Drink 3 litres"):
    with tenant_context(business):
        return Habit.objects.create(
            client=client_record,
            name=name,
            weekdays=list(range(7)),
            starts_on=datetime.date(2020, 1, 1),
        )


def test_a_client_ticks_a_habit_off_with_one_tap(client_browser, business, client_record):
    habit = _today_habit(business, client_record)
    page = client_browser.get("/habits/").content.decode()
    assert "Drink 3 litres" in page and "tap to mark done today" in page
    response = client_browser.post(f"/habits/{habit.pk}/tick/", {"next": "/habits/"})
    assert response.status_code == 302 and response["Location"] == "/habits/"
    page = client_browser.get("/habits/").content.decode()
    assert "1-day streak" in page and "1 of 1 done" in page
    client_browser.post(f"/habits/{habit.pk}/tick/", {"undo": "1"})
    with tenant_context(business):
        assert not HabitCheck.objects.filter(habit=habit).exists()


def test_the_home_partial_lists_todays_habits(client_browser, business, client_record):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    _today_habit(business, client_record)
    request = RequestFactory().get("/")
    request.user, request.tenant = client_record.user, business
    with tenant_context(business):
        html = render_to_string(
            "programs/portal/_home_habits.html", {"client": client_record, "request": request}
        )
    assert "Today's habits" in html and "Drink 3 litres" in html


def test_a_client_cannot_tick_another_clients_habit(client_browser, business, stranger_record):
    habit = _today_habit(business, stranger_record)
    assert client_browser.post(f"/habits/{habit.pk}/tick/").status_code == 404


def test_an_offsite_next_url_is_ignored(client_browser, business, client_record):
    habit = _today_habit(business, client_record)
    response = client_browser.post(f"/habits/{habit.pk}/tick/", {"next": "https://evil.test/"})
    assert response["Location"] == "/habits/"


# --- back office --------------------------------------------------------------------------------


def test_a_coach_adds_a_habit_from_the_client_panel(coach_browser, business, client_record):
    response = coach_browser.post(
        f"/admin/clients/habit/client/{client_record.pk}/add/",
        {"name": "8k steps", "target": "8000", "unit": "steps", "weekdays": ["0", "2", "4"]},
    )
    assert response.status_code == 302
    with tenant_context(business):
        habit = Habit.objects.get(client=client_record)
    assert habit.weekdays == [0, 2, 4] and habit.target == Decimal("8000.0")


def test_another_coach_cannot_add_habits_to_a_client_they_do_not_coach(
    other_coach_browser, client_record
):
    response = other_coach_browser.post(
        f"/admin/clients/habit/client/{client_record.pk}/add/", {"name": "x"}
    )
    assert response.status_code == 404


def test_the_habit_admin_lists_only_your_clients(
    coach_browser, business, client_record, stranger_record
):
    _today_habit(business, client_record, "Mine")
    _today_habit(business, stranger_record, "Not mine")
    page = coach_browser.get("/admin/clients/habit/").content.decode()
    assert "Mine" in page and "Not mine" not in page


# --- API ---------------------------------------------------------------------------------------


def test_habit_checks_through_the_api_are_idempotent_per_day(
    client_browser, business, client_record
):
    habit = _today_habit(business, client_record)
    first = client_browser.post(
        "/api/v1/habit-checks/", {"habit": habit.pk}, content_type="application/json"
    )
    again = client_browser.post(
        "/api/v1/habit-checks/", {"habit": habit.pk, "value": "3"}, content_type="application/json"
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    habits = client_browser.get("/api/v1/habits/").json()["results"]
    assert habits[0]["streak"] == 1


def test_a_check_whose_value_is_not_a_number_is_refused(client_browser, business, client_record):
    habit = _today_habit(business, client_record)
    response = client_browser.post(
        "/api/v1/habit-checks/",
        {"habit": habit.pk, "value": "lots"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "value" in response.json()
    client_browser.post(f"/habits/{habit.pk}/tick/", {"value": "lots"})
    with tenant_context(business):
        assert not HabitCheck.objects.filter(habit=habit).exists()


def test_the_api_refuses_checks_on_other_clients_habits_and_by_staff(
    client_browser, coach_browser, business, client_record, stranger_record
):
    theirs = _today_habit(business, stranger_record)
    response = client_browser.post(
        "/api/v1/habit-checks/", {"habit": theirs.pk}, content_type="application/json"
    )
    assert response.status_code == 400 and "habit" in response.json()
    mine = _today_habit(business, client_record)
    assert (
        coach_browser.post(
            "/api/v1/habit-checks/", {"habit": mine.pk}, content_type="application/json"
        ).status_code
        == 403
    )


def test_habit_api_roles(
    coach_browser, other_coach_browser, client_browser, business, client_record
):
    payload = {"client": client_record.pk, "name": "Sleep 8h", "weekdays": [0, 1, 2, 3, 4, 5, 6]}
    assert (
        client_browser.post("/api/v1/habits/", payload, content_type="application/json").status_code
        == 403
    )
    assert (
        other_coach_browser.post(
            "/api/v1/habits/", payload, content_type="application/json"
        ).status_code
        == 400
    )
    created = coach_browser.post("/api/v1/habits/", payload, content_type="application/json")
    assert created.status_code == 201, created.content
    bad = coach_browser.post(
        "/api/v1/habits/",
        payload | {"weekdays": [], "target": "-1"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and {"weekdays", "target"} <= set(bad.json())
    assert coach_browser.delete(f"/api/v1/habits/{created.json()['id']}/").status_code == 204
    with tenant_context(business):
        assert Habit.objects.get(pk=created.json()["id"]).archived_at is not None


@pytest.mark.parametrize("url", ["/api/v1/habits/", "/api/v1/habit-checks/"])
def test_anonymous_and_other_businesses_get_no_habits(tenant_client, zen_client_browser, url):
    assert tenant_client.get(url).status_code in (401, 403)
    assert zen_client_browser.get(url).status_code in (401, 403)
