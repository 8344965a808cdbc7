"""Opening a workout's summary changes nothing: the client's "Got it" (a POST) marks its
new personal records as seen (the coach's panel shows them "new" until then)."""

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from programs.models import PersonalRecord, WorkoutLog
from programs.tests.test_logging import a_set, batch, post, prescription_of, today_workout

pytestmark = pytest.mark.django_db

__all__ = ["today_workout"]  # the fixture, shared with test_logging


@pytest.fixture
def finished_log(business, client_browser, today_workout) -> WorkoutLog:
    """A finished workout whose second set is a new record."""
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
        assert log.records.filter(is_seen=False).exists()
    return log


def _unseen(business, log) -> int:
    with tenant_context(business):
        return PersonalRecord.objects.filter(workout=log, is_seen=False).count()


def test_opening_the_summary_leaves_the_records_new(business, client_browser, finished_log):
    before = _unseen(business, finished_log)
    page = client_browser.get(f"/workouts/log/{finished_log.client_uuid}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert f'action="/workouts/log/{finished_log.client_uuid}/records-seen/"' in text
    assert _unseen(business, finished_log) == before > 0


def test_got_it_marks_the_workouts_records_seen(business, client_browser, finished_log):
    response = client_browser.post(f"/workouts/log/{finished_log.client_uuid}/records-seen/")
    assert response.status_code == 302
    assert response["Location"] == f"/workouts/log/{finished_log.client_uuid}/"
    assert _unseen(business, finished_log) == 0
    page = client_browser.get(response["Location"]).content.decode()
    assert "records-seen" not in page


def test_marking_records_seen_takes_only_a_post(business, client_browser, finished_log):
    before = _unseen(business, finished_log)
    url = f"/workouts/log/{finished_log.client_uuid}/records-seen/"
    assert client_browser.get(url).status_code == 405
    assert _unseen(business, finished_log) == before


def test_another_client_cannot_mark_a_clients_records_seen(
    business, client_record, finished_log, stranger_record
):
    from clients.tests.conftest import _browser_for
    from clients.tests.factories import person_create

    with tenant_context(business):
        user = person_create(email="sam@acme.test", role="client", first_name="Sam")
        type(stranger_record).objects.filter(pk=stranger_record.pk).update(user=user)
    before = _unseen(business, finished_log)
    browser = _browser_for(business, user)
    url = f"/workouts/log/{finished_log.client_uuid}/records-seen/"
    assert browser.post(url).status_code == 404
    assert _unseen(business, finished_log) == before


def test_a_coach_cannot_mark_a_clients_records_seen(business, coach_browser, finished_log):
    before = _unseen(business, finished_log)
    coach_browser.post(f"/workouts/log/{finished_log.client_uuid}/records-seen/")
    assert _unseen(business, finished_log) == before
