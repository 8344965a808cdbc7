"""Real time: a conversation's open pages hear its new messages, read receipts and
typing hints at once, through the socket (the ASGI application and the real Redis
channel layer); and the socket lets in whom the pages let in, nobody else."""

import asyncio

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django_tenants.utils import tenant_context

from messaging import services
from messaging.realtime.consumers import MessagesConsumer

from .conftest import NOW
from .sockets import host_of, isolated_channel_layer, session_key, socket_open, subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def layer(monkeypatch):
    yield from isolated_channel_layer(monkeypatch)


def _in(business, func):
    """A service call from inside a scenario, in ``business``'s schema, its on-commit
    publishing run as if the transaction committed."""

    def call():
        from django.db import connection

        with tenant_context(business):
            callbacks = []
            result = func()
            callbacks.extend(cb for _sids, cb, _robust in connection.run_on_commit)
            connection.run_on_commit = []
            for callback in callbacks:
                callback()
            return result

    return sync_to_async(call)


async def _next(communicator, kind: str, timeout: float = 3) -> dict:
    """The next event of ``kind`` the page hears (others before it are passed over)."""
    while True:
        event = await communicator.receive_json_from(timeout=timeout)
        if event["type"] == kind:
            return event


def test_a_client_and_their_coach_hear_a_message_a_receipt_and_a_typing_hint(
    business, kai, cleo, cleo_user, cleo_thread
):
    coach_session, client_session = session_key(business, kai), session_key(business, cleo_user)
    host = host_of(business)

    async def scenario():
        coach, coach_in = await socket_open(host=host, session=coach_session)
        client, client_in = await socket_open(host=host, session=client_session)
        assert coach_in and client_in
        assert await subscribe(coach, cleo_thread.pk) == "subscribed"
        assert await subscribe(client, cleo_thread.pk) == "subscribed"

        sent = await _in(
            business,
            lambda: services.message_send(thread=cleo_thread, body="Squats at 9?", by=kai, now=NOW),
        )()
        heard = await _next(client, "message.new")
        assert heard["message"]["id"] == sent.pk
        assert heard["message"]["body"] == "Squats at 9?"
        assert heard["message"]["author"]["name"] == "Kai"
        assert heard["message"]["can_change"] is False
        assert (await _next(client, "unread.changed"))["thread"] == cleo_thread.pk

        await _in(
            business, lambda: services.thread_mark_read(thread=cleo_thread, by=cleo_user, now=NOW)
        )()
        receipt = await _next(coach, "read")
        assert receipt["person"]["id"] == cleo_user.pk
        assert receipt["last_read_message"] == sent.pk

        await client.send_json_to({"type": "typing", "thread": cleo_thread.pk})
        typing = await _next(coach, "typing")
        assert typing["person"] == {"id": cleo_user.pk, "name": "Cleo", "is_staff": False}
        assert typing["thread"] == cleo_thread.pk
        # not echoed to the page that typed
        await client.send_json_to({"type": "ping"})
        assert (await client.receive_json_from())["type"] in ("pong", "read", "unread.changed")
        await coach.disconnect()
        await client.disconnect()

    async_to_sync(scenario)()


def test_typing_hints_are_throttled(business, kai, cleo, cleo_user, cleo_thread):
    sessions = session_key(business, kai), session_key(business, cleo_user)

    async def scenario():
        coach, _ = await socket_open(host=host_of(business), session=sessions[0])
        client, _ = await socket_open(host=host_of(business), session=sessions[1])
        await subscribe(coach, cleo_thread.pk)
        await subscribe(client, cleo_thread.pk)
        for _ in range(5):
            await client.send_json_to({"type": "typing", "thread": cleo_thread.pk})
        await _next(coach, "typing")
        assert await coach.receive_nothing(timeout=0.3)
        await coach.disconnect()
        await client.disconnect()

    async_to_sync(scenario)()


def test_a_coach_of_another_client_and_another_client_cannot_subscribe(
    business, cleo_thread, lou, sam, sam_user
):
    sessions = session_key(business, lou), session_key(business, sam_user)

    async def scenario():
        for session in sessions:
            socket, connected = await socket_open(host=host_of(business), session=session)
            assert connected
            assert await subscribe(socket, cleo_thread.pk) == "refused"
            assert await subscribe(socket, 10**9) == "refused"  # none such: the same answer
            await socket.disconnect()

    async_to_sync(scenario)()


def test_the_owner_may_subscribe_to_any_conversation(business, owner_user, cleo_thread):
    session = session_key(business, owner_user)

    async def scenario():
        socket, connected = await socket_open(host=host_of(business), session=session)
        assert connected and await subscribe(socket, cleo_thread.pk) == "subscribed"
        await socket.disconnect()

    async_to_sync(scenario)()


def test_a_session_of_one_business_is_refused_on_anothers_host(business, other_business, kai):
    from accounts.models import User

    with tenant_context(other_business):
        zen_owner = User.objects.get(email="owner@zen.test")
    zen_session, acme_session = session_key(other_business, zen_owner), session_key(business, kai)

    async def scenario():
        for host, session in (
            (host_of(business), zen_session),
            (host_of(other_business), acme_session),
        ):
            socket, connected = await socket_open(host=host, session=session)
            assert not connected

    async_to_sync(scenario)()


def test_an_anonymous_socket_is_refused(business):
    async def scenario():
        _socket, connected = await socket_open(host=host_of(business))
        assert not connected
        _socket, connected = await socket_open(host=host_of(business), session="made-up")
        assert not connected

    async_to_sync(scenario)()


def test_a_socket_from_another_sites_page_or_host_is_refused(business, kai):
    session = session_key(business, kai)

    async def scenario():
        for host, origin in (
            (host_of(business), "http://evil.example"),
            (host_of(business), "http://zen.localhost:8000"),  # another business's page
            ("nobody.localhost", "http://nobody.localhost:8000"),  # no such business
            ("localhost", "http://localhost:8000"),  # the public site
        ):
            _socket, connected = await socket_open(host=host, session=session, origin=origin)
            assert not connected, (host, origin)

    async_to_sync(scenario)()


def test_a_suspended_business_refuses_sockets(business, kai):
    from tenants.models import Business
    from tenants.routing import host_cache

    session = session_key(business, kai)
    Business.objects.filter(pk=business.pk).update(status="suspended")
    host_cache.clear()

    async def scenario():
        _socket, connected = await socket_open(host=host_of(business), session=session)
        assert not connected

    async_to_sync(scenario)()


def test_a_client_with_an_archived_record_cannot_connect(business, cleo, cleo_user):
    session = session_key(business, cleo_user)
    with tenant_context(business):
        type(cleo).objects.filter(pk=cleo.pk).update(status="archived")

    async def scenario():
        _socket, connected = await socket_open(host=host_of(business), session=session)
        assert not connected

    async_to_sync(scenario)()


def test_a_coach_taken_off_the_client_stops_hearing_the_conversation(
    business, monkeypatch, owner_user, kai, lou, cleo, cleo_thread
):
    monkeypatch.setattr(MessagesConsumer, "RECHECK_SECONDS", 0.0)
    session = session_key(business, kai)

    async def scenario():
        coach, _ = await socket_open(host=host_of(business), session=session)
        assert await subscribe(coach, cleo_thread.pk) == "subscribed"

        def reassign():
            cleo.primary_coach = lou
            cleo.save(update_fields=["primary_coach"])
            return services.message_send(
                thread=cleo_thread, body="Lou coaches you now", by=owner_user, now=NOW
            )

        await _in(business, reassign)()
        assert await coach.receive_json_from(timeout=3) == {
            "type": "refused",
            "thread": cleo_thread.pk,
        }
        assert await coach.receive_nothing(timeout=0.3)
        await coach.disconnect()

    async_to_sync(scenario)()


def test_a_signed_out_session_closes_the_socket_on_recheck(
    business, monkeypatch, kai, cleo, cleo_user, cleo_thread
):
    monkeypatch.setattr(MessagesConsumer, "RECHECK_SECONDS", 0.0)
    session = session_key(business, cleo_user)

    async def scenario():
        client, _ = await socket_open(host=host_of(business), session=session)
        assert await subscribe(client, cleo_thread.pk) == "subscribed"

        def sign_out_and_send():
            from django.contrib.sessions.backends.cached_db import SessionStore

            SessionStore(session_key=session).delete()
            return services.message_send(thread=cleo_thread, body="Hi", by=kai, now=NOW)

        await _in(business, sign_out_and_send)()
        output = await client.receive_output(timeout=3)
        assert output == {"type": "websocket.close", "code": 4401}

    async_to_sync(scenario)()


def test_bad_frames_get_an_error_not_a_crash(business, kai):
    session = session_key(business, kai)

    async def scenario():
        socket, _ = await socket_open(host=host_of(business), session=session)
        for frame in ("not json", "[]", '{"type": "subscribe", "thread": "1"}', "x" * 5000):
            await socket.send_to(text_data=frame)
            assert (await socket.receive_json_from())["type"] == "error"
        await socket.send_json_to({"type": "ping"})
        assert (await socket.receive_json_from())["type"] == "pong"
        await socket.disconnect()

    async_to_sync(scenario)()


def test_sending_still_works_when_the_channel_layer_is_away(
    business, settings, kai, cleo, cleo_thread, django_capture_on_commit_callbacks
):
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
    channel_layers.backends = {}
    with tenant_context(business), django_capture_on_commit_callbacks(execute=True):
        sent = services.message_send(thread=cleo_thread, body="Still here", by=kai, now=NOW)
    assert sent.pk
    asyncio.set_event_loop(asyncio.new_event_loop())
