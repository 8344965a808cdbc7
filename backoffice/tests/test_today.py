"""Today, the back office's home (issue 17, item 2): what needs the person signed in
now, for the clients they look after; the owner may switch to everyone's. A new
business's owner sees a getting-started checklist ticked from what is there.

At acme: Kai coaches Cleo, Lou coaches Sam, the owner coaches Olly; each of them has a
day of work waiting (a check-in, a message, a missed workout, a record, a failed
payment) and a lead. The clock is frozen at NOW (``timezone.now``)."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.test import Client as Browser
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import Invitation, User
from backoffice.selectors import getting_started_state
from billing.models import BillingSettings, Payment
from clients.models import Client, Questionnaire, QuestionnaireVersion, Response
from clients.selectors import active_clients_by_week, client_queryset_for, client_queryset_own
from clients.tests.factories import ClientFactory, person_create
from messaging.models import Message, ReadState, Thread
from programs.catalog.models import Category
from programs.models import (
    Exercise,
    PersonalRecord,
    Program,
    ProgramAssignment,
    ProgramDay,
    ProgramWeek,
    ScheduledWorkout,
    WorkoutLog,
)
from programs.selectors.logging import workouts_logged_by_day
from scheduling.models import WeeklyHours
from tenants.routing import host_cache

pytestmark = pytest.mark.django_db

HOME = "/admin/"
NOW = dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC)  # a Wednesday, noon
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


def ago(days: float) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


def browser_for(business, user) -> Browser:
    browser = Browser(HTTP_HOST=f"{business.slug}.{settings.BASE_DOMAIN}")
    with tenant_context(business):
        browser.force_login(user)
    return browser


def work_for(client: Client, *, tag: str, now: dt.datetime = NOW) -> None:
    """A day of work around ``client``: a check-in to review, an unread message, two
    workouts missed this week, a record two days ago and a failed payment. ``tag`` is in
    each (the message, the program day, the exercise, the payment's failure)."""

    def before(days: float) -> dt.datetime:
        return now - dt.timedelta(days=days)

    today = now.date()
    questionnaire, _ = Questionnaire.objects.get_or_create(
        title="Weekly check-in", kind=Questionnaire.Kind.CHECKIN
    )
    version, _ = QuestionnaireVersion.objects.get_or_create(
        questionnaire=questionnaire, number=1, defaults={"published_at": before(90)}
    )
    Response.objects.create(
        version=version,
        client=client,
        status=Response.Status.SUBMITTED,
        submitted_at=before(1),
        period_start=today - dt.timedelta(days=7),
    )
    thread = Thread.objects.create(
        kind=Thread.Kind.CLIENT, client=client, last_message_at=before(0.1)
    )
    Message.objects.create(
        thread=thread,
        author=client.user,
        body=f"Message {tag}: knee is sore after Monday, should I skip lunges?",
        created_at=before(0.1),
    )
    program = Program.objects.create(name=f"Program {tag}", is_template=False, client=client)
    day = ProgramDay.objects.create(
        week=ProgramWeek.objects.create(program=program, number=1), position=1, name=f"Day {tag}"
    )
    assignment = ProgramAssignment.objects.create(
        client=client, program=program, start_date=today - dt.timedelta(days=20), weekdays=[0, 2]
    )
    for week, days_ago in enumerate((2, 5), start=1):
        ScheduledWorkout.objects.create(
            assignment=assignment,
            client=client,
            day=day,
            week_number=week,
            date=today - dt.timedelta(days=days_ago),
        )
    exercise = Exercise.objects.create(name=f"Squat {tag}", category=Category.STRENGTH)
    log = WorkoutLog.objects.create(
        client=client, name=f"Workout {tag}", started_at=before(2.1), finished_at=before(2)
    )
    PersonalRecord.objects.create(
        client=client, exercise=exercise, kind="e1rm", value=120, workout=log, achieved_at=before(2)
    )
    Payment.objects.create(
        client=client,
        amount=9900,
        currency="EUR",
        method=Payment.Method.CARD,
        status=Payment.Status.FAILED,
        failure_message=f"Card declined {tag}",
        created_at=before(3),
    )


@pytest.fixture
def acme(business):
    """Kai, Lou and the owner with their clients and their work; a lead each, and one
    lead nobody coaches."""
    with tenant_context(business):
        owner = User.objects.get(email="owner@acme.test")
        kai = person_create(email="kai@acme.test", role="coach", first_name="Kai")
        lou = person_create(email="lou@acme.test", role="coach", first_name="Lou")
        people = {"owner": owner, "kai": kai, "lou": lou}
        for name, coach in (("Cleo", kai), ("Sam", lou), ("Olly", owner)):
            login = person_create(email=f"{name.lower()}@acme.test", role="client", first_name=name)
            client = ClientFactory(
                first_name=name,
                last_name="Client",
                user=login,
                primary_coach=coach,
                status=Client.Status.ACTIVE,
                last_activity_at=ago(1),
            )
            work_for(client, tag=name)
            people[name] = client
            ClientFactory(
                first_name=f"{name}lead", last_name="Lead", status="lead", primary_coach=coach
            )
        ClientFactory(first_name="Una", last_name="Lead", status="lead", created_at=ago(1))
        return people


def page_of(browser, query: str = "") -> str:
    response = browser.get(HOME + query)
    assert response.status_code == 200
    return response.content.decode()


def section(page: str, key: str) -> str:
    """The HTML of one card of Today ("" when it is not there)."""
    found = re.search(rf'<section class="mf-td-card mf-td-card--{key}".*?</section>', page, re.S)
    return found.group(0) if found else ""


def test_a_coach_sees_only_the_work_of_their_own_clients(business, acme):
    page = page_of(browser_for(business, acme["kai"]))
    assert "Cleo Client" in section(page, "checkins")
    assert "Message Cleo: knee is sore" in section(page, "messages")
    assert "missed 2 workouts this week" in section(page, "attention")
    assert "Squat Cleo: Estimated 1RM 120\u00a0kg" in section(page, "records")
    assert "Cleolead Lead" in section(page, "leads")
    assert "Workout Cleo · 1 record" in section(page, "workouts")
    for other in ("Sam", "Olly", "Una"):
        assert other not in page


def test_each_item_links_to_where_it_is_done(business, acme):
    page = page_of(browser_for(business, acme["kai"]))
    with tenant_context(business):
        cleo = acme["Cleo"]
        checkin = Response.objects.get(client=cleo)
        thread = Thread.objects.get(client=cleo)
        log = WorkoutLog.objects.get(client=cleo)
    assert f'href="/admin/clients/response/{checkin.pk}/review/"' in section(page, "checkins")
    assert f'href="/admin/messaging/inbox/{thread.pk}/"' in section(page, "messages")
    assert f'href="/admin/clients/client/{cleo.pk}/profile/"' in section(page, "attention")
    assert f'href="/admin/programs/workoutlog/{log.pk}/review/"' in section(page, "records")
    assert 'href="/admin/clients/response/checkins/"' in section(page, "checkins")


def test_the_owner_sees_their_own_clients_and_those_nobody_coaches(business, acme):
    page = page_of(browser_for(business, acme["owner"]))
    assert "Olly Client" in section(page, "checkins")
    assert "Una Lead" in section(page, "leads")
    assert "Card declined Olly" in section(page, "payments")
    assert "Cleo" not in page and "Sam" not in page
    assert re.search(r'<a href="\?" aria-current="page">My clients</a>', page)


def test_the_owner_switches_to_everyones(business, acme):
    page = page_of(browser_for(business, acme["owner"]), "?scope=all")
    checkins = section(page, "checkins")
    assert all(f"{name} Client" in checkins for name in ("Cleo", "Sam", "Olly"))
    payments = section(page, "payments")
    assert all(f"Card declined {name}" in payments for name in ("Cleo", "Sam", "Olly"))
    assert re.search(r'<a href="\?scope=all" aria-current="page">Everyone', page)


def test_a_coach_cannot_switch_to_everyones(business, acme):
    page = page_of(browser_for(business, acme["kai"]), "?scope=all")
    assert "Cleo Client" in section(page, "checkins")
    assert "Sam" not in page and "Olly" not in page
    assert "scope=all" not in page  # no switch to offer


def test_failed_payments_show_to_a_coach_only_when_the_owner_allows_it(business, acme):
    kai = browser_for(business, acme["kai"])
    assert "Failed payments" not in page_of(kai)
    with tenant_context(business):
        BillingSettings.objects.update_or_create(pk=1, defaults={"coaches_see_billing": True})
    payments = section(page_of(kai), "payments")
    assert "Card declined Cleo" in payments and "Sam" not in payments


def test_a_failed_payment_made_good_since_is_not_listed(business, acme):
    with tenant_context(business):
        failed = Payment.objects.get(client=acme["Olly"], status="failed")
        invoice_paid = Payment.objects.create(
            client=acme["Olly"],
            amount=9900,
            currency="EUR",
            method=Payment.Method.CARD,
            status=Payment.Status.SUCCEEDED,
            paid_at=ago(1),
            created_at=ago(1),
        )
        # the same purchase: a retry that went through
        from billing.tests.factories import ProductFactory

        product = ProductFactory(name="Coaching")
        purchase = product.purchases.create(
            client=acme["Olly"], amount=9900, currency="EUR", status="active"
        )
        Payment.objects.filter(pk__in=[failed.pk, invoice_paid.pk]).update(purchase=purchase)
    page = page_of(browser_for(business, acme["owner"]))
    assert "Failed payments" not in section(page, "payments")
    assert "No failed payments." in page


def test_a_message_once_read_leaves_today(business, acme):
    kai = browser_for(business, acme["kai"])
    with tenant_context(business):
        thread = Thread.objects.get(client=acme["Cleo"])
        ReadState.objects.create(
            thread=thread, user=acme["kai"], last_read_message=thread.messages.last()
        )
    page = page_of(kai)
    assert section(page, "messages") == "" and "No unread messages." in page


def test_a_record_beaten_twice_in_a_workout_is_one_achievement(business, acme):
    with tenant_context(business):
        first = PersonalRecord.objects.get(client=acme["Cleo"])
        for kind, value in (("e1rm", 125), ("volume", 3000)):
            PersonalRecord.objects.create(
                client=first.client,
                exercise=first.exercise,
                kind=kind,
                value=value,
                workout=first.workout,
                achieved_at=ago(2),
            )
    page = page_of(browser_for(business, acme["kai"]))
    assert "Workout Cleo · 2 records" in section(page, "workouts")
    # the best estimated 1RM leads, and the volume is one more
    assert "Estimated 1RM 125\u00a0kg · 1 more record" in section(page, "records")


def test_a_client_quiet_for_two_weeks_is_one_to_check_on_but_a_new_one_is_not(business, acme):
    with tenant_context(business):
        ClientFactory(
            first_name="Quinn",
            primary_coach=acme["kai"],
            last_activity_at=ago(20),
            status_changed_at=ago(60),
        )
        ClientFactory(
            first_name="Newt",
            primary_coach=acme["kai"],
            last_activity_at=None,
            status_changed_at=ago(3),
        )
    attention = section(page_of(browser_for(business, acme["kai"])), "attention")
    assert "quiet for 20 days" in attention and "Quinn" in attention
    assert "Newt" not in attention


def test_an_empty_day_is_one_calm_line_of_all_clear(business, acme):
    with tenant_context(business):
        nobody = person_create(email="ned@acme.test", role="coach", first_name="Ned")
    page = page_of(browser_for(business, nobody))
    assert 'class="mf-td-card' not in page
    assert "All clear: nothing needs you right now" in page
    for line in (
        "No sessions today.",
        "No check-ins waiting.",
        "No unread messages.",
        "No new leads.",
    ):
        assert line in page


def test_the_other_businesss_work_never_shows(business, other_business, acme):
    with tenant_context(other_business):
        zed = ClientFactory(first_name="Zed", last_name="Zen", status="active")
        work_for(zed, tag="Zed")
        ClientFactory(first_name="Zedlead", status="lead")
    page = page_of(browser_for(business, acme["owner"]), "?scope=all")
    assert "Zed" not in page
    assert "Sam Client" in section(page, "checkins")


# --- the getting-started checklist ----------------------------------------------------


def test_a_new_business_sees_the_checklist_instead_of_today(business):
    with tenant_context(business):
        owner = User.objects.get(email="owner@acme.test")
        Client.objects.all().delete()
    page = page_of(browser_for(business, owner))
    assert "Get your business ready" in page
    assert 'href="/admin/clients/client/add/">Add your first client</a>' in page
    assert "All clear" not in page and 'class="mf-td-card' not in page
    assert "My clients" not in page  # nothing to switch between yet
    assert "Workouts logged" not in page  # nor anything to chart


def test_the_checklist_ticks_each_step_from_what_is_there_and_goes_when_all_are_done(business):
    with tenant_context(business):
        owner = User.objects.get(email="owner@acme.test")
        Client.objects.all().delete()
        Program.objects.all().delete()
        WeeklyHours.objects.all().delete()
        Invitation.objects.filter(role="coach").delete()
        User.objects.filter(groups__name="coach").exclude(pk=owner.pk).delete()
    business.logo, business.primary_color = "", "#c2410c"
    business.stripe_account_id, business.stripe_charges_enabled = None, False
    business.save()
    owner_browser = browser_for(business, owner)
    with tenant_context(business):
        assert getting_started_state(business=business, user=owner) == dict.fromkeys(
            ["brand", "client", "program", "payments", "coach", "hours"], False
        )
    assert "0 of 6 done" in page_of(owner_browser)

    steps = [
        lambda: business.__class__.objects.filter(pk=business.pk).update(primary_color="#0f766e"),
        lambda: ClientFactory(first_name="First"),
        lambda: Program.objects.create(name="Starter"),
        lambda: business.__class__.objects.filter(pk=business.pk).update(
            stripe_account_id="acct_today", stripe_charges_enabled=True
        ),
        lambda: Invitation.objects.create(
            email="coach@new.test", role="coach", token_hash="t", expires_at=ago(-7)
        ),
        lambda: WeeklyHours.objects.create(
            coach=owner, weekday=0, starts=dt.time(9), ends=dt.time(17)
        ),
    ]
    for done, step in enumerate(steps, start=1):
        with tenant_context(business):
            step()
        host_cache.clear()  # the business is read afresh, as after its change's signal
        page = page_of(owner_browser)
        if done < len(steps):
            assert f"{done} of 6 done" in page
        else:
            assert "of 6 done" not in page and "Finish setting up" not in page
    assert "Invite a coach" not in page


def test_once_there_are_clients_the_checklist_is_one_short_card_above_today(business, acme):
    page = page_of(browser_for(business, acme["owner"]))
    assert "Finish setting up" in page and "Get your business ready" not in page
    start = page.index("Finish setting up")
    assert start < page.index('class="mf-td-card')
    # done steps are left out of the short card: Kai and Lou are on the team
    assert "Invite a coach" not in page[start : page.index('class="mf-td-card')]


def test_a_coach_never_sees_the_checklist(business, acme):
    page = page_of(browser_for(business, acme["kai"]))
    assert "Finish setting up" not in page and "Get your business ready" not in page


# --- the figures' charts --------------------------------------------------------------


def test_workouts_are_counted_per_day_in_the_business_time_zone(business, acme):
    with tenant_context(business):
        clients = client_queryset_for(user=acme["owner"])
        days = workouts_logged_by_day(
            clients=clients, start=TODAY - dt.timedelta(days=27), end=TODAY, tz=dt.UTC
        )
    assert len(days) == 28 and days[-1][0] == TODAY
    assert dict(days)[TODAY - dt.timedelta(days=2)] == 3  # Cleo's, Sam's and Olly's
    assert sum(n for _day, n in days) == 3


def test_active_clients_are_taken_back_through_the_pipeline(business, acme):
    from clients.models import ClientStatusChange

    with tenant_context(business):
        late = ClientFactory(first_name="Late", status="active")
        ClientStatusChange.objects.create(
            client=late, from_status="lead", to_status="active", changed_at=ago(10)
        )
        gone = ClientFactory(first_name="Gone", status="paused")
        ClientStatusChange.objects.create(
            client=gone, from_status="active", to_status="paused", changed_at=ago(3)
        )
        weeks = active_clients_by_week(
            clients=client_queryset_for(user=acme["owner"]), now=NOW, weeks=3
        )
    counts = [n for _at, n in weeks]
    # now: Cleo, Sam, Olly and Late; a week ago Gone too; two and three weeks ago not Late
    assert counts == [4, 4, 5, 4]


def test_the_owners_own_clients_are_theirs_and_those_nobody_coaches(business, acme):
    with tenant_context(business):
        own = set(client_queryset_own(user=acme["owner"]).values_list("first_name", flat=True))
        kais = set(client_queryset_own(user=acme["kai"]).values_list("first_name", flat=True))
    assert own == {"Olly", "Ollylead", "Una"}
    assert kais == {"Cleo", "Cleolead"}


def test_the_page_shows_the_figures_and_both_charts(business, acme):
    page = page_of(browser_for(business, acme["owner"]))
    assert "Workouts logged" in page and "3 in the last 7 days" in page
    assert "Active clients" in page and 'class="mf-td-spark__line"' in page
    assert "Sessions this week" in page


# --- speed ----------------------------------------------------------------------------


def test_today_costs_the_same_queries_however_much_there_is(
    business, acme, django_assert_max_num_queries
):
    owner = browser_for(business, acme["owner"])
    kai = browser_for(business, acme["kai"])
    page_of(owner, "?scope=all")  # warm the sessions
    page_of(kai)
    # the request's own (business, session, e-mail check, notifications), the checklist,
    # the figures (4), the clients in scope, the sessions (6), the messages (2), one per
    # other list and two for the charts; a coach asks for their role and the billing
    # switch instead of the checklist
    with django_assert_max_num_queries(26):
        page_of(owner, "?scope=all")
    with django_assert_max_num_queries(27):
        page_of(kai)
    with tenant_context(business):
        for n in range(6):
            coach = acme["kai"] if n % 2 else acme["lou"]
            more = ClientFactory(first_name=f"More{n}", primary_coach=coach, status="active")
            more.user = person_create(email=f"more{n}@acme.test", role="client")
            more.save()
            work_for(more, tag=f"More{n}")
    with django_assert_max_num_queries(26):
        page = page_of(owner, "?scope=all")
    assert "See all 9 check-ins waiting" in page
    with django_assert_max_num_queries(27):
        page_of(kai)
