"""Plan limits, checked where they bite: inviting, signing up, activating a client.

Only growth is checked: a business above its limits (after a downgrade) keeps
everything it has; new invitations and activations wait until there is room.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import selectors

MESSAGES = {
    "clients": _(
        "Your %(plan)s plan includes %(limit)s active clients and all are in use. "
        "Upgrade your plan in Billing, or pause or archive a client, to make room."
    ),
    "coaches": _(
        "Your %(plan)s plan includes %(limit)s coaches (you included) and all are in use. "
        "Upgrade your plan in Billing to add more."
    ),
}


def limit_check(*, kind: str, field: str | None = None, business=None, adding: int = 1) -> None:
    """Raise ValidationError keyed by ``field`` if ``adding`` more ``kind`` ("clients",
    "coaches") would exceed the plan of ``business`` (default: the business in use).

    Two or three queries. Nothing happens in the public schema.
    """
    business = business or selectors.business_in_use()
    if business is None:
        return
    plan = selectors.plan_for_business(business)
    limit = plan.limit(kind) if plan else None
    if limit is None:
        return
    usage = selectors.usage_for_business(business)
    used = usage.clients if kind == "clients" else usage.coaches
    if used + adding > limit:
        raise ValidationError({field: MESSAGES[kind] % {"plan": plan.name, "limit": limit}})


def has_room(*, kind: str, business=None) -> bool:
    try:
        limit_check(kind=kind, business=business)
    except ValidationError:
        return False
    return True
