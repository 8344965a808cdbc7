"""Template tags of import, export and erasure: what the client page's panel offers."""

from django import template
from django.urls import reverse

from accounts.policies import is_owner

from ..services.erasure import client_erased_entry

register = template.Library()


@register.simple_tag
def transfer_panel(client, user) -> dict:
    """What ``user`` may do with ``client``'s data here (one or two queries)."""
    owner = is_owner(user)
    erased = client_erased_entry(client=client)
    can_export = erased is None and (owner or user.has_perm("clients.export_client"))
    return {
        "erased": erased,
        "can_export": can_export,
        "can_erase": erased is None and owner,
        "export_url": reverse("backoffice:clients_transfer_export", args=[client.pk]),
        "erase_url": reverse("backoffice:clients_transfer_erase", args=[client.pk]),
        "is_owner": owner,
    }
