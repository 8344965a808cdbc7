"""The back office home speaks a trainer's language, not Django's (issue 13: no stock
framework text to a trainer)."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_home_names_sections_for_a_trainer_and_drops_djangos_recent_actions(owner_client):
    page = owner_client.get("/admin/").content.decode()
    assert "Authentication and authorization" not in page
    assert "Recent actions" not in page and "None available" not in page
    # the home is Today (issue 17), not a list of every model
    assert "<h1>Today</h1>" in page and "Team access" not in page


def test_the_platform_admin_keeps_djangos_own_words(public_client, django_user_model):
    staff = django_user_model.objects.create_superuser(
        email="ops@mectofitness.test", password="correct-horse-battery"
    )
    public_client.force_login(staff)
    page = public_client.get("/admin/").content.decode()
    assert "Recent actions" in page
