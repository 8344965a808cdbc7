"""Who hears of what: each producer notifies the right person, with a link to the right
page, and nobody else (not another coach, another client or another business)."""

import datetime as dt

import pytest

from notifications.models import Kind, Notification

from .conftest import NOW

pytestmark = pytest.mark.django_db


def test_a_clients_message_notifies_her_coach_not_herself_or_others(cleo, kai, lou, cleo_user):
    from messaging.services import client_thread_get_or_create, message_send

    thread = client_thread_get_or_create(client=cleo, by=cleo_user, now=NOW)
    message = message_send(thread=thread, body="Easy 5 km", by=cleo_user, now=NOW)

    [note] = Notification.objects.all()
    assert (note.user, note.kind, note.key) == (kai, Kind.MESSAGE, f"message:{message.pk}")
    assert note.url == f"/admin/messaging/inbox/{thread.pk}/"
    assert note.body == "Easy 5 km"


def test_a_coachs_message_notifies_the_client_with_the_portal_link(cleo, kai, cleo_user):
    from messaging.services import client_thread_get_or_create, message_send

    thread = client_thread_get_or_create(client=cleo, by=kai, now=NOW)
    message_send(thread=thread, body="How was the run?", by=kai, now=NOW)

    [note] = Notification.objects.all()
    assert (note.user, note.url) == (cleo_user, f"/messages/{thread.pk}/")


def test_a_coachs_workout_comment_notifies_the_client_only(cleo, kai, cleo_user, sam):
    from programs.models import WorkoutLog
    from programs.services.comments import workout_comment

    log = WorkoutLog.objects.create(client=cleo, started_at=NOW, finished_at=NOW)
    workout_comment(log=log, by=kai, comment="Great depth on the squats")

    [note] = Notification.objects.all()
    assert (note.user, note.kind) == (cleo_user, Kind.COMMENT)


# --- one helper: who got what -------------------------------------------------------------


def told(kind: str) -> dict:
    """``{person: link}`` of the notifications of ``kind`` at acme (the test's tenant),
    every link a page of the business's site."""
    from django.urls import resolve

    notes = list(Notification.objects.filter(kind=kind).select_related("user"))
    for note in notes:
        resolve(note.url, urlconf="mectofitness.urls_tenant")  # a real page, not a 404
    found = {note.user: note.url for note in notes}
    assert len(found) == len(notes), "someone was told twice"
    return found


def nothing_at_zen(other_business) -> None:
    from django_tenants.utils import tenant_context

    with tenant_context(other_business):
        assert not Notification.objects.exists()


# --- check-ins ----------------------------------------------------------------------------


@pytest.fixture
def weekly_plan(tenant, owner_user):
    import datetime as dt

    from clients.models import CheckInPlan
    from clients.selectors_intake import business_today
    from clients.services.intake_questionnaires import questionnaire_from_starter

    questionnaire = questionnaire_from_starter(by=owner_user, starter="weekly_checkin")
    return CheckInPlan.objects.create(
        questionnaire=questionnaire,
        period_days=7,
        starts_on=business_today() - dt.timedelta(days=14),
        is_active=True,
    )


def checkin_send(plan, client, capture):
    from clients.services.checkins import checkin_response_start
    from clients.services.intake_answers import response_save

    answers = {"energy": 7, "sleep": 6, "adherence": "Most of them", "wins": "Slept well"}
    with capture(execute=True):
        response = checkin_response_start(plan=plan, client=client)
        return response_save(response=response, answers=answers, submit=True)


def test_a_sent_check_in_tells_the_clients_coach_only(
    frozen,
    weekly_plan,
    cleo,
    kai,
    lou,
    sam,
    owner_user,
    other_business,
    django_capture_on_commit_callbacks,
):
    response = checkin_send(weekly_plan, cleo, django_capture_on_commit_callbacks)

    # Kai, on the check-in's review page; not Lou (Sam's coach), the owner, or a client
    assert told(Kind.CHECKIN_REVIEW) == {kai: f"/admin/clients/response/{response.pk}/review/"}
    nothing_at_zen(other_business)


def test_a_check_in_of_a_client_without_a_coach_tells_the_owners(
    frozen, weekly_plan, cleo, kai, owner_user, django_capture_on_commit_callbacks
):
    cleo.primary_coach = None
    cleo.save(update_fields=["primary_coach"])
    response = checkin_send(weekly_plan, cleo, django_capture_on_commit_callbacks)

    assert told(Kind.CHECKIN_REVIEW) == {
        owner_user: f"/admin/clients/response/{response.pk}/review/"
    }


def test_a_coachs_reply_to_a_check_in_tells_that_client_only(
    frozen,
    weekly_plan,
    cleo,
    cleo_user,
    kai,
    sam,
    sam_user,
    other_business,
    django_capture_on_commit_callbacks,
):
    from clients.services.checkins import checkin_review

    response = checkin_send(weekly_plan, cleo, django_capture_on_commit_callbacks)
    checkin_review(response=response, by=kai, comment="Great week, keep it up")
    checkin_review(response=response, by=kai, comment="Great week, keep it up")  # again

    assert told(Kind.COMMENT) == {cleo_user: "/check-ins/"}
    [note] = Notification.objects.filter(kind=Kind.COMMENT)
    assert note.title == "Kai replied to your check-in"
    nothing_at_zen(other_business)


def test_another_coach_cannot_reply_and_nobody_hears_of_it(
    frozen, weekly_plan, cleo, lou, django_capture_on_commit_callbacks
):
    from django.core.exceptions import PermissionDenied

    from clients.services.checkins import checkin_review

    response = checkin_send(weekly_plan, cleo, django_capture_on_commit_callbacks)
    with pytest.raises(PermissionDenied):
        checkin_review(response=response, by=lou, comment="Not my client")
    assert told(Kind.COMMENT) == {}


# --- workouts with records ----------------------------------------------------------------


def test_a_workout_with_records_tells_the_clients_coach_only(
    cleo, kai, lou, cleo_user, sam, other_business
):
    from decimal import Decimal

    from programs.models import PersonalRecord, WorkoutLog
    from programs.services.logging import workout_coach_notify
    from programs.tests.conftest import catalog_exercise

    squat = catalog_exercise("Test Back Squat")
    log = WorkoutLog.objects.create(client=cleo, started_at=NOW, finished_at=NOW)
    for kind, value in (("e1rm", "120"), ("volume", "2400")):
        PersonalRecord.objects.create(
            client=cleo, catalog_exercise=squat, kind=kind, value=Decimal(value), workout=log
        )

    assert workout_coach_notify(log=log) is True
    assert workout_coach_notify(log=log) is True  # the task again: still one notification

    assert told(Kind.RECORDS) == {kai: f"/admin/programs/workoutlog/{log.pk}/review/"}
    [note] = Notification.objects.filter(kind=Kind.RECORDS)
    assert note.title == "Cleo Martin set 2 personal record(s)"
    nothing_at_zen(other_business)


def test_a_workout_without_records_tells_nobody(cleo, kai):
    from programs.models import WorkoutLog
    from programs.services.logging import workout_coach_notify

    log = WorkoutLog.objects.create(client=cleo, started_at=NOW, finished_at=NOW)
    assert workout_coach_notify(log=log) is False
    assert not Notification.objects.exists()


# --- bookings ------------------------------------------------------------------------------


@pytest.fixture
def session_type(tenant, kai, lou):
    from scheduling.models import SessionType, WeeklyHours

    for coach in (kai, lou):
        for weekday in range(5):
            WeeklyHours.objects.create(
                coach=coach, weekday=weekday, starts=dt.time(9), ends=dt.time(17)
            )
    kind = SessionType.objects.create(
        name="Personal training", duration_minutes=60, payment=SessionType.Payment.FREE
    )
    kind.coaches.add(kai, lou)
    return kind


def at(day: int, hour: int) -> dt.datetime:
    """June 2026 at ``hour`` UTC (acme keeps UTC)."""
    return dt.datetime(2026, 6, day, hour, tzinfo=dt.UTC)


@pytest.fixture
def booked(frozen, session_type, cleo, cleo_user, kai, django_capture_on_commit_callbacks):
    from scheduling.services.booking import session_book

    with django_capture_on_commit_callbacks(execute=True):
        return session_book(
            client=cleo,
            session_type=session_type,
            coach=kai,
            starts_at=at(3, 10),
            by=cleo_user,
            now=NOW,
        )


def test_a_booking_tells_its_client_and_its_coach_only(
    booked, cleo_user, kai, lou, sam, sam_user, owner_user, other_business
):
    assert told(Kind.BOOKING) == {
        cleo_user: "/sessions/",
        kai: f"/admin/scheduling/calendar/{booked.appointment_id}/",
    }
    titles = set(Notification.objects.values_list("title", flat=True))
    assert titles == {"Booked: Personal training", "Cleo Martin booked Personal training"}
    nothing_at_zen(other_business)


def test_a_cancellation_tells_its_client_and_its_coach_once_more(
    booked, cleo_user, kai, django_capture_on_commit_callbacks
):
    from scheduling.services.booking import booking_cancel

    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booked, by=cleo_user, now=NOW, reason="Away")

    assert set(told(Kind.BOOKING)) == {cleo_user, kai}
    assert Notification.objects.filter(title__startswith="Cancelled").get().user == cleo_user


def test_a_session_handed_to_another_coach_tells_the_client_and_both_coaches(
    booked, cleo_user, kai, lou, owner_user, django_capture_on_commit_callbacks
):
    from scheduling.services.booking import booking_reschedule

    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        booking_reschedule(booking=booked, starts_at=at(4, 14), by=owner_user, coach=lou, now=NOW)

    assert told(Kind.BOOKING) == {
        cleo_user: "/sessions/",
        lou: f"/admin/scheduling/calendar/{booked.appointment_id}/",
        kai: "/admin/scheduling/calendar/",
    }


# --- a failed payment ------------------------------------------------------------------------


def test_a_failed_renewal_tells_that_client_and_the_owner_only(
    cleo, cleo_user, kai, sam_user, owner_user, other_business
):
    from billing.models import Product, Purchase
    from billing.services.subscriptions import subscription_invoice_failed
    from billing.tests.factories import ProductFactory

    monthly = ProductFactory(name="Monthly coaching", kind=Product.Kind.MONTHLY, amount=9000)
    Purchase.objects.create(
        client=cleo,
        product=monthly,
        status=Purchase.Status.ACTIVE,
        amount=9000,
        currency=monthly.currency,
        stripe_subscription_id="sub_cleo",
    )
    invoice = {
        "id": "in_cleo_1",
        "subscription": "sub_cleo",
        "status": "open",
        "paid": False,
        "amount_due": 9000,
        "currency": "gbp",
        "created": int(NOW.timestamp()),
        "last_finalization_error": {"message": "Your card was declined."},
    }
    payment = subscription_invoice_failed(invoice=invoice)
    subscription_invoice_failed(invoice=invoice)  # Stripe delivers it again

    assert told(Kind.PAYMENT_FAILED) == {
        cleo_user: "/billing/",
        owner_user: f"/admin/billing/payment/{payment.pk}/change/",
    }
    assert set(Notification.objects.values_list("body", flat=True)) == {"Your card was declined."}
    nothing_at_zen(other_business)


def test_a_check_in_tells_every_coach_sharing_the_client(
    frozen, weekly_plan, cleo, kai, lou, owner_user, django_capture_on_commit_callbacks
):
    cleo.coaches.add(lou)
    response = checkin_send(weekly_plan, cleo, django_capture_on_commit_callbacks)

    link = f"/admin/clients/response/{response.pk}/review/"
    assert told(Kind.CHECKIN_REVIEW) == {kai: link, lou: link}


# --- a group's message: one notification each, in a few queries ------------------------------


def test_a_message_to_a_group_of_fifty_notifies_each_once_in_a_few_queries(
    kai, lou, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    from clients.tests.factories import ClientFactory, person_create
    from messaging.services import group_thread_create, message_send
    from notifications.models import Delivery

    people = [
        person_create(email=f"runner{n}@acme.test", role="client", first_name=f"Runner{n}")
        for n in range(50)
    ]
    clients = [
        ClientFactory(first_name=p.first_name, user=p, email=p.email, primary_coach=kai)
        for p in people
    ]
    thread = group_thread_create(title="Spring 10k", clients=clients, by=kai, now=NOW)
    ClientFactory(first_name="Sam", user=person_create(email="s@acme.test", role="client"))

    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        django_assert_max_num_queries(20),
    ):
        message = message_send(thread=thread, body="Race day is Sunday", by=kai, now=NOW)

    notes = Notification.objects.filter(key=f"message:{message.pk}")
    assert sorted(n.user_id for n in notes) == sorted(p.pk for p in people)  # not Kai, Lou, Sam
    assert {n.url for n in notes} == {f"/messages/{thread.pk}/"}
    assert {n.title for n in notes} == {"Kai wrote in Spring 10k"}
    # one delivery task for the batch, not one per person; it pushes to nobody (no browser)
    # and e-mails nobody now (a message is e-mailed later, only if still unread)
    assert len(callbacks) <= 3
    for callback in callbacks:
        callback()
    assert not Delivery.objects.exists()
