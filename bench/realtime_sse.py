"""A server-sent events prototype of real time, for ``bench/realtime_choice.py`` only.

Not the product's code: it exists to measure the alternative the socket was chosen
over. The ASGI application is the site's own (``mectofitness.asgi``: pages, and the
socket on ``/ws/messages/``) plus one more door, ``GET /sse/messages/?thread=<id>``:
an async Django view (Django's own ASGI handler, no middleware) that lets in whom the
socket lets in (the business from the host, the person from the session cookie, the
same member and conversation rules, by the consumer's own code), joins the same Redis
groups of the channel layer, and streams each event as one ``data:`` line, shaped for
the person as the socket shapes it.

    python -m daphne bench.realtime_sse:application

A typing hint would need a POST per hint on this transport: the prototype has none.
"""

from __future__ import annotations

import json
import os
import time
from concurrent.futures import ThreadPoolExecutor

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mectofitness.settings")

from asgiref.sync import sync_to_async  # noqa: E402
from channels.layers import get_channel_layer  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.handlers.asgi import ASGIHandler  # noqa: E402
from django.core.handlers.exception import convert_exception_to_response  # noqa: E402
from django.db import close_old_connections, connection  # noqa: E402
from django.http import HttpResponse, StreamingHttpResponse  # noqa: E402
from django.http.request import split_domain_port  # noqa: E402

from mectofitness.asgi import application as site  # noqa: E402  (sets Django up)
from messaging.realtime import thread_group, user_group  # noqa: E402
from messaging.realtime.consumers import MessagesConsumer  # noqa: E402
from messaging.realtime.middleware import business_for_socket, session_user  # noqa: E402
from messaging.selectors import thread_queryset_for  # noqa: E402

SSE_PATH = "/sse/messages/"
# Django's handler gives each request a thread of its own for sync calls, kept while
# the response streams: database calls there would hold a connection per open stream
# (the first try ran PostgreSQL out of them at about 100 streams). They run on one
# thread instead, as Channels runs a consumer's.
_DB = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sse-db")


def _on_db(func):
    return sync_to_async(func, thread_sensitive=False, executor=_DB)


def _admit(host: str, session_key: str | None, thread_id: int) -> MessagesConsumer | None:
    """The socket's rules, by the socket's code: a consumer shell holding the business
    and the person (it shapes the events too), or None when refused."""
    if host in (settings.BASE_DOMAIN, f"www.{settings.BASE_DOMAIN}"):
        return None
    business = business_for_socket(host)
    if business is None or business.is_locked:
        return None
    user = session_user(business=business, session_key=session_key)
    shell = MessagesConsumer.__new__(MessagesConsumer)
    shell.business, shell.user = business, user
    shell.scope = {"session_key": session_key}
    if shell._member_refusal(user) is not None:
        return None
    connection.set_tenant(business)
    if not thread_queryset_for(user=user).filter(pk=thread_id).exists():
        return None
    return shell


def _recheck(shell: MessagesConsumer, thread_id: int) -> bool:
    """The socket's re-check (``MessagesConsumer._check``), as Channels runs it."""
    close_old_connections()
    try:
        allowed, refusal = MessagesConsumer.__dict__["_check"].func(shell, thread_id)
    finally:
        close_old_connections()
    return allowed and refusal is None


async def sse_view(request):
    """One conversation's events as a stream of ``data:`` lines (403 when refused)."""
    try:
        thread_id = int(request.GET.get("thread", ""))
    except ValueError:
        return HttpResponse(status=400)
    host, _port = split_domain_port(request.get_host())
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    shell = await _on_db(_admit)(host.lower(), session_key, thread_id)
    if shell is None:
        return HttpResponse(status=403)
    schema = shell.business.schema_name
    layer = get_channel_layer()
    channel = await layer.new_channel()
    groups = [
        thread_group(schema=schema, thread_id=thread_id),
        user_group(schema=schema, user_id=shell.user.pk),
    ]
    for group in groups:
        await layer.group_add(group, channel)

    async def events():
        try:
            yield f"data: {json.dumps({'type': 'subscribed', 'thread': thread_id})}\n\n"
            checked = time.monotonic()
            while True:
                message = await layer.receive(channel)
                if message["type"] == "thread.event":
                    # asked again as the socket asks (every RECHECK_SECONDS with events)
                    if time.monotonic() - checked >= MessagesConsumer.RECHECK_SECONDS:
                        if not await _on_db(_recheck)(shell, thread_id):
                            refused = {"type": "refused", "thread": thread_id}
                            yield f"data: {json.dumps(refused)}\n\n"
                            return
                        checked = time.monotonic()
                    event = shell._shown(message["event"])
                else:
                    event = {"type": "unread.changed", "thread": message.get("thread")}
                yield f"data: {json.dumps(event)}\n\n"
        finally:
            for group in groups:
                await layer.group_discard(group, channel)

    response = StreamingHttpResponse(events(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # a proxy must not hold the lines back
    return response


class _SseHandler(ASGIHandler):
    """Django's ASGI handler serving the one view (no URL conf, no middleware)."""

    def load_middleware(self, is_async=False):
        self._middleware_chain = convert_exception_to_response(sse_view)


_sse = _SseHandler()


async def application(scope, receive, send):
    if scope["type"] == "http" and scope["path"] == SSE_PATH:
        return await _sse(scope, receive, send)
    return await site(scope, receive, send)
