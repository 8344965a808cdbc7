"""A coach's day in the back office, at a desk (1280 px) and on a phone (360 px) (issue
17, items 6 and 8): Carlos opens Today, answers Chloe's message from its card, reviews
her check-in (a reply, marked reviewed), comments on her latest workout, edits next
week of her program in the builder (one prescription) and books her a session from the
calendar. Each step checks what he sees and what was saved.

The business is the demo's (Peak Performance Coaching, its people, programs, check-ins,
bookings and conversations; ``tenants/management/commands/demo_seed.py``), seeded once
for the module on Wednesday 11 March 2026, 09:30 in London: the test process and the
live site both live then (``MF_LIVE_SITE_CLOCK``), so nothing depends on today's date.
Each width has its own news from Chloe (a message, her check-in and workout waiting).

The screens a trainer lives in are saved at both widths to artifacts/trainers-day/
(``MF_SCREENSHOTS=0`` turns them off): Today, the conversation and the inbox, the
check-in review, the client list, the profile's Overview and Training, the workout
review, the builder, the booking form, the calendar; the owner's revenue and settings;
a new business's checklist."""

import datetime as dt
import re
import time

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django_tenants.utils import tenant_context
from playwright.sync_api import expect

from accounts import roles
from accounts.models import User
from clients.models import Client, Response
from conftest import ARTIFACTS, BROWSER_MARKS
from messaging.models import Message, Thread
from messaging.services import message_send
from programs.models import Prescription, ProgramAssignment, ScheduledWorkout, WorkoutLog
from scheduling.models import Booking
from tenants.management.commands.demo_seed import demo_data_seed
from tenants.models import Business
from tenants.schemas import pool_fill, schema_drop
from tenants.services import business_provision

pytestmark = BROWSER_MARKS

NOW = dt.datetime(2026, 3, 11, 9, 30, tzinfo=dt.UTC)  # a Wednesday; London is on GMT
PASSWORD = "demo-pass-2026"
COACH, OWNER = "carlos@peak.test", "olivia@peak.test"
NEW_OWNER = "nia@northside.test"
SHOTS = ARTIFACTS / "trainers-day"
# what Carlos does at each width: different words, a different hour, a different dose
DAY = {
    1280: {
        "question": "Can I move Friday's session? Work trip until Thursday night.",
        "reply": "Of course: I've booked you Thursday at 14:00 instead.",
        "feedback": "Good week. Keep the wrist neutral on presses.",
        "comment": "Deadlift looked smooth. Same load next week, brace harder.",
        "hour": 14,
        "sets": 3,
    },
    360: {
        "question": "Quick one from the gym: can I swap lunges for step-ups today?",
        "reply": "Yes, step-ups are fine. Same sets and reps.",
        "feedback": "Sleep is up, well done. Keep the evening walk.",
        "comment": "Nice pace on the last set. Rest 2 min between.",
        "hour": 11,
        "sets": 4,
    },
}
# what reaches past the page's right edge, at a phone's width (but what a strip that
# scrolls on its own, like the profile's tabs, holds)
OVERFLOW = """() => Array.from(document.querySelectorAll('#content *')).filter(e => {
    if (e.getBoundingClientRect().right <= document.documentElement.clientWidth + 1) return false;
    for (let a = e.parentElement; a; a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== 'visible') return false;
    }
    return true;
}).map(e => e.tagName + '.' + e.className)"""
# the contrast of an element's text on its background (its own, or the nearest
# ancestor's); colours come as rgb(0-255) or, mixed, color(srgb 0-1)
CONTRAST = """el => {
    const rgb = c => {
        const n = c.match(/[\\d.]+/g).map(Number);
        return c.startsWith('color(') ? [...n.slice(0, 3).map(v => v * 255), n[3]] : n;
    };
    const lum = ([r, g, b]) => {
        const f = v => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    let back = el;
    while (back && rgb(getComputedStyle(back).backgroundColor)[3] === 0) back = back.parentElement;
    const [a, b] = [lum(rgb(getComputedStyle(el).color)),
                    lum(rgb(getComputedStyle(back || document.body).backgroundColor))];
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


@pytest.fixture(scope="module")
def peak(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo's business, seeded once for the module as of ``NOW`` (about 10 s), with
    the live site's clock and media set for it; dropped with its schema afterwards."""
    media = tmp_path_factory.mktemp("trainers-day-media")
    travel = time_machine.travel(NOW, tick=True)
    with pytest.MonkeyPatch.context() as patch, django_db_blocker.unblock():
        # the site's clock ticks with this one: what Chloe sends here comes before what
        # Carlos answers there
        patch.setenv("MF_LIVE_SITE_CLOCK", f"{NOW.timestamp() - time.time():.3f}")
        patch.setenv("MEDIA_ROOT", str(media))
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM beside Playwright
        patch.setattr(settings, "MEDIA_ROOT", str(media))
        travel.start()
        time.time()  # a travelling clock ticks from when it is first read: from now on
        try:
            business = _demo_business()
            # a business signed up this morning: its owner is shown the first steps
            northside = business_provision(
                name="Northside Strength",
                slug="northside",
                owner_email=NEW_OWNER,
                owner_password=PASSWORD,
                owner_first_name="Nia",
                timezone_name="Europe/London",
                welcome=False,
            ).business
            with tenant_context(northside):
                EmailAddress.objects.update(verified=True)  # she opened her welcome mail
            yield business
        finally:
            travel.stop()
            for made in Business.objects.filter(slug__in=["peak", "northside"]):
                made.domains.all().delete()
                schema_drop(made.schema_name)
                made.delete()
            pool_fill()


def _demo_business():
    """What ``demo_seed`` makes, in a business of the test's own (not its roster of thirty
    more clients: a coach's day reads the same without them)."""
    business = business_provision(
        name="Peak Performance Coaching",
        slug="peak",
        owner_email=OWNER,
        owner_password=PASSWORD,
        owner_first_name="Olivia",
        owner_last_name="Owens",
        timezone_name="Europe/London",
        currency="GBP",
        welcome=False,
    ).business
    with tenant_context(business):
        people = {}
        for email, first, last, role in (
            (COACH, "Carlos", "Mendes", roles.COACH),
            ("chloe@peak.test", "Chloe", "Nguyen", roles.CLIENT),
        ):
            user = User.objects.create(
                email=email, first_name=first, last_name=last, is_staff=role == roles.COACH
            )
            user.set_password(PASSWORD)
            user.save()
            user.groups.add(Group.objects.get(name=role))
            people[role] = user
        for user in User.objects.all():
            EmailAddress.objects.update_or_create(
                user=user, email=user.email, defaults={"verified": True, "primary": True}
            )
        demo_data_seed(
            owner=User.objects.get(email=OWNER),
            coach=people[roles.COACH],
            client_user=people[roles.CLIENT],
            roster=False,
        )
    return business


@pytest.fixture(params=[1280, 360], ids=["1280", "360"])
def width(request):
    return request.param


@pytest.fixture
def news(peak, width):
    """Chloe's news for this width: a message to Carlos, her latest check-in waiting for
    review and her latest workout for a comment; the dose Carlos changes is back at five
    sets. What the rows are."""
    with tenant_context(peak):
        chloe = Client.objects.select_related("user").get(email="chloe@peak.test")
        thread = Thread.objects.get(client=chloe)
        message_send(thread=thread, body=DAY[width]["question"], by=chloe.user)
        checkin = Response.objects.filter(client=chloe, period_start__isnull=False).latest(
            "submitted_at"
        )
        Response.objects.filter(pk=checkin.pk).update(
            reviewed_at=None,
            reviewed_by=None,
            coach_comment="",
            replied_at=None,
            reply_seen_at=None,
            reply_mailed_at=None,
        )
        log = WorkoutLog.objects.filter(client=chloe).latest("started_at")
        WorkoutLog.objects.filter(pk=log.pk).update(
            coach_comment="",
            commented_by=None,
            commented_at=None,
            comment_seen_at=None,
            comment_mailed_at=None,
        )
        # next week: the program week after the one she is in, on her calendar
        assignment = ProgramAssignment.objects.get(client=chloe, is_main=True)
        program = assignment.program
        today = NOW.date()
        current = (
            ScheduledWorkout.objects.filter(assignment=assignment, date__lte=today)
            .order_by("-date")
            .first()
            .week_number
        )
        written = sorted(program.weeks.values_list("number", flat=True))
        week = written[current % len(written)]  # written weeks repeat
        rx = (
            Prescription.objects.filter(
                block__day__week__program=program, block__day__week__number=week
            )
            .order_by("block__day__position", "block__position", "position")
            .first()
        )
        Prescription.objects.filter(pk=rx.pk).update(sets=5)
        return {
            "coach": chloe.primary_coach_id,
            "chloe": chloe.pk,
            "thread": thread.pk,
            "checkin": checkin.pk,
            "log": log.pk,
            "program": program.pk,
            "week": week,
            "rx": rx.pk,
        }


def shoot(page, name: str, width: int) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


def sign_in(browser, live_site, width: int, email: str, slug: str = "peak"):
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(live_site.business_url(slug, "/admin/"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/admin/")
    return page


def fits(page, width: int) -> None:
    """Nothing scrolls sideways, and the header is one line at most."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url
    if width < 400:
        assert page.evaluate(OVERFLOW) == [], page.url
        assert page.locator("#header").bounding_box()["height"] <= 72, page.url


def open_section(page, name: str) -> None:
    """A section of the navigation (on a phone, from behind the menu button)."""
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():
        menu.click()
    page.get_by_role("navigation", name="Back office").get_by_role("link", name=name).click()


def crumbs(page) -> str:
    return " ".join(page.locator(".breadcrumbs").inner_text().split())


def test_a_coach_works_through_the_day(peak, news, live_site, browser, width):
    day = DAY[width]
    page = sign_in(browser, live_site, width, COACH)

    # Today: Chloe's message, her check-in and her workout wait for him
    expect(page.locator("h1")).to_have_text("Today")
    assert page.locator(".mf-td__date").inner_text() == "Wednesday 11 March"
    messages = page.locator(".mf-td-card--messages")
    expect(messages).to_contain_text("Chloe Nguyen")
    expect(messages).to_contain_text(day["question"][:40])
    expect(page.locator(".mf-td-card--checkins")).to_contain_text("Chloe Nguyen")
    fits(page, width)
    shoot(page, "01-today", width)

    # answer the message from Today's card
    messages.get_by_role("link", name=re.compile("Chloe Nguyen")).click()
    page.wait_for_url(f"**/admin/messaging/inbox/{news['thread']}/")
    assert crumbs(page) == "Today › Messages › Chloe Nguyen"
    page.get_by_label("Your message").fill(day["reply"])
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".mf-msg--mine").last).to_contain_text(day["reply"])
    expect(page.get_by_label("Your message")).to_have_value("")
    with tenant_context(peak):
        sent = Message.objects.filter(thread_id=news["thread"]).latest("created_at")
        assert (sent.body, sent.author.email) == (day["reply"], COACH)
    fits(page, width)
    shoot(page, "02-conversation", width)
    # in the dark theme the conversation reads as well (the portal's colour names)
    page.emulate_media(color_scheme="dark")
    for text in (".mf-msg--mine .mf-msg__text", ".mf-msg:not(.mf-msg--mine) .mf-msg__text"):
        assert page.locator(text).last.evaluate(CONTRAST) >= 4.5, text
    shoot(page, "02-conversation-dark", width)
    page.emulate_media(color_scheme="light")

    page.locator(".breadcrumbs").get_by_role("link", name="Messages").click()
    page.wait_for_url("**/admin/messaging/inbox/")
    first = page.locator(".mf-threads__item").first
    expect(first.locator(".mf-threads__title")).to_have_text("Chloe Nguyen")
    expect(first.locator(".mf-threads__last")).to_contain_text(f"You: {day['reply'][:30]}")
    assert page.locator(".mf-threads__unread").count() == 0  # all read now
    fits(page, width)
    shoot(page, "03-inbox", width)

    # review her check-in: a reply, marked reviewed, and it leaves the queue
    open_section(page, "Forms and check-ins")
    page.wait_for_url("**/admin/clients/response/checkins/")
    assert crumbs(page) == "Today › Check-ins to review"
    page.get_by_role("link", name="Review Chloe Nguyen's check-in").click()
    page.wait_for_url(f"**/admin/clients/response/{news['checkin']}/review/")
    page.get_by_label("Your reply").fill(day["feedback"])
    fits(page, width)
    shoot(page, "04-checkin-review", width)
    page.get_by_role("button", name=re.compile("^Mark reviewed")).click()
    page.wait_for_url("**/admin/clients/response/checkins/")
    expect(page.locator(".messagelist")).to_contain_text("Marked reviewed")
    with tenant_context(peak):
        checkin = Response.objects.get(pk=news["checkin"])
        assert checkin.reviewed_at is not None and checkin.coach_comment == day["feedback"]
    waiting = page.get_by_role("region", name=re.compile("^Waiting for you"))
    expect(waiting).not_to_contain_text("Chloe Nguyen")
    expect(page.get_by_role("region", name="Recently reviewed")).to_contain_text("Chloe Nguyen")

    # her profile, from the client list
    open_section(page, "Clients")
    page.wait_for_url("**/admin/clients/client/")
    assert crumbs(page) == "Today › Clients"
    fits(page, width)
    shoot(page, "05-clients", width)
    page.locator("#result_list").get_by_role("link", name="Chloe Nguyen").click()
    page.wait_for_url(f"**/admin/clients/client/{news['chloe']}/profile/")
    assert crumbs(page) == "Today › Clients › Chloe Nguyen"
    head = page.locator(".mf-profile__head")
    expect(head.get_by_role("link", name="Message")).to_be_visible()
    expect(head.get_by_role("link", name="Book a session")).to_be_visible()
    actions = head.locator(".mf-profile__actions > :visible")
    tops = {round(actions.nth(n).bounding_box()["y"]) for n in range(actions.count())}
    assert len(tops) == 1, "the profile's actions take one row"
    fits(page, width)
    shoot(page, "06-profile-overview", width)
    if width < 640:  # the rest of the actions wait behind "More"
        assign = head.get_by_role("link", name="Assign a program")
        expect(assign).to_be_hidden()
        head.locator("summary", has_text="More").click()
        expect(assign).to_be_visible()
        assert assign.bounding_box()["x"] >= 0 and fits(page, width) is None
        shoot(page, "06-profile-more", width)
        page.keyboard.press("Escape")
        expect(assign).to_be_hidden()

    # comment on her latest workout, from the Training tab
    tabs = page.get_by_role("navigation", name="Profile of Chloe Nguyen")
    tabs.get_by_role("link", name="Training").click()
    page.wait_for_url("**/profile/training/")
    fits(page, width)
    shoot(page, "07-profile-training", width)
    page.locator(f"a[href$='/admin/programs/workoutlog/{news['log']}/review/']").first.click()
    page.wait_for_url(f"**/admin/programs/workoutlog/{news['log']}/review/")
    page.get_by_role("textbox", name="Your comment").fill(day["comment"])
    page.get_by_role("button", name="Send comment").click()
    expect(page.locator(".messagelist")).to_contain_text("Comment saved")
    expect(page.locator(".mfr-comment")).to_contain_text("not read yet")
    expect(page.get_by_role("textbox", name="Your comment")).to_have_value(day["comment"])
    with tenant_context(peak):
        log = WorkoutLog.objects.get(pk=news["log"])
        assert log.coach_comment == day["comment"] and log.commented_by.email == COACH
    fits(page, width)
    shoot(page, "08-workout-review", width)

    # next week of her program: one prescription, on its line
    page.locator(".breadcrumbs").get_by_role("link", name="Chloe Nguyen").click()
    page.locator(".mf-profile__facts").get_by_role("link", name=re.compile("Strength")).click()
    page.wait_for_url(f"**/admin/programs/program/{news['program']}/builder/")
    week = page.locator("section.pb-week").filter(
        has=page.get_by_role("heading", name=f"Week {news['week']}", exact=True)
    )
    expect(week.locator(".pb-now--next")).to_contain_text("Next week")  # marked for her
    line = week.locator(f"#rx-{news['rx']}")
    expect(line.locator("summary")).to_contain_text("5 ×")
    line.locator("summary").click()
    line.get_by_label("Sets").fill(str(day["sets"]))
    line.get_by_role("button", name="Save exercise").click()
    expect(page.locator(f"#rx-{news['rx']} summary")).to_contain_text(f"{day['sets']} ×")
    with tenant_context(peak):
        assert Prescription.objects.get(pk=news["rx"]).sets == day["sets"]
    fits(page, width)
    shoot(page, "09-builder", width)

    # book her a session from the calendar; it is on the calendar
    open_section(page, "Calendar")
    page.wait_for_url("**/admin/scheduling/calendar/")
    page.locator(".mf-cal__bar").get_by_role("link", name="Book a session").click()
    form = page.locator("#content-main form")
    form.get_by_label("Client").select_option(label="Chloe Nguyen")
    form.get_by_label("Session").select_option(label="1:1 Personal training")
    expect(form.get_by_label("Coach")).to_have_value(str(news["coach"]))
    form.get_by_label("Day").fill("2026-03-12")
    form.get_by_label("Time").fill(f"{day['hour']:02d}:00")
    fits(page, width)
    shoot(page, "10-book", width)
    form.get_by_role("button", name="Book").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "Booked: 1:1 Personal training, Thu 12 Mar"
    )
    page.locator(".breadcrumbs").get_by_role("link", name="Calendar").click()
    page.wait_for_url("**/admin/scheduling/calendar/?date=2026-03-12")
    event = page.locator(".mf-cal__event").filter(has_text=f"{day['hour']:02d}:00–")
    expect(event).to_contain_text("Chloe Nguyen")
    expect(event).to_be_visible()
    with tenant_context(peak):
        booking = Booking.objects.get(
            client_id=news["chloe"],
            starts_at=dt.datetime(2026, 3, 12, day["hour"], tzinfo=dt.UTC),
        )
        assert booking.appointment.coach.email == COACH
    fits(page, width)
    shoot(page, "11-calendar", width)

    # the owner's screens: revenue and settings; and a new business's first steps
    owner = sign_in(browser, live_site, width, OWNER)
    owner.goto(live_site.business_url("peak", "/admin/billing/invoice/revenue/"))
    expect(owner.locator("h1")).to_have_text("Revenue")
    fits(owner, width)
    shoot(owner, "12-revenue", width)
    owner.goto(live_site.business_url("peak", "/admin/settings/"))
    expect(owner.locator("h1")).to_have_text("Business settings")
    fits(owner, width)
    shoot(owner, "13-settings", width)
    new = sign_in(browser, live_site, width, NEW_OWNER, slug="northside")
    expect(new.locator(".mf-td-start h2")).to_contain_text("Get your business ready")
    fits(new, width)
    shoot(new, "14-checklist", width)
