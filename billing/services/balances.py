"""Session balances: drawing a session from a client's packs (a booking) and giving
one back. Two draws at once are serialised on the client's packs. What is left is
read by ``selectors.usable_packs`` and ``selectors.session_balance``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from accounts.models import User
from clients.models import Client

from ..models import Purchase, SessionUse
from ..selectors import usable_packs


def _drawn(client: Client, reference: str) -> SessionUse | None:
    """The draw still standing for ``reference`` (drawn and not given back), if any."""
    uses = SessionUse.objects.filter(purchase__client=client, reference=reference)
    if (uses.aggregate(net=Sum("delta"))["net"] or 0) <= 0:
        return None
    return uses.filter(delta=1).order_by("-created_at", "-pk").first()


@transaction.atomic
def session_draw(
    *,
    client: Client,
    reference: str,
    by: User | None = None,
    purchase: Purchase | None = None,
    reason: str = "",
) -> SessionUse:
    """Take one session from the client's oldest usable pack (or from ``purchase``).

    The client's packs are locked first, so two bookings drawing the last
    session at once cannot both get it. A ``reference`` (e.g. ``booking:42``)
    draws once: drawing it again returns the standing draw.
    """
    reference = (reference or "").strip()[:100]
    # lock every pack of this client: two draws at once are serialised here
    list(
        Purchase.objects.select_for_update()
        .filter(client=client, sessions_total__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if reference:
        standing = _drawn(client, reference)
        if standing is not None:
            return standing
    packs = usable_packs(client=client)
    if purchase is not None:
        packs = packs.filter(pk=purchase.pk)
    pack = packs.first()
    if pack is None:
        name = client.first_name or str(client)
        if purchase is not None:
            raise ValidationError({"purchase": _("This pack has no sessions left to use.")})
        raise ValidationError(
            {"client": _("%(name)s has no sessions left: sell them a pack first.") % {"name": name}}
        )
    pack.sessions_used += 1
    if pack.sessions_used >= pack.sessions_total:
        pack.status = Purchase.Status.USED_UP
    pack.save(update_fields=["sessions_used", "status"])
    return SessionUse.objects.create(
        purchase=pack, delta=1, reference=reference, reason=(reason or "")[:200], created_by=by
    )


@transaction.atomic
def session_return(
    *,
    purchase: Purchase | None = None,
    reference: str = "",
    client: Client | None = None,
    by: User | None = None,
    reason: str = "",
) -> SessionUse:
    """Give a session back: the standing draw of ``reference`` (say, a cancelled booking),
    or one session of ``purchase``."""
    reference = (reference or "").strip()[:100]
    if reference:
        uses = SessionUse.objects.filter(reference=reference)
        if client is not None:
            uses = uses.filter(purchase__client=client)
        if purchase is not None:
            uses = uses.filter(purchase=purchase)
        first = uses.select_related("purchase__client").first()
        if first is None:
            raise ValidationError({"reference": _("Nothing was drawn for this reference.")})
        Purchase.objects.select_for_update().filter(pk=first.purchase_id).first()
        standing = _drawn(first.purchase.client, reference)
        if standing is None:
            raise ValidationError({"reference": _("This session was already given back.")})
        purchase = standing.purchase
    if purchase is None:
        raise ValidationError({"purchase": _("Say which pack gets the session back.")})
    pack = Purchase.objects.select_for_update().get(pk=purchase.pk)
    if pack.sessions_total is None or pack.sessions_used <= 0:
        raise ValidationError({"purchase": _("No session of this pack has been used.")})
    pack.sessions_used -= 1
    if pack.status == Purchase.Status.USED_UP:
        pack.status = Purchase.Status.ACTIVE
    pack.save(update_fields=["sessions_used", "status"])
    return SessionUse.objects.create(
        purchase=pack, delta=-1, reference=reference, reason=(reason or "")[:200], created_by=by
    )
