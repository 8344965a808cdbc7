"""The scheduling API: free times, booking, moving, cancelling and attendance, with
field errors for impossible requests and each person seeing only what is theirs."""

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from .conftest import at, sessions_left

pytestmark = pytest.mark.django_db


def api_as(business, user):
    client = APIClient(HTTP_HOST=f"{business.slug}.{settings.BASE_DOMAIN}")
    client.force_authenticate(user)
    return client


def test_a_client_reads_free_times_books_moves_and_cancels(
    frozen, tenant, one_to_one, cleo, client_user
):
    api = api_as(tenant, client_user)
    slots = api.get(f"/api/v1/session-types/{one_to_one.pk}/slots/?start=2026-06-02&days=1")
    assert slots.status_code == 200
    assert slots.json()["times"][0] == at(2, 9).isoformat()

    made = api.post(
        "/api/v1/bookings/",
        {
            "session_type": one_to_one.pk,
            "coach": slots.json()["coach"],
            "starts_at": at(2, 9).isoformat(),
        },
        format="json",
    )
    assert made.status_code == 201, made.json()
    booking = made.json()["id"]
    assert sessions_left(cleo) == 2

    taken = api.post(
        "/api/v1/bookings/",
        {
            "session_type": one_to_one.pk,
            "coach": slots.json()["coach"],
            "starts_at": at(2, 9).isoformat(),
        },
        format="json",
    )
    assert taken.status_code == 400 and "starts_at" in taken.json()

    outside = api.post(
        f"/api/v1/bookings/{booking}/reschedule/",
        {"starts_at": at(2, 20).isoformat()},
        format="json",
    )
    assert outside.status_code == 400 and "not free" in outside.json()["starts_at"][0]
    moved = api.post(
        f"/api/v1/bookings/{booking}/reschedule/",
        {"starts_at": at(3, 11).isoformat()},
        format="json",
    )
    assert moved.status_code == 200 and moved.json()["starts_at"].startswith("2026-06-03T10:00")

    cancelled = api.post(f"/api/v1/bookings/{booking}/cancel/", {"reason": "Sick"}, format="json")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert sessions_left(cleo) == 3
    again = api.post(f"/api/v1/bookings/{booking}/cancel/", {}, format="json")
    assert again.status_code == 400 and "booking" in again.json()


def test_bad_queries_and_bodies_are_400_with_the_field(
    frozen, tenant, one_to_one, cleo, client_user
):
    api = api_as(tenant, client_user)
    for query, field in [("start=soon", "start"), ("days=99", "days"), ("coach=abc", "coach")]:
        answer = api.get(f"/api/v1/session-types/{one_to_one.pk}/slots/?{query}")
        assert answer.status_code == 400 and field in answer.json()
    missing = api.post("/api/v1/bookings/", {"session_type": one_to_one.pk}, format="json")
    assert missing.status_code == 400


def test_a_client_cannot_mark_attendance_or_see_another_clients_booking(
    frozen, tenant, one_to_one, coach, cleo, dana, client_user
):
    from scheduling.services.booking import session_book

    theirs = session_book(
        client=dana, session_type=one_to_one, coach=coach, starts_at=at(3, 10), by=coach
    )
    api = api_as(tenant, client_user)
    assert api.get(f"/api/v1/bookings/{theirs.pk}/").status_code == 404
    assert api.post(f"/api/v1/bookings/{theirs.pk}/cancel/", {}, format="json").status_code == 404
    assert [b["id"] for b in api.get("/api/v1/bookings/").json()["results"]] == []
    mine = session_book(
        client=cleo, session_type=one_to_one, coach=coach, starts_at=at(4, 10), by=coach
    )
    marked = api.post(
        f"/api/v1/bookings/{mine.pk}/attendance/", {"status": "attended"}, format="json"
    )
    assert marked.status_code == 403


def test_a_coach_sees_their_calendar_and_marks_a_no_show(
    frozen, tenant, one_to_one, coach, other_coach, cleo
):
    from scheduling.services.booking import session_book

    booking = session_book(
        client=cleo, session_type=one_to_one, coach=coach, starts_at=at(2, 10), by=coach
    )
    mine = api_as(tenant, coach)
    assert [a["id"] for a in mine.get("/api/v1/appointments/").json()["results"]] == [
        booking.appointment_id
    ]
    assert api_as(tenant, other_coach).get(f"/api/v1/bookings/{booking.pk}/").status_code == 404
    marked = mine.post(
        f"/api/v1/bookings/{booking.pk}/attendance/", {"status": "no_show"}, format="json"
    )
    assert marked.status_code == 200 and marked.json()["status"] == "no_show"
    wrong = mine.post(
        f"/api/v1/bookings/{booking.pk}/attendance/", {"status": "late"}, format="json"
    )
    assert wrong.status_code == 400 and "status" in wrong.json()


def test_only_the_owner_changes_session_types(tenant, one_to_one, coach, owner_user):
    body = {"name": "Small group", "capacity": 4, "payment": "free", "coaches": [coach.pk]}
    assert (
        api_as(tenant, coach).post("/api/v1/session-types/", body, format="json").status_code == 403
    )
    made = api_as(tenant, owner_user).post("/api/v1/session-types/", body, format="json")
    assert made.status_code == 201 and made.json()["capacity"] == 4
    public = api_as(tenant, owner_user).patch(
        f"/api/v1/session-types/{one_to_one.pk}/", {"is_public": True}, format="json"
    )
    assert public.status_code == 400 and "is_public" in public.json()
