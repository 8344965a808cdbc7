"""Helpers for the test suite (imported by tests, never by the app)."""

from django.contrib.auth.hashers import Argon2PasswordHasher


def cache_clear(cache=None) -> int:
    """Delete this test run's cache keys, and only those.

    Redis's own ``clear()`` is FLUSHDB, which under xdist would also wipe the
    other workers' keys (rate-limit counters mid-test): the suite's conftest
    makes ``cache.clear()`` call this instead. Keys are
    ``<schema>:<prefix>:<version>:<key>`` (django-tenants' key function), and each
    worker has its own prefix. Returns how many keys were deleted."""
    if cache is None:
        from django.core.cache import cache  # the default cache, unless given one
    prefix = cache.key_prefix
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"*:{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)
    return len(keys)


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 at its cheapest, for the suite: a hash takes microseconds, not 0.2 s.

    The hashes are still Argon2 with their cost written in them, so a live site
    the tests start (production hashers) checks them all the same."""

    time_cost = 1
    memory_cost = 8
    parallelism = 1
