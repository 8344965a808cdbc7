"""Real time: what happens in a conversation reaches its open pages at once.

A page opens one WebSocket (``/ws/messages/``, served by the ASGI server beside the web
processes: ``mectofitness/asgi.py``) and subscribes to the conversations it shows. The
socket is let in by the same rules as the pages (``middleware``): the business comes
from the host alone, the person from the same session cookie, and only the business's
staff and its clients with an active record may connect; a conversation is joined only
when ``selectors.thread_queryset_for`` lets the person open it, checked again while the
socket lives (``consumers``).

Group names carry the business (``b.<schema>.thread.<id>``, ``b.<schema>.user.<id>``):
ids repeat across schemas, so a group of one business is never another's. Services
publish after commit (``events``); a socket that cannot connect leaves the page on its
polling fallback (``static/js/messaging.js``).
"""

from __future__ import annotations


def thread_group(*, schema: str, thread_id: int) -> str:
    """The group every open page of one conversation listens on."""
    return f"b.{schema}.thread.{thread_id}"


def user_group(*, schema: str, user_id: int) -> str:
    """The group of one person's open pages (their unread count)."""
    return f"b.{schema}.user.{user_id}"
