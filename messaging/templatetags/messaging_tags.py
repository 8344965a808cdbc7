"""Template tags: the unread messages badge of the portal's and back office's menus."""

from __future__ import annotations

from django import template

from ..selectors import unread_counts

register = template.Library()


@register.simple_tag
def messages_unread(request) -> int:
    """How many messages the signed-in person has not read yet (0 when signed out)."""
    user = getattr(request, "user", None) if request is not None else None
    return unread_counts(user=user).total
