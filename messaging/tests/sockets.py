"""Opening the real-time socket in tests: the ASGI application itself, through channels'
WebsocketCommunicator, against the real Redis channel layer (a prefix of the test's
own, so parallel workers and runs never hear each other).

Database calls of the socket run on the test's thread (channels' thread-sensitive
calls), so they see the test's uncommitted rows. A scenario is one coroutine, run with
``async_to_sync``."""

from __future__ import annotations

import os
import uuid

from asgiref.sync import async_to_sync
from channels.layers import channel_layers, get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client as Browser
from django_tenants.utils import tenant_context

SOCKET_PATH = "/ws/messages/"


def host_of(business) -> str:
    return f"{business.slug}.{settings.BASE_DOMAIN}"


def session_key(business, user) -> str:
    """A session of ``user`` signed in at ``business`` (as a page would sign them in)."""
    browser = Browser(HTTP_HOST=host_of(business))
    with tenant_context(business):
        browser.force_login(user)
    return browser.cookies[settings.SESSION_COOKIE_NAME].value


async def socket_open(
    *, host: str, session: str | None = None, origin: str | None = None, path=SOCKET_PATH
) -> tuple[WebsocketCommunicator, bool]:
    """A socket opened on ``host`` by a page of ``origin`` (default: the same host on
    the site's port) with the session cookie ``session``: the communicator and whether
    it was accepted (a refused one is already closed)."""
    from mectofitness.asgi import application

    headers = [
        (b"host", f"{host}:8001".encode()),
        (b"origin", (origin or f"http://{host}:8000").encode()),
    ]
    if session:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={session}".encode()))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _code = await communicator.connect(timeout=3)
    if not connected:
        # end a refused socket's application here, while the scenario's loop runs: told
        # the client has gone, then cancelled if it has not ended in 0.2 s (a refused
        # consumer still waits on the channel layer, and does not end sooner). Left
        # running, it was cancelled as the test's event loop closed, and that once held
        # the run up forever (asyncio's _cancel_all_tasks waiting on channels_redis'
        # receive, the test thread waiting on the loop)
        await communicator.disconnect(timeout=0.2)
    return communicator, connected


async def subscribe(communicator: WebsocketCommunicator, thread_id: int) -> str:
    """Join a conversation: "subscribed" or "refused"."""
    await communicator.send_json_to({"type": "subscribe", "thread": thread_id})
    answer = await communicator.receive_json_from(timeout=3)
    return answer["type"]


def isolated_channel_layer(monkeypatch):
    """Point the channel layer at a prefix of this test's own; flush it afterwards.

    Channels closes "old" connections around each database call of a socket; in a test
    that would close the test's own transaction (its communicator holds that off only
    while it sends or receives, not while the socket works on its own)."""
    monkeypatch.setattr("channels.db.close_old_connections", lambda: None)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    before = settings.CHANNEL_LAYERS
    settings.CHANNEL_LAYERS = {
        "default": {
            **before["default"],
            "CONFIG": {
                **before["default"]["CONFIG"],
                "prefix": f"t-{worker}-{uuid.uuid4().hex[:8]}",
            },
        }
    }
    channel_layers.backends = {}
    try:
        yield get_channel_layer()
    finally:
        async_to_sync(get_channel_layer().flush)()
        settings.CHANNEL_LAYERS = before
        channel_layers.backends = {}
