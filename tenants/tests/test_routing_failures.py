"""The route cache when things fail: a suspension reaches a web process within
5 seconds even when its pub/sub connection dies silently or is killed, when a
publish fails, or when an invalidation is lost for good.

A "web process" here is a second HostCache with its own Redis subscription,
optionally through a TCP proxy the test can blackhole (the bytes stop, nothing
is closed: what a dropped NAT entry or a dead peer looks like). The waits are
real and bounded; nothing here freezes time.
"""

import os
import socket
import threading
import time
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.conf import settings as django_settings

from tenants import routing
from tenants.middleware import business_for_host
from tenants.models import Business
from tenants.routing import HostCache, channel, host_cache

pytestmark = [pytest.mark.citus, pytest.mark.django_db]

HOST = "acme.localhost"
BOUND = 5.0  # seconds: the promise


class RedisProxy:
    """A TCP proxy in front of the test Redis whose open connections can be
    blackholed (bytes read and dropped, both ways, sockets left open) and
    whose next connections can be refused (accepted, then closed at once)."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self._target = (parts.hostname or "127.0.0.1", parts.port or 6379)
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self.url = urlunsplit(parts._replace(netloc=f"127.0.0.1:{self.port}"))
        self.refuse = 0
        self._links: list[dict] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _addr = self._server.accept()
            except OSError:
                return
            with self._lock:
                if self.refuse:
                    self.refuse -= 1
                    conn.close()
                    continue
                link = {"sockets": (conn, socket.create_connection(self._target)), "dead": False}
                self._links.append(link)
            client, upstream = link["sockets"]
            threading.Thread(target=self._pump, args=(link, client, upstream), daemon=True).start()
            threading.Thread(target=self._pump, args=(link, upstream, client), daemon=True).start()

    def _pump(self, link: dict, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                if not link["dead"]:
                    sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in link["sockets"]:
                sock.close()

    def blackhole(self) -> int:
        """Silence every open connection; new ones still work. How many were open."""
        with self._lock:
            for link in self._links:
                link["dead"] = True
            return len(self._links)

    def close(self) -> None:
        self._server.close()
        with self._lock:
            for link in self._links:
                for sock in link["sockets"]:
                    sock.close()


@pytest.fixture
def proxy():
    proxy = RedisProxy(django_settings.REDIS_URL)
    yield proxy
    proxy.close()
    routing._clients.pop((os.getpid(), proxy.url), None)


@pytest.fixture
def process():
    """Another web process's cache, subscribed to Redis directly; stopped after."""
    caches = []

    def start(redis_url: str | None = None) -> HostCache:
        cache = HostCache(redis_url=redis_url)
        caches.append(cache)
        assert cache.wait_until_listening()
        return cache

    yield start
    for cache in caches:
        cache.close()


def within(seconds: float, condition) -> float | None:
    """Seconds until ``condition()`` held, or None if it did not within ``seconds``."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if condition():
            return time.monotonic() - started
        time.sleep(0.02)
    return None


def suspend(business) -> None:
    """Suspend without the model's signal: the test decides what is published."""
    Business.objects.filter(pk=business.pk).update(status=Business.Status.SUSPENDED)


def test_an_entry_older_than_its_ttl_is_read_again(business, settings, process):
    settings.ROUTING_CACHE_TTL = 0.3
    loaded_at = []  # when each load from the database began

    def load(host):
        loaded_at.append(time.monotonic())
        return business_for_host(host)

    cache = process()
    asked = time.monotonic()
    assert not cache.get(HOST, load).is_locked
    suspend(business)  # and the invalidation is lost: nothing is published
    assert not cache.get(HOST, load).is_locked  # served from the cache
    assert len(loaded_at) == 1

    assert within(BOUND, lambda: cache.get(HOST, load).is_locked) is not None
    assert len(loaded_at) == 2
    # Read again once the entry, counted from before its load, is older than the TTL:
    # not sooner (the wait is measured from the first question, not from the suspension,
    # so a slow UPDATE cannot make a correct cache look early), and not much later.
    age = loaded_at[1] - asked
    assert 0.3 <= age < 0.3 + 2.0, age  # slack for a busy machine


def test_a_killed_pubsub_connection_still_delivers_a_suspension_within_5s(
    business, settings, process
):
    settings.ROUTING_CACHE_TTL = 60  # only the listener can make it in time
    cache = process()
    assert not cache.get(HOST, business_for_host).is_locked
    # kill this listener's connection only: CLIENT KILL TYPE pubsub would also
    # cut every other process sharing this Redis server
    server = redis.Redis.from_url(settings.REDIS_URL)
    ids = [c["id"] for c in server.client_list("pubsub") if c["name"] == cache.listener_name]
    assert len(ids) == 1
    server.client_kill_filter(_id=ids[0])

    suspend(business)
    host_cache.publish()  # published while the listener is cut off

    assert within(BOUND, lambda: cache.get(HOST, business_for_host).is_locked) is not None
    assert cache.wait_until_listening(BOUND)
    assert any(c["name"] == cache.listener_name for c in server.client_list("pubsub"))


def test_a_silently_dead_pubsub_connection_is_noticed_and_replaced_within_5s(
    business, settings, process, proxy
):
    settings.ROUTING_CACHE_TTL = 60  # only the listener can make it in time
    cache = process(redis_url=proxy.url)
    assert not cache.get(HOST, business_for_host).is_locked
    assert proxy.blackhole() == 1  # the listener's connection: no error, no bytes

    suspend(business)
    host_cache.publish()  # reaches Redis; the listener never hears it

    waited = within(BOUND, lambda: cache.get(HOST, business_for_host).is_locked)
    assert waited is not None, "the suspension never reached the cut-off process"

    # it subscribed again on a fresh connection, and the next change comes over it
    assert cache.wait_until_listening(BOUND)
    assert cache.get(HOST, business_for_host).is_locked
    Business.objects.filter(pk=business.pk).update(status=Business.Status.ACTIVE)
    host_cache.publish()
    assert within(BOUND, lambda: not cache.get(HOST, business_for_host).is_locked) is not None


def test_a_failed_publish_is_retried_on_a_new_connection(business, proxy):
    subscriber = redis.Redis.from_url(django_settings.REDIS_URL).pubsub()
    subscriber.subscribe(channel())
    assert subscriber.get_message(timeout=BOUND)["type"] == "subscribe"
    publisher = HostCache(redis_url=proxy.url)
    publisher.publish()  # its pooled connection, through the proxy
    assert subscriber.get_message(timeout=BOUND)["type"] == "message"

    proxy.blackhole()  # the first attempt times out on the pooled connection,
    proxy.refuse = 1  # the second is refused, the third gets through
    publisher.publish()

    message = subscriber.get_message(timeout=BOUND)
    subscriber.close()
    assert message is not None and message["type"] == "message"
    assert proxy.refuse == 0


def test_an_unreachable_redis_does_not_fail_the_change_that_publishes(business, caplog):
    publisher = HostCache(redis_url="redis://127.0.0.1:1/0")  # nothing listens there
    started = time.monotonic()

    publisher.publish()

    assert time.monotonic() - started < BOUND
    assert "could not publish a routing invalidation" in caplog.text
