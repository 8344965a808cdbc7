"""A client books a session on a 360 px phone, moves it and cancels it, and the pack's
balance follows; the pages fit the phone and a desktop. Screenshots land in
artifacts/scheduling/."""

import datetime as dt

import pytest
from django_tenants.utils import tenant_context

from conftest import ARTIFACTS, BROWSER_MARKS, PASSWORD

pytestmark = BROWSER_MARKS

EMAIL = "booker@acme.test"
SHOTS = ARTIFACTS / "scheduling"


@pytest.fixture
def booking_data(monkeypatch, committed):
    """Kai works every day 06:00-22:00 (acme's time), offers 1:1 training that costs a
    pack's session; Bea has a pack of five. Committed; removed afterwards."""
    from accounts.models import User
    from billing.models import Invoice, Payment, Product, Purchase, SessionUse
    from billing.services.payments import payment_record_offline
    from clients.models import Client
    from clients.tests.factories import person_create
    from scheduling.models import Appointment, Booking, SessionType, WeeklyHours
    from tenants.models import Business

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM beside Playwright
    business = Business.objects.get(slug="acme")
    with tenant_context(business):
        owner = User.objects.get(email="owner@acme.test")
        coach = person_create(email="kai.browser@acme.test", role="coach", first_name="Kai")
        for weekday in range(7):
            WeeklyHours.objects.create(
                coach=coach, weekday=weekday, starts=dt.time(6), ends=dt.time(22)
            )
        kind = SessionType.objects.create(
            name="1:1 Strength session", duration_minutes=60, location="Studio 2"
        )
        kind.coaches.add(coach)
        user = person_create(email=EMAIL, role="client", first_name="Bea")
        client = Client.objects.create(
            user=user, first_name="Bea", last_name="Booker", email=EMAIL, primary_coach=coach
        )
        pack = Product.objects.create(
            name="Five sessions", kind="pack", amount=25000, currency="USD", sessions=5
        )
        payment_record_offline(
            client=client, amount=None, product=pack, method="cash", by=owner, send=False
        )
    yield business, client
    with tenant_context(business):
        Booking.objects.filter(client=client).delete()
        Appointment.objects.filter(coach=coach).delete()
        kind.delete()
        WeeklyHours.objects.filter(coach=coach).delete()
        SessionUse.objects.filter(purchase__client=client).delete()
        Payment.objects.filter(client=client).delete()
        Invoice.objects.filter(client=client).delete()
        Purchase.objects.filter(client=client).delete()
        pack.delete()
        client.delete()
        user.delete()
        coach.delete()


def sign_in(page, live_site):
    page.goto(live_site.business_url("acme", "/accounts/login/"))
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(live_site.business_url("acme", "/"))


def fits(page, width):
    return page.evaluate("document.documentElement.scrollWidth") <= width


def shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_client_books_moves_and_cancels_a_session_on_a_phone(booking_data, live_site, browser):
    from billing.selectors import session_balance

    business, client = booking_data
    phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    sign_in(phone, live_site)
    phone.goto(live_site.business_url("acme", "/sessions/"))
    assert "5 sessions" in phone.inner_text("main")
    shoot(phone, "sessions-360")
    phone.get_by_role("link", name="Choose a time").first.click()
    # two days on: past the 24 hours inside which a session can no longer be moved
    phone.locator(".mfs-day").nth(2).click()
    phone.locator(".mfs-time").first.wait_for()
    assert fits(phone, 360)
    shoot(phone, "picker-360")
    chosen = phone.locator(".mfs-time").first.inner_text()
    phone.locator(".mfs-time").first.click()
    phone.get_by_role("heading", name="Confirm your session").wait_for()
    shoot(phone, "confirm-360")
    phone.get_by_role("button", name="Book this session").click()
    phone.get_by_text("Booked: 1:1 Strength session with Kai").wait_for()
    assert chosen in phone.inner_text(".mfs-list") and fits(phone, 360)
    shoot(phone, "booked-360")
    with tenant_context(business):
        assert session_balance(client=client) == 4

    phone.get_by_role("link", name="Move").click()
    phone.locator(".mfs-day").nth(3).click()
    phone.locator(".mfs-time").nth(2).click()
    phone.get_by_text("Moved to").wait_for()
    shoot(phone, "moved-360")
    phone.get_by_role("link", name="Cancel").first.click()
    phone.get_by_text("The session goes back to your pack.").wait_for()
    phone.get_by_role("button", name="Cancel the session").click()
    phone.get_by_text("Your session is cancelled.").wait_for()
    with tenant_context(business):
        assert session_balance(client=client) == 5

    desk = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(desk, live_site)
    desk.goto(live_site.business_url("acme", "/sessions/"))
    desk.get_by_role("link", name="Choose a time").first.click()
    desk.locator(".mfs-time").first.wait_for()
    assert fits(desk, 1280)
    shoot(desk, "picker-1280")


def test_a_coach_drags_a_session_on_the_calendar_and_moves_it_by_the_form_on_a_phone(
    booking_data, live_site, browser
):
    """The coach's calendar: a session dropped on another day and time moves there (the
    same form as the session's page, sent by the script); on a phone, the form alone."""
    import zoneinfo
    from urllib.parse import quote

    from django.utils import timezone

    from accounts.models import User
    from scheduling.models import SessionType
    from scheduling.services.booking import session_book

    business, client = booking_data
    zone = zoneinfo.ZoneInfo(business.timezone or "UTC")
    day = timezone.now().astimezone(zone).date() + dt.timedelta(days=2)
    with tenant_context(business):
        coach = User.objects.get(email="kai.browser@acme.test")
        kind = SessionType.objects.get(name="1:1 Strength session")
        booking = session_book(
            client=client,
            session_type=kind,
            coach=coach,
            starts_at=dt.datetime.combine(day, dt.time(10), tzinfo=zone),
            by=coach,
        )

    def starts() -> dt.datetime:
        with tenant_context(business):
            booking.refresh_from_db()
        return booking.starts_at.astimezone(zone)

    desk = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    calendar = quote(f"/admin/scheduling/calendar/?view=day&date={day.isoformat()}")
    desk.goto(live_site.business_url("acme", f"/accounts/login/?next={calendar}"))
    desk.get_by_label("Email").fill("kai.browser@acme.test")
    desk.get_by_label("Password").fill(PASSWORD)
    desk.get_by_role("button", name="Sign In").click()
    desk.wait_for_url("**/admin/scheduling/calendar/**")
    event = desk.locator("a.mf-cal__event", has_text="Bea Booker")
    assert "10:00–11:00" in event.inner_text() and fits(desk, 1280)
    shoot(desk, "coach-day-1280")

    body = desk.locator(".mf-cal__body").first
    box = body.bounding_box()
    first, last = (
        int(body.get_attribute("data-first-hour")),
        int(body.get_attribute("data-last-hour")),
    )
    y = box["height"] * (14 - first) / (last - first) + 2  # 14:00, the grab point at the top
    event.drag_to(body, source_position={"x": 8, "y": 2}, target_position={"x": 30, "y": y})
    desk.locator("a.mf-cal__event", has_text="14:00–15:00").wait_for()
    assert starts() == dt.datetime.combine(day, dt.time(14), tzinfo=zone)

    phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    phone.goto(live_site.business_url("acme", f"/accounts/login/?next={calendar}"))
    phone.get_by_label("Email").fill("kai.browser@acme.test")
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Sign In").click()
    phone.wait_for_url("**/admin/scheduling/calendar/**")
    assert fits(phone, 360)
    shoot(phone, "coach-day-360")
    phone.locator("a.mf-cal__event", has_text="Bea Booker").click()
    phone.get_by_role("heading", name="Move this session").wait_for()
    phone.get_by_label("Time").fill("16:30")
    phone.get_by_role("button", name="Move").click()
    phone.get_by_text("Moved to").wait_for()
    assert fits(phone, 360)
    shoot(phone, "coach-moved-360")
    assert starts() == dt.datetime.combine(day, dt.time(16, 30), tzinfo=zone)
