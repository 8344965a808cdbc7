"""Timed, distance and bodyweight exercises: a plank prescribed as 3 x 45 s is logged,
stored, checked, summarised and announced in seconds, never as "45 reps" or "45 x None";
the builder's defaults follow the exercise's kind."""

import json
import re
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from programs.models import (
    Block,
    PersonalRecord,
    Prescription,
    Program,
    ProgramDay,
    ProgramWeek,
    SetLog,
    WorkoutLog,
)
from programs.services import prescriptions
from programs.services import program_structure as structure
from programs.tests.conftest import catalog_exercise
from programs.tests.test_logging import SYNC, batch, schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def plank(db):
    return catalog_exercise(
        "Test Front Plank", category="core", equipment=["body only"], measurement="time"
    )


@pytest.fixture
def run(db):
    return catalog_exercise(
        "Test Track Run", category="cardio", equipment=[], measurement="time_distance"
    )


@pytest.fixture
def core_day(business, owner, client_record, plank, back_squat):
    """Today: squats 3 x 5 at 60 kg, then a plank 3 x 45 s."""
    with tenant_context(business):
        program = Program.objects.create(name="Core", created_by=owner)
        week = ProgramWeek.objects.create(program=program, number=1)
        day = ProgramDay.objects.create(week=week, position=1, name="Core day")
        block = Block.objects.create(day=day, position=1)
        squat = Prescription.objects.create(
            block=block, position=1, catalog_exercise=back_squat, sets=3, reps_min=5,
            load_kind="kg", load_value=60,
        )  # fmt: skip
        hold = Prescription.objects.create(
            block=block, position=2, catalog_exercise=plank, sets=3, duration_seconds=45
        )
        return schedule(client_record, program), squat, hold


def a_set(prescription, number=1, **values):
    return {
        "client_uuid": str(uuid.uuid4()),
        "prescription": prescription.pk,
        "exercise": f"catalog:{prescription.catalog_exercise_id}",
        "set_number": number,
        "logged_at": timezone.now().isoformat(),
    } | values


def post(browser, body):
    return browser.post(SYNC, json.dumps(body), content_type="application/json")


def card_html(page: str, prescription) -> str:
    start = page.index(f'id="ex-{prescription.pk}"')
    end = page.find('class="mfl-ex card"', start + 1)
    return page[start : end if end > 0 else len(page)]


def test_the_logger_shows_a_plank_in_seconds_and_without_a_load_column(client_browser, core_day):
    scheduled, squat, hold = core_day
    page = client_browser.get(f"/workouts/{scheduled.pk}/").content.decode()
    plank_card, squat_card = card_html(page, hold), card_html(page, squat)
    assert "3 \u00d7 45\u00a0s" in plank_card
    assert 'data-field="time"' in plank_card and 'value="45"' in plank_card
    assert 'data-field="load"' not in plank_card and 'data-field="reps"' not in plank_card
    assert 'data-cols="2"' in plank_card and "<span>Time</span>" in plank_card
    assert 'data-field="load"' in squat_card and 'data-field="reps"' in squat_card
    assert "3 \u00d7 5 \u00b7 60\u00a0kg" in squat_card


def test_a_plank_set_is_stored_as_its_time_and_summarised_as_time(
    business, client_browser, core_day
):
    scheduled, squat, hold = core_day
    body = batch(
        scheduled,
        [a_set(squat, reps=5, load_kg="60"), a_set(hold, duration_seconds=45, rpe="7")],
        finished_at=timezone.now().isoformat(),
    )
    assert post(client_browser, body).status_code == 201
    with tenant_context(business):
        stored = SetLog.objects.get(prescription=hold)
        log = WorkoutLog.objects.get()
    assert (stored.duration_seconds, stored.reps, stored.load_kg) == (45, None, None)
    text = client_browser.get(f"/workouts/log/{log.client_uuid}/").content.decode()
    assert "45\u00a0s" in text
    assert "45 reps" not in text and "None" not in text
    api = client_browser.get(f"/api/v1/workout-logs/{log.pk}/").json()
    plank_set = next(s for s in api["sets"] if s["duration_seconds"] == 45)
    assert plank_set["reps"] is None


def test_a_plank_logged_as_reps_is_refused_per_set_and_nothing_is_stored(
    business, client_browser, core_day
):
    scheduled, squat, hold = core_day
    response = post(
        client_browser,
        batch(scheduled, [a_set(squat, reps=5, load_kg="60"), a_set(hold, reps=45)]),
    )
    assert response.status_code == 400
    errors = response.json()["sets"]
    assert errors[0] == {}
    assert set(errors[1]) == {"reps", "duration_seconds"}
    with tenant_context(business):
        assert not SetLog.objects.exists()


def test_a_squat_without_reps_or_a_plank_without_a_time_is_a_400(client_browser, core_day):
    scheduled, squat, hold = core_day
    for bad, field in ((a_set(squat, load_kg="60"), "reps"), (a_set(hold), "duration_seconds")):
        response = post(client_browser, batch(scheduled, [bad]))
        assert response.status_code == 400
        assert field in response.json()["sets"][0]


def test_a_weighted_plank_keeps_its_load(business, client_browser, core_day):
    scheduled, _squat, hold = core_day
    body = batch(scheduled, [a_set(hold, duration_seconds=40, load="10", unit="kg")])
    assert post(client_browser, body).status_code == 201
    with tenant_context(business):
        assert SetLog.objects.get().load_kg == 10


def test_a_longer_hold_is_announced_in_time_not_kilograms(business, client_browser, core_day):
    scheduled, _squat, hold = core_day
    first = batch(scheduled, [a_set(hold, duration_seconds=45)])
    assert post(client_browser, first).json()["records"] == []
    second = batch(scheduled, [a_set(hold, number=2, duration_seconds=60)])
    records = post(client_browser, second).json()["records"]
    assert [(r["kind"], Decimal(r["value"]), r["text"], r["value_kg"]) for r in records] == [
        ("time", Decimal(60), "Longest time 1:00", None)
    ]
    with tenant_context(business):
        assert PersonalRecord.objects.get().kind == "time"


def test_a_run_is_logged_with_distance_and_time_and_reads_so(
    business, client_browser, core_day, run
):
    scheduled, _squat, _hold = core_day
    body = batch(
        scheduled,
        [
            {
                "client_uuid": str(uuid.uuid4()),
                "exercise": f"catalog:{run.pk}",
                "set_number": 1,
                "distance_m": 400,
                "duration_seconds": 92,
            }
        ],
        finished_at=timezone.now().isoformat(),
    )
    assert post(client_browser, body).status_code == 201
    with tenant_context(business):
        log = WorkoutLog.objects.get()
    text = client_browser.get(f"/workouts/log/{log.client_uuid}/").content.decode()
    assert "400\u00a0m in 1:32" in text
    faster = batch(
        scheduled,
        [
            {
                "client_uuid": str(uuid.uuid4()),
                "exercise": f"catalog:{run.pk}",
                "set_number": 2,
                "distance_m": 400,
                "duration_seconds": 88,
            }
        ],
    )
    assert post(client_browser, faster).status_code == 201
    records = client_browser.get("/api/v1/personal-records/?kind=fastest").json()["results"]
    assert [(r["distance_m"], Decimal(r["value"]), r["text"]) for r in records] == [
        (400, Decimal(88), "Fastest 400\u00a0m: 1:28")
    ]


def test_the_coach_panel_the_api_and_the_admin_say_a_plank_set_in_seconds(
    business, client_browser, core_day
):
    from programs.templatetags.programs_logging import set_line

    scheduled, _squat, hold = core_day
    body = batch(scheduled, [a_set(hold, duration_seconds=45)])
    assert post(client_browser, body).status_code == 201
    with tenant_context(business):
        stored = SetLog.objects.select_related("catalog_exercise", "exercise").get()
        log = stored.workout
        assert set_line(stored, "kg") == "45\u00a0s"
        assert str(stored) == "set 1: 45\u00a0s"
    api = client_browser.get(f"/api/v1/workout-logs/{log.pk}/").json()["sets"][0]
    assert (api["measurement"], api["text"]) == ("time", "45\u00a0s")


# --- the builder's defaults -------------------------------------------------------------


@pytest.fixture
def day(tenant, owner):
    program = structure.program_create(by=owner, name="Mixed", days=["Day A"])
    return program.weeks.get().days.get()


def test_a_new_plank_is_3_x_30_s_a_run_20_minutes_and_a_squat_3_x_10(
    day, owner, plank, run, back_squat
):
    hold = prescriptions.prescription_add(by=owner, exercise_ref=f"catalog:{plank.pk}", day=day)
    jog = prescriptions.prescription_add(by=owner, exercise_ref=f"catalog:{run.pk}", day=day)
    squat = prescriptions.prescription_add(
        by=owner, exercise_ref=f"catalog:{back_squat.pk}", day=day
    )
    assert (hold.sets, hold.reps_min, hold.duration_seconds) == (3, None, 30)
    assert (jog.sets, jog.reps_min, jog.duration_seconds) == (1, None, 1200)
    assert (squat.sets, squat.reps_min, squat.duration_seconds) == (3, 10, None)


def test_swapping_a_squat_for_a_plank_prescribes_time_instead_of_reps(
    day, owner, plank, back_squat
):
    p = prescriptions.prescription_add(by=owner, exercise_ref=f"catalog:{back_squat.pk}", day=day)
    p = prescriptions.prescription_update(
        prescription=p, by=owner, exercise_ref=f"catalog:{plank.pk}"
    )
    assert (p.reps_min, p.reps_max, p.duration_seconds) == (None, None, 30)
    kept = prescriptions.prescription_update(
        prescription=p,
        by=owner,
        exercise_ref=f"catalog:{back_squat.pk}",
        reps_min=8,
    )
    assert (kept.reps_min, kept.duration_seconds) == (8, None)


def test_the_builder_shows_a_run_in_minutes(day, owner, run, owner_client):
    prescriptions.prescription_add(by=owner, exercise_ref=f"catalog:{run.pk}", day=day)
    page = owner_client.get(f"/admin/programs/program/{day.week.program.pk}/builder/")
    assert page.status_code == 200
    assert re.search(r"1 \u00d7\s*20:00", page.content.decode()), "a run reads 1 × 20:00"
