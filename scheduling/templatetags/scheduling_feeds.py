"""The "Add to your calendar" panel: a person's private feed address, if they made one."""

from django import template

from ..selectors_notices import calendar_feed_for
from ..services.feeds import calendar_feed_urls

register = template.Library()


@register.simple_tag
def calendar_feed_panel(user) -> dict:
    """``{"feed": ..., "url": ..., "webcal": ...}`` for ``user``'s feed; ``feed`` None
    when they have not made one yet (one query)."""
    feed = calendar_feed_for(user=user)
    if feed is None:
        return {"feed": None}
    return {"feed": feed, **calendar_feed_urls(feed)}
