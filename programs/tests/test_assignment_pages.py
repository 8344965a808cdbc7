"""Pages: the program list, the builder, the assign page, the client's training page, the
panel and the portal calendar, for each role."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client as Browser
from django.test import RequestFactory
from django_tenants.utils import tenant_context

from programs.models import ProgramAssignment
from programs.services import assignment as a
from programs.services import prescriptions
from programs.services import program_structure as structure


@pytest.fixture
def cleo_program(business, simple_program, owner, client_record):
    with tenant_context(business):
        client_record.injuries = "Left knee: no deep flexion"
        client_record.save()
        return structure.program_clone(program=simple_program, by=owner, client=client_record)


@pytest.fixture
def stranger_program(business, simple_program, owner, stranger_record):
    with tenant_context(business):
        return structure.program_clone(program=simple_program, by=owner, client=stranger_record)


@pytest.fixture
def cleo_assignment(business, simple_program, owner, client_record):
    with tenant_context(business):
        today = datetime.date.today()
        [assignment] = a.assignment_create(
            program=simple_program,
            clients=[client_record],
            start_date=today - datetime.timedelta(days=7),
            weekdays=[0, 1, 2, 3, 4, 5, 6],
            by=owner,
        )
        first = assignment.workouts.order_by("date").first()
        first.status = "done"
        first.save()
        return assignment


def builder_url(program):
    return f"/admin/programs/program/{program.pk}/builder/"


def test_the_owner_sees_the_list_and_opens_any_builder(
    owner_client, simple_program, cleo_program, stranger_program
):
    page = owner_client.get("/admin/programs/program/")
    assert page.status_code == 200
    assert "Test strength" in page.text and "Sam Stranger" in page.text
    assert owner_client.get(builder_url(stranger_program)).status_code == 200


def test_the_builder_shows_the_clients_health_flag(coach_browser, cleo_program):
    page = coach_browser.get(builder_url(cleo_program))
    assert page.status_code == 200
    assert "Health flag" in page.text and "Left knee" in page.text
    assert 'data-sortable="days"' in page.text and 'data-move="up"' in page.text


def test_a_coach_cannot_open_another_coachs_client_program(coach_browser, stranger_program):
    assert coach_browser.get(builder_url(stranger_program)).status_code == 404
    assert "Sam Stranger" not in coach_browser.get("/admin/programs/program/").text


def test_clients_and_other_businesses_stay_out_of_the_back_office(
    client_browser, zen_client_browser, simple_program
):
    for browser in (client_browser, zen_client_browser):
        response = browser.get(builder_url(simple_program))
        assert response.status_code in (302, 403)


def test_anonymous_is_sent_to_sign_in(simple_program):
    browser = Browser(HTTP_HOST=f"acme.{settings.BASE_DOMAIN}")
    assert browser.get(builder_url(simple_program)).status_code == 302
    assert browser.get("/calendar/").status_code == 302


def test_creating_a_program_opens_the_builder(coach_browser, business):
    response = coach_browser.post(
        "/admin/programs/program/add/", {"name": "Four day split", "length_weeks": 8, "days": 4}
    )
    assert response.status_code == 302 and response["Location"].endswith("/builder/")
    bad = coach_browser.post("/admin/programs/program/add/", {"name": "", "length_weeks": 99})
    assert bad.status_code == 400


def test_the_exercise_picker_finds_by_name(coach_browser, back_squat):
    rows = coach_browser.get("/admin/programs/program/exercises/?q=test back squ").json()["results"]
    assert rows[0]["ref"] == f"catalog:{back_squat.pk}"


def test_assigning_from_the_page(coach_browser, simple_program, client_record, business):
    url = "/admin/programs/programassignment/assign/"
    page = coach_browser.get(f"{url}?program={simple_program.pk}&clients={client_record.pk}")
    assert page.status_code == 200 and "Cleo Martin" in page.text
    response = coach_browser.post(
        url,
        {
            "program": simple_program.pk,
            "clients": [client_record.pk],
            "start_date": "2030-01-07",
            "weekdays": ["0", "3"],
            "is_main": "on",
        },
    )
    assert response.status_code == 302
    with tenant_context(business):
        assert ProgramAssignment.objects.get(client=client_record).weekdays == [0, 3]
    again = coach_browser.post(
        url,
        {
            "program": simple_program.pk,
            "clients": [client_record.pk],
            "start_date": "2030-01-07",
            "weekdays": ["0"],
            "is_main": "on",
        },
    )
    assert again.status_code == 400 and "already follows" in again.text


def test_the_client_training_page_and_its_actions(
    coach_browser, other_coach_browser, cleo_assignment
):
    url = f"/admin/programs/programassignment/client/{cleo_assignment.client_id}/"
    page = coach_browser.get(url)
    assert page.status_code == 200 and "Squat day" in page.text
    assert other_coach_browser.get(url).status_code == 404
    do = f"/admin/programs/programassignment/{cleo_assignment.pk}/do/"
    assert other_coach_browser.post(do + "pause/").status_code == 404
    assert coach_browser.post(do + "shift/", {"days": "abc"}).status_code == 302
    assert coach_browser.post(do + "pause/").status_code == 302
    cleo_assignment.refresh_from_db()
    assert cleo_assignment.status == "paused"


def test_the_training_panel_shows_program_next_workouts_and_compliance(
    business, owner, cleo_assignment, client_record
):
    request = RequestFactory().get("/admin/")
    request.user, request.tenant = owner, business
    with tenant_context(business):
        html = render_to_string(
            "clients/backoffice/_panel_training.html", {"client": client_record, "request": request}
        )
    assert "Test strength" in html and "Compliance" in html and "Next workouts" in html


# a Wednesday in mid-month: the week before and the week after sit in the same month
CALENDAR_NOW = datetime.datetime(2026, 3, 18, 12, 0, tzinfo=datetime.UTC)


def test_the_client_sees_their_calendar(
    monkeypatch, business, simple_program, owner, client_record, client_browser
):
    """On any day of the week: the clock is frozen (a workout done a week ago once fell
    in last month's grid on Sundays)."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: CALENDAR_NOW)
    with tenant_context(business):
        [assignment] = a.assignment_create(
            program=simple_program,
            clients=[client_record],
            start_date=CALENDAR_NOW.date() - datetime.timedelta(days=7),
            weekdays=[0, 1, 2, 3, 4, 5, 6],
            by=owner,
        )
        first = assignment.workouts.order_by("date").first()
        first.status = "done"
        first.save()
    page = client_browser.get("/calendar/")
    assert page.status_code == 200
    assert 'aria-current="date"' in page.text
    assert "/workouts/" in page.text and "Done" in page.text
    week = client_browser.get("/calendar/?week=nonsense")
    assert week.status_code == 200


def test_a_client_never_sees_another_clients_workouts(
    business, owner, simple_program, stranger_record, client_browser
):
    with tenant_context(business):
        a.assignment_create(
            program=simple_program,
            clients=[stranger_record],
            start_date=datetime.date.today(),
            weekdays=[0, 1, 2, 3, 4, 5, 6],
            by=owner,
        )
    assert "Squat day" not in client_browser.get("/calendar/").text


def test_the_calendar_runs_constant_queries(
    client_browser, cleo_assignment, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        client_browser.get("/calendar/")


def test_the_program_list_runs_constant_queries(
    owner_client, simple_program, cleo_program, stranger_program, django_assert_max_num_queries
):
    with django_assert_max_num_queries(14):
        owner_client.get("/admin/programs/program/")


def test_the_builder_runs_constant_queries(
    owner_client, simple_program, django_assert_max_num_queries
):
    with django_assert_max_num_queries(16):
        owner_client.get(builder_url(simple_program))


def test_the_builder_runs_as_many_queries_for_four_weeks_of_24_exercises_as_for_two(
    owner_client,
    business,
    owner,
    simple_program,
    back_squat,
    bench_press,
    django_assert_max_num_queries,
):
    with tenant_context(business):
        big = structure.program_create(by=owner, name="Four by six", days=["A", "B", "C", "D"])
        days = list(big.weeks.get().days.order_by("position"))
        for n in range(24):
            lift = (back_squat, bench_press)[n % 2]
            prescriptions.prescription_add(
                by=owner, exercise_ref=f"catalog:{lift.pk}", day=days[n // 6]
            )
        for _ in range(3):
            structure.week_duplicate(week=big.weeks.order_by("number").last(), by=owner)
    owner_client.get(builder_url(simple_program))  # the session's first page does more
    with django_assert_max_num_queries(16) as small:
        owner_client.get(builder_url(simple_program))
    with django_assert_max_num_queries(16) as large:
        page = owner_client.get(builder_url(big))
    assert page.status_code == 200 and page.content.decode().count('class="pb-rx"') == 96
    assert len(large) == len(small)


def test_the_builder_marks_the_week_the_client_is_in_and_the_next(
    business, coach_browser, simple_program, owner, client_record
):
    """Frozen on Wednesday 11 March 2026. Two written weeks of four (weeks 3 and 4 are
    done from weeks 1 and 2 again): a client who started this Monday is in week 1, week 2
    next; one who started two weeks before is in week 3, done from written week 1."""
    from programs.models import ProgramAssignment

    with tenant_context(business):
        structure.week_duplicate(week=simple_program.weeks.get(), by=owner)
    frozen = datetime.datetime(2026, 3, 11, 12, tzinfo=datetime.UTC)
    with time_machine.travel(frozen, tick=False):

        def builder_of(start: datetime.date) -> tuple[str, ProgramAssignment]:
            with tenant_context(business):
                ProgramAssignment.objects.filter(client=client_record).update(status="cancelled")
                [assignment] = a.assignment_create(
                    program=simple_program,
                    clients=[client_record],
                    start_date=start,
                    weekdays=[0, 3],
                    by=owner,
                )
            page = coach_browser.get(builder_url(assignment.program)).content.decode()
            return page, assignment

        page, _first = builder_of(datetime.date(2026, 3, 9))
        assert 'Week 1</h2>\n      <span class="pb-now">This week</span>' in page
        assert 'Week 2</h2>\n      <span class="pb-now pb-now--next">Next week</span>' in page

        page, later = builder_of(datetime.date(2026, 2, 23))
        assert 'Week 1</h2>\n      <span class="pb-now">This week: week 3</span>' in page
        assert (
            'Week 2</h2>\n      <span class="pb-now pb-now--next">Next week: week 4</span>' in page
        )

        with tenant_context(business):  # nobody follows it now: no marks
            ProgramAssignment.objects.filter(pk=later.pk).update(status="paused")
        page = coach_browser.get(builder_url(later.program)).content.decode()
        assert '<span class="pb-now' not in page


def test_the_program_list_comes_a_page_at_a_time(
    owner_client, simple_program, cleo_program, stranger_program, monkeypatch
):
    monkeypatch.setattr("backoffice.views.program_builder.PROGRAMS_PER_PAGE", 2)
    first = owner_client.get("/admin/programs/program/")
    assert "(3)" in first.text and "Page 1 of 2" in first.text
    assert first.text.count('<th scope="row">') == 2
    second = owner_client.get("/admin/programs/program/?kind=&q=&goal=&page=2")
    assert "Page 2 of 2" in second.text and second.text.count('<th scope="row">') == 1
    assert 'rel="prev"' in second.text and 'rel="next"' not in second.text


def test_a_page_past_the_end_shows_the_last(
    owner_client, simple_program, cleo_program, stranger_program, monkeypatch
):
    monkeypatch.setattr("backoffice.views.program_builder.PROGRAMS_PER_PAGE", 2)
    for asked in ("9", "x", "0"):
        page = owner_client.get(f"/admin/programs/program/?page={asked}")
        shown = "Page 2 of 2" if asked == "9" else "Page 1 of 2"
        assert page.status_code == 200 and shown in page.text and "(3)" in page.text, asked
