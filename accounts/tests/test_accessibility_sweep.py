"""Accessible on every page (issue 17, item 7): every GET route of the portal, the back
office and the public site is opened in Chromium by each role that may open it, at 1280
and at 360 px, and axe-core (4.10.2, vendored in devtools/axe/) checks it; any serious or
critical violation fails the test, listed by route, role, width, theme, rule, impact and
the elements.

Who may open what is the role matrix's (test_role_matrix.py): a role opens a route when
its row promises that role a 200. The roles: a visitor (the matrix's anonymous), the
owner, a coach (the one who coaches the client whose objects the rows open) and that
client at the business's site; on the product's site a visitor, and platform staff where
a visitor is sent to sign in (nobody else has an account there). The URLs are the
matrix's own, filled from the same world of objects (routes.world_build), built committed
in a business of its own that is dropped afterwards.

What is not a page is skipped by rule, never by name:
- the API (``api/``): JSON for programs, with its schema and docs;
- the matrix's exempt routes: webhooks and signed hand-offs, POST or token only;
- an answer that is not an HTML page: a download, a file, JSON, a script, a redirect
  (where the matrix promised a 200, any other answer is a failure instead).

Each page is loaded once, at 1280 px in the light theme, and checked three times: all of
axe's rules that can find a serious or critical fault at 1280 px, then at 360 px (the
same page, resized), and the colour rules (contrast, links told apart from the text
around them) in the dark theme, where the page has one (the back office follows the
system's setting). Each role has one browser context, signed in by a session made in the
database; a few pages are checked at once, so the site and the browser keep both cores
busy. It is the suite's longest test: about 470 s of CPU for 569 pages (406 s of it
Chromium's, three quarters of that axe), six to eight minutes on two cores shared with
other work (2026-12-07).
"""

import asyncio
import concurrent.futures
import os
import re
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client as DjangoClient
from django_tenants.utils import schema_context, tenant_context

from conftest import BROWSER_MARKS, CHROMIUM, PASSWORD, ROOT

from .routes import PUBLIC, all_routes, fill, is_format_suffix, values_for, world_build
from .test_role_matrix import EXEMPT, LOGIN, PUBLIC_FILL, ROWS

# minutes, not seconds: pytest-timeout's 480 s default is for a test that hangs (each page
# has its own minute below)
# Its own run (`make a11y`), not `make test`'s: some 570 pages through axe cost about
# 470 s of CPU on a 2-core machine, more than the rest of the suite's goal on its own
pytestmark = [
    *BROWSER_MARKS,
    pytest.mark.timeout(1200),
    pytest.mark.skipif(
        not os.environ.get("MF_A11Y_SWEEP"), reason="the accessibility sweep: `make a11y`"
    ),
]

AXE = ROOT / "devtools" / "axe" / "axe.min.js"
SLUG = "sweep"
PLATFORM_EMAIL = "platform.sweep@mectofitness.test"

# the role -> the matrix's visitor whose answers it takes
TENANT_ROLES = {"visitor": "anonymous", "owner": "owner", "coach": "coach", "client": "client"}
VISITOR, PLATFORM_STAFF = "visitor", "platform staff"

WIDTHS = (1280, 360)
HEIGHT = 800
# the rules that read colours: checked again in the dark theme
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
# pages checked at once (one tab each per role): more than two keeps the site's two
# workers and the browser busy while one of them waits for the other
TABS = 3

# runs axe in the page, the rules given or else its default rules, less those that cannot
# find a serious or critical fault (a rule whose own impact, or each of whose checks', is
# minor or moderate: it cannot fail this test); returns the serious and critical
# violations' elements
RUN_AXE = """async (rules) => {
  const failing = ["serious", "critical"];
  const options = {resultTypes: ["violations"]};
  if (rules) {
    options.runOnly = {type: "rule", values: rules};
  } else {
    const checks = axe._audit.data.checks;
    options.rules = Object.fromEntries(axe._audit.rules.filter(rule => {
      const ids = [...rule.any, ...rule.all, ...rule.none].map(c => c.id || c);
      const impacts = rule.impact ? [rule.impact] : ids.map(id => (checks[id] || {}).impact);
      return !impacts.some(impact => failing.includes(impact));
    }).map(rule => [rule.id, {enabled: false}]));
  }
  const result = await axe.run(document, options);
  return result.violations.flatMap(v => v.nodes
    .filter(n => failing.includes(n.impact))
    .map(n => {
      const data = [...n.any, ...n.all, ...n.none].map(c => c.data).find(d => d && d.fgColor);
      const colours = data ? ` (${data.fgColor} on ${data.bgColor}: ${data.contrastRatio}:1)` : "";
      return {rule: v.id, impact: n.impact,
              target: n.target.map(t => [].concat(t).join(" >> ")).join(" | ") + colours};
    }));
}"""

# lets the page answer a resize or a new colour scheme (resize listeners run in the next
# frame) and ends the transitions it starts (colours are read as they end up)
SETTLE = """async () => {
  await new Promise(r => { requestAnimationFrame(r); setTimeout(r, 100); });
  for (const animation of document.getAnimations()) {
    try { animation.finish(); } catch (endless) {}
  }
}"""

# whether the page has a dark theme: a style sheet with rules for a dark colour scheme
# (the system's setting, or the back office's toggle)
HAS_DARK = """() => {
  const dark = rules => Array.from(rules).some(rule =>
    /prefers-color-scheme:\\s*dark/.test(rule.conditionText || "")
    || /data-theme="?dark/.test(rule.selectorText || "")
    || (rule.cssRules && dark(rule.cssRules)));
  return Array.from(document.styleSheets).some(sheet => {
    try { return dark(sheet.cssRules); } catch (crossOrigin) { return false; }
  });
}"""


@dataclass(frozen=True)
class Visit:
    key: str  # the matrix's route key
    role: str
    url: str
    promised: bool  # the matrix promises this role a 200


@dataclass
class Sweep:
    pages: int = 0
    findings: list = field(default_factory=list)  # (visit, width, theme, rule, impact, target)
    problems: list = field(default_factory=list)  # promised pages that did not answer one
    skipped: dict = field(default_factory=dict)  # key -> why it is not a page


# --- the data ------------------------------------------------------------------------


@pytest.fixture
def world(committed, django_db_blocker):
    """The role matrix's world, committed, in a business of its own (``sweep``), and a
    platform staff member; all dropped afterwards."""
    from allauth.account.models import EmailAddress

    from accounts.models import User
    from programs.catalog.models import CatalogExercise
    from tenants.models import Business
    from tenants.schemas import schema_drop
    from tenants.services import business_provision

    with django_db_blocker.unblock():
        catalog = set(CatalogExercise.objects.values_list("pk", flat=True))
        business = business_provision(
            name="Sweep Strength",
            slug=SLUG,
            owner_email=f"owner@{SLUG}.test",
            owner_password=PASSWORD,
            owner_first_name="Owner",
            welcome=False,
        ).business
        with tenant_context(business):
            EmailAddress.objects.update(verified=True)
        try:
            built = world_build(business, Business.objects.get(slug="zen"))
            User.objects.create_superuser(email=PLATFORM_EMAIL, password=PASSWORD)
            yield built
        finally:
            connection.set_schema_to_public()
            # raw: the ORM's cascades would look for the business's tables in public
            with connection.cursor() as cursor:
                for model in (EmailAddress, User):
                    column = "user_id" if model is EmailAddress else "id"
                    cursor.execute(
                        f'DELETE FROM "{model._meta.db_table}" WHERE {column} IN '
                        f'(SELECT id FROM "{User._meta.db_table}" WHERE email = %s)',
                        [PLATFORM_EMAIL],
                    )
            business.domains.all().delete()
            schema_drop(business.schema_name)
            Business.objects.filter(pk=business.pk).delete()
            with connection.cursor() as cursor:
                cursor.execute(
                    f'DELETE FROM "{CatalogExercise._meta.db_table}" WHERE NOT (id = ANY(%s))',
                    [list(catalog)],
                )
            shutil.rmtree(Path(settings.MEDIA_ROOT) / business.schema_name, ignore_errors=True)


def _session(user, host: str, business=None) -> str:
    """A signed-in session for ``user``, saved in the database as a sign-in would."""
    browser = DjangoClient(HTTP_HOST=host)
    if business is None:
        with schema_context("public"):
            browser.force_login(user)
    else:
        with tenant_context(business):
            browser.force_login(user)
    return browser.cookies[settings.SESSION_COOKIE_NAME].value


# --- the plan: which role opens which URL --------------------------------------------


def plan(world, site) -> tuple[list[Visit], dict]:
    """Every route's visits, and why each route that gets none is not a page."""
    visits, skipped = [], {}
    for route in all_routes():
        if is_format_suffix(route):  # DRF's .json twin: the API's
            continue
        if route.key in EXEMPT:
            skipped[route.key] = "webhook or signed hand-off (the matrix's exemptions)"
            continue
        if route.route.startswith("api/"):
            skipped[route.key] = "the API"
            continue
        spec = ROWS[route.key]
        expect = spec["expect"]
        if route.conf == PUBLIC:
            url = site.url + fill(route, {p: PUBLIC_FILL[p] for p in route.params})
            if expect.get("anonymous") == 200:
                visits.append(Visit(route.key, VISITOR, url, promised=True))
            elif expect.get("anonymous") == LOGIN:
                # the matrix has no platform staff: their answer is not promised
                visits.append(Visit(route.key, PLATFORM_STAFF, url, promised=False))
            else:
                skipped[route.key] = f"no page for anyone ({expect['anonymous']})"
            continue
        url = site.business_url(SLUG, fill(route, values_for(route, world, spec["fill"])))
        roles = [role for role, visitor in TENANT_ROLES.items() if expect.get(visitor) == 200]
        visits += [Visit(route.key, role, url, promised=True) for role in roles]
        if not roles:
            skipped[route.key] = "no role is promised a page"
    return visits, skipped


def cookies_for(world, site) -> dict[str, list[dict]]:
    from accounts.models import User

    cookies = {VISITOR: []}
    host = f"{SLUG}.{settings.BASE_DOMAIN}"
    for role in ("owner", "coach", "client"):
        value = _session(world.users[role], host, world.business)
        cookies[role] = [
            {"name": settings.SESSION_COOKIE_NAME, "value": value, "url": site.business_url(SLUG)}
        ]
    staff = User.objects.get(email=PLATFORM_EMAIL)
    value = _session(staff, settings.BASE_DOMAIN)
    cookies[PLATFORM_STAFF] = [
        {"name": settings.SESSION_COOKIE_NAME, "value": value, "url": site.url}
    ]
    return cookies


# --- the browser ---------------------------------------------------------------------------


async def _is_page(context, visit: Visit, sweep: Sweep) -> bool:
    """For a visit the matrix promises nothing (platform staff's): whether the answer is
    a page, asked without the browser (most are redirects: no object with that id)."""
    answer = await context.request.get(visit.url, max_redirects=0)
    kind = answer.headers.get("content-type", "").split(";")[0]
    if answer.status == 200 and kind == "text/html":
        return True
    sweep.skipped.setdefault(visit.key, f"no page for {visit.role} ({answer.status} {kind})")
    return False


async def _check(page, visit: Visit, sweep: Sweep) -> None:
    from playwright.async_api import Error

    await page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})
    await page.emulate_media(color_scheme="light")
    try:
        response = await page.goto(visit.url, wait_until="load")
    except Error as exc:
        if "Download is starting" in str(exc):
            sweep.skipped.setdefault(visit.key, "a download")
            return
        raise
    kind = response.headers.get("content-type", "").split(";")[0]
    if response.status != 200 or response.request.redirected_from is not None:
        answer = response.status if response.request.redirected_from is None else page.url
        sweep.problems.append(f"{visit.key} as {visit.role}: no page, but {answer}")
        return
    if kind != "text/html":
        sweep.skipped.setdefault(visit.key, f"not a page ({kind})")
        return
    sweep.pages += 1
    # the page as loaded (1280 px, light), the same page at 360 px; then its colours in
    # the dark theme, where it has one (at 1280 px: the dark theme's colours are its
    # variables, the same at both widths, and a phone's layout is checked in light)
    passes = [(WIDTHS[0], "light", None), (WIDTHS[1], "light", None)]
    if await page.evaluate(HAS_DARK):
        passes.append((WIDTHS[0], "dark", COLOUR_RULES))
    width, theme = WIDTHS[0], "light"
    await page.evaluate(SETTLE)
    for want_width, want_theme, rules in passes:
        if want_width != width:
            await page.set_viewport_size({"width": want_width, "height": HEIGHT})
        if want_theme != theme:
            await page.emulate_media(color_scheme=want_theme)
        if (want_width, want_theme) != (width, theme):
            await page.evaluate(SETTLE)
        width, theme = want_width, want_theme
        for found in await page.evaluate(RUN_AXE, rules):
            sweep.findings.append(
                (visit, width, theme, found["rule"], found["impact"], found["target"])
            )


async def _sweep(visits: list[Visit], cookies: dict, sweep: Sweep) -> None:
    from playwright.async_api import async_playwright

    queue: asyncio.Queue = asyncio.Queue()
    for visit in visits:
        queue.put_nowait(visit)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        contexts = {}
        for role, jar in cookies.items():
            contexts[role] = await browser.new_context(
                viewport={"width": WIDTHS[0], "height": HEIGHT}, service_workers="block"
            )
            # outside the page's own scripts: the Content-Security-Policy does not apply
            await contexts[role].add_init_script(path=str(AXE))
            await contexts[role].add_cookies(jar)

        async def tab():
            pages = {}
            while not queue.empty():
                visit = queue.get_nowait()
                context = contexts[visit.role]
                if not visit.promised and not await _is_page(context, visit, sweep):
                    continue
                if visit.role not in pages:
                    pages[visit.role] = await context.new_page()
                try:
                    await asyncio.wait_for(_check(pages[visit.role], visit, sweep), 60)
                except TimeoutError:
                    sweep.problems.append(f"{visit.key} as {visit.role}: no answer in 60 s")
                    await pages.pop(visit.role).close()

        await asyncio.gather(*(tab() for _ in range(TABS)))
        await browser.close()


def _report(sweep: Sweep) -> str:
    lines = []
    for visit, width, theme, rule, impact, target in sweep.findings:
        lines.append(
            f"{visit.key} as {visit.role} at {width} px ({theme}): {rule} [{impact}] {target}"
        )
    return "\n".join(sorted(set(lines)))


def test_every_page_passes_axe_at_both_widths_for_every_role(world, live_site):
    visits, skipped = plan(world, live_site)
    only = os.environ.get("MF_A11Y_ONLY")  # a developer fixing a page: a pattern of URLs
    if only:
        visits = [visit for visit in visits if re.search(only, visit.url)]
    cookies = cookies_for(world, live_site)
    sweep = Sweep(skipped=skipped)
    started = time.monotonic()
    # Playwright's async API, on its own thread and event loop (the session's sync browser
    # marks this thread's loop as running while a browser test holds it)
    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, _sweep(visits, cookies, sweep)).result()
    reasons = Counter(why.split(" (")[0] for why in sweep.skipped.values())
    print(
        f"\naccessibility sweep: {sweep.pages} pages checked of {len(visits)} visits "
        f"in {time.monotonic() - started:.1f} s; routes that are not pages: "
        + ", ".join(f"{count} {why}" for why, count in reasons.most_common())
    )
    assert not sweep.problems and not sweep.findings, (
        "\n".join(sweep.problems)
        + f"\n{len(sweep.findings)} serious or critical accessibility violations:\n"
        + _report(sweep)
    )
    if not only:
        # the sweep saw the site as every role, not a sign-in page
        assert {visit.role for visit in visits} == {*TENANT_ROLES, PLATFORM_STAFF}
        assert sweep.pages > 500
