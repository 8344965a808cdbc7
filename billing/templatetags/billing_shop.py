"""Template tags of the shop: the billing panel on the back office's client page."""

from django import template
from django.urls import reverse

from accounts.policies import is_owner, sees_billing

from ..models import Purchase
from ..selectors import purchases_shown_on_client_page

register = template.Library()


@register.simple_tag
def shop_client_panel(client, user) -> dict | None:
    """What the client page's billing panel shows ``user`` (None: not theirs to see)."""
    if not sees_billing(user):
        return None
    purchases = purchases_shown_on_client_page(client=client)
    packs = [
        p for p in purchases if p.sessions_total is not None and p.status == Purchase.Status.ACTIVE
    ]
    return {
        "purchases": purchases,
        "sessions_left": sum(p.sessions_left or 0 for p in packs),
        "packs": packs,
        "is_owner": is_owner(user),
        "record_url": reverse("backoffice:billing_payment_record") + f"?client={client.pk}",
        "purchases_url": reverse("backoffice:billing_purchase_changelist")
        + f"?client__id__exact={client.pk}",
        "payments_url": reverse("backoffice:billing_payment_changelist")
        + f"?client__id__exact={client.pk}",
    }
