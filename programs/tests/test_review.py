"""The coach's review of a logged workout (target against actual per set, by the
exercise's measurement kind), the comment, and telling the client: one e-mail, a
portal badge until they open the workout. Who may review and comment."""

import datetime
import json
import re
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from programs.models import Block, Prescription, ProgramDay, SetLog, WorkoutLog
from programs.services.comments import workout_comment, workout_comment_notify

from .conftest import catalog_exercise
from .test_logging import a_set, batch, post, prescription_of, schedule

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 29, 9, 30, tzinfo=datetime.UTC)  # a Sunday


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    """The clock stands still: comment and read times are exact."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def today_workout(business, client_record, simple_program):
    with tenant_context(business):
        return schedule(client_record, simple_program)


@pytest.fixture
def plank(db):
    return catalog_exercise("Test Plank", measurement="time", category="strength")


@pytest.fixture
def logged(business, client_browser, today_workout):
    """Cleo's squat day: a warm-up, two of three working sets, notes and a rating."""
    with tenant_context(business):
        p = prescription_of(today_workout)
    sets = [
        a_set(p, number=1, reps=5, load="40", is_warmup=True),
        a_set(p, number=1, reps=5, load="60", rpe="7"),
        a_set(p, number=2, reps=4, load="62.5", note="Knee felt odd"),
    ]
    body = batch(
        today_workout, sets, finished_at=NOW.isoformat(), notes="Legs were heavy.", rating=4
    )
    assert post(client_browser, body).status_code == 201
    with tenant_context(business):
        return WorkoutLog.objects.get()


def review_url(log) -> str:
    return f"/admin/programs/workoutlog/{log.pk}/review/"


def text_of(response) -> str:
    """The page's visible text, tags stripped, spaces squeezed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("\u00a0", " ").split())


# --- the page -----------------------------------------------------------------------------


def test_the_review_shows_target_against_actual_for_each_set(coach_browser, logged):
    page = coach_browser.get(review_url(logged))
    assert page.status_code == 200
    text = text_of(page)
    assert "Test Back Squat" in text
    assert "Target 3 × 5 · 60 kg" in text
    # set by set: the target, then what was done
    assert "1 5 reps · 60 kg 60 kg × 5 @ RPE 7" in text
    assert "2 5 reps · 60 kg 62.5 kg × 4" in text
    assert "“Knee felt odd”" in text
    assert "3 5 reps · 60 kg Not logged" in text
    assert "Warm-up — 40 kg × 5" in text
    # the client's own words
    assert "Legs were heavy." in text and "4 of 5" in text
    # no stock change form
    assert "is warmup" not in text.lower() and "icon-no" not in page.content.decode()


def test_a_timed_exercise_reads_as_seconds_not_reps_and_none(
    business, client_browser, coach_browser, client_record, simple_program, plank
):
    with tenant_context(business):
        day = ProgramDay.objects.get(week__program=simple_program, position=1)
        block = Block.objects.create(day=day, position=2)
        Prescription.objects.create(
            block=block, position=1, catalog_exercise=plank, sets=3, duration_seconds=45
        )
        scheduled = schedule(client_record, simple_program)
        held = Prescription.objects.get(block=block)
    hold = {
        "client_uuid": str(uuid.uuid4()),
        "prescription": held.pk,
        "exercise": f"catalog:{plank.pk}",
        "set_number": 1,
        "duration_seconds": 50,
    }
    post(client_browser, batch(scheduled, [hold], finished_at=NOW.isoformat()))
    with tenant_context(business):
        log = WorkoutLog.objects.get()
    text = text_of(coach_browser.get(review_url(log)))
    assert "Test Plank" in text and "Target 3 × 45 s" in text
    assert "1 45 s 50 s" in text
    assert "None" not in text and "50 reps" not in text and "× None" not in text


def test_a_set_that_made_a_record_is_flagged(
    business, client_browser, coach_browser, client_record, simple_program, logged
):
    # an earlier squat day at 50 kg is the baseline: this workout's 60 kg set beats it
    earlier = NOW - datetime.timedelta(days=2)
    with tenant_context(business):
        before = schedule(client_record, simple_program, days_from_today=-2, week=2)
        p = prescription_of(before)
    base = a_set(p, number=1, reps=5, load="50") | {"logged_at": earlier.isoformat()}
    body = batch(before, [base], started_at=earlier.isoformat(), finished_at=earlier.isoformat())
    assert post(client_browser, body).status_code == 201
    text = text_of(coach_browser.get(review_url(logged)))
    assert "Personal records" in text
    # in the list, and on the row of the set that made it
    assert "PR Test Back Squat : Estimated 1RM" in text
    assert "60 kg × 5 @ RPE 7 PR Heaviest for 5 reps: 60 kg" in text
    assert "62.5 kg × 4 PR Estimated 1RM" in text


def test_the_workout_list_and_the_change_link_open_the_review(business, coach_browser, logged):
    listing = coach_browser.get("/admin/programs/workoutlog/")
    assert listing.status_code == 200
    assert review_url(logged) in listing.content.decode()
    change = coach_browser.get(f"/admin/programs/workoutlog/{logged.pk}/change/")
    assert change.status_code == 302 and change["Location"] == review_url(logged)


def test_the_client_record_links_to_the_review(business, coach_browser, logged, client_record):
    page = coach_browser.get(f"/admin/clients/client/{client_record.pk}/profile/training/")
    assert page.status_code == 200
    assert review_url(logged) in page.content.decode()


def test_the_review_runs_constant_queries(
    business, client_browser, coach_browser, logged, today_workout, django_assert_max_num_queries
):
    coach_browser.get(review_url(logged))  # warm the session and the site's caches
    with django_assert_max_num_queries(22):
        first = coach_browser.get(review_url(logged))
    with tenant_context(business):
        p = prescription_of(today_workout)
    more = [a_set(p, number=n, reps=5, load="60") for n in range(3, 9)]
    post(client_browser, batch(today_workout, more, uuid=str(logged.client_uuid)))
    with django_assert_max_num_queries(22):
        again = coach_browser.get(review_url(logged))
    assert first.status_code == again.status_code == 200


# --- who may open it and comment ------------------------------------------------------------


def test_another_coach_is_told_it_does_not_exist(other_coach_browser, logged):
    assert other_coach_browser.get(review_url(logged)).status_code == 404
    answer = other_coach_browser.post(review_url(logged), {"action": "save", "comment": "Hi"})
    assert answer.status_code == 404


def test_the_owner_reviews_any_client(owner_client, logged):
    page = owner_client.get(review_url(logged))
    assert page.status_code == 200
    assert "Test Back Squat" in page.content.decode()


def test_a_client_cannot_open_the_review(business, client_browser, logged):
    # the back office tells a signed-in client, there and then, that it is for staff;
    # nothing is shown or saved
    page = client_browser.get(review_url(logged))
    assert page.status_code == 403
    assert "This area is for staff" in page.content.decode()
    assert "Test Back Squat" not in page.content.decode()
    answer = client_browser.post(review_url(logged), {"action": "save", "comment": "me"})
    assert answer.status_code == 403
    with tenant_context(business):
        assert WorkoutLog.objects.get(pk=logged.pk).coach_comment == ""


def test_another_business_login_is_not_let_in(zen_client_browser, business, logged):
    page = zen_client_browser.get(review_url(logged))
    assert page.status_code in (302, 403)
    if page.status_code == 302:
        assert "/login/" in page["Location"]
    answer = zen_client_browser.post(review_url(logged), {"comment": "Hi"})
    assert answer.status_code in (302, 403)
    with tenant_context(business):
        assert WorkoutLog.objects.get(pk=logged.pk).coach_comment == ""


def test_the_service_refuses_a_coach_of_another_client(business, logged, other_coach):
    from django.core.exceptions import PermissionDenied

    with tenant_context(business), pytest.raises(PermissionDenied):
        workout_comment(log=logged, by=other_coach, comment="Hi")


def test_the_service_refuses_a_client(business, logged, client_user):
    from django.core.exceptions import PermissionDenied

    with tenant_context(business), pytest.raises(PermissionDenied):
        workout_comment(log=logged, by=client_user, comment="Nice one, me")


# --- the comment and the e-mail ---------------------------------------------------------------


def test_the_coach_comments_and_the_client_gets_one_branded_email(
    business, coach_browser, logged, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        saved = coach_browser.post(
            review_url(logged), {"action": "save", "comment": "Great depth today."}
        )
    assert saved.status_code == 302 and saved["Location"] == review_url(logged)
    with tenant_context(business):
        log = WorkoutLog.objects.get(pk=logged.pk)
        assert log.coach_comment == "Great depth today."
        assert log.commented_by.email == "coach@acme.test"
        assert log.commented_at == NOW and log.comment_mailed_at == NOW
        assert log.comment_seen_at is None
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["cli@acme.test"]
    assert business.name in mail.from_email and "MectoFitness" not in mail.from_email
    assert business.name in mail.subject and "Cora" in mail.subject
    assert f"/workouts/log/{log.client_uuid}/" in mail.body
    assert "Great depth today." in mail.body
    html = mail.alternatives[0][0]
    assert "Great depth today." in html and "Read it in your portal" in html
    # the task again (a retry, a duplicate): nothing more
    with tenant_context(business):
        assert workout_comment_notify(workout_id=log.pk) is False
    assert len(mailoutbox) == 1
    page = coach_browser.get(review_url(logged))
    assert "Great depth today." in page.content.decode()
    assert "not read yet" in text_of(page)


def test_an_edit_before_the_client_reads_it_sends_no_second_email(
    business, coach, logged, mailoutbox, django_capture_on_commit_callbacks
):
    with tenant_context(business):
        with django_capture_on_commit_callbacks(execute=True):
            workout_comment(log=logged, by=coach, comment="Great dpeth.")
        with django_capture_on_commit_callbacks(execute=True):
            workout_comment(log=logged, by=coach, comment="Great depth.")
    assert len(mailoutbox) == 1


def test_an_edit_after_the_client_read_it_is_news_again(
    business, coach, client_browser, logged, mailoutbox, django_capture_on_commit_callbacks
):
    with tenant_context(business), django_capture_on_commit_callbacks(execute=True):
        workout_comment(log=logged, by=coach, comment="Great depth.")
    client_browser.get(f"/workouts/log/{logged.client_uuid}/")
    with tenant_context(business), django_capture_on_commit_callbacks(execute=True):
        workout_comment(log=logged, by=coach, comment="Great depth. Add 2.5 kg next time.")
    assert len(mailoutbox) == 2


def test_a_failed_send_is_retried_and_then_sent_once(
    business, coach, logged, mailoutbox, monkeypatch
):
    from django.core.mail import EmailMessage

    with tenant_context(business):
        workout_comment(log=logged, by=coach, comment="Solid.")  # the task is not run here
        real_send = EmailMessage.send
        monkeypatch.setattr(
            EmailMessage, "send", lambda self, *a, **k: (_ for _ in ()).throw(OSError)
        )
        with pytest.raises(OSError):
            workout_comment_notify(workout_id=logged.pk)
        assert WorkoutLog.objects.get(pk=logged.pk).comment_mailed_at is None
        monkeypatch.setattr(EmailMessage, "send", real_send)
        assert workout_comment_notify(workout_id=logged.pk) is True
        assert workout_comment_notify(workout_id=logged.pk) is False
    assert len(mailoutbox) == 1


def test_an_empty_comment_is_refused_and_remove_takes_it_away(
    business, coach_browser, coach, logged
):
    empty = coach_browser.post(review_url(logged), {"action": "save", "comment": "   "})
    assert empty.status_code == 400
    assert "Write a comment" in empty.content.decode()
    long = coach_browser.post(review_url(logged), {"action": "save", "comment": "x" * 5001})
    assert long.status_code == 400
    with tenant_context(business):
        workout_comment(log=logged, by=coach, comment="Solid.")
    removed = coach_browser.post(review_url(logged), {"action": "delete"})
    assert removed.status_code == 302
    with tenant_context(business):
        log = WorkoutLog.objects.get(pk=logged.pk)
        assert log.coach_comment == "" and log.commented_by is None and log.commented_at is None


def test_a_comment_without_its_time_is_refused_by_the_database(business, logged):
    from django.db import IntegrityError, transaction

    with tenant_context(business), pytest.raises(IntegrityError), transaction.atomic():
        WorkoutLog.objects.filter(pk=logged.pk).update(coach_comment="No time")


# --- the portal: the badge, the comment in the history ----------------------------------------


def badge(page, label: str) -> int:
    """The unread count on the nav entry ``label`` (0 without a badge)."""
    html = page.content.decode()
    found = re.search(rf"<span>{label}</span><span class=\"nav-badge\" data-unread=\"(\d+)\"", html)
    return int(found.group(1)) if found else 0


def test_the_portal_badge_counts_new_comments_until_the_workout_is_opened(
    business, coach, client_browser, logged
):
    assert badge(client_browser.get("/workouts/"), "Workouts") == 0
    with tenant_context(business):
        workout_comment(log=logged, by=coach, comment="Great depth today.")
    workouts = client_browser.get("/workouts/")
    assert badge(workouts, "Workouts") == 1
    text = text_of(workouts)
    assert "New comment" in text and "Great depth today." in text
    assert badge(client_browser.get("/"), "Workouts") == 1  # on every portal page
    summary = client_browser.get(f"/workouts/log/{logged.client_uuid}/")
    assert "New comment" in text_of(summary) and "Great depth today." in text_of(summary)
    assert badge(summary, "Workouts") == 0
    with tenant_context(business):
        assert WorkoutLog.objects.get(pk=logged.pk).comment_seen_at == NOW
    again = client_browser.get("/workouts/")
    assert badge(again, "Workouts") == 0 and "New comment" not in text_of(again)
    assert "Great depth today." in text_of(again)  # the comment stays in the history


def test_a_badge_counts_only_this_clients_comments(
    business, coach, other_coach, client_browser, logged, stranger_record
):
    with tenant_context(business):
        other = WorkoutLog.objects.create(client=stranger_record, finished_at=NOW)
        workout_comment(log=other, by=other_coach, comment="For Sam")
    assert badge(client_browser.get("/workouts/"), "Workouts") == 0


# --- the API ------------------------------------------------------------------------------------


def api_comment(browser, log, text):
    return browser.post(
        f"/api/v1/workout-logs/{log.pk}/comment/",
        json.dumps({"comment": text}),
        content_type="application/json",
    )


def test_the_comment_endpoint_is_for_the_clients_staff(
    business,
    client_browser,
    coach_browser,
    other_coach_browser,
    zen_client_browser,
    logged,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    assert api_comment(client_browser, logged, "Me").status_code == 403
    assert api_comment(other_coach_browser, logged, "Hi").status_code == 404
    assert api_comment(zen_client_browser, logged, "Hi").status_code in (401, 403)
    assert api_comment(coach_browser, logged, "x" * 5001).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        done = api_comment(coach_browser, logged, "Great depth today.")
    assert done.status_code == 200, done.content
    assert done.json()["coach_comment"] == "Great depth today."
    assert done.json()["commented_at"]
    assert len(mailoutbox) == 1
    # the client's workout API shows it, new until read
    mine = client_browser.get(f"/api/v1/workout-logs/{logged.pk}/").json()
    assert mine["coach_comment"] == "Great depth today." and mine["comment_is_new"] is True
    seen = client_browser.post(f"/api/v1/workout-logs/{logged.pk}/comment-seen/")
    assert seen.status_code == 204
    mine = client_browser.get(f"/api/v1/workout-logs/{logged.pk}/").json()
    assert mine["comment_is_new"] is False
    assert coach_browser.post(f"/api/v1/workout-logs/{logged.pk}/comment-seen/").status_code == 403


def test_a_client_cannot_mark_another_clients_comment_read(
    business, coach, other_coach, client_browser, stranger_record
):
    with tenant_context(business):
        other = WorkoutLog.objects.create(client=stranger_record, finished_at=NOW)
        workout_comment(log=other, by=other_coach, comment="For Sam")
    assert client_browser.post(f"/api/v1/workout-logs/{other.pk}/comment-seen/").status_code == 404
    with tenant_context(business):
        assert WorkoutLog.objects.get(pk=other.pk).comment_seen_at is None


def test_patch_still_comments_through_the_same_service(
    business, coach_browser, logged, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        done = coach_browser.patch(
            f"/api/v1/workout-logs/{logged.pk}/",
            json.dumps({"coach_comment": "Nice."}),
            content_type="application/json",
        )
    assert done.status_code == 200
    assert len(mailoutbox) == 1
    with tenant_context(business):
        assert WorkoutLog.objects.get(pk=logged.pk).commented_at == NOW


def test_setlog_values_are_unchanged_by_a_comment(business, coach, logged):
    with tenant_context(business):
        before = list(SetLog.objects.order_by("pk").values_list("reps", "load_kg"))
        workout_comment(log=logged, by=coach, comment="Solid.")
        assert list(SetLog.objects.order_by("pk").values_list("reps", "load_kg")) == before
        assert before[1] == (5, Decimal("60.00"))
