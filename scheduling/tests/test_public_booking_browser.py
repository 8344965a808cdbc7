"""A prospect books an intro call on a 360 px phone, without an account: the public page
fits the phone, every control has its label, and the times follow the zone they pick.
Screenshots land in artifacts/scheduling/."""

import datetime as dt

import pytest
from django_tenants.utils import tenant_context

from conftest import ARTIFACTS, BROWSER_MARKS

pytestmark = BROWSER_MARKS

SHOTS = ARTIFACTS / "scheduling"


@pytest.fixture
def intro_data(monkeypatch, committed):
    """Rio works every day 06:00-22:00 (acme's time) and offers a free intro call open to
    prospects. Committed; removed afterwards, with the lead the test makes."""
    from accounts.models import User
    from clients.models import Client
    from clients.tests.factories import person_create
    from scheduling.models import Appointment, Booking, SessionType, WeeklyHours
    from tenants.models import Business

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM beside Playwright
    business = Business.objects.get(slug="acme")
    with tenant_context(business):
        coach = person_create(email="rio.browser@acme.test", role="coach", first_name="Rio")
        for weekday in range(7):
            WeeklyHours.objects.create(
                coach=coach, weekday=weekday, starts=dt.time(6), ends=dt.time(22)
            )
        kind = SessionType.objects.create(
            name="Free intro call",
            description="Twenty minutes to meet and talk about your goals.",
            duration_minutes=20,
            payment="free",
            is_public=True,
            location_kind="online",
        )
        kind.coaches.add(coach)
    yield business
    with tenant_context(business):
        Booking.objects.filter(appointment__coach=coach).delete()
        Appointment.objects.filter(coach=coach).delete()
        Client.objects.filter(email__in=["pia@example.test", "quinn@example.test"]).delete()
        kind.delete()
        WeeklyHours.objects.filter(coach=coach).delete()
        User.objects.filter(pk=coach.pk).delete()


def fits(page, width):
    return page.evaluate("document.documentElement.scrollWidth") <= width


def shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_prospect_books_an_intro_call_on_a_phone(intro_data, live_site, browser):
    """Someone else takes the time while Pia types: she is told, picks another of the
    day's times on the same page, and her details are still there."""
    from clients.models import Client
    from scheduling.models import Booking, SessionType
    from scheduling.services.prospects import ProspectContact, prospect_book

    business = intro_data
    phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    phone.goto(live_site.business_url("acme", "/book/"))
    phone.get_by_role("heading", name=f"Book a call with {business.name}").wait_for()
    assert fits(phone, 360)
    shoot(phone, "public-types-360")
    phone.get_by_role("link", name="Choose a time for Free intro call").click()
    phone.get_by_label("Show times in").select_option("Asia/Tokyo")
    phone.get_by_role("button", name="Show times").click()
    phone.get_by_text("Times are in Asia/Tokyo").wait_for()
    phone.locator(".mfs-day").nth(2).click()
    phone.locator(".mfs-time").first.wait_for()
    assert fits(phone, 360)
    shoot(phone, "public-times-360")
    chosen = phone.locator(".mfs-time").first.inner_text()
    phone.locator(".mfs-time").first.click()

    phone.get_by_role("heading", name="Free intro call").wait_for()
    phone.get_by_label("Your name").fill("Pia Prospect")
    phone.get_by_label("E-mail address").fill("pia@example.test")
    phone.get_by_label("Anything you would like us to know? (optional)").fill("Hello!")
    phone.get_by_label(f"I agree that {business.name} keeps these details").check()
    assert fits(phone, 360)
    shoot(phone, "public-details-360")
    taken = dt.datetime.fromisoformat(
        phone.locator('input[name="starts_at"]').get_attribute("value")
    )
    with tenant_context(business):
        kind = SessionType.objects.get(name="Free intro call")
        prospect_book(
            session_type=kind,
            coach=kind.coaches.get(),
            starts_at=taken,
            contact=ProspectContact(name="Quinn Quick", email="quinn@example.test"),
        )
    phone.get_by_role("button", name="Book this call").click()
    phone.get_by_text("That time was just taken. Please choose another.").wait_for()
    assert phone.get_by_label("Your name").input_value() == "Pia Prospect"
    assert fits(phone, 360)
    shoot(phone, "public-taken-360")
    chosen = phone.locator(".mfp-radios label").first.inner_text()
    phone.locator(".mfp-radios label").first.click()
    phone.get_by_role("button", name="Book this call").click()
    phone.get_by_role("heading", name="You're booked").wait_for()
    text = phone.inner_text("main")
    assert chosen in text and "(Asia/Tokyo)" in text
    assert fits(phone, 360)
    shoot(phone, "public-booked-360")
    with tenant_context(business):
        lead = Client.objects.get(email="pia@example.test")
        assert lead.status == "lead" and lead.timezone == "Asia/Tokyo"
        assert Booking.objects.get(client=lead).appointment.note == "Hello!"
