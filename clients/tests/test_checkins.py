"""Check-ins: when they are due, answering them in the portal, the coach's queue
and review, reminders."""

# fixtures come from test_intake_support (clients/tests/conftest.py is shared): F811
# ruff: noqa: F811

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context
from hypothesis import given
from hypothesis import strategies as st

from clients.models import CheckInPlan, Client, Response
from clients.selectors_intake import (
    business_today,
    checkin_period_start,
    checkin_previous,
    checkins_due_for,
)
from clients.services.checkins import checkin_response_start, checkin_review
from clients.services.intake_answers import response_save

from .test_intake_support import CHECKIN_ANSWERS, prefixed, weekly_plan  # noqa: F401

DAY = datetime.timedelta(days=1)


def _send(plan, client, *, on=None, answers=None) -> Response:
    response = checkin_response_start(plan=plan, client=client, on=on)
    return response_save(response=response, answers=answers or CHECKIN_ANSWERS, submit=True)


# --- periods ----------------------------------------------------------------------------


@given(
    start=st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2100, 1, 1)),
    period=st.integers(min_value=1, max_value=90),
    offset=st.integers(min_value=0, max_value=3000),
)
def test_the_period_contains_the_day_and_starts_on_the_grid(start, period, offset):
    plan = CheckInPlan(period_days=period, starts_on=start)
    day = start + datetime.timedelta(days=offset)
    begins = checkin_period_start(plan=plan, on=day)
    assert begins <= day < begins + datetime.timedelta(days=period)
    assert (begins - start).days % period == 0
    # every day of the same period maps to the same start
    assert (
        checkin_period_start(plan=plan, on=begins + datetime.timedelta(days=period - 1)) == begins
    )


@given(
    start=st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2100, 1, 1)),
    before=st.integers(min_value=1, max_value=400),
)
def test_there_is_no_period_before_the_plan_starts(start, before):
    plan = CheckInPlan(period_days=7, starts_on=start)
    assert checkin_period_start(plan=plan, on=start - datetime.timedelta(days=before)) is None


# --- due ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("tenant")
def test_an_active_client_is_due_until_they_answer_this_period(weekly_plan, client_record):
    today = business_today()
    (due,) = checkins_due_for(client=client_record, on=today)
    assert due.period_start == weekly_plan.starts_on + datetime.timedelta(days=14)
    _send(weekly_plan, client_record, on=today)
    assert checkins_due_for(client=client_record, on=today) == []
    # the next period starts 7 days after this one: due again
    assert len(checkins_due_for(client=client_record, on=due.period_start + 7 * DAY)) == 1


@pytest.mark.usefixtures("tenant")
def test_answering_the_previous_period_does_not_cover_this_one(weekly_plan, client_record):
    last_week = business_today() - 7 * DAY
    _send(weekly_plan, client_record, on=last_week)
    assert len(checkins_due_for(client=client_record)) == 1


@pytest.mark.usefixtures("tenant")
def test_a_draft_keeps_the_check_in_due(weekly_plan, client_record):
    draft = checkin_response_start(plan=weekly_plan, client=client_record)
    response_save(response=draft, answers={"energy": 5}, submit=False)
    (due,) = checkins_due_for(client=client_record)
    assert due.draft == draft


@pytest.mark.usefixtures("tenant")
@pytest.mark.parametrize("status", ["lead", "onboarding", "paused", "archived"])
def test_only_active_clients_are_due(weekly_plan, client_record, status):
    Client.objects.filter(pk=client_record.pk).update(status=status)
    client_record.refresh_from_db()
    assert checkins_due_for(client=client_record) == []


@pytest.mark.usefixtures("tenant")
def test_nothing_is_due_when_the_plan_is_off_or_not_started(weekly_plan, client_record):
    CheckInPlan.objects.filter(pk=weekly_plan.pk).update(is_active=False)
    assert checkins_due_for(client=client_record) == []
    CheckInPlan.objects.filter(pk=weekly_plan.pk).update(
        is_active=True, starts_on=business_today() + 3 * DAY
    )
    assert checkins_due_for(client=client_record) == []


@pytest.mark.usefixtures("tenant")
def test_a_check_in_is_sent_once_per_period(weekly_plan, client_record):
    _send(weekly_plan, client_record)
    with pytest.raises(ValidationError):  # nothing is due any more
        _send(weekly_plan, client_record)
    assert Response.objects.filter(client=client_record).count() == 1


# --- review -----------------------------------------------------------------------------------


@pytest.mark.usefixtures("tenant")
def test_the_coach_replies_and_marks_reviewed(weekly_plan, client_record, coach):
    response = _send(weekly_plan, client_record)
    checkin_review(response=response, by=coach, comment="Great week!", mark_reviewed=True)
    response.refresh_from_db()
    assert response.coach_comment == "Great week!"
    assert response.reviewed_by == coach and response.reviewed_at


@pytest.mark.usefixtures("tenant")
def test_another_coach_cannot_review(weekly_plan, client_record, other_coach):
    from django.core.exceptions import PermissionDenied

    response = _send(weekly_plan, client_record)
    with pytest.raises(PermissionDenied):
        checkin_review(response=response, by=other_coach, comment="Hi")


@pytest.mark.usefixtures("tenant")
def test_the_previous_check_in_is_the_one_before(weekly_plan, client_record):
    older = _send(weekly_plan, client_record, on=business_today() - 7 * DAY)
    newer = _send(weekly_plan, client_record)
    assert checkin_previous(response=newer) == older
    assert checkin_previous(response=older) is None


# --- portal -----------------------------------------------------------------------------------


def test_the_portal_prompts_the_due_check_in_and_sends_it(
    business, client_browser, weekly_plan, client_record
):
    page = client_browser.get("/check-ins/")
    assert page.status_code == 200
    assert "Your weekly check-in is due" in page.text
    assert "Your check-in is due" in client_browser.get("/").text

    form = client_browser.get(f"/check-ins/{weekly_plan.pk}/")
    assert "How was your energy this week?" in form.text
    saved = client_browser.post(
        f"/check-ins/{weekly_plan.pk}/", {"action": "save", **prefixed({"energy": "8"})}
    )
    assert saved.status_code == 302
    assert "Continue check-in" in client_browser.get("/check-ins/").text

    bad = client_browser.post(
        f"/check-ins/{weekly_plan.pk}/", {"action": "submit", **prefixed({"energy": "12"})}
    )
    assert bad.status_code == 400
    assert "Choose a number from 1 to 10." in bad.text

    sent = client_browser.post(
        f"/check-ins/{weekly_plan.pk}/",
        {"action": "submit", **prefixed({**CHECKIN_ANSWERS, "energy": "8"})},
    )
    assert sent.status_code == 302
    page = client_browser.get("/check-ins/")
    assert "You're all caught up" in page.text
    assert "Slept well" in page.text
    with tenant_context(business):
        assert Response.objects.get().status == Response.Status.SUBMITTED


def test_the_portal_shows_the_coachs_reply(
    business, client_browser, weekly_plan, client_record, coach
):
    with tenant_context(business):
        response = _send(weekly_plan, client_record)
        checkin_review(response=response, by=coach, comment="Lovely consistency, Cleo.")
    page = client_browser.get("/check-ins/")
    assert "Lovely consistency, Cleo." in page.text and "Cora replied" in page.text


def test_a_check_in_already_sent_redirects_instead_of_duplicating(
    business, client_browser, weekly_plan, client_record
):
    data = {"action": "submit", **prefixed(CHECKIN_ANSWERS)}
    client_browser.post(f"/check-ins/{weekly_plan.pk}/", data)
    again = client_browser.post(f"/check-ins/{weekly_plan.pk}/", data)
    assert again.status_code == 302
    with tenant_context(business):
        assert Response.objects.count() == 1


def test_an_unknown_plan_is_a_404(client_browser):
    assert client_browser.get("/check-ins/999999/").status_code == 404


def test_the_zen_session_gets_no_check_ins_at_acme(zen_client_browser, weekly_plan):
    assert zen_client_browser.get("/check-ins/").status_code == 302


# --- back office --------------------------------------------------------------------------------


def test_the_queue_lists_my_clients_unreviewed_check_ins_oldest_first(
    business, coach_browser, weekly_plan, client_record, django_assert_max_num_queries
):
    from .factories import ClientFactory

    with tenant_context(business):
        second = ClientFactory(
            first_name="Zoe", last_name="Second", primary_coach=client_record.primary_coach
        )
        _send(weekly_plan, client_record)
        _send(weekly_plan, second)
    with django_assert_max_num_queries(15):
        page = coach_browser.get("/admin/clients/response/checkins/")
    assert page.status_code == 200
    assert page.text.index("Cleo Martin") < page.text.index("Zoe Second")


def test_the_queue_hides_other_coaches_clients(
    business, other_coach_browser, weekly_plan, client_record
):
    with tenant_context(business):
        _send(weekly_plan, client_record)
    page = other_coach_browser.get("/admin/clients/response/checkins/")
    assert "Cleo Martin" not in page.text and "All caught up" in page.text


def test_the_review_page_shows_the_previous_check_in_and_marks_reviewed(
    business, coach_browser, weekly_plan, client_record
):
    with tenant_context(business):
        _send(
            weekly_plan,
            client_record,
            on=business_today() - 7 * DAY,
            answers={**CHECKIN_ANSWERS, "energy": 3},
        )
        response = _send(weekly_plan, client_record, answers={**CHECKIN_ANSWERS, "energy": 9})
    url = f"/admin/clients/response/{response.pk}/review/"
    page = coach_browser.get(url)
    assert page.status_code == 200
    assert "9 / 10" in page.text and "3 / 10" in page.text
    done = coach_browser.post(url, {"action": "review", "comment": "Energy way up!"})
    assert done.status_code == 302
    with tenant_context(business):
        response.refresh_from_db()
        assert response.reviewed_at and response.coach_comment == "Energy way up!"


def test_another_coach_gets_a_404_on_the_review_page(
    business, other_coach_browser, weekly_plan, client_record
):
    with tenant_context(business):
        response = _send(weekly_plan, client_record)
    url = f"/admin/clients/response/{response.pk}/review/"
    assert other_coach_browser.get(url).status_code == 404
    assert other_coach_browser.post(url, {"action": "review"}).status_code == 404


def test_the_owner_schedules_check_ins_on_the_form_page(business, owner_client, owner):
    from clients.services.intake_questionnaires import questionnaire_from_starter

    with tenant_context(business):
        questionnaire = questionnaire_from_starter(by=owner, starter="weekly_checkin")
    url = f"/admin/clients/questionnaire/{questionnaire.pk}/change/"
    assert "Check-in schedule" in owner_client.get(url).text
    page = owner_client.post(
        url,
        {"action": "plan", "period_days": "14", "starts_on": "2025-01-06", "is_active": "on"},
    )
    assert page.status_code == 302
    with tenant_context(business):
        plan = CheckInPlan.objects.get(questionnaire=questionnaire)
        assert (plan.period_days, plan.is_active) == (14, True)
    bad = owner_client.post(url, {"action": "plan", "period_days": "0", "starts_on": "nope"})
    assert bad.status_code == 400


def test_archiving_a_check_in_form_stops_asking_it(business, owner, weekly_plan, client_record):
    from clients.services.intake_questionnaires import questionnaire_archive

    with tenant_context(business):
        questionnaire_archive(questionnaire=weekly_plan.questionnaire, by=owner)
        weekly_plan.refresh_from_db()
        assert weekly_plan.is_active is False
        assert checkins_due_for(client=client_record) == []


def test_the_schedules_list_refuses_switching_on_an_unpublished_check_in(
    business, owner_client, owner
):
    from clients.services.intake_questionnaires import questionnaire_create

    with tenant_context(business):
        draft = questionnaire_create(
            by=owner, title="Later", kind="checkin", fields=[{"label": "Q", "type": "number"}]
        )
    page = owner_client.post(
        "/admin/clients/checkinplan/add/",
        {
            "questionnaire": draft.pk,
            "period_days": "7",
            "starts_on": "2025-01-06",
            "is_active": "on",
        },
    )
    assert page.status_code == 200
    assert "Publish the check-in before switching it on." in page.text
    with tenant_context(business):
        assert not CheckInPlan.objects.exists()


def test_the_schedules_list_saves_and_deletes_through_the_service(
    business, owner_client, weekly_plan
):
    url = f"/admin/clients/checkinplan/{weekly_plan.pk}/change/"
    page = owner_client.post(
        url,
        {
            "questionnaire": weekly_plan.questionnaire_id,
            "period_days": "14",
            "starts_on": "2025-01-06",
            "is_active": "on",
        },
    )
    assert page.status_code == 302
    with tenant_context(business):
        weekly_plan.refresh_from_db()
        assert weekly_plan.period_days == 14
    delete = f"/admin/clients/checkinplan/{weekly_plan.pk}/delete/"
    assert owner_client.post(delete, {"post": "yes"}).status_code == 302
    with tenant_context(business):
        assert not CheckInPlan.objects.exists()


def test_the_client_panel_shows_recent_check_ins(
    business, owner_client, weekly_plan, client_record
):
    with tenant_context(business):
        _send(weekly_plan, client_record)
    page = owner_client.get(f"/admin/clients/client/{client_record.pk}/profile/forms/")
    assert "To review" in page.text


# --- reminders ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("tenant")
def test_reminders_go_to_clients_whose_check_in_became_due_today(
    weekly_plan, client_record, stranger_record
):
    from clients.tasks.checkins import checkin_reminders_send_task
    from mectofitness.testing import cache_clear

    cache_clear()
    today = weekly_plan.starts_on + 14 * DAY  # a period starts today
    from clients.services.checkins import checkin_reminders_send

    sent = checkin_reminders_send(on=today)
    assert sent == 1  # the stranger has no portal login
    assert mail.outbox[0].to == [client_record.email]
    assert "/check-ins/" in mail.outbox[0].body
    mail.outbox.clear()
    assert checkin_reminders_send(on=today + DAY) == 0  # not a period start
    _send(weekly_plan, client_record, on=today)
    assert checkin_reminders_send(on=today) == 0  # already answered
    assert checkin_reminders_task_runs_once(checkin_reminders_send_task)


def checkin_reminders_task_runs_once(task) -> bool:
    first, second = task(), task()
    return second == 0 and first >= 0


def test_beat_fans_the_reminders_out_to_each_open_business(business, weekly_plan, client_record):
    """The hourly beat task (registered by tenants/migrations/0005) queues one
    reminder task per open business, with that business's schema in its headers."""
    from django_celery_beat.models import PeriodicTask

    from clients.tasks.checkins import checkin_reminders_fanout_task
    from tenants.models import Business

    beat = PeriodicTask.objects.get(task="clients.tasks.checkins.checkin_reminders_fanout_task")
    assert beat.enabled and beat.interval.every == 1
    Business.objects.filter(slug="zen").update(status="suspended")
    open_businesses = Business.objects.exclude(status__in=list(Business.LOCKED_STATUSES)).exclude(
        schema_name="public"
    )
    assert checkin_reminders_fanout_task() == open_businesses.count()
