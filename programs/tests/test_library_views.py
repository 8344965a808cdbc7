"""The library in the back office (search, filters, copy and edit, hide, custom
exercises, detail) and an exercise's page in the portal."""

import pytest

from programs.catalog.models import CatalogExercise

pytestmark = pytest.mark.django_db
LIBRARY = "/admin/programs/exercise/"


def key(name: str) -> str:
    return f"c-{CatalogExercise.objects.get(name=name).pk}"


def test_owner_and_coach_search_the_library_page(owner_client, coach_browser):
    for browser in (owner_client, coach_browser):
        response = browser.get(LIBRARY, {"q": "dumbell curl", "muscle": "biceps"})
        assert response.status_code == 200
        html = response.content.decode()
        assert html.index("Dumbbell Curl") < html.index("Hammer Curl")
        assert "Copy and edit" in html and "Hide" in html


def test_the_results_partial_answers_live_search(owner_client):
    response = owner_client.get(LIBRARY, {"q": "squatt"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in response.content.decode() and "Back Squat" in response.content.decode()


def test_a_client_cannot_open_the_back_office_library(client_browser):
    response = client_browser.get(LIBRARY)
    assert response.status_code == 403
    assert "This area is for staff" in response.content.decode()


def test_a_bad_filter_shows_an_error_not_a_crash(owner_client):
    response = owner_client.get(LIBRARY, {"muscle": "wings", "page": "zzz"})
    assert response.status_code == 400
    assert "Unknown muscle" in response.content.decode()


def test_copy_and_edit_opens_the_copy_for_editing(owner_client):
    response = owner_client.post(f"{LIBRARY}{key('Goblet Squat')}/copy/")
    assert response.status_code == 302 and response["Location"].endswith("/edit/")
    form = owner_client.get(response["Location"])
    assert form.status_code == 200 and 'value="Goblet Squat"' in form.content.decode()
    saved = owner_client.post(
        response["Location"],
        {
            "name": "Goblet Squat (pause)",
            "category": "strength",
            "primary_muscles": ["quadriceps"],
            "instructions": "Hold the bell at the chest.\nPause two seconds at the bottom.",
            "cues": "Elbows inside the knees",
        },
    )
    assert saved.status_code == 302
    page = owner_client.get(saved["Location"]).content.decode()
    assert "Goblet Squat (pause)" in page and "Pause two seconds at the bottom." in page
    assert "Your copy" in page


def test_hide_returns_to_the_list_and_unhide_brings_it_back(owner_client):
    squat = key("Back Squat")
    back = f"{LIBRARY}?q=back+squat"
    response = owner_client.post(f"{LIBRARY}{squat}/hide/", {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert ">Back Squat</a>" not in owner_client.get(back).content.decode()
    hidden = owner_client.get(LIBRARY, {"hidden": "1"}).content.decode()
    assert "Back Squat" in hidden and "Unhide" in hidden
    owner_client.post(f"{LIBRARY}{squat}/unhide/", {"next": "https://evil.example/"})
    assert ">Back Squat</a>" in owner_client.get(back).content.decode()


def test_adding_a_custom_exercise_shows_field_errors(owner_client):
    response = owner_client.post(
        f"{LIBRARY}add/", {"name": "", "category": "yoga", "video_url": "nope"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please correct the errors below." in html and "aria-describedby" in html


def test_adding_a_custom_exercise(owner_client):
    response = owner_client.post(
        f"{LIBRARY}add/",
        {"name": "Prowler Sprint", "category": "cardio", "equipment": ["other"]},
    )
    assert response.status_code == 302
    assert "Prowler Sprint" in owner_client.get(LIBRARY, {"q": "prowler sprint"}).content.decode()


def test_the_detail_page_shows_instructions_and_cues(coach_browser):
    response = coach_browser.get(f"{LIBRARY}{key('Romanian Deadlift')}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "How to do it" in html and "Hips back, not down" in html


def test_catalog_entries_are_not_edited_in_place(owner_client):
    assert owner_client.get(f"{LIBRARY}{key('Back Squat')}/edit/").status_code == 404
    assert owner_client.get(f"{LIBRARY}c-99999999/").status_code == 404


def test_a_client_reads_an_exercise_in_the_portal(client_browser, owner_client):
    squat = key("Back Squat")
    response = client_browser.get(f"/exercises/{squat}/")
    assert (
        response.status_code == 200 and "sit down between your heels" in response.content.decode()
    )
    owner_client.post(f"{LIBRARY}{squat}/hide/")
    assert client_browser.get(f"/exercises/{squat}/").status_code == 404


def test_the_portal_exercise_page_needs_a_sign_in(tenant_client):
    assert tenant_client.get(f"/exercises/{key('Back Squat')}/").status_code == 302


def test_the_platform_admin_lists_the_catalog(public_client):
    from accounts.models import User

    admin = User.objects.create_superuser(email="root@platform.test", password="x-Password-123")
    public_client.force_login(admin)
    response = public_client.get("/admin/catalog/catalogexercise/", {"q": "squat"})
    assert response.status_code == 200 and "Back Squat" in response.content.decode()
