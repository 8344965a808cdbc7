"""Workout logging: the sync (idempotent, conflicts kept and reported, validation, other
clients' workouts), units, the portal pages, the coach's comment, query counts."""

import datetime
import json
import re
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from programs.models import (
    Prescription,
    ProgramAssignment,
    ScheduledWorkout,
    SetLog,
    WorkoutLog,
)

SYNC = "/api/v1/workout-sync/"


def schedule(client, program, *, days_from_today=0, day_position=1, week=1):
    """A scheduled workout of ``program``'s day for ``client`` (assignment made if needed)."""
    assignment = ProgramAssignment.objects.filter(client=client, program=program).first()
    if assignment is None:
        assignment = ProgramAssignment.objects.create(
            client=client,
            program=program,
            start_date=timezone.localdate(),
            weekdays=[0, 2, 4],
        )
    day = program.weeks.get(number=1).days.get(position=day_position)
    return ScheduledWorkout.objects.create(
        assignment=assignment,
        client=client,
        day=day,
        week_number=week,
        date=timezone.localdate() + datetime.timedelta(days=days_from_today),
    )


def prescription_of(scheduled) -> Prescription:
    return Prescription.objects.get(block__day=scheduled.day)


def a_set(prescription, *, number=1, reps=5, load="100", rpe=None, version="", **extra):
    body = {
        "client_uuid": str(uuid.uuid4()),
        "prescription": prescription.pk,
        "exercise": f"catalog:{prescription.catalog_exercise_id}",
        "set_number": number,
        "reps": reps,
        "load_kg": load,
        "logged_at": timezone.now().isoformat(),
    }
    if rpe is not None:
        body["rpe"] = rpe
    if version:
        body["prescription_version"] = version
    return body | extra


def batch(scheduled, sets, **workout):
    return {
        "workout": {
            "client_uuid": workout.pop("uuid", str(uuid.uuid4())),
            "scheduled": scheduled.pk,
        }
        | workout,
        "sets": sets,
    }


def post(browser, body):
    return browser.post(SYNC, json.dumps(body), content_type="application/json")


@pytest.fixture
def today_workout(business, client_record, simple_program):
    with tenant_context(business):
        return schedule(client_record, simple_program)


# --- the sync ------------------------------------------------------------------------


def test_the_same_batch_twice_stores_each_set_once(business, client_browser, today_workout):
    with tenant_context(business):
        p = prescription_of(today_workout)
    body = batch(today_workout, [a_set(p, number=1), a_set(p, number=2)])
    first = post(client_browser, body)
    assert first.status_code == 201, first.content
    assert set(first.json()["sets"].values()) == {"created"}
    again = post(client_browser, body)
    assert again.status_code == 200
    assert set(again.json()["sets"].values()) == {"stored"}
    with tenant_context(business):
        assert WorkoutLog.objects.count() == 1
        assert SetLog.objects.count() == 2
        log = WorkoutLog.objects.get()
        assert str(log.client_uuid) == body["workout"]["client_uuid"]
        assert log.scheduled_id == today_workout.pk
        assert log.name == "Squat day"


def test_a_queue_made_by_another_account_on_the_phone_is_refused_and_not_stored(
    business, client_browser, client_user, today_workout
):
    with tenant_context(business):
        p = prescription_of(today_workout)
    body = batch(today_workout, [a_set(p)]) | {"user": client_user.pk + 1000}
    response = post(client_browser, body)
    assert response.status_code == 409
    assert "someone else" in response.json()["detail"]
    with tenant_context(business):
        assert not SetLog.objects.exists()
    # the same queue stamped with the signed-in person goes through
    body["user"] = client_user.pk
    assert post(client_browser, body).status_code == 201


def test_a_replayed_set_is_not_changed_by_different_values(business, client_browser, today_workout):
    with tenant_context(business):
        p = prescription_of(today_workout)
    one = a_set(p, load="100")
    body = batch(today_workout, [one])
    post(client_browser, body)
    body["sets"][0]["load_kg"] = "140"
    assert post(client_browser, body).json()["sets"] == {one["client_uuid"]: "stored"}
    with tenant_context(business):
        assert SetLog.objects.get().load_kg == Decimal("100.00")


def test_a_second_page_for_the_same_workout_joins_the_open_log(
    business, client_browser, today_workout
):
    with tenant_context(business):
        p = prescription_of(today_workout)
    post(client_browser, batch(today_workout, [a_set(p, number=1)]))
    other_tab = post(client_browser, batch(today_workout, [a_set(p, number=2)]))
    with tenant_context(business):
        log = WorkoutLog.objects.get()
        assert log.sets.count() == 2
    assert other_tab.json()["workout"]["client_uuid"] == str(log.client_uuid)


def test_finishing_marks_the_scheduled_workout_done_and_keeps_notes(
    business, client_browser, today_workout
):
    with tenant_context(business):
        p = prescription_of(today_workout)
    body = batch(
        today_workout,
        [a_set(p)],
        started_at=(timezone.now() - datetime.timedelta(minutes=50)).isoformat(),
        finished_at=timezone.now().isoformat(),
        notes="Knee felt fine",
    )
    response = post(client_browser, body)
    assert response.json()["workout"]["finished"] is True
    with tenant_context(business):
        today_workout.refresh_from_db()
        assert today_workout.status == ScheduledWorkout.Status.DONE
        assert WorkoutLog.objects.get().notes == "Knee felt fine"


def test_a_deleted_prescription_is_a_reported_conflict_and_the_set_is_kept(
    business, client_browser, today_workout
):
    with tenant_context(business):
        p = prescription_of(today_workout)
        one = a_set(p)
        exercise_id = p.catalog_exercise_id
        p.delete()  # the coach removed the exercise while the phone was offline
    response = post(client_browser, batch(today_workout, [one]))
    assert response.status_code == 201
    conflicts = response.json()["conflicts"]
    assert [(c["set"], c["kind"]) for c in conflicts] == [(one["client_uuid"], "removed")]
    with tenant_context(business):
        stored = SetLog.objects.get()
        assert stored.prescription_id is None
        assert stored.catalog_exercise_id == exercise_id  # attached to what was done


def test_an_edited_prescription_is_a_reported_conflict_and_the_set_keeps_its_link(
    business, client_browser, today_workout
):
    from programs.values import prescription_version

    with tenant_context(business):
        p = prescription_of(today_workout)
        cached_version = prescription_version(p)
        Prescription.objects.filter(pk=p.pk).update(reps_min=3, load_value=80)
    one = a_set(p, version=cached_version)
    response = post(client_browser, batch(today_workout, [one]))
    assert [c["kind"] for c in response.json()["conflicts"]] == ["changed"]
    with tenant_context(business):
        assert SetLog.objects.get().prescription_id == p.pk


def test_an_unchanged_prescription_is_no_conflict(business, client_browser, today_workout):
    from programs.values import prescription_version

    with tenant_context(business):
        p = prescription_of(today_workout)
        version = prescription_version(p)
    response = post(client_browser, batch(today_workout, [a_set(p, version=version)]))
    assert response.json()["conflicts"] == []


def test_a_workout_removed_from_the_schedule_keeps_the_sets_as_a_workout_of_their_own(
    business, client_browser, today_workout
):
    with tenant_context(business):
        p = prescription_of(today_workout)
        body = batch(today_workout, [a_set(p)])
        ScheduledWorkout.objects.filter(pk=today_workout.pk).delete()
    response = post(client_browser, body)
    assert response.status_code == 201
    assert [c["kind"] for c in response.json()["conflicts"]] == ["workout"]
    with tenant_context(business):
        assert SetLog.objects.count() == 1
        assert WorkoutLog.objects.get().scheduled_id is None


@pytest.mark.parametrize(
    "change, field",
    [
        ({"reps": -1}, "reps"),
        ({"load_kg": "1000.5"}, "load_kg"),
        ({"load_kg": "-5"}, "load_kg"),
        ({"rpe": "11"}, "rpe"),
        ({"rpe": "0.5"}, "rpe"),
        ({"reps": "many"}, "reps"),
        ({"set_number": 0}, "set_number"),
        ({"client_uuid": "not-a-uuid"}, "client_uuid"),
    ],
)
def test_bad_values_are_400s_with_field_errors_and_nothing_is_stored(
    business, client_browser, today_workout, change, field
):
    with tenant_context(business):
        p = prescription_of(today_workout)
    good, bad = a_set(p, number=1), a_set(p, number=2) | change
    response = post(client_browser, batch(today_workout, [good, bad]))
    assert response.status_code == 400
    errors = response.json()["sets"]  # by position in the batch, only those at fault
    assert list(errors) == ["1"]
    assert field in errors["1"]
    with tenant_context(business):
        assert SetLog.objects.count() == 0
        assert WorkoutLog.objects.count() == 0


def test_an_absurd_load_in_pounds_is_refused(business, client_browser, today_workout):
    with tenant_context(business):
        p = prescription_of(today_workout)
    one = a_set(p) | {"load": "2500", "unit": "lb"}
    one.pop("load_kg")
    response = post(client_browser, batch(today_workout, [one]))
    assert response.status_code == 400
    assert "load" in response.json()["sets"]["0"]


def test_an_unknown_exercise_is_a_400(business, client_browser, today_workout):
    with tenant_context(business):
        p = prescription_of(today_workout)
    response = post(client_browser, batch(today_workout, [a_set(p, exercise="catalog:999999")]))
    assert response.status_code == 400
    assert "exercise" in response.json()
    with tenant_context(business):
        assert SetLog.objects.count() == 0


def test_a_pound_client_logging_225_lb_stores_102_06_kg(
    business, client_browser, client_record, today_workout
):
    with tenant_context(business):
        client_record.units = "lb"
        client_record.save(update_fields=["units"])
        p = prescription_of(today_workout)
    one = a_set(p) | {"load": "225", "unit": "lb"}
    one.pop("load_kg")
    assert post(client_browser, batch(today_workout, [one])).status_code == 201
    with tenant_context(business):
        assert SetLog.objects.get().load_kg == Decimal("102.06")


def test_load_conversion_round_trips_for_people():
    from programs.services.logging import load_to_kg
    from programs.values import load_display

    assert load_to_kg("225", unit="lb") == Decimal("102.06")
    assert load_display(Decimal("102.06"), system="lb") == "225"
    assert load_to_kg("102,5", unit="kg") == Decimal("102.50")
    with pytest.raises(ValueError):
        load_to_kg("heavy", unit="kg")


def test_a_set_against_another_clients_workout_is_a_404(
    business, client_browser, stranger_record, simple_program
):
    with tenant_context(business):
        theirs = schedule(stranger_record, simple_program)
        p = prescription_of(theirs)
    response = post(client_browser, batch(theirs, [a_set(p)]))
    assert response.status_code == 404
    with tenant_context(business):
        assert SetLog.objects.count() == 0


def test_sets_sent_into_another_clients_workout_log_are_a_404(
    business, client_browser, stranger_record, simple_program
):
    with tenant_context(business):
        theirs = schedule(stranger_record, simple_program)
        log = WorkoutLog.objects.create(client=stranger_record, scheduled=theirs)
        p = prescription_of(theirs)
    body = {"workout": {"client_uuid": str(log.client_uuid)}, "sets": [a_set(p)]}
    assert post(client_browser, body).status_code == 404
    with tenant_context(business):
        assert SetLog.objects.count() == 0


def test_staff_cannot_sync_and_another_business_session_gets_nothing(
    business, coach_browser, zen_client_browser, today_workout
):
    with tenant_context(business):
        p = prescription_of(today_workout)
    body = batch(today_workout, [a_set(p)])
    assert post(coach_browser, body).status_code == 403
    assert post(zen_client_browser, body).status_code in (401, 403)
    with tenant_context(business):
        assert SetLog.objects.count() == 0


def test_unlogging_removes_only_your_own_set(
    business, client_browser, today_workout, stranger_record
):
    with tenant_context(business):
        p = prescription_of(today_workout)
    one = a_set(p)
    post(client_browser, batch(today_workout, [one]))
    url = SYNC + "unlog/"
    assert client_browser.post(url, {"set": str(uuid.uuid4())}).status_code == 404
    assert client_browser.post(url, {"set": one["client_uuid"]}).status_code == 204
    with tenant_context(business):
        assert SetLog.objects.count() == 0


# --- records through the sync -------------------------------------------------------------


def test_a_heavier_set_is_announced_as_a_record(business, client_browser, today_workout):
    with tenant_context(business):
        p = prescription_of(today_workout)
    first = post(client_browser, batch(today_workout, [a_set(p, load="100")]))
    assert first.json()["records"] == []  # the first time sets the baseline
    second = post(
        client_browser,
        batch(
            today_workout,
            [a_set(p, number=2, load="105")],
            uuid=first.json()["workout"]["client_uuid"],
        ),
    )
    kinds = sorted((r["kind"], r["reps"]) for r in second.json()["records"])
    assert kinds == [("e1rm", None), ("rep_max", 5), ("volume", None)] or kinds == [
        ("e1rm", None),
        ("rep_max", 5),
    ]
    e1rm = next(r for r in second.json()["records"] if r["kind"] == "e1rm")
    assert e1rm["value_kg"] == "122.50"  # 105 x (1 + 5/30)
    assert e1rm["text"] == "Estimated 1RM 122.5\u00a0kg"


def test_records_api_lists_own_records_and_staff_see_their_clients(
    business, client_browser, coach_browser, other_coach_browser, today_workout
):
    with tenant_context(business):
        p = prescription_of(today_workout)
    post(client_browser, batch(today_workout, [a_set(p, load="100")]))
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)
    post(
        client_browser,
        batch(
            today_workout,
            [a_set(p, load="110", logged_at=later.isoformat())],
            started_at=later.isoformat(),
        ),
    )
    mine = client_browser.get("/api/v1/personal-records/").json()["results"]
    assert {r["kind"] for r in mine} >= {"e1rm", "rep_max"}
    assert len(coach_browser.get("/api/v1/personal-records/").json()["results"]) == len(mine)
    assert other_coach_browser.get("/api/v1/personal-records/").json()["results"] == []
    ids = [r["id"] for r in mine]
    assert client_browser.post(
        "/api/v1/personal-records/seen/", json.dumps({"ids": ids}), content_type="application/json"
    ).json() == {"updated": len(ids)}


# --- workout logs API and the coach's comment ---------------------------------------------


def test_a_coach_comments_through_the_api_and_the_client_cannot(
    business, client_browser, coach_browser, other_coach_browser, today_workout
):
    with tenant_context(business):
        p = prescription_of(today_workout)
    post(client_browser, batch(today_workout, [a_set(p)]))
    with tenant_context(business):
        log = WorkoutLog.objects.get()
    url = f"/api/v1/workout-logs/{log.pk}/"
    body = json.dumps({"coach_comment": "Great depth today."})
    assert client_browser.patch(url, body, content_type="application/json").status_code == 403
    assert other_coach_browser.patch(url, body, content_type="application/json").status_code == 404
    done = coach_browser.patch(url, body, content_type="application/json")
    assert done.status_code == 200, done.content
    assert done.json()["coach_comment"] == "Great depth today."
    bad = coach_browser.patch(url, json.dumps({"notes": "x"}), content_type="application/json")
    assert bad.status_code == 400
    own = client_browser.get("/api/v1/workout-logs/").json()["results"]
    assert own[0]["coach_comment"] == "Great depth today."
    assert len(own[0]["sets"]) == 1


def test_the_workout_log_list_runs_constant_queries(
    business, client_browser, coach_browser, today_workout, django_assert_max_num_queries
):
    with tenant_context(business):
        p = prescription_of(today_workout)
    for _n in range(6):
        post(
            client_browser,
            batch(
                today_workout,
                [a_set(p, number=1), a_set(p, number=2)],
                uuid=str(uuid.uuid4()),
                finished_at=timezone.now().isoformat(),
            ),
        )
    coach_browser.get("/api/v1/workout-logs/")
    with django_assert_max_num_queries(12):
        response = coach_browser.get("/api/v1/workout-logs/")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 6
    with django_assert_max_num_queries(10):
        assert coach_browser.get("/api/v1/personal-records/").status_code == 200


def test_a_sync_runs_a_bounded_number_of_queries(
    business, client_browser, today_workout, django_assert_max_num_queries
):
    with tenant_context(business):
        p = prescription_of(today_workout)
    post(client_browser, batch(today_workout, [a_set(p)]))
    ten = [a_set(p, number=n, load=str(100 + n)) for n in range(1, 11)]
    with django_assert_max_num_queries(40):
        assert post(client_browser, batch(today_workout, ten)).status_code == 201


# --- portal pages ------------------------------------------------------------------------


def test_the_workouts_page_shows_today_first_and_offers_the_logger(
    business, client_browser, today_workout, simple_program, client_record
):
    with tenant_context(business):
        schedule(client_record, simple_program, days_from_today=2, day_position=2)
    page = client_browser.get("/workouts/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Start workout" in text
    assert text.index("Squat day") < text.index("Bench day")
    assert f"/workouts/{today_workout.pk}/" in text


def test_the_logger_prefills_from_the_prescription_and_last_time(
    business, client_browser, today_workout, client_record, simple_program
):
    with tenant_context(business):
        p = prescription_of(today_workout)
        earlier = WorkoutLog.objects.create(
            client=client_record, started_at=timezone.now() - datetime.timedelta(days=3)
        )
        SetLog.objects.create(
            workout=earlier,
            catalog_exercise=p.catalog_exercise,
            set_number=1,
            reps=5,
            load_kg=Decimal("57.5"),
            logged_at=earlier.started_at,
        )
    page = client_browser.get(f"/workouts/{today_workout.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Test Back Squat" in text
    assert "3 \u00d7 5 \u00b7 60\u00a0kg" in text  # the written target
    assert 'value="60"' in text  # the week's load prefilled
    assert "Last time 57.5 kg \u00d7 5" in text
    assert "Rest" in text and 'role="timer"' in text


def test_last_time_and_the_best_estimate_come_from_the_whole_history(
    business, today_workout, client_record, django_assert_num_queries
):
    from programs.selectors.logging import best_e1rm_for, last_sets_for

    with tenant_context(business):
        squat = prescription_of(today_workout).catalog_exercise
        now = timezone.now()

        def workout(days_ago: int, *sets) -> WorkoutLog:
            log = WorkoutLog.objects.create(
                client=client_record, started_at=now - datetime.timedelta(days=days_ago)
            )
            for number, reps, load, warmup in sets:
                SetLog.objects.create(
                    workout=log,
                    catalog_exercise=squat,
                    set_number=number,
                    reps=reps,
                    load_kg=Decimal(load),
                    is_warmup=warmup,
                    logged_at=log.started_at,
                )
            return log

        # a year ago: the heaviest triple (its estimate, 110 x 1.1 = 121, is the best)
        workout(365, (1, 3, "110", False), (2, 12, "100", False))
        for days_ago in range(300, 10, -1):  # months of lighter sets in between
            workout(days_ago, (1, 5, "80", False))
        workout(7, (2, 5, "90", False), (1, 5, "85", False), (0, 10, "40", True))
        today = workout(0, (1, 5, "95", False))
        key = (squat.pk, None)
        with django_assert_num_queries(2):
            last = last_sets_for(client=client_record, keys={key}, exclude_log=today)
            best = best_e1rm_for(client=client_record, keys={key})
    # the last workout before today's, its working sets in order, the warm-up left out
    assert [(s.set_number, s.load_kg) for s in last[key]] == [
        (1, Decimal("85.0")),
        (2, Decimal("90.0")),
    ]
    assert best == {key: Decimal("121.00")}


def test_the_logger_of_another_clients_workout_is_a_404(
    business, client_browser, stranger_record, simple_program
):
    with tenant_context(business):
        theirs = schedule(stranger_record, simple_program)
    assert client_browser.get(f"/workouts/{theirs.pk}/").status_code == 404


def test_swaps_keep_the_movement_the_main_muscle_and_the_clients_equipment(
    business, client_browser, today_workout, back_squat
):
    from programs.selectors.logging import library_alternatives
    from programs.tests.conftest import catalog_exercise

    with tenant_context(business):
        catalog_exercise(
            "Test Front Squat",
            movement_pattern="squat",
            primary_muscles=["quadriceps"],
            equipment=["barbell"],
        )
        catalog_exercise(
            "Test Hack Machine Squat",
            movement_pattern="squat",
            primary_muscles=["quadriceps"],
            equipment=["machine"],
        )
        catalog_exercise(
            "Test Romanian Deadlift",
            movement_pattern="hinge",
            primary_muscles=["hamstrings"],
            equipment=["barbell"],
        )
        offered = library_alternatives(
            exercises=[back_squat], allowed_equipment={"barbell"}, limit=1000
        )[("CatalogExercise", back_squat.pk)]
        names = {o["name"] for o in offered}
        assert "Test Front Squat" in names
        assert "Test Hack Machine Squat" not in names  # no machine for this client
        assert "Test Romanian Deadlift" not in names  # another movement
        assert back_squat.name not in names
    text = client_browser.get(f"/workouts/{today_workout.pk}/").content.decode()
    assert "Swap exercise" in text


def test_the_logger_runs_a_bounded_number_of_queries(
    business, client_browser, today_workout, django_assert_max_num_queries
):
    client_browser.get(f"/workouts/{today_workout.pk}/")
    with django_assert_max_num_queries(25):
        assert client_browser.get(f"/workouts/{today_workout.pk}/").status_code == 200


def test_the_summary_shows_volume_sets_records_and_the_coachs_comment(
    business, client_browser, today_workout, coach
):
    with tenant_context(business):
        p = prescription_of(today_workout)
    body = batch(
        today_workout,
        [a_set(p, number=1, load="100"), a_set(p, number=2, load="110")],
        finished_at=timezone.now().isoformat(),
    )
    post(client_browser, body)
    with tenant_context(business):
        log = WorkoutLog.objects.get()
        log.coach_comment, log.commented_by = "Strong session!", coach
        log.commented_at = timezone.now()
        log.save()
    page = client_browser.get(f"/workouts/log/{log.client_uuid}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "1,050" in text or "1050" in text  # 100x5 + 110x5
    assert "Strong session!" in text
    assert "New personal record" in text
    # the logger now redirects to the summary
    assert client_browser.get(f"/workouts/{today_workout.pk}/").status_code == 302


def test_another_client_cannot_open_a_summary(business, client_browser, stranger_record):
    with tenant_context(business):
        log = WorkoutLog.objects.create(client=stranger_record)
    assert client_browser.get(f"/workouts/log/{log.client_uuid}/").status_code == 404


def test_staff_are_sent_to_the_back_office(coach_browser):
    assert coach_browser.get("/workouts/").status_code == 302


def test_the_service_worker_is_served_at_the_root_with_its_scope(tenant_client):
    response = tenant_client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    body = response.content.decode()
    assert "MF_PRECACHE" in body and "/workouts/" in body
    assert "programs-logging" in body
    # the worker loads the pages' shared module (the queue's database, the sync request)
    assert "importScripts(MF_SHARED)" in body
    assert re.search(r'const MF_SHARED = "/static/js/shared\.[0-9a-f]+\.js";', body)
    assert "/static/js/shared." in body.split("const MF_PRECACHE = ", 1)[1].split("\n", 1)[0]


def test_the_logger_loads_the_shared_module_then_its_parts_then_starts_them(
    client_browser, today_workout
):
    text = client_browser.get(f"/workouts/{today_workout.pk}/").content.decode()
    names = re.findall(r'<script src="/static/js/([a-z-]+)\.[0-9a-f]+\.js" defer>', text)
    logging = [n for n in names if n == "shared" or n.startswith("programs-logging")]
    assert logging[0] == "shared" and logging[-1] == "programs-logging"
    assert set(logging[1:-1]) == {
        "programs-logging-queue",
        "programs-logging-sync",
        "programs-logging-sets",
        "programs-logging-timer",
        "programs-logging-results",
        "programs-logging-summary",
        "programs-logging-charts",
    }


def test_training_progress_shows_charts_data_and_tables(business, client_browser, today_workout):
    with tenant_context(business):
        p = prescription_of(today_workout)
    for days, load in ((14, "90"), (7, "95"), (0, "100")):
        when = (timezone.now() - datetime.timedelta(days=days)).isoformat()
        post(
            client_browser,
            batch(
                today_workout,
                [a_set(p, load=load, logged_at=when)],
                uuid=str(uuid.uuid4()),
                started_at=when,
                finished_at=when,
            ),
        )
    page = client_browser.get("/progress/training/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Test Back Squat" in text
    assert "116.7\u00a0kg" in text  # 100 x (1 + 5/30), in the table
    assert "Quadriceps" in text
    assert 'id="p-charts"' in text
    assert client_browser.get("/progress/records/").status_code == 200


def test_the_back_office_panel_and_comment_page(
    business, client_browser, coach_browser, other_coach_browser, today_workout, client_record
):
    with tenant_context(business):
        p = prescription_of(today_workout)
    post(client_browser, batch(today_workout, [a_set(p)], finished_at=timezone.now().isoformat()))
    from django.template import engines
    from django.test import RequestFactory

    with tenant_context(business):
        log = WorkoutLog.objects.get()
        request = RequestFactory().get("/admin/")
        request.user = client_record.primary_coach
        request.tenant = business
        html = (
            engines["django"]
            .from_string('{% include "clients/backoffice/_panel_logs.html" %}')
            .render({"client": client_record, "request": request})
        )
    assert "1 of 1 workouts done" in html
    assert "Test Back Squat" in html
    # the stock change form is the review page now
    url = f"/admin/programs/workoutlog/{log.pk}/review/"
    change = coach_browser.get(f"/admin/programs/workoutlog/{log.pk}/change/")
    assert change.status_code == 302 and change["Location"] == url
    assert other_coach_browser.get(url).status_code == 404
    assert coach_browser.get(url).status_code == 200
    saved = coach_browser.post(url, {"action": "save", "comment": "Nice!"})
    assert saved.status_code == 302, saved.content.decode()[:2000]
    with tenant_context(business):
        log.refresh_from_db()
        assert log.coach_comment == "Nice!"
        assert log.commented_by_id == client_record.primary_coach_id


# --- telling the coach, finishing programs ---------------------------------------------


def test_finishing_the_last_workout_of_a_program_completes_it(
    business, client_browser, today_workout
):
    with tenant_context(business):
        p = prescription_of(today_workout)
        assignment = today_workout.assignment
    done = batch(today_workout, [a_set(p)], finished_at=timezone.now().isoformat())
    assert post(client_browser, done).status_code == 201
    with tenant_context(business):
        assignment.refresh_from_db()
        assert assignment.status == ProgramAssignment.Status.COMPLETED


def test_a_program_with_workouts_left_stays_active(business, client_browser, today_workout):
    with tenant_context(business):
        schedule(today_workout.client, today_workout.assignment.program, days_from_today=2, week=2)
        p = prescription_of(today_workout)
        assignment = today_workout.assignment
    post(client_browser, batch(today_workout, [a_set(p)], finished_at=timezone.now().isoformat()))
    with tenant_context(business):
        assignment.refresh_from_db()
        assert assignment.status == ProgramAssignment.Status.ACTIVE


def test_programs_a_week_past_their_last_workout_are_completed_and_recent_ones_kept(
    business, client_record, simple_program
):
    from programs.services.assignment import assignments_complete_due

    with tenant_context(business):
        old = schedule(client_record, simple_program, days_from_today=-8).assignment
        today = timezone.localdate()
        assert assignments_complete_due(today=today) == 1
        old.refresh_from_db()
        assert old.status == ProgramAssignment.Status.COMPLETED
        # a newer program whose last workout was yesterday is still active
        recent = ProgramAssignment.objects.create(
            client=client_record,
            program=simple_program,
            start_date=today,
            weekdays=[0],
            is_main=True,
        )
        ScheduledWorkout.objects.create(
            assignment=recent,
            client=client_record,
            day=old.workouts.get().day,
            week_number=1,
            date=today - datetime.timedelta(days=1),
        )
        assert assignments_complete_due(today=today) == 0


def test_the_coach_is_emailed_when_a_finished_workout_sets_records(
    business,
    client_browser,
    client_record,
    today_workout,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with tenant_context(business):
        p = prescription_of(today_workout)
    first = post(client_browser, batch(today_workout, [a_set(p, load="100")]))
    uuid_ = first.json()["workout"]["client_uuid"]
    with django_capture_on_commit_callbacks(execute=True):
        post(
            client_browser,
            batch(
                today_workout,
                [a_set(p, number=2, load="105")],
                uuid=uuid_,
                finished_at=timezone.now().isoformat(),
                notes="Felt strong",
            ),
        )
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [client_record.primary_coach.email]
    assert "personal record" in mail.subject
    assert "Test Back Squat" in mail.body and "Felt strong" in mail.body
    assert "/admin/programs/workoutlog/" in mail.body


def test_a_finished_workout_without_records_emails_nobody(
    business, client_browser, today_workout, mailoutbox, django_capture_on_commit_callbacks
):
    with tenant_context(business):
        p = prescription_of(today_workout)
    with django_capture_on_commit_callbacks(execute=True):
        post(
            client_browser, batch(today_workout, [a_set(p)], finished_at=timezone.now().isoformat())
        )
    assert mailoutbox == []


def test_the_back_office_home_lists_latest_workouts_of_your_own_clients_only(
    business, client_browser, coach_browser, other_coach_browser, today_workout
):
    with tenant_context(business):
        p = prescription_of(today_workout)
    post(client_browser, batch(today_workout, [a_set(p)], finished_at=timezone.now().isoformat()))
    mine = coach_browser.get("/admin/").content.decode()
    assert "Latest workouts" in mine and "Squat day" in mine
    theirs = other_coach_browser.get("/admin/").content.decode()
    assert "Squat day" not in theirs


# --- a workout of one's own ----------------------------------------------------------


def adhoc_form(workout_uuid, rows, **extra):
    data = {
        "workout_uuid": str(workout_uuid),
        "name": "Hotel gym",
        "minutes": "40",
        "notes": "",
        "rows-TOTAL_FORMS": "8",
        "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "8",
    }
    for i, row in enumerate(rows):
        data.update({f"rows-{i}-{key}": value for key, value in row.items()})
    return data | extra


def test_a_client_logs_a_workout_of_their_own_with_typed_names(
    business, client_browser, client_record
):
    assert client_browser.get("/workouts/new/").status_code == 200
    workout_uuid = uuid.uuid4()
    form = adhoc_form(
        workout_uuid,
        [
            {"exercise": "benchpress", "sets": "3", "reps": "8", "load": "60"},
            {"exercise": "rowing machine", "sets": "1", "minutes": "10"},
        ],
    )
    response = client_browser.post("/workouts/new/", form)
    assert response.status_code == 302
    assert response["Location"] == f"/workouts/log/{workout_uuid}/"
    # the same form sent twice stores it once
    assert client_browser.post("/workouts/new/", form).status_code == 302
    with tenant_context(business):
        log = WorkoutLog.objects.get(client_uuid=workout_uuid)
        assert log.client == client_record and log.scheduled is None
        assert log.name == "Hotel gym" and log.finished_at is not None
        sets = list(log.sets.select_related("catalog_exercise", "exercise"))
        assert len(sets) == 4
        names = {(s.catalog_exercise or s.exercise).name.lower() for s in sets}
        assert any("bench press" in n for n in names)
        cardio = [s for s in sets if s.duration_seconds]
        assert [s.duration_seconds for s in cardio] == [600]
    summary = client_browser.get(response["Location"])
    assert summary.status_code == 200 and "Hotel gym" in summary.content.decode()


def test_an_unknown_exercise_or_a_row_without_reps_is_a_form_error_and_nothing_is_stored(
    business, client_browser, client_record
):
    response = client_browser.post(
        "/workouts/new/",
        adhoc_form(
            uuid.uuid4(),
            [{"exercise": "zzqqxx blorf", "sets": "3", "reps": "8"}, {"exercise": "squat"}],
        ),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "is not in the library" in html and "Give the reps" in html
    empty = client_browser.post("/workouts/new/", adhoc_form(uuid.uuid4(), []))
    assert empty.status_code == 400 and "Add at least one exercise" in empty.content.decode()
    with tenant_context(business):
        assert not WorkoutLog.objects.exists()


def test_staff_are_sent_to_the_back_office_from_the_workout_form(coach_browser):
    assert coach_browser.get("/workouts/new/")["Location"] == "/admin/"


def test_beat_completes_programs_in_every_open_business_hourly(business):
    from django_celery_beat.models import PeriodicTask

    from programs.tasks.assignment import assignments_complete_fanout_task
    from tenants.models import Business

    beat = PeriodicTask.objects.get(
        task="programs.tasks.assignment.assignments_complete_fanout_task"
    )
    assert beat.enabled and beat.interval.every == 1 and beat.interval.period == "hours"
    Business.objects.filter(slug="zen").update(status="suspended")
    open_businesses = Business.objects.exclude(status__in=list(Business.LOCKED_STATUSES)).exclude(
        schema_name="public"
    )
    assert assignments_complete_fanout_task() == open_businesses.count()
