import pytest
from django.db import connection


@pytest.mark.django_db
def test_health_reports_database_and_redis_up(public_client):
    response = public_client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] and body["checks"]["redis"]["ok"]
    assert body["provisioning"]["template"] == "current"
    assert body["provisioning"]["pool_stale"] == 0


@pytest.mark.django_db
def test_health_says_when_the_sign_up_template_is_stale(public_client):
    from tenants.models import SchemaTemplate

    SchemaTemplate.objects.update(fingerprint="0" * 64)
    response = public_client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["provisioning"]["template"] == "stale"


@pytest.mark.django_db
def test_the_database_check_reports_a_stale_template():
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    from tenants.models import SchemaTemplate

    SchemaTemplate.objects.update(fingerprint="0" * 64)
    with pytest.raises(SystemCheckError, match="tenants.W001"):
        call_command("check", tags=["provisioning"], databases=["default"], fail_level="WARNING")


@pytest.mark.django_db
def test_health_reports_503_when_redis_is_down(public_client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = public_client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == {"ok": False, "error": "ConnectionError"}


def test_health_reports_503_when_the_database_is_down(public_client, django_db_blocker):
    with django_db_blocker.unblock():
        connection.close()
        original = connection.settings_dict["PORT"]
        connection.settings_dict["PORT"] = 1
        try:
            response = public_client.get("/healthz")
        finally:
            connection.close()
            connection.settings_dict["PORT"] = original
    assert response.status_code == 503
    assert response.json()["checks"]["database"]["ok"] is False
    assert response.json()["checks"]["redis"]["ok"] is True
