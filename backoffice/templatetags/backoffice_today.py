"""Template filters of Today (templates/backoffice/today.html)."""

import datetime as dt

from django import template
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def ago(value: dt.datetime | None, now: dt.datetime) -> str:
    """How long before ``now`` (the page's clock), in its largest unit: "3 days ago",
    "just now" under a minute."""
    if value is None:
        return ""
    if now - value < dt.timedelta(minutes=1):
        return _("just now")
    return _("%(time)s ago") % {"time": timesince(value, now, depth=1)}
