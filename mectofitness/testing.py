"""Helpers for the test suite (imported by tests, never by the app)."""

from django.conf import settings


def cache_clear() -> int:
    """Delete this test run's cache keys, and only those.

    ``cache.clear()`` flushes the whole Redis database: under xdist it would also
    wipe the other workers' keys (rate-limit counters mid-test). Keys are
    ``<schema>:<prefix>:<version>:<key>`` (django-tenants' key function), and each
    worker has its own prefix. Returns how many keys were deleted."""
    from django.core.cache import cache

    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"*:{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)
    return len(keys)
