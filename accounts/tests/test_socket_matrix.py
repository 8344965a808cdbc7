"""Who may open which socket, and join what through it: the role matrix of real time.

The pages' matrix (test_role_matrix.py) walks the URL confs; this one walks the ASGI
application (``mectofitness.asgi``: its protocol router, the middleware around each
protocol, nested URL routers) and fails for a socket route without a row here: a socket
added later without a row fails the suite.

Each row names how to ask the socket for the client's object (``join``: the frame sent,
and the answers that mean yes and no) and what each visitor gets:

- REFUSED: the handshake fails (the socket is closed before it is accepted);
- JOINS: accepted, and may join the client's conversation;
- KEPT_OUT: accepted, and told no when asking to join it.

Visitors at acme: the owner; the coach of the client whose conversation it is; another
coach; that client; another client; an anonymous visitor; zen's owner's session sent to
acme's host ("other_business"); zen's owner on zen's own host asking for acme's
conversation by its id ("other_business_home": ids repeat across schemas, the host alone
says which business's conversation it is); acme's owner while acme is suspended
("suspended"). Sockets are opened in-process (channels' WebsocketCommunicator, the real
Redis channel layer: ``messaging/tests/sockets.py``).
"""

from __future__ import annotations

import datetime as dt

import pytest
from asgiref.sync import async_to_sync
from channels.routing import ProtocolTypeRouter, URLRouter
from django.urls import URLPattern, URLResolver
from django_tenants.utils import tenant_context

from messaging.tests.sockets import host_of, isolated_channel_layer, session_key, socket_open

from .routes import _route_text

REFUSED = "refused"
JOINS = "joins"
KEPT_OUT = "kept out"
NOW = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)

VISITORS = (
    "owner",
    "coach",
    "other_coach",
    "client",
    "other_client",
    "anonymous",
    "other_business",
    "other_business_home",
    "suspended",
)

# --- the rows -------------------------------------------------------------------------------

SOCKET_ROWS = {
    # a conversation's open pages (messaging/realtime/consumers.py): staff and clients
    # with an active record connect; joining follows messaging.selectors.thread_queryset_for
    "ws/messages/": {
        "join": {
            "frame": lambda world: {"type": "subscribe", "thread": world["thread"]},
            "yes": "subscribed",
            "no": "refused",
        },
        "expect": {
            "owner": JOINS,
            "coach": JOINS,
            "other_coach": KEPT_OUT,
            "client": JOINS,
            "other_client": KEPT_OUT,
            "anonymous": REFUSED,
            "other_business": REFUSED,
            "other_business_home": KEPT_OUT,
            "suspended": REFUSED,
        },
    },
}


# --- the routes -----------------------------------------------------------------------------


def _inner(app):
    """The application a middleware wraps (channels' BaseMiddleware keeps ``inner``,
    ours ``app``), or None."""
    for attribute in ("app", "inner", "application"):
        inner = getattr(app, attribute, None)
        if inner is not None and inner is not app:
            return inner
    return None


def _walk(app, prefix: str = ""):
    if isinstance(app, ProtocolTypeRouter):
        for protocol, inner in app.application_mapping.items():
            if protocol == "websocket":
                yield from _walk(inner, prefix)
        return
    if isinstance(app, URLRouter):
        for route in app.routes:
            text = prefix + _route_text(route.pattern)
            if isinstance(route, URLResolver) or isinstance(route.callback, URLRouter):
                yield from _walk(route.callback, text)
            elif isinstance(route, URLPattern):
                yield text
        return
    inner = _inner(app)
    if inner is not None:
        yield from _walk(inner, prefix)


def socket_routes(application=None) -> list[str]:
    """Every websocket route the ASGI application serves (``mectofitness.asgi`` by
    default), through its middleware and nested URL routers."""
    if application is None:
        from mectofitness.asgi import application
    return list(_walk(application))


def test_every_socket_route_has_a_row():
    routes = socket_routes()
    missing = sorted(set(routes) - set(SOCKET_ROWS))
    assert not missing, "socket routes without a row in test_socket_matrix.py:\n" + "\n".join(
        missing
    )
    stale = sorted(set(SOCKET_ROWS) - set(routes))
    assert not stale, "rows for sockets that no longer exist:\n" + "\n".join(stale)


def test_every_row_names_every_visitor():
    for route, spec in SOCKET_ROWS.items():
        assert set(spec["expect"]) == set(VISITORS), route


def test_a_socket_added_without_a_row_is_found():
    from django.urls import path

    from mectofitness.asgi import application
    from messaging.realtime.middleware import BusinessSocketMiddleware
    from messaging.realtime.routing import websocket_urlpatterns

    # a socket added later, under a nested router: the walk must see it
    nested = URLRouter([path("coach/<int:pk>/", websocket_urlpatterns[0].callback)])
    added = ProtocolTypeRouter(
        {
            "http": application.application_mapping["http"],
            "websocket": BusinessSocketMiddleware(
                URLRouter([*websocket_urlpatterns, path("ws/live/", nested)])
            ),
        }
    )
    routes = socket_routes(added)
    assert "ws/messages/" in routes
    assert "ws/live/coach/<int:pk>/" in set(routes) - set(SOCKET_ROWS)


# --- the visits -----------------------------------------------------------------------------


@pytest.fixture
def world(business, other_business):
    """acme's people around one client's conversation, and each visitor's (host,
    session): ``{"thread": id, "visitors": {visitor: (host, session)}}``."""
    from accounts.models import User
    from clients.tests.factories import ClientFactory, person_create
    from messaging.models import Thread
    from messaging.services import client_thread_get_or_create

    with tenant_context(business):
        owner = User.objects.get(email="owner@acme.test")
        coach = person_create(email="coach@acme.test", role="coach", first_name="Cora")
        other_coach = person_create(email="coach2@acme.test", role="coach", first_name="Otto")
        client_user = person_create(email="cli@acme.test", role="client", first_name="Cleo")
        other_user = person_create(email="cli2@acme.test", role="client", first_name="Sam")
        record = ClientFactory(first_name="Cleo", user=client_user, primary_coach=coach)
        ClientFactory(first_name="Sam", user=other_user, primary_coach=other_coach)
        thread = client_thread_get_or_create(client=record, by=coach, now=NOW)
    with tenant_context(other_business):
        zen_owner = User.objects.get(email="owner@zen.test")
        # the cell means something only while zen has no conversation of that id
        assert not Thread.objects.filter(pk=thread.pk).exists()
    acme, zen = host_of(business), host_of(other_business)
    zen_session = session_key(other_business, zen_owner)
    visitors = {
        name: (acme, session_key(business, user))
        for name, user in (
            ("owner", owner),
            ("coach", coach),
            ("other_coach", other_coach),
            ("client", client_user),
            ("other_client", other_user),
            ("suspended", owner),
        )
    }
    visitors["anonymous"] = (acme, None)
    visitors["other_business"] = (acme, zen_session)
    visitors["other_business_home"] = (zen, zen_session)
    return {"thread": thread.pk, "visitors": visitors}


async def _visit(route: str, spec: dict, world: dict, visitor: str) -> str:
    host, session = world["visitors"][visitor]
    socket, connected = await socket_open(host=host, session=session, path=f"/{route}")
    if not connected:
        return REFUSED
    try:
        await socket.send_json_to(spec["join"]["frame"](world))
        answer = (await socket.receive_json_from(timeout=3))["type"]
    finally:
        await socket.disconnect()
    return {spec["join"]["yes"]: JOINS, spec["join"]["no"]: KEPT_OUT}.get(answer, answer)


@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(SOCKET_ROWS))
def test_each_visitor_gets_the_right_answer(route, world, business, monkeypatch):
    from tenants.models import Business
    from tenants.routing import host_cache

    layer = isolated_channel_layer(monkeypatch)
    next(layer)
    spec = SOCKET_ROWS[route]
    got = {}
    try:
        for visitor in VISITORS:
            if visitor == "suspended":  # last: the business stays locked afterwards
                Business.objects.filter(pk=business.pk).update(status="suspended")
                host_cache.clear()
            got[visitor] = async_to_sync(_visit)(route, spec, world, visitor)
    finally:
        host_cache.clear()
        layer.close()
    assert got == spec["expect"]
