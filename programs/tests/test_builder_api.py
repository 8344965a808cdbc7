"""The builder's and assignment's API: role matrix, bad input, query counts."""

import datetime
import json

import pytest
from django_tenants.utils import tenant_context

from programs.models import Prescription, Program, ProgramAssignment, ProgramDay
from programs.services import assignment as a
from programs.services import prescriptions
from programs.services import program_structure as structure

MONDAY = datetime.date(2030, 1, 7)


def post(browser, url, data=None):
    return browser.post(url, json.dumps(data or {}), content_type="application/json")


def patch(browser, url, data):
    return browser.patch(url, json.dumps(data), content_type="application/json")


@pytest.fixture
def cleo_program(business, simple_program, owner, client_record):
    with tenant_context(business):
        return structure.program_clone(program=simple_program, by=owner, client=client_record)


@pytest.fixture
def stranger_program(business, simple_program, owner, stranger_record):
    with tenant_context(business):
        return structure.program_clone(program=simple_program, by=owner, client=stranger_record)


def test_the_owner_lists_templates_and_every_client_program(
    owner_client, simple_program, cleo_program, stranger_program
):
    ids = {p["id"] for p in owner_client.get("/api/v1/programs/").json()["results"]}
    assert ids == {simple_program.pk, cleo_program.pk, stranger_program.pk}


def test_a_coach_sees_templates_and_their_clients_programs_only(
    coach_browser, simple_program, cleo_program, stranger_program
):
    ids = {p["id"] for p in coach_browser.get("/api/v1/programs/").json()["results"]}
    assert ids == {simple_program.pk, cleo_program.pk}
    assert coach_browser.get(f"/api/v1/programs/{stranger_program.pk}/").status_code == 404
    day = stranger_program.weeks.get().days.first()
    assert patch(coach_browser, f"/api/v1/program-days/{day.pk}/", {"name": "x"}).status_code == 404


def test_a_client_reads_their_own_programs_and_changes_nothing(
    client_browser, simple_program, cleo_program, stranger_program
):
    listed = client_browser.get("/api/v1/programs/").json()["results"]
    assert [p["id"] for p in listed] == [cleo_program.pk]
    detail = client_browser.get(f"/api/v1/programs/{cleo_program.pk}/").json()
    assert detail["weeks"][0]["days"][0]["blocks"][0]["prescriptions"][0]["sets"] == 3
    assert (
        patch(client_browser, f"/api/v1/programs/{cleo_program.pk}/", {"name": "x"}).status_code
        == 403
    )
    assert post(client_browser, "/api/v1/programs/", {"name": "Mine"}).status_code == 403


def test_anonymous_and_other_business_sessions_see_nothing(
    zen_client_browser, simple_program, business
):
    from django.conf import settings
    from django.test import Client as Browser

    anonymous = Browser(HTTP_HOST=f"acme.{settings.BASE_DOMAIN}")
    assert anonymous.get("/api/v1/programs/").status_code in (401, 403)
    assert zen_client_browser.get("/api/v1/programs/").status_code in (401, 403)
    assert zen_client_browser.get("/api/v1/scheduled-workouts/").status_code in (401, 403)


def test_a_coach_builds_a_program_through_the_api(coach_browser, back_squat, business):
    made = post(coach_browser, "/api/v1/programs/", {"name": "Coach's 4-day", "length_weeks": 8})
    assert made.status_code == 201, made.content
    program = made.json()
    week = program["weeks"][0]["id"]
    day = post(coach_browser, "/api/v1/program-days/", {"week": week, "name": "Upper A"}).json()
    rx = post(
        coach_browser,
        "/api/v1/prescriptions/",
        {
            "day": day["id"],
            "exercise": f"catalog:{back_squat.pk}",
            "sets": 4,
            "reps_min": 6,
            "reps_max": 8,
            "load_kind": "rpe",
            "load_value": "8",
        },
    )
    assert rx.status_code == 201, rx.content
    assert rx.json()["exercise_name"] == "Test Back Squat"
    changed = patch(coach_browser, f"/api/v1/prescriptions/{rx.json()['id']}/", {"sets": 5})
    assert changed.json()["sets"] == 5


def test_bad_input_is_a_400_keyed_by_field(owner_client, simple_program, business):
    with tenant_context(business):
        rx = Prescription.objects.filter(block__day__week__program=simple_program).first()
    response = patch(
        owner_client,
        f"/api/v1/prescriptions/{rx.pk}/",
        {"sets": 0, "reps_min": 10, "reps_max": 5, "load_value": "5000"},
    )
    assert response.status_code == 400
    assert set(response.json()) >= {"sets", "reps_max", "load_value"}
    assert post(owner_client, "/api/v1/programs/", {"name": ""}).status_code == 400
    bad_len = post(owner_client, "/api/v1/programs/", {"name": "x", "length_weeks": 99})
    assert "length_weeks" in bad_len.json()
    reorder = post(owner_client, "/api/v1/program-days/reorder/", {"week": "x", "order": [1]})
    assert reorder.status_code == 400


def test_days_reorder_through_the_api(owner_client, simple_program, business):
    with tenant_context(business):
        week = simple_program.weeks.get()
        ids = list(week.days.order_by("position").values_list("pk", flat=True))
    response = post(
        owner_client, "/api/v1/program-days/reorder/", {"week": week.pk, "order": ids[::-1]}
    )
    assert response.status_code == 200, response.content
    with tenant_context(business):
        assert list(week.days.order_by("position").values_list("pk", flat=True)) == ids[::-1]


def test_clone_and_save_as_template(owner_client, simple_program, cleo_program, business):
    clone = post(owner_client, f"/api/v1/programs/{simple_program.pk}/clone/")
    assert clone.status_code == 201 and clone.json()["name"] == "Test strength (copy)"
    saved = post(owner_client, f"/api/v1/programs/{cleo_program.pk}/save-as-template/")
    assert saved.status_code == 201 and saved.json()["is_template"] is True


def test_assigning_through_the_api(
    coach_browser, simple_program, client_record, stranger_record, business
):
    url = f"/api/v1/programs/{simple_program.pk}/assign/"
    bad = post(coach_browser, url, {"clients": [], "start_date": "soon", "weekdays": [8]})
    assert bad.status_code == 400 and set(bad.json()) >= {"clients", "start_date", "weekdays"}
    other = post(
        coach_browser,
        url,
        {"clients": [stranger_record.pk], "start_date": "2030-01-07", "weekdays": [0, 3]},
    )
    assert other.status_code == 400 and "clients" in other.json()
    ok = post(
        coach_browser,
        url,
        {"clients": [client_record.pk], "start_date": "2030-01-07", "weekdays": [0, 3]},
    )
    assert ok.status_code == 201, ok.content
    again = post(
        coach_browser,
        url,
        {"clients": [client_record.pk], "start_date": "2030-01-07", "weekdays": [0, 3]},
    )
    assert again.status_code == 400
    assert "already follows" in again.json()["clients"][0]


@pytest.fixture
def cleo_assignment(business, simple_program, owner, client_record):
    with tenant_context(business):
        [assignment] = a.assignment_create(
            program=simple_program,
            clients=[client_record],
            start_date=MONDAY,
            weekdays=[0, 2, 4],
            by=owner,
        )
        return assignment


def test_assignment_actions_and_the_role_matrix(
    coach_browser, other_coach_browser, client_browser, cleo_assignment
):
    base = f"/api/v1/program-assignments/{cleo_assignment.pk}"
    assert post(other_coach_browser, f"{base}/pause/").status_code == 404
    assert post(client_browser, f"{base}/pause/").status_code == 403
    assert post(coach_browser, f"{base}/shift/", {"days": "x"}).status_code == 400
    assert post(coach_browser, f"{base}/shift/", {"days": 2}).json()["status"] == "active"
    assert post(coach_browser, f"{base}/pause/").json()["status"] == "paused"
    assert post(coach_browser, f"{base}/pause/").status_code == 400
    assert (
        post(coach_browser, f"{base}/resume/", {"start": "2030-03-01"}).json()["status"] == "active"
    )
    assert post(coach_browser, f"{base}/cancel/").json()["status"] == "cancelled"
    assert [
        x["id"] for x in client_browser.get("/api/v1/program-assignments/").json()["results"]
    ] == [cleo_assignment.pk]
    assert other_coach_browser.get("/api/v1/program-assignments/").json()["results"] == []


def test_scheduled_workouts_by_date_and_role(
    client_browser, other_coach_browser, owner_client, cleo_assignment
):
    rows = client_browser.get("/api/v1/scheduled-workouts/?from=2030-01-07&to=2030-01-13").json()
    # two workouts a week, three training days: week 2 starts on Friday
    assert [r["date"] for r in rows["results"]] == ["2030-01-07", "2030-01-09", "2030-01-11"]
    assert rows["results"][0]["url"].startswith("/workouts/")
    assert other_coach_browser.get("/api/v1/scheduled-workouts/").json()["results"] == []
    assert owner_client.get("/api/v1/scheduled-workouts/").json()["count"] == 8
    bad = client_browser.get("/api/v1/scheduled-workouts/?from=tomorrow")
    assert bad.status_code == 400 and "from" in bad.json()


def test_program_detail_runs_constant_queries(
    owner_client, simple_program, owner, business, back_squat, django_assert_max_num_queries
):
    with tenant_context(business):
        week = simple_program.weeks.get()
        for n in range(3):
            day = structure.day_add(week=week, by=owner, name=f"Extra {n}")
            for _ in range(3):
                prescriptions.prescription_add(
                    by=owner, exercise_ref=f"catalog:{back_squat.pk}", day=day
                )
    with django_assert_max_num_queries(14):
        response = owner_client.get(f"/api/v1/programs/{simple_program.pk}/")
    assert len(response.json()["weeks"][0]["days"]) == 5


def test_scheduled_workouts_run_constant_queries(
    owner_client, cleo_assignment, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        response = owner_client.get("/api/v1/scheduled-workouts/")
    assert response.json()["count"] == 8


def test_program_list_runs_constant_queries(
    owner_client, simple_program, cleo_program, stranger_program, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        owner_client.get("/api/v1/programs/")


def _unused():  # keep imports used for readers of the models
    return Program, ProgramAssignment, ProgramDay
