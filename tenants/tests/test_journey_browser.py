"""Issue 13's journey, played end to end in a browser as a new trainer and their first
client would: sign up, come back and sign in again, add and invite a client, build and
assign a program before the client has accepted, the client accepts on a 360 px phone
and logs a timed and a loaded exercise, the coach comments, the client sees it.

Screenshots at 1280 and 360 px land in artifacts/journey/. Everything a trainer or a
client is shown or sent carries the business, never the framework's or our name."""

import datetime as dt
import re
import zoneinfo

import pytest

from conftest import ARTIFACTS, BROWSER_MARKS

pytestmark = BROWSER_MARKS

SHOTS = ARTIFACTS / "journey"
SLUG = "journey"
BUSINESS = "Journey Strength"
OWNER = "jess@journey.test"
OWNER_PASSWORD = "lifting-is-fun-42"
CLIENT = "sam.first@journey.test"
CLIENT_PASSWORD = "planks-and-squats-7"
# what no trainer or client should read: the framework's and the platform's stock text
STOCK = ("Django", "django", "allauth", "MectoFitness", "Select client to change", "None")


@pytest.fixture
def site(live_site):
    from mectofitness.testing import cache_clear

    cache_clear()  # sign-up and sign-in rate limits are counted per address
    yield live_site
    cache_clear()


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def fits(page, width: int) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= width


def stock_text(page) -> list[str]:
    text = without_powered_by(page.inner_text("body"))
    return [word for word in STOCK if word in text]


def without_powered_by(text: str) -> str:
    """The platform's name may appear once, in the "Powered by" credit (also as a link)."""
    return re.sub(r"Powered by[\s\S]{0,300}?MectoFitness", "", text)


def sign_in(page, site, email: str, password: str, path: str) -> None:
    page.goto(site.business_url(SLUG, path))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()


def mails_to(site, address: str) -> list[str]:
    return [m for m in site.mails() if re.search(rf"^To: .*{re.escape(address)}", m, re.M)]


def add_exercise(page, day_name: str, query: str, names: tuple[str, ...]) -> str:
    """Type ``query`` in the day's search box and pick the first option named one of
    ``names``; returns the name picked."""
    box = page.get_by_label(f"Add an exercise to {day_name}")
    box.fill(query)
    options = page.locator(f"#{box.get_attribute('aria-controls')}").get_by_role("option")
    options.first.wait_for()
    titles = [name.strip() for name in options.locator("strong").all_inner_texts()]
    picked = next((title for title in titles if title in names), None)
    assert picked, titles
    count = page.locator(".pb-rx").count()
    options.nth(titles.index(picked)).dispatch_event("mousedown")
    page.wait_for_function(f"() => document.querySelectorAll('.pb-rx').length > {count}")
    return picked


def test_a_new_trainer_and_their_first_client(site, browser):
    desk_context = browser.new_context(
        viewport={"width": 1280, "height": 900}, timezone_id="Europe/London", locale="en-GB"
    )
    desk = desk_context.new_page()
    desk.on("dialog", lambda dialog: dialog.accept())

    # 1. sign up on the public site; the hand-off lands in the back office
    desk.goto(site.url + "/signup/")
    desk.get_by_label("Business name").fill(BUSINESS)
    desk.get_by_label("Your address").fill(SLUG)
    desk.locator("[role=status]").filter(has_text="available").wait_for(timeout=5000)
    desk.get_by_label("First name").fill("Jess")
    desk.get_by_label("E-mail").fill(OWNER)
    desk.get_by_label("Password").fill(OWNER_PASSWORD)
    assert desk.get_by_label("Time zone").input_value() == "Europe/London"
    shoot(desk, "01-signup-1280")
    desk.get_by_role("button", name="Create my business").click()
    desk.wait_for_url(site.business_url(SLUG, "/admin/"), timeout=15000)
    shoot(desk, "02-first-landing-1280")
    home = desk.inner_text("body")
    assert "Authentication and authorization" not in home and "Recent actions" not in home
    welcome = mails_to(site, OWNER)
    assert welcome and "/accounts/confirm-email/" in welcome[0], "the welcome carries the link"
    desk_context.close()

    # 2. back the next day on another device: the same password still lets Jess in,
    # with a reminder to confirm the address (not a wall)
    for width in (1280, 360):
        page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
        sign_in(page, site, OWNER, OWNER_PASSWORD, "/accounts/login/")
        page.wait_for_url("**/admin/")
        assert page.get_by_role("region", name="Confirm your e-mail address.").is_visible()
        assert fits(page, width)
        shoot(page, f"03-signed-in-again-{width}")
        if width == 1280:
            desk = page
        else:
            page.context.close()
    desk.on("dialog", lambda dialog: dialog.accept())

    # 3. add a first client and invite them from their page
    desk.goto(site.business_url(SLUG, "/admin/clients/client/add/"))
    desk.get_by_label("First name").fill("Sam")
    desk.get_by_label("Last name").fill("First")
    desk.get_by_role("textbox", name="E-mail address").fill(CLIENT)
    desk.get_by_role("button", name="Save", exact=True).click()
    desk.wait_for_url("**/admin/clients/client/**")
    if not re.search(r"/client/\d+/", desk.url):
        desk.get_by_role("link", name="Sam First").first.click()
        desk.wait_for_url(re.compile(r".*/admin/clients/client/\d+/.*"))
    # the client's profile (the list may lead to it or to the details form)
    client_id = re.search(r"/client/(\d+)/", desk.url).group(1)
    client_page = site.business_url(SLUG, f"/admin/clients/client/{client_id}/profile/")
    desk.goto(client_page)
    desk.get_by_role("button", name="Invite to the portal").click()
    desk.wait_for_url("**/profile/#portal")
    assert f"Invitation sent to {CLIENT}." in desk.content()
    # Jess is now Sam's coach
    assert "None yet" not in desk.locator(".mf-profile__facts").inner_text()
    shoot(desk, "04-client-invited-1280")

    # 4. build a program with a hold and a lift, and assign it before Sam accepts
    desk.goto(site.business_url(SLUG, "/admin/programs/program/"))
    desk.get_by_label("Name").fill("First month")
    desk.get_by_label("Workouts a week").fill("0")
    desk.get_by_role("button", name="Create and open the builder").click()
    desk.wait_for_url("**/builder/")
    desk.get_by_label("New workout in week 1").fill("Full body")
    desk.get_by_role("button", name="Add workout").click()
    desk.wait_for_function("() => document.querySelectorAll('.pb-day').length > 0")
    add_exercise(desk, "Full body", "plank", ("Plank", "Front Plank"))
    add_exercise(desk, "Full body", "back squat", ("Back Squat", "Barbell Squat"))
    shoot(desk, "05-builder-1280")
    body = desk.inner_text("body")
    assert re.search(r"3 × 30\s+s", body), "a plank is prescribed in seconds"
    desk.get_by_role("link", name="Assign to clients…").click()
    desk.get_by_label("Sam First").check()
    today = dt.datetime.now(zoneinfo.ZoneInfo("Europe/London")).date()
    desk.get_by_label("Start date").fill(today.isoformat())
    for day in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"):
        desk.get_by_label(day, exact=True).check()
    desk.get_by_role("button", name="Assign").click()
    desk.wait_for_url("**/programassignment/client/**")
    assert "Assigned First month to Sam First" in desk.inner_text("body")

    # 5. Sam accepts on a phone and finds the program waiting
    phone = browser.new_context(
        viewport={"width": 360, "height": 780}, timezone_id="Europe/London"
    ).new_page()
    invitation = mails_to(site, CLIENT)[-1]
    assert f"From: {BUSINESS} <" in invitation
    assert "MectoFitness" not in without_powered_by(invitation)
    phone.goto(re.search(r"http://\S+/invite/[^/\s]+/", invitation).group(0))
    assert BUSINESS in phone.content()
    shoot(phone, "06-invitation-360")
    phone.get_by_label("Choose a password").fill(CLIENT_PASSWORD)
    phone.get_by_role("button", name="Create my account").click()
    phone.wait_for_url(site.business_url(SLUG, "/"))
    assert "Hi Sam" in phone.content()
    assert stock_text(phone) == []
    assert fits(phone, 360)
    shoot(phone, "07-portal-home-360")

    # 6. Sam logs the plank in seconds and the squat with a load
    phone.goto(site.business_url(SLUG, "/workouts/"))
    phone.get_by_role("link", name="Start workout").first.click()
    phone.wait_for_selector("[data-exercise-card]")
    plank = phone.locator("[data-exercise-card]", has_text="Plank")
    squat = phone.locator("[data-exercise-card]").filter(has_not_text="Plank").first
    held = plank.get_by_label("Set 1 time, in seconds or minutes:seconds")
    assert held.input_value() == "30"  # the target
    assert plank.locator('[data-field="load"], [data-field="reps"]').count() == 0
    held.fill("0:50")
    plank.get_by_role("button", name="Log set 1").click()
    squat.get_by_label("Set 1 load in kg").fill("40")
    squat.get_by_label("Set 1 reps").fill("8")
    squat.get_by_role("button", name="Log set 1").click()
    phone.wait_for_function("() => window.mfQueue.all('sets').then(s => s.length === 0)")
    shoot(phone, "08-logger-360")
    if phone.locator("[data-timer]").is_visible():
        phone.get_by_role("button", name="Skip rest").click()
    phone.get_by_label("Notes for your coach (optional)").fill("Plank felt long!")
    phone.get_by_role("button", name="Finish workout").click()
    phone.wait_for_url("**/workouts/log/**")
    log_path = phone.url.split(site.business_url(SLUG, ""))[-1].rstrip("/").split("/")
    log_uuid = log_path[-1]
    shoot(phone, "09-workout-done-360")

    # 7. Jess reviews it: target against actual, the notes, and a comment
    desk.goto(site.business_url(SLUG, "/admin/programs/workoutlog/"))
    desk.locator("a[href$='/review/']").first.click()
    desk.wait_for_url("**/review/")
    shoot(desk, "10-review-before-1280")
    review = desk.inner_text("#content").replace("\u00a0", " ")
    assert "Plank" in review and "50 s" in review and "40 kg" in review
    assert "Plank felt long!" in review
    assert "None" not in review and "IS WARMUP" not in review.upper()
    desk.get_by_label("Your comment").fill("Great first session, Sam. Next week: 55 s.")
    desk.get_by_role("button", name="Send comment").click()
    desk.wait_for_url("**/review/")
    assert "Comment saved" in desk.inner_text("body")
    shoot(desk, "10-review-1280")
    desk.set_viewport_size({"width": 360, "height": 780})
    assert fits(desk, 360)
    shoot(desk, "10-review-360")
    desk.set_viewport_size({"width": 1280, "height": 900})
    desk.goto(client_page)
    assert "Has a portal login" in desk.locator("#portal").inner_text()
    shoot(desk, "11-client-page-1280")

    # 8. Sam sees there is a comment, then reads it; the e-mail came from the business
    mail = [m for m in mails_to(site, CLIENT) if "commented on your workout" in m]
    assert len(mail) == 1 and f"From: {BUSINESS} <" in mail[0]
    assert "MectoFitness" not in without_powered_by(mail[0])
    phone.goto(site.business_url(SLUG, "/"))
    badge = phone.locator(".portal-nav > a[href='/workouts/'] .nav-badge")
    assert badge.is_visible() and badge.inner_text().split("\n")[0].strip() == "1"
    shoot(phone, "12-comment-badge-360")
    phone.goto(site.business_url(SLUG, f"/workouts/log/{log_uuid}/"))
    assert "Next week: 55 s." in phone.inner_text("main").replace("\u00a0", " ")
    assert stock_text(phone) == []
    shoot(phone, "13-comment-read-360")
