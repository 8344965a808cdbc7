"""Template tags: the bell of the portal's and the back office's headers."""

from __future__ import annotations

from django import template

from ..selectors import notification_unread_count
from ..services import notification_bell_open

register = template.Library()


@register.simple_tag
def notifications_bell(request) -> int:
    """How many notifications the signed-in person has not read (0 when signed out).

    Opening a page reads the notifications about it: a GET of ``/messages/4/`` reads
    the ones linking there, and counts the rest (one query)."""
    user = getattr(request, "user", None) if request is not None else None
    if user is None or not user.is_authenticated:
        return 0
    if request.method == "GET":
        return notification_bell_open(user=user, url=request.path)
    return notification_unread_count(user=user)
