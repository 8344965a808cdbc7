"""In a real browser: the owner publishes a form from a starter and copies its link;
a lead fills it on a phone; the answers show in the back office. Then a client
answers a check-in on a phone and their coach reviews it."""

import datetime

import pytest
from django_tenants.utils import tenant_context

from conftest import ARTIFACTS, BROWSER_MARKS, PASSWORD

pytestmark = BROWSER_MARKS

LEAD_EMAIL = "phone.lead@example.test"
CHECKIN_EMAIL = "checkin.client@acme.test"


@pytest.fixture
def forget_what_the_site_made(django_db_setup, django_db_blocker):
    """The live site commits to acme: remove it afterwards, once the browser is closed."""
    yield
    from accounts.models import User
    from clients.models import Client, Questionnaire, Response
    from tenants.models import Business

    with django_db_blocker.unblock(), tenant_context(Business.objects.get(slug="acme")):
        Response.objects.all().delete()
        Questionnaire.objects.all().delete()
        Client.objects.all().delete()
        User.objects.filter(email__in=[CHECKIN_EMAIL, "checkin.coach@acme.test"]).delete()


def _sign_in(page, live_site, email, path="/admin/"):
    page.goto(live_site.business_url("acme", path))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def test_a_lead_answers_a_starter_form_on_a_phone(forget_what_the_site_made, live_site, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    desk.grant_permissions(["clipboard-read", "clipboard-write"])
    owner = desk.new_page()
    _sign_in(owner, live_site, "owner@acme.test")
    owner.wait_for_url("**/admin/")

    owner.goto(live_site.business_url("acme", "/admin/clients/questionnaire/"))
    owner.screenshot(path=str(ARTIFACTS / "intake-forms-list-desktop.png"), full_page=True)
    starter = owner.locator(".mf-starter", has_text="Health questionnaire (PAR-Q)")
    starter.get_by_role("button", name="Use this template").click()
    owner.wait_for_url("**/change/")
    assert "is ready and published" in owner.content()

    owner.get_by_role("link", name="Edit questions").click()
    owner.wait_for_url("**/builder/")
    assert owner.locator(".mf-bq").count() == 9
    owner.screenshot(path=str(ARTIFACTS / "intake-builder-desktop.png"), full_page=True)
    owner.go_back()

    owner.get_by_role("button", name="Turn the link on").click()
    owner.wait_for_load_state()
    owner.get_by_role("button", name="Copy link").click()
    owner.get_by_text("Link copied").wait_for()
    link = owner.get_by_label("Link to this form").input_value()
    assert "/f/" in link
    owner.screenshot(path=str(ARTIFACTS / "intake-form-page-desktop.png"), full_page=True)

    phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    phone.goto(link)
    assert "Health questionnaire (PAR-Q)" in phone.content()
    # sending it empty shows clear errors, not a crash
    phone.get_by_role("button", name="Send my answers").click()
    phone.get_by_text("Please tell us your first name.").first.wait_for()
    phone.screenshot(path=str(ARTIFACTS / "intake-public-errors-phone.png"), full_page=True)

    phone.get_by_label("First name").fill("Petra")
    phone.get_by_label("Last name").fill("Phone")
    phone.get_by_label("E-mail address").fill(LEAD_EMAIL)
    for group in phone.locator("fieldset.mf-q:has(.mf-options--yes_no)").all():
        group.get_by_text("No", exact=True).click()
    phone.locator("fieldset.mf-q:has(.mf-options--yes_no)").nth(4).get_by_text(
        "Yes", exact=True
    ).click()
    phone.get_by_label("If you answered yes to any question, tell us more").fill(
        "Old knee injury, cleared by my physio."
    )
    phone.get_by_label("I have read this and I agree").check()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=str(ARTIFACTS / "intake-public-form-phone.png"), full_page=True)
    phone.get_by_role("button", name="Send my answers").click()
    phone.wait_for_url("**/thanks/")
    assert "Thank you!" in phone.content()
    phone.screenshot(path=str(ARTIFACTS / "intake-public-thanks-phone.png"), full_page=True)

    owner.goto(live_site.business_url("acme", "/admin/clients/response/"))
    assert "Petra Phone" in owner.content()
    owner.get_by_role("link", name="Petra Phone").click()
    owner.wait_for_url("**/change/")
    assert "Old knee injury, cleared by my physio." in owner.content()
    assert "I have read, understood and answered" in owner.content()
    owner.screenshot(path=str(ARTIFACTS / "intake-answers-desktop.png"), full_page=True)


@pytest.fixture
def checkin_people(forget_what_the_site_made, django_db_blocker):
    """A coach, their active client with a login, and a weekly check-in that is due.
    Made before the browser starts (Playwright's event loop forbids the ORM)."""
    from accounts.models import User
    from clients.models import CheckInPlan, Client
    from clients.selectors_intake import business_today
    from clients.services.intake_questionnaires import questionnaire_from_starter
    from tenants.models import Business

    from .factories import ClientFactory, person_create

    with django_db_blocker.unblock(), tenant_context(Business.objects.get(slug="acme")):
        owner = User.objects.get(email="owner@acme.test")
        coach = person_create(email="checkin.coach@acme.test", role="coach", first_name="Cora")
        user = person_create(email=CHECKIN_EMAIL, role="client", first_name="Cleo")
        ClientFactory(
            user=user,
            first_name="Cleo",
            last_name="Checkin",
            email=CHECKIN_EMAIL,
            primary_coach=coach,
            status=Client.Status.ACTIVE,
        )
        questionnaire = questionnaire_from_starter(by=owner, starter="weekly_checkin")
        CheckInPlan.objects.create(
            questionnaire=questionnaire,
            period_days=7,
            starts_on=business_today() - datetime.timedelta(days=3),
        )


def test_a_client_checks_in_on_a_phone_and_the_coach_reviews(checkin_people, live_site, browser):
    phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    _sign_in(phone, live_site, CHECKIN_EMAIL, path="/accounts/login/")
    phone.wait_for_url(live_site.business_url("acme", "/"))
    assert "Your check-in is due" in phone.content()
    phone.screenshot(path=str(ARTIFACTS / "checkins-home-phone.png"), full_page=True)
    phone.goto(live_site.business_url("acme", "/check-ins/"))
    phone.screenshot(path=str(ARTIFACTS / "checkins-due-phone.png"), full_page=True)
    phone.get_by_role("link", name="Start check-in").click()
    energy = phone.locator("fieldset.mf-q", has_text="How was your energy this week?")
    energy.get_by_label("8", exact=True).check()
    sleep = phone.locator("fieldset.mf-q", has_text="How well did you sleep?")
    sleep.get_by_label("6", exact=True).check()
    phone.get_by_text("Most of them").click()
    phone.get_by_label("What went well?").fill("Hit every squat session.")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=str(ARTIFACTS / "checkins-form-phone.png"), full_page=True)
    phone.get_by_role("button", name="Send check-in").click()
    phone.wait_for_url("**/check-ins/")
    assert "all caught up" in phone.content()

    desk = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    _sign_in(desk, live_site, "checkin.coach@acme.test")
    desk.wait_for_url("**/admin/")
    desk.goto(live_site.business_url("acme", "/admin/clients/response/checkins/"))
    assert "Cleo Checkin" in desk.content()
    desk.screenshot(path=str(ARTIFACTS / "checkins-queue-desktop.png"), full_page=True)
    desk.get_by_role("link", name="Review Cleo Checkin's check-in").click()
    desk.get_by_label("Your reply").fill("Brilliant week, Cleo. Keep the sleep going!")
    desk.screenshot(path=str(ARTIFACTS / "checkins-review-desktop.png"), full_page=True)
    desk.get_by_role("button", name="Mark reviewed").click()
    desk.wait_for_url("**/checkins/")
    assert "All caught up" in desk.content()

    phone.goto(live_site.business_url("acme", "/check-ins/"))
    assert "Brilliant week, Cleo." in phone.content()
    phone.screenshot(path=str(ARTIFACTS / "checkins-history-phone.png"), full_page=True)
