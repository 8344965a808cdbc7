"""Host -> business lookups, cached in process, invalidated at once everywhere.

Every request is routed by its host, so the lookup must cost almost nothing.
Each process keeps a dict of host -> Business. Any change to a business or a
domain publishes on a Redis channel; a daemon thread in every process listens
and clears its dict. The cache is only used while that listener is subscribed:
if Redis is unreachable, every request reads the database (correct, slower),
and the dict is cleared again when the listener reconnects.

A generation counter guards the race where a request reads a row just before
an invalidation and would store the stale copy after it.
"""

import copy
import logging
import os
import threading
import time

import redis
from django.conf import settings

logger = logging.getLogger(__name__)

CHANNEL = "mectofitness:routing-invalidate"


class HostCache:
    def __init__(self) -> None:
        self._entries: dict[str, object] = {}
        self._generation = 0
        self._lock = threading.Lock()
        self._listening = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None

    # --- reads -----------------------------------------------------------
    def get(self, host: str, load):
        """The business for ``host`` (a private copy), or None; ``load(host)`` reads the db."""
        self._ensure_listener()
        if self._listening.is_set():
            entry = self._entries.get(host)
            if entry is not None:
                return _private_copy(entry)
        generation = self._generation
        business = load(host)
        # unknown hosts are not cached: a new business's domain then needs no
        # invalidation, and sign-up publishes nothing
        if business is not None and self._listening.is_set():
            with self._lock:
                if generation == self._generation:
                    self._entries[host] = business
        return _private_copy(business) if business is not None else None

    # --- invalidation ------------------------------------------------------
    def clear(self) -> None:
        with self._lock:
            self._generation += 1
            self._entries.clear()

    def publish_on_commit(self) -> None:
        """Clear here now; publish once when the current transaction commits."""
        from django.db import connection, transaction

        self.clear()
        if not connection.in_atomic_block:
            self.publish()
        elif not any(func == self.publish for _sids, func, _robust in connection.run_on_commit):
            transaction.on_commit(self.publish)

    def publish(self) -> None:
        """Clear this process's entries and tell every other process to clear theirs."""
        self.clear()
        try:
            _redis().publish(CHANNEL, b"1")
        except redis.RedisError:
            # the listeners of other processes lost Redis too, so they stopped caching
            logger.warning("could not publish a routing invalidation", exc_info=True)

    def _ensure_listener(self) -> None:
        pid = os.getpid()
        if self._pid == pid:
            return
        with self._lock:
            if self._pid == pid:
                return
            # a forked child (gunicorn worker) starts its own listener and cache
            self._pid = pid
            self._entries = {}
            self._listening = threading.Event()
            self._thread = threading.Thread(
                target=self._listen, args=(self._listening,), name="routing-invalidate", daemon=True
            )
            self._thread.start()

    def _listen(self, listening: threading.Event) -> None:
        backoff = 0.5
        while True:
            pubsub = None
            try:
                pubsub = _redis().pubsub(ignore_subscribe_messages=False)
                pubsub.subscribe(CHANNEL)
                for message in pubsub.listen():
                    if message["type"] == "subscribe":
                        self.clear()
                        listening.set()
                        backoff = 0.5
                    elif message["type"] == "message":
                        self.clear()
            except Exception:  # noqa: BLE001 - a listener must survive anything
                logger.warning("routing listener lost Redis; caching off until it is back")
            finally:
                listening.clear()
                self.clear()
                if pubsub is not None:
                    try:
                        pubsub.close()
                    except Exception:  # noqa: BLE001
                        pass
            time.sleep(backoff)
            backoff = min(backoff * 2, 10)

    def wait_until_listening(self, timeout: float = 5.0) -> bool:
        self._ensure_listener()
        return self._listening.wait(timeout)


def _private_copy(instance):
    """A shallow copy of a model instance for one request, so the cached one
    never sees a request's changes (cheaper than copy.copy, which pickles)."""
    clone = instance.__class__.__new__(instance.__class__)
    clone.__dict__ = instance.__dict__.copy()
    clone._state = copy.copy(instance._state)
    return clone


_clients: dict[tuple[int, str], redis.Redis] = {}


def _redis() -> redis.Redis:
    """A Redis client per process and URL (a connection pool is not fork-safe)."""
    key = (os.getpid(), settings.REDIS_URL)
    client = _clients.get(key)
    if client is None:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=2, health_check_interval=30
        )
        _clients[key] = client
    return client


host_cache = HostCache()
