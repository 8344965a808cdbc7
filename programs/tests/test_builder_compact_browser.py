"""The builder keeps a week on one screen: a 4-day program of six exercises a day is at
most two desktop screens (2 x 900 px) tall at 1280 px, its workouts side by side; each
exercise is one line ("Back Squat 3 × 5 @ 75% · rest 2:00") that opens, from the
keyboard too, to its edit form; on a 360 px phone the workouts stack and nothing
scrolls sideways. Screenshots go to the artifacts folder."""

from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from conftest import ARTIFACTS, BROWSER_MARKS

from .test_builder_browser import sign_in

pytestmark = BROWSER_MARKS

DAYS = ["Lower A", "Upper A", "Lower B", "Upper B"]


@pytest.fixture
def four_by_six(django_db_setup, django_db_blocker):
    """A template of 4 workouts x 6 loaded lifts, each with rest and a progression
    rule, the first a back squat at 3 x 5 @ 75% rest 2:00; committed, removed after."""
    from programs.catalog.models import CatalogExercise
    from programs.models import Program
    from programs.services import prescriptions
    from programs.services import program_structure as structure
    from tenants.models import Business

    with django_db_blocker.unblock(), tenant_context(Business.objects.get(slug="acme")):
        squat = CatalogExercise.objects.filter(name__iexact="back squat").first()
        squat = squat or CatalogExercise.objects.filter(name__icontains="squat").first()
        lifts = list(
            CatalogExercise.objects.filter(measurement="reps_load")
            .exclude(pk=squat.pk)
            .order_by("pk")[:23]
        )
        assert len(lifts) == 23, "the catalog has two dozen loaded lifts"
        program = structure.program_create(by=None, name="Compact week", length_weeks=8, days=DAYS)
        days = list(program.weeks.get().days.order_by("position"))
        rule = {"kind": "add_load", "step": 2.5, "deload_every": 4}
        for n, exercise in enumerate([squat, *lifts]):
            prescriptions.prescription_add(
                by=None,
                exercise_ref=f"catalog:{exercise.pk}",
                day=days[n // 6],
                sets=3 if n == 0 else 4,
                reps_min=5 if n == 0 else 8,
                reps_max=None if n == 0 else 10,
                load_kind="percent_1rm" if n == 0 else "kg",
                load_value=Decimal("75") if n == 0 else Decimal("40"),
                rest_seconds=120 if n == 0 else 90,
                progression=rule,
            )
        ids = {"program": program.pk, "squat": squat.name}
    yield ids
    with django_db_blocker.unblock(), tenant_context(Business.objects.get(slug="acme")):
        Program.objects.filter(pk=ids["program"]).delete()


def tops(page, selector: str) -> list[int]:
    return page.eval_on_selector_all(
        selector, "els => els.map(e => Math.round(e.getBoundingClientRect().top))"
    )


def test_a_week_of_four_workouts_reads_on_two_screens_and_a_line_opens_to_edit(
    four_by_six, live_site, browser
):
    ARTIFACTS.mkdir(exist_ok=True)
    url = live_site.business_url(
        "acme", f"/admin/programs/program/{four_by_six['program']}/builder/"
    )
    desk = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(desk, live_site, "owner@acme.test", admin=True)
    desk.goto(url)

    assert desk.locator(".pb-rx").count() == 24
    # the whole week (and the page around it) in at most two screens of 900 px
    assert desk.locator(".pb-week").bounding_box()["height"] <= 2 * 900
    assert desk.evaluate("document.documentElement.scrollHeight") <= 2 * 900
    # the workouts side by side: two rows of two at most beside the menu
    assert len(set(tops(desk, ".pb-day"))) <= 2

    # one line per exercise, and a closed line keeps no room for its editor
    squat = desk.locator(".pb-rx").first
    line = squat.locator("summary").inner_text()
    assert four_by_six["squat"] in line
    assert "3 × 5 @ 75%" in line and "rest 2:00" in line
    # on one line: the name and the end of the dose share a row
    name, rest = squat.locator("strong"), squat.locator(".pb-rx__dose .pb-nw").last
    assert abs(name.bounding_box()["y"] - rest.bounding_box()["y"]) < 4
    closed = desk.eval_on_selector_all(
        ".pb-rx__edit",
        """els => els.map(d => d.getBoundingClientRect().height
                             - d.querySelector('summary').getBoundingClientRect().height)""",
    )
    assert max(closed) < 1
    assert squat.get_by_label("Sets").count() == 0

    # from the keyboard: the line is a button; Enter opens the exercise's form
    squat.locator("summary").focus()
    desk.keyboard.press("Enter")
    sets = squat.get_by_label("Sets")
    sets.wait_for()
    assert sets.input_value() == "3"
    assert squat.get_by_label("Reps", exact=True).input_value() == "5"
    assert squat.get_by_label("Rest (s)").input_value() == "120"
    assert squat.get_by_role("button", name="Save exercise").is_visible()
    assert squat.get_by_role("button", name=f"Move {four_by_six['squat']} down").is_visible()
    desk.screenshot(path=str(ARTIFACTS / "builder-compact-1280.png"), full_page=True)

    phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    sign_in(phone, live_site, "owner@acme.test", admin=True)
    phone.goto(url)
    stacked = tops(phone, ".pb-day")
    assert stacked == sorted(stacked) and len(set(stacked)) == 4
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert "3 × 5 @ 75%" in phone.locator(".pb-rx summary").first.inner_text()
    phone.screenshot(path=str(ARTIFACTS / "builder-compact-360.png"), full_page=True)
