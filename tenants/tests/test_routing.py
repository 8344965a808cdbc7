import time

import pytest
import redis
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from tenants.models import Business
from tenants.routing import HostCache
from tenants.services import business_set_status

pytestmark = [pytest.mark.citus, pytest.mark.django_db]


def test_an_unknown_host_gets_a_friendly_404_page():
    response = Client(HTTP_HOST="nobody.localhost").get("/")
    assert response.status_code == 404
    assert "nobody.localhost" in response.content.decode()
    assert b"Traceback" not in response.content


def test_a_host_outside_allowed_hosts_gets_the_404_page_not_an_error():
    response = Client(HTTP_HOST="evil.example.com").get("/")
    assert response.status_code == 404


def test_the_public_domain_serves_the_landing_page(public_client):
    response = public_client.get("/")
    assert response.status_code == 200
    assert response.wsgi_request.urlconf == "mectofitness.urls_public"


def test_a_business_host_is_served_from_its_own_schema(tenant_client, business):
    response = tenant_client.get("/accounts/login/")
    assert response.status_code == 200
    assert response.wsgi_request.tenant.pk == business.pk
    assert response.wsgi_request.urlconf == "mectofitness.urls_tenant"


def test_a_login_at_one_business_does_not_work_at_another(business, other_business):
    zen = Client(HTTP_HOST="zen.localhost")
    acme = Client(HTTP_HOST="acme.localhost")
    response = acme.post(
        "/accounts/login/", {"login": "owner@zen.test", "password": "correct-horse-battery"}
    )
    assert response.status_code == 200  # the form again, with an error
    assert "_auth_user_id" not in acme.session
    response = zen.post(
        "/accounts/login/", {"login": "owner@zen.test", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in zen.session


def test_a_session_from_one_business_is_not_valid_at_another(owner_client, other_business):
    assert owner_client.get("/admin/").status_code == 200
    stolen = Client(HTTP_HOST="zen.localhost")
    stolen.cookies = owner_client.cookies
    response = stolen.get("/admin/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_a_suspended_business_shows_a_notice_at_once(owner_client, business):
    assert owner_client.get("/admin/").status_code == 200  # route now cached

    business_set_status(business=business, status=Business.Status.SUSPENDED)

    response = owner_client.get("/admin/")
    assert response.status_code == 403
    assert "suspended" in response.content.decode().lower()
    assert owner_client.get("/healthz").status_code == 200


def test_a_cancelled_business_shows_a_notice_and_reactivation_restores_it(owner_client, business):
    business_set_status(business=business, status=Business.Status.CANCELLED)
    assert owner_client.get("/admin/").status_code == 403
    business_set_status(business=business, status=Business.Status.ACTIVE)
    assert owner_client.get("/admin/").status_code == 200


def test_a_routed_request_reads_the_domain_once_then_from_cache(tenant_client, business):
    from tenants.routing import host_cache

    assert host_cache.wait_until_listening()
    with CaptureQueriesContext(connection) as first:
        assert tenant_client.get("/ping").status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert tenant_client.get("/ping").status_code == 200
    assert any("tenants_domain" in q["sql"] for q in first.captured_queries)
    assert second.captured_queries == []


def test_a_new_domain_is_routed_without_waiting(business):
    Client(HTTP_HOST="coach.acme.test").get("/")  # cached as unknown
    business.domains.create(domain="coach.acme.test", is_primary=False)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("django.conf.settings.ALLOWED_HOSTS", ["*"])
        response = Client(HTTP_HOST="coach.acme.test").get("/accounts/login/")
    assert response.status_code == 200


def test_an_invalidation_reaches_other_processes_caches(business):
    """Another process's cache (a second HostCache on its own Redis subscription) is cleared."""
    from tenants.middleware import business_for_host
    from tenants.routing import host_cache

    elsewhere = HostCache()
    assert elsewhere.wait_until_listening()
    elsewhere.get("acme.localhost", business_for_host)
    assert "acme.localhost" in elsewhere._entries

    host_cache.publish()

    deadline = time.monotonic() + 3
    while "acme.localhost" in elsewhere._entries and time.monotonic() < deadline:
        time.sleep(0.01)
    assert "acme.localhost" not in elsewhere._entries


def test_another_installations_invalidation_leaves_this_cache_alone(business, settings):
    """Redis's pub/sub spans its databases: an installation with another key prefix (a
    second product on the server, or the test suite's other worker) publishes on a
    channel of its own, and this process keeps its routes. The same publish on this
    installation's channel clears them (the control)."""
    from tenants.middleware import business_for_host
    from tenants.routing import channel

    cache = HostCache()
    assert cache.wait_until_listening()
    cache.get("acme.localhost", business_for_host)
    ours = channel()
    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "KEY_PREFIX": "another-installation"},
    }
    theirs = channel()
    publisher = redis.Redis.from_url(settings.REDIS_URL)

    assert theirs != ours
    publisher.publish(theirs, b"1")
    publisher.publish(ours + ":control-not-ours", b"1")
    time.sleep(0.3)  # a delivery would take a millisecond or two
    assert "acme.localhost" in cache._entries

    publisher.publish(ours, b"1")
    deadline = time.monotonic() + 3
    while "acme.localhost" in cache._entries and time.monotonic() < deadline:
        time.sleep(0.01)
    assert "acme.localhost" not in cache._entries


def _current_schema() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        return cursor.fetchone()[0]


def test_the_search_path_is_set_only_when_the_schema_changes(business, other_business):
    with tenant_context(business):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        with CaptureQueriesContext(connection) as same:
            connection.set_tenant(business)
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        with CaptureQueriesContext(connection) as changed:
            connection.set_tenant(other_business)
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
    assert not any("search_path" in q["sql"] for q in same.captured_queries)
    assert any("search_path" in q["sql"] for q in changed.captured_queries)


def test_the_search_path_is_set_again_after_a_rollback(business):
    from django.db import transaction

    with tenant_context(business), transaction.atomic():
        sid = transaction.savepoint()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        transaction.savepoint_rollback(sid)
        assert _current_schema() == business.schema_name


def _sets(captured) -> int:
    return sum("search_path" in q["sql"] for q in captured.captured_queries)


def test_a_switch_away_and_back_without_a_query_sets_nothing(business, other_business):
    with tenant_context(business):
        assert _current_schema() == business.schema_name
        with CaptureQueriesContext(connection) as queries:
            connection.set_tenant(other_business)
            connection.set_schema_to_public()
            connection.set_tenant(business)
            assert _current_schema() == business.schema_name
    assert _sets(queries) == 0


def test_a_rollback_to_a_savepoint_made_before_a_set_goes_back_to_the_earlier_path(business):
    from django.db import transaction

    connection.set_schema_to_public()
    with transaction.atomic():
        sid = transaction.savepoint()  # made on the public path
        connection.set_tenant(business)
        assert _current_schema() == business.schema_name  # a SET after the savepoint
        transaction.savepoint_rollback(sid)  # PostgreSQL is back on the public path
        with CaptureQueriesContext(connection) as queries:
            assert _current_schema() == business.schema_name
        assert _sets(queries) == 1
        connection.set_schema_to_public()
        with CaptureQueriesContext(connection) as queries:
            assert _current_schema() == "public"
        assert _sets(queries) == 1


def test_a_rollback_to_a_savepoint_made_after_the_set_keeps_the_path(business):
    from django.db import transaction

    with tenant_context(business), transaction.atomic():
        assert _current_schema() == business.schema_name
        sid = transaction.savepoint()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        transaction.savepoint_rollback(sid)
        with CaptureQueriesContext(connection) as queries:
            assert _current_schema() == business.schema_name
    assert _sets(queries) == 0
