"""Who a socket is: the business from its host, the person from its session.

The same rules as the pages (``tenants.middleware``, Django's sessions, allauth's
two-factor rule for staff), applied once when the socket opens:

- the host must be a business's (the public site has no sockets), not locked
  (suspended, cancelled);
- the page that opens it must be of the same host (``Origin``): another site cannot
  borrow a visitor's cookie to listen in;
- the person is read from the session cookie in that business's schema, as a page
  reads them; a session of another business is no session here.

A refused socket is closed before it is accepted (the browser sees the handshake fail).
Each database call sets the business's schema first: the ASGI server runs them all on
one thread and one connection, shared by every business's sockets.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from channels.db import database_sync_to_async
from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http.cookie import parse_cookie
from django.http.request import split_domain_port, validate_host
from django.utils.module_loading import import_string

from tenants.middleware import PUBLIC, business_for_host
from tenants.models import Business
from tenants.routing import host_cache


@dataclass
class _Session:
    """What ``django.contrib.auth.get_user`` needs of a request: its session."""

    session: object


def _header(scope, name: bytes) -> str:
    values = [value for key, value in scope.get("headers", []) if key == name]
    return b"; ".join(values).decode("latin-1") if values else ""


def host_of(scope) -> str | None:
    """The host name (no port) the socket was opened on, if it is one of ours."""
    host, _port = split_domain_port(_header(scope, b"host"))
    host = host.lower()
    if not host or not validate_host(host, settings.ALLOWED_HOSTS):
        return None
    return host


def same_origin(scope, host: str) -> bool:
    """Whether the page opening the socket is of ``host`` (any port: in development
    the pages and the sockets listen on two)."""
    origin = urlsplit(_header(scope, b"origin"))
    return origin.scheme in ("http", "https") and (origin.hostname or "") == host


def business_for_socket(host: str) -> Business | None:
    """The business ``host`` belongs to, through the same cache as the pages'."""
    connection.set_tenant(PUBLIC)
    return host_cache.get(host, business_for_host)


def session_user(*, business: Business, session_key: str | None):
    """The person signed in by ``session_key`` at ``business`` (their schema), or an
    anonymous user: the session must exist there and still match the person's
    password (as for a page)."""
    if not session_key:
        return AnonymousUser()
    connection.set_tenant(business)
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    return auth.get_user(_Session(session=store(session_key=session_key)))


@database_sync_to_async
def _identify(scope) -> tuple[Business | None, object, str | None]:
    host = host_of(scope)
    if host is None or host in (settings.BASE_DOMAIN, f"www.{settings.BASE_DOMAIN}"):
        return None, None, None
    if not same_origin(scope, host):
        return None, None, None
    business = business_for_socket(host)
    if business is None or business.is_locked:
        return None, None, None
    business.domain_url = host
    session_key = parse_cookie(_header(scope, b"cookie")).get(settings.SESSION_COOKIE_NAME)
    return business, session_user(business=business, session_key=session_key), session_key


class BusinessSocketMiddleware:
    """Sets ``scope["business"]``, ``scope["user"]`` and ``scope["session_key"]`` for a
    socket of a business, or refuses it (unknown or public host, locked business,
    another site's page). Whether the person may connect is the consumer's to say."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            return await self.app(scope, receive, send)
        business, user, session_key = await _identify(scope)
        if business is None:
            return await WebsocketDenier()(scope, receive, send)
        scope = dict(scope, business=business, user=user, session_key=session_key)
        return await self.app(scope, receive, send)
