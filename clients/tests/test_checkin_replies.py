"""A coach's reply to a check-in reaches the client: one e-mail, and a portal badge
(and "New reply" on the check-in) until they open their check-ins."""

# fixtures come from test_intake_support (clients/tests/conftest.py is shared): F811
# ruff: noqa: F811

import datetime
import re

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from clients.models import Response
from clients.services.checkins import checkin_reply_notify, checkin_response_start, checkin_review
from clients.services.intake_answers import response_save

from .test_intake_support import CHECKIN_ANSWERS, weekly_plan  # noqa: F401

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 29, 9, 30, tzinfo=datetime.UTC)  # a Sunday


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def sent(business, weekly_plan, client_record) -> Response:
    """Cleo's check-in of this period, sent."""
    with tenant_context(business):
        response = checkin_response_start(plan=weekly_plan, client=client_record)
        return response_save(response=response, answers=CHECKIN_ANSWERS, submit=True)


def badge(page, label: str) -> int:
    found = re.search(
        rf"<span>{label}</span><span class=\"nav-badge\" data-unread=\"(\d+)\"",
        page.content.decode(),
    )
    return int(found.group(1)) if found else 0


def test_a_reply_mails_the_client_once_with_a_link_to_their_check_ins(
    business, coach, sent, mailoutbox, django_capture_on_commit_callbacks
):
    with tenant_context(business):
        with django_capture_on_commit_callbacks(execute=True):
            checkin_review(response=sent, by=coach, comment="Great week!", mark_reviewed=True)
        response = Response.objects.get(pk=sent.pk)
        assert response.replied_at == NOW and response.reply_mailed_at == NOW
        # the task again (a retry, a duplicate): nothing more
        assert checkin_reply_notify(response_id=sent.pk) is False
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["cli@acme.test"]
    assert business.name in mail.from_email and "MectoFitness" not in mail.from_email
    assert business.name in mail.subject and "Cora replied" in mail.subject
    assert "/check-ins/" in mail.body and "Great week!" in mail.body


def test_marking_reviewed_without_a_reply_sends_nothing(
    business, coach, sent, mailoutbox, django_capture_on_commit_callbacks
):
    with tenant_context(business), django_capture_on_commit_callbacks(execute=True):
        checkin_review(response=sent, by=coach, comment="", mark_reviewed=True)
    assert mailoutbox == []


def test_an_edited_reply_the_client_has_not_read_is_not_mailed_again(
    business, coach, sent, mailoutbox, django_capture_on_commit_callbacks
):
    with tenant_context(business):
        with django_capture_on_commit_callbacks(execute=True):
            checkin_review(response=sent, by=coach, comment="Grat week", mark_reviewed=False)
        with django_capture_on_commit_callbacks(execute=True):
            checkin_review(response=sent, by=coach, comment="Great week!", mark_reviewed=True)
    assert len(mailoutbox) == 1


def test_the_badge_shows_a_new_reply_until_the_check_ins_page_is_opened(
    business, coach, client_browser, sent
):
    assert badge(client_browser.get("/"), "Check-ins") == 0
    with tenant_context(business):
        checkin_review(response=sent, by=coach, comment="Great week!", mark_reviewed=True)
    home = client_browser.get("/")
    assert badge(home, "Check-ins") == 1
    assert badge(home, "More") == 1  # phones: check-ins sit under "More"
    page = client_browser.get("/check-ins/")
    html = page.content.decode()
    assert "New reply" in html and "Great week!" in html
    with tenant_context(business):
        assert Response.objects.get(pk=sent.pk).reply_seen_at == NOW
    assert badge(client_browser.get("/"), "Check-ins") == 0
    again = client_browser.get("/check-ins/").content.decode()
    assert "New reply" not in again and "Great week!" in again


def test_another_clients_reply_does_not_badge_this_client(
    business, other_coach, client_browser, weekly_plan, stranger_record
):
    with tenant_context(business):
        theirs = checkin_response_start(plan=weekly_plan, client=stranger_record)
        theirs = response_save(response=theirs, answers=CHECKIN_ANSWERS, submit=True)
        checkin_review(response=theirs, by=other_coach, comment="Sam's reply")
    assert badge(client_browser.get("/"), "Check-ins") == 0


def test_a_reply_without_its_time_is_refused_by_the_database(business, sent):
    with tenant_context(business), pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.filter(pk=sent.pk).update(coach_comment="No time")
