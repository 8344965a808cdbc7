"""The client list in a browser: at 1280 px every column fits without a horizontal
scroll, below 1180 px and at 360 px the rows are cards with no sideways scroll, every
text reads at WCAG AA contrast in the light and the dark theme; screenshots go to
artifacts/."""

import datetime as dt

import pytest
from django_tenants.utils import tenant_context

from conftest import ARTIFACTS, BROWSER_MARKS, PASSWORD

pytestmark = BROWSER_MARKS

PEOPLE = [
    # first, last, e-mail, health notes, program, (done, skipped, missed), last workout
    # and check-in (days ago), sessions (total, used) or None
    (
        "Amelia",
        "Okonkwo-Bergström",
        "amelia.okonkwo.bergstrom@example.test",
        "Left knee ACL 2024",
        "Hypertrophy block 2 (upper/lower)",
        (9, 1, 0),
        1,
        3,
        (10, 3),
    ),
    ("Ben", "Listwright", "ben@example.test", "", "Strength foundations", (4, 2, 2), 6, 13, (5, 5)),
    ("Chloé", "Martin", "", "", None, (0, 0, 0), None, None, None),
    (
        "Dev",
        "Listwright",
        "dev.patel@example.test",
        "Asthma",
        "Marathon base",
        (1, 1, 4),
        20,
        40,
        (10, 1),
    ),
]


@pytest.fixture
def listed_clients(django_db_setup, django_db_blocker):
    """Four clients with programs, workouts, check-ins and packs, committed; removed
    afterwards."""
    from billing.models import Product, Purchase
    from clients.models import Client, Questionnaire, QuestionnaireVersion, Response
    from programs.models import (
        Program,
        ProgramAssignment,
        ProgramDay,
        ProgramWeek,
        ScheduledWorkout,
        WorkoutLog,
    )
    from tenants.models import Business

    with django_db_blocker.unblock(), tenant_context(Business.objects.get(slug="acme")):
        now = dt.datetime.now(dt.UTC)
        today = now.date()
        product = Product.objects.create(
            name="List test pack", kind="pack", amount=50000, currency="EUR", sessions=10
        )
        form = Questionnaire.objects.create(title="List test check-in", kind="checkin")
        version = QuestionnaireVersion.objects.create(
            questionnaire=form, number=1, published_at=now
        )
        clients, programs = [], []
        for first, last, email, health, name, (
            done,
            skipped,
            missed,
        ), worked, checked, pack in PEOPLE:
            client = Client.objects.create(
                first_name=first, last_name=last, email=email, injuries=health, status="active"
            )
            clients.append(client.pk)
            if name:
                program = Program.objects.create(name=name, length_weeks=12)
                programs.append(program.pk)
                day = ProgramDay.objects.create(
                    week=ProgramWeek.objects.create(program=program, number=1), position=1
                )
                assignment = ProgramAssignment.objects.create(
                    client=client, program=program, start_date=today, weekdays=[0, 2, 4]
                )
                statuses = ["done"] * done + ["skipped"] * skipped + ["scheduled"] * missed
                for week, status in enumerate(statuses, start=1):
                    ScheduledWorkout.objects.create(
                        assignment=assignment,
                        client=client,
                        day=day,
                        week_number=week,
                        date=today - dt.timedelta(days=week),
                        status=status,
                    )
            if worked is not None:
                WorkoutLog.objects.create(client=client, started_at=now - dt.timedelta(worked))
            if checked is not None:
                Response.objects.create(
                    version=version,
                    client=client,
                    status="submitted",
                    submitted_at=now - dt.timedelta(days=checked),
                    period_start=today - dt.timedelta(days=checked + 6),
                )
            if pack:
                Purchase.objects.create(
                    client=client,
                    product=product,
                    amount=50000,
                    currency="EUR",
                    status="active" if pack[1] < pack[0] else "used_up",
                    sessions_total=pack[0],
                    sessions_used=pack[1],
                )
    yield
    with django_db_blocker.unblock(), tenant_context(Business.objects.get(slug="acme")):
        Purchase.objects.filter(client_id__in=clients).delete()
        Client.objects.filter(pk__in=clients).delete()
        Program.objects.filter(pk__in=programs).delete()
        product.delete()
        form.delete()


# Every visible text of the list against what is painted behind it (WCAG 2 contrast:
# 4.5:1, or 3:1 for large text). Colours go through a canvas, which turns any CSS
# colour (color-mix(), relative colours of --mf-brand) into sRGB.
LOW_CONTRAST = """
(root) => {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 1;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  const rgba = (css) => {
    ctx.clearRect(0, 0, 1, 1);
    ctx.fillStyle = '#000';
    ctx.fillStyle = css;
    ctx.fillRect(0, 0, 1, 1);
    const d = ctx.getImageData(0, 0, 1, 1).data;
    return [d[0], d[1], d[2], d[3] / 255];
  };
  const over = (top, below) => top.slice(0, 3).map(
    (c, i) => c * top[3] + below[i] * (1 - top[3])).concat([1]);
  const background = (el) => {
    const layers = [];
    for (let node = el; node; node = node.parentElement) {
      const c = rgba(getComputedStyle(node).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    let colour = [255, 255, 255, 1];
    if (layers.length && layers[layers.length - 1][3] >= 1) colour = layers.pop();
    while (layers.length) colour = over(layers.pop(), colour);
    return colour;
  };
  const lum = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const failures = [];
  for (const el of root.querySelectorAll('*')) {
    const text = [...el.childNodes].filter((n) => n.nodeType === 3)
      .map((n) => n.textContent.trim()).join('');
    if (!text || el.closest('select, .visually-hidden') || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    const bg = background(el);
    const fg = over(rgba(style.color), bg);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && parseInt(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) failures.push(`${text.slice(0, 30)}: ${ratio.toFixed(2)}`);
  }
  return failures;
}
"""


def low_contrast(page) -> list[str]:
    return page.locator("#content-main").evaluate(LOW_CONTRAST)


def sign_in(page, live_site):
    page.goto(live_site.business_url("acme", "/admin/"))
    page.get_by_label("Email").fill("owner@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/admin/")


def test_the_client_list_fits_a_desktop_and_a_phone(listed_clients, live_site, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    for scheme in ("light", "dark"):
        desk = browser.new_context(
            viewport={"width": 1280, "height": 900}, color_scheme=scheme
        ).new_page()
        sign_in(desk, live_site)
        desk.goto(live_site.business_url("acme", "/admin/clients/client/"))
        body = desk.inner_text("#result_list")
        assert "Hypertrophy block 2 (upper/lower)" in body and "90%" in body
        # no clipping: neither the page nor the table's own box scrolls sideways
        assert desk.evaluate("document.documentElement.scrollWidth") <= 1280
        assert desk.evaluate(
            "(() => { const r = document.querySelector('#changelist .results');"
            " return r.scrollWidth <= r.clientWidth; })()"
        )
        desk.locator(".mf-cl-filters > summary").click()  # the filters' panel opens
        assert desk.get_by_role("link", name="Active", exact=True).is_visible()
        assert low_contrast(desk) == [], scheme
        desk.screenshot(path=str(ARTIFACTS / f"client-list-1280-{scheme}.png"), full_page=True)
    for width in (1180, 1024, 800):  # a smaller laptop (table), tablets (cards)
        desk.set_viewport_size({"width": width, "height": 900})
        assert desk.evaluate("document.documentElement.scrollWidth") <= width, width

    for scheme in ("light", "dark"):
        phone = browser.new_context(
            viewport={"width": 360, "height": 780}, color_scheme=scheme
        ).new_page()
        sign_in(phone, live_site)
        phone.goto(live_site.business_url("acme", "/admin/clients/client/"))
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        card = phone.locator("#result_list tbody tr", has_text="Okonkwo")
        # a card: the figures under their column's names
        assert card.locator(".field-compliance_display .mf-cl-label").is_visible()
        assert "Compliance" in card.inner_text() and "Last check-in" in card.inner_text()
        assert low_contrast(phone) == [], scheme
        phone.screenshot(path=str(ARTIFACTS / f"client-list-360-{scheme}.png"), full_page=True)
    # a search, then a click on a column: the column's order wins
    phone.goto(live_site.business_url("acme", "/admin/clients/client/?q=listwright"))
    phone.get_by_role("link", name="Compliance").click()
    phone.wait_for_url("**o=*")
    names = phone.locator("#result_list .mf-cl-name").all_inner_texts()
    assert names == ["Dev Listwright", "Ben Listwright"]  # 17 % before 50 %
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=str(ARTIFACTS / "client-list-360-sorted.png"), full_page=True)
