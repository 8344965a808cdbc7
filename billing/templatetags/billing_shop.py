"""Template tags of the shop: the billing panel on the back office's client page."""

from django import template

register = template.Library()


@register.simple_tag
def shop_client_panel(client, user):
    """What the client page's billing panel shows ``user`` (None: not theirs to see)."""
    from ..admin.shop import shop_panel

    return shop_panel(client=client, user=user)
