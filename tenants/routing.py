"""Host -> business lookups, cached in process, invalidated everywhere within seconds.

Every request is routed by its host, so the lookup must cost almost nothing.
Each process keeps a dict of host -> (expiry, Business). Three mechanisms bound
how long a process may go on serving a business's old state, whatever fails:

- Any change to a business or a domain publishes on a Redis channel, retried a
  few times (on a fresh connection) when publishing fails; a daemon thread in
  every process listens and clears its dict.
- The listener pings Redis whenever the channel has been quiet for
  ``ROUTING_LISTENER_PING_INTERVAL`` seconds and takes a missing answer as a
  dead connection (a silently dropped TCP connection never raises): it clears
  the dict, stops caching and reconnects. The dict is only used while the
  listener is subscribed: without Redis every request reads the database
  (correct, slower), and the dict is cleared again when it resubscribes.
- An entry lives at most ``ROUTING_CACHE_TTL`` seconds, counted from before
  the database read, so even an invalidation lost for good (every publish
  attempt failed) is outlived by at most that long.

A generation counter guards the race where a request reads a row just before
an invalidation and would store the stale copy after it.
"""

import copy
import logging
import os
import threading
import time
from urllib.parse import urlsplit

import redis
from django.conf import settings
from django.db import connection, transaction
from redis.backoff import NoBackoff
from redis.retry import Retry

logger = logging.getLogger(__name__)

CHANNEL = "mectofitness:routing-invalidate"  # and this installation's name: see channel()
# publishing runs in the request that changed a business (on commit): a few
# quick attempts, each on a new connection, then the TTL bounds the staleness
PUBLISH_ATTEMPTS = 3
PUBLISH_RETRY_DELAY = 0.05  # seconds, doubled after each failed attempt
# connect and read timeout of every routing connection: a blackholed
# connection fails after this instead of blocking a request or the listener
REDIS_TIMEOUT = 1.0
RECONNECT_DELAY = 0.1  # the listener's first wait before reconnecting (doubles, to 5 s)


class HostCache:
    def __init__(self, redis_url: str | None = None) -> None:
        # None: settings.REDIS_URL (a test points a second cache at a proxy it can cut)
        self._redis_url = redis_url
        self._entries: dict[str, tuple[float, object]] = {}
        self._generation = 0
        self._lock = threading.Lock()
        self._listening = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        # the listener's CLIENT SETNAME (per process: set when it starts), so
        # its connection can be told apart in CLIENT LIST
        self.listener_name = ""

    # --- reads -----------------------------------------------------------
    def get(self, host: str, load):
        """The business for ``host`` (a private copy), or None; ``load(host)`` reads the db."""
        self._ensure_listener()
        if self._listening.is_set():
            entry = self._entries.get(host)
            if entry is not None and entry[0] > time.monotonic():
                return _private_copy(entry[1])
        generation = self._generation
        # counted from before the read: the row may change while it is read
        expires = time.monotonic() + settings.ROUTING_CACHE_TTL
        business = load(host)
        # unknown hosts are not cached: a new business's domain then needs no
        # invalidation, and sign-up publishes nothing
        if business is not None and self._listening.is_set():
            with self._lock:
                if generation == self._generation:
                    self._entries[host] = (expires, business)
        return _private_copy(business) if business is not None else None

    # --- invalidation ------------------------------------------------------
    def clear(self) -> None:
        with self._lock:
            self._generation += 1
            self._entries.clear()

    def publish_on_commit(self) -> None:
        """Clear here now; publish once when the current transaction commits."""

        self.clear()
        if not connection.in_atomic_block:
            self.publish()
        elif not any(func == self.publish for _sids, func, _robust in connection.run_on_commit):
            transaction.on_commit(self.publish)

    def publish(self) -> None:
        """Clear this process's entries and tell every other process to clear theirs.

        Blocks for up to a few seconds when Redis does not answer (each attempt
        times out after ``REDIS_TIMEOUT``); never raises. Other processes'
        listeners may be healthy even when this process cannot reach Redis, so a
        failure is retried, then logged: their entries expire within the TTL.
        """
        self.clear()
        delay = PUBLISH_RETRY_DELAY
        for attempt in range(1, PUBLISH_ATTEMPTS + 1):
            try:
                _redis(self._url()).publish(channel(), b"1")
                return
            except redis.RedisError as exc:
                if attempt == PUBLISH_ATTEMPTS:
                    logger.error(
                        "could not publish a routing invalidation (%d attempts, last: %r); "
                        "other processes see the change when their entries expire, "
                        "within ROUTING_CACHE_TTL=%ss",
                        attempt,
                        exc,
                        settings.ROUTING_CACHE_TTL,
                    )
                    return
                logger.warning("publishing a routing invalidation failed (%r); retrying", exc)
                time.sleep(delay)
                delay *= 2

    # --- the listener ------------------------------------------------------
    def _ensure_listener(self) -> None:
        pid = os.getpid()
        if self._pid == pid:
            return
        with self._lock:
            if self._pid == pid:
                return
            # a forked child (gunicorn worker) starts its own listener and cache
            self._pid = pid
            self.listener_name = f"mf-routing-{pid}-{id(self):x}"
            self._entries = {}
            self._listening = threading.Event()
            self._stop = threading.Event()
            self._thread = threading.Thread(
                target=self._listen,
                args=(self._listening, self._stop),
                name="routing-invalidate",
                daemon=True,
            )
            self._thread.start()

    def _listen(self, listening: threading.Event, stop: threading.Event) -> None:
        backoff = RECONNECT_DELAY
        while not stop.is_set():
            pubsub = None
            try:
                pubsub = _listener_redis(self._url(), self.listener_name).pubsub()
                pubsub.subscribe(channel())
                for message in _messages(pubsub, stop, settings.ROUTING_LISTENER_PING_INTERVAL):
                    if message["type"] == "subscribe":
                        self.clear()
                        listening.set()
                        backoff = RECONNECT_DELAY
                    elif message["type"] == "message":
                        self.clear()
            except Exception as exc:  # noqa: BLE001 - a listener must survive anything
                logger.warning(
                    "routing listener lost Redis (%r); caching off until it is back", exc
                )
            finally:
                listening.clear()
                self.clear()
                if pubsub is not None:
                    try:
                        pubsub.close()
                    except Exception:  # noqa: BLE001
                        pass
            stop.wait(backoff)
            backoff = min(backoff * 2, 5.0)

    def wait_until_listening(self, timeout: float = 5.0) -> bool:
        self._ensure_listener()
        return self._listening.wait(timeout)

    def close(self, timeout: float = 5.0) -> None:
        """Stop this process's listener and stop caching (a test's second cache)."""
        self._stop.set()
        self._listening.clear()
        self.clear()
        if self._thread is not None:
            self._thread.join(timeout)

    def _url(self) -> str:
        return self._redis_url or settings.REDIS_URL


def channel() -> str:
    """The invalidations' channel of this installation. Redis's pub/sub ignores database
    numbers, so the name carries the database and the cache's key prefix: two
    installations on one Redis server (or the test suite's workers, each with a prefix of
    its own, publishing for businesses of the same names) never clear each other's
    routes, which made a route read again long before its TTL."""
    database = urlsplit(settings.REDIS_URL).path.strip("/") or "0"
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    return f"{CHANNEL}:{database}:{prefix}"


def _messages(pubsub, stop: threading.Event, interval: float):
    """The pub/sub messages (subscribe confirmations included) until ``stop``.

    Raises ConnectionError when the connection is silently dead: after
    ``interval`` seconds without a message it sends PING, and if the PONG does
    not come within another ``interval`` the connection is given up.
    """
    awaiting_pong = False
    while not stop.is_set():
        message = pubsub.get_message(timeout=interval)
        if message is None:
            if awaiting_pong:
                raise redis.ConnectionError(f"no answer from Redis within {interval}s")
            pubsub.ping()
            awaiting_pong = True
            continue
        awaiting_pong = False
        yield message


def _private_copy(instance):
    """A shallow copy of a model instance for one request, so the cached one
    never sees a request's changes (cheaper than copy.copy, which pickles)."""
    clone = instance.__class__.__new__(instance.__class__)
    clone.__dict__ = instance.__dict__.copy()
    clone._state = copy.copy(instance._state)
    return clone


_clients: dict[tuple[int, str], redis.Redis] = {}


def _redis(url: str) -> redis.Redis:
    """The publishing client, one per process and URL (a connection pool is not
    fork-safe). redis-py's own retries are off: ``HostCache.publish`` retries."""
    key = (os.getpid(), url)
    client = _clients.get(key)
    if client is None:
        client = redis.Redis.from_url(
            url,
            socket_connect_timeout=REDIS_TIMEOUT,
            socket_timeout=REDIS_TIMEOUT,
            retry=Retry(NoBackoff(), 0),
            health_check_interval=30,
        )
        _clients[key] = client
    return client


def _listener_redis(url: str, name: str) -> redis.Redis:
    """A client for one listener connection: no retries of its own (the
    listener reconnects and clears its entries), no read without a timeout."""
    return redis.Redis.from_url(
        url,
        socket_connect_timeout=REDIS_TIMEOUT,
        socket_timeout=REDIS_TIMEOUT,
        retry=Retry(NoBackoff(), 0),
        health_check_interval=0,  # _messages pings, and notices a missing answer
        client_name=name,
    )


host_cache = HostCache()
