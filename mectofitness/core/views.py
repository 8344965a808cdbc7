import time
from collections.abc import Callable

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request, provisioning: Callable[[], dict] | None = None):
    """Database and Redis status as JSON: 200 when both answer, 503 otherwise.

    The public site's URLconf passes ``provisioning`` (``tenants.schemas.
    provisioning_state``): sign-up readiness, for operators. It does not fail the
    check: existing businesses are served either way.
    """
    checks = {"database": _check_database(), "redis": _check_redis()}
    healthy = all(check["ok"] for check in checks.values())
    body = {"status": "ok" if healthy else "unavailable", "checks": checks}
    if checks["database"]["ok"] and provisioning is not None:
        body["provisioning"] = provisioning()
    return JsonResponse(body, status=200 if healthy else 503)


def _check_database() -> dict:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - report any failure, never raise
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 2)}


def _check_redis() -> dict:
    started = time.perf_counter()
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        client.ping()
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 2)}


def ping(request):
    """A trivial JSON view: what `make bench` measures routing with."""
    return JsonResponse({"ok": True})
