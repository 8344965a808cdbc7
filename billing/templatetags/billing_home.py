"""The portal home's billing line: sessions left in packs and invoices to pay."""

from django import template

from ..models import Invoice
from ..selectors import usable_packs

register = template.Library()


@register.simple_tag
def home_billing(client) -> dict:
    """Sessions left across usable packs and open invoices (two queries; nothing
    without a client record)."""
    if client is None:
        return {"sessions": None, "packs": 0, "open_invoices": []}
    packs = list(usable_packs(client=client))
    open_invoices = list(
        Invoice.objects.filter(client=client, status=Invoice.Status.OPEN).order_by("due_at")[:3]
    )
    return {
        "sessions": sum(p.sessions_left or 0 for p in packs) if packs else None,
        "packs": len(packs),
        "open_invoices": open_invoices,
    }
