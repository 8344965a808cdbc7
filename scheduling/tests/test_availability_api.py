"""The API's availability: a coach's working week and time off, each coach their own
(the owner everyone's); overlapping hours and backwards times are 400s with the field;
time off takes its times out of the free slots."""

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from scheduling.models import TimeOff, WeeklyHours

from .conftest import at

pytestmark = pytest.mark.django_db


def _api(business, user) -> APIClient:
    api = APIClient(HTTP_HOST=f"{business.slug}.{settings.BASE_DOMAIN}")
    api.force_authenticate(user)
    return api


def test_a_coach_sets_their_own_week_and_not_anothers(tenant, coach, other_coach, owner_user):
    kai = _api(tenant, coach)
    listed = kai.get("/api/v1/weekly-hours/").json()
    assert [h["weekday"] for h in listed["results"]] == [0, 1, 2, 3, 4]

    added = kai.post("/api/v1/weekly-hours/", {"weekday": 5, "starts": "08:00", "ends": "12:00"})
    assert added.status_code == 201, added.json()
    assert added.json()["coach"] == coach.pk
    assert WeeklyHours.objects.filter(coach=coach, weekday=5).count() == 1

    overlap = kai.post("/api/v1/weekly-hours/", {"weekday": 5, "starts": "11:00", "ends": "13:00"})
    assert overlap.status_code == 400 and "overlap" in overlap.json()["starts"][0]
    backwards = kai.post(
        "/api/v1/weekly-hours/", {"weekday": 6, "starts": "13:00", "ends": "09:00"}
    )
    assert backwards.status_code == 400 and "after the start" in backwards.json()["ends"][0]

    # Kai cannot give Lou hours, nor see Lou's; the owner can do both
    theirs = kai.post(
        "/api/v1/weekly-hours/",
        {"coach": other_coach.pk, "weekday": 1, "starts": "09:00", "ends": "10:00"},
    )
    assert theirs.status_code == 403
    owner = _api(tenant, owner_user)
    given = owner.post(
        "/api/v1/weekly-hours/",
        {"coach": other_coach.pk, "weekday": 1, "starts": "09:00", "ends": "10:00"},
    )
    assert given.status_code == 201
    lous = WeeklyHours.objects.get(coach=other_coach)
    assert kai.get(f"/api/v1/weekly-hours/{lous.pk}/").status_code == 404
    assert kai.delete(f"/api/v1/weekly-hours/{lous.pk}/").status_code == 404
    changed = owner.patch(f"/api/v1/weekly-hours/{lous.pk}/", {"ends": "11:30"})
    assert changed.status_code == 200 and changed.json()["ends"] == "11:30:00"
    assert owner.delete(f"/api/v1/weekly-hours/{lous.pk}/").status_code == 204
    assert not WeeklyHours.objects.filter(coach=other_coach).exists()


def test_time_off_takes_times_out_of_the_slots(frozen, tenant, coach, one_to_one, cleo):
    kai = _api(tenant, coach)
    day = "/api/v1/session-types/{}/slots/?coach={}&start=2026-06-03&days=1"
    before = kai.get(day.format(one_to_one.pk, coach.pk))
    assert before.status_code == 200
    off = kai.post(
        "/api/v1/time-off/",
        {"starts_at": at(3, 9).isoformat(), "ends_at": at(3, 13).isoformat(), "note": "Dentist"},
    )
    assert off.status_code == 201, off.json()
    entry = TimeOff.objects.get(coach=coach)
    assert entry.kind == "off" and entry.note == "Dentist"
    after = kai.get(day.format(one_to_one.pk, coach.pk))
    # Kai's Wednesday: 09:00 to 16:00 London; off until 13:00, the first time is 13:00
    assert before.json()["times"][0] == at(3, 9).isoformat()
    assert after.json()["times"][0] == at(3, 13).isoformat()
    assert after.json()["times"][-1] == before.json()["times"][-1] == at(3, 16).isoformat()

    wrong = kai.post(
        "/api/v1/time-off/",
        {"starts_at": at(4, 13).isoformat(), "ends_at": at(4, 9).isoformat()},
    )
    assert wrong.status_code == 400 and "after the start" in wrong.json()["ends_at"][0]
    assert kai.delete(f"/api/v1/time-off/{entry.pk}/").status_code == 204
    assert not TimeOff.objects.exists()


def test_clients_cannot_read_or_write_hours(tenant, coach, client_user):
    cleo = _api(tenant, client_user)
    assert cleo.get("/api/v1/weekly-hours/").status_code == 403
    assert cleo.post("/api/v1/time-off/", {}).status_code == 403
