"""An owner walks the exercise library in the back office on a laptop and a phone:
searches with a typo, filters, opens an exercise with its images, copies one to edit
it, hides another. Screenshots in artifacts/library-*.png."""

import shutil
from pathlib import Path

import pytest
from django_tenants.utils import tenant_context

from conftest import ARTIFACTS, BROWSER_MARKS, PASSWORD

pytestmark = BROWSER_MARKS
FEDB_IMAGES = Path(__file__).resolve().parents[3] / "shared/data/free-exercise-db/images"


@pytest.fixture
def library_state(tmp_path, monkeypatch, settings, django_db_setup, django_db_blocker):
    """Back Squat gets its two images (in a temporary media folder the live site uses);
    whatever the walk changes at acme is undone afterwards."""
    from programs.catalog.models import CatalogExercise
    from programs.models import Exercise, ExerciseHide
    from tenants.models import Business

    media = tmp_path / "media"
    monkeypatch.setenv("MEDIA_ROOT", str(media))
    settings.MEDIA_ROOT = str(media)
    folder = media / "public/catalog/barbell-squat"
    folder.mkdir(parents=True)
    for name in ("0.jpg", "1.jpg"):
        shutil.copy(FEDB_IMAGES / "Barbell_Squat" / name, folder / name)
    with django_db_blocker.unblock():
        squat = CatalogExercise.objects.get(slug="back-squat")
        before = list(squat.images)
        squat.images = ["public/catalog/barbell-squat/0.jpg", "public/catalog/barbell-squat/1.jpg"]
        squat.save(update_fields=["images"])
    yield
    with django_db_blocker.unblock():
        CatalogExercise.objects.filter(pk=squat.pk).update(images=before)
        with tenant_context(Business.objects.get(slug="acme")):
            ExerciseHide.objects.all().delete()
            Exercise.objects.all().delete()


def sign_in(page, live_site):
    page.goto(live_site.business_url("acme", "/admin/"))
    page.get_by_label("Email").fill("owner@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/admin/")


def test_an_owner_walks_the_library_on_a_laptop_and_a_phone(library_state, live_site, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    desk = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(desk, live_site)
    desk.goto(live_site.business_url("acme", "/admin/programs/exercise/"))
    search = desk.get_by_label("Search by name")
    search.fill("dumbell curl")  # live results, typo forgiven
    desk.wait_for_function(
        "() => document.querySelector('.mf-lib-item__name')?.textContent.trim() === 'Dumbbell Curl'"
    )
    desk.get_by_label("Muscle").select_option("biceps")
    desk.wait_for_url("**muscle=biceps**")
    assert desk.locator(".mf-lib-item__name").first.inner_text() == "Dumbbell Curl"
    desk.screenshot(path=str(ARTIFACTS / "library-search-desktop.png"), full_page=False)

    search.fill("squatt")
    desk.get_by_label("Muscle").select_option("")
    desk.wait_for_function(
        "() => document.querySelector('.mf-lib-item__name')?.textContent.trim() === 'Back Squat'"
    )
    desk.locator(".mf-lib-item__name a", has_text="Back Squat").first.click()
    desk.wait_for_url("**/admin/programs/exercise/c-*/")
    assert "How to do it" in desk.inner_text("body")
    image = desk.locator(".mf-lib-images img").first
    image.evaluate("img => img.decode()")
    assert image.evaluate("img => img.naturalWidth") > 0
    desk.screenshot(path=str(ARTIFACTS / "library-detail-desktop.png"), full_page=True)

    desk.get_by_role("button", name="Copy and edit").click()
    desk.wait_for_url("**/admin/programs/exercise/b-*/edit/")
    desk.locator("#id_name").fill("Back Squat (high bar, paused)")
    desk.get_by_role("button", name="Save").click()
    desk.wait_for_url("**/admin/programs/exercise/b-*/")
    assert "Your copy" in desk.inner_text("body")

    phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    sign_in(phone, live_site)
    phone.goto(live_site.business_url("acme", "/admin/programs/exercise/?q=goblet"))
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=str(ARTIFACTS / "library-search-phone.png"), full_page=True)
    phone.get_by_role("button", name="Hide Goblet Squat").click()
    phone.wait_for_url("**q=goblet**")
    assert "is hidden from your library" in phone.inner_text("body")
    phone.goto(live_site.business_url("acme", "/admin/programs/exercise/?q=back+squat"))
    assert "Back Squat (high bar, paused)" in phone.inner_text("body")
    phone.locator(".mf-lib-item__name a").first.click()
    phone.wait_for_url("**/admin/programs/exercise/b-*/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=str(ARTIFACTS / "library-detail-phone.png"), full_page=True)
