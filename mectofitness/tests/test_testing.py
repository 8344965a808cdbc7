"""The suite's own harness: parallel workers share one Redis database and must
not touch each other's keys (a lockout test once missed its lockout that way)."""

from django.core.cache import cache, caches


def test_another_workers_cache_clear_leaves_this_workers_counters_alone():
    neighbour = caches.create_connection("default")
    neighbour.key_prefix = f"{cache.key_prefix}-neighbour"
    cache.set("harness:failed-logins", 4)
    neighbour.set("harness:failed-logins", 1)

    neighbour.clear()

    assert neighbour.get("harness:failed-logins") is None
    assert cache.get("harness:failed-logins") == 4
    cache.delete("harness:failed-logins")
