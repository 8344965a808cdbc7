"""Plan limits, checked where they bite: inviting, signing up, activating a client,
uploading a file (progress photos, intake answer files, the business logo).

Only growth is checked: a business above its limits (after a downgrade) keeps
everything it has; new invitations and activations wait until there is room.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
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
    "storage": _(
        "Your %(plan)s plan includes %(limit)s MB of storage and this file would go past it. "
        "Upgrade your plan in Billing, or delete photos or files you no longer need."
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


def storage_check(*, adding_bytes: int, field: str | None = None, business=None) -> None:
    """Raise ValidationError keyed by ``field`` if storing ``adding_bytes`` more would take
    the business (default: the one in use) past its plan's storage.

    Call it before saving the file. Usage is cached per business for a few minutes
    (see ``selectors.storage_bytes_for_business``); call ``storage_counted`` once the
    file is saved so uploads made within that window count too. With media on S3
    usage is not measured and nothing is enforced (the plan's figure is a promise
    we do not check there yet)."""
    if adding_bytes <= 0:
        return
    business = business or selectors.business_in_use()
    if business is None:
        return
    plan = selectors.plan_for_business(business)
    limit = plan.limit("storage") if plan else None
    if limit is None:
        return
    used = selectors.storage_bytes_for_business(business)
    if used is None:  # S3: not measured
        return
    if used + adding_bytes > limit * 1024 * 1024:
        raise ValidationError(
            {field or NON_FIELD_ERRORS: MESSAGES["storage"] % {"plan": plan.name, "limit": limit}}
        )


def storage_counted(*, added_bytes: int, business=None) -> None:
    """Add a saved file's size to the cached usage once the transaction commits."""
    business = business or selectors.business_in_use()
    if business is None or added_bytes <= 0:
        return
    transaction.on_commit(lambda: selectors.storage_bytes_add(business, added_bytes))
