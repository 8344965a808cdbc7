"""The platform's plans (public schema). Prices live at Stripe; limits live here."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Plan(models.Model):
    """A plan a business subscribes to: our limits, linked to a Stripe product.

    The Stripe product carries ``metadata[plan] = <key>``; ``plans_sync`` links
    them. ``price_amount`` is our own copy of the monthly price, shown while no
    Stripe price is synced (a fresh machine). A limit of None means unlimited.
    """

    key = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=60)
    blurb = models.CharField(max_length=200, blank=True)
    features = models.JSONField(default=list, blank=True, help_text=_("One line each."))
    max_active_clients = models.PositiveIntegerField(
        _("active clients"), null=True, blank=True, help_text=_("Empty: unlimited.")
    )
    max_coaches = models.PositiveIntegerField(
        _("coaches"), null=True, blank=True, help_text=_("Empty: unlimited.")
    )
    storage_mb = models.PositiveIntegerField(
        _("storage (MB)"), null=True, blank=True, help_text=_("Empty: unlimited.")
    )
    price_amount = models.PositiveIntegerField(
        _("monthly price (minor units)"),
        default=0,
        help_text=_("Shown until Stripe's price is synced, e.g. 2900 for 29.00."),
    )
    price_currency = models.CharField(max_length=3, default="USD")
    order = models.PositiveSmallIntegerField(default=0)
    is_featured = models.BooleanField(_("featured"), default=False)
    is_public = models.BooleanField(_("on the pricing page"), default=True)
    product = models.OneToOneField(
        "djstripe.Product",
        to_field="id",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="platform_plan",
        help_text=_("Linked by plans_sync from the product's metadata[plan]."),
    )

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(price_currency__regex=r"^[A-Z]{3}$"), name="plan_currency_iso"
            ),
            models.CheckConstraint(condition=Q(key__regex=r"^[a-z0-9-]+$"), name="plan_key_slug"),
        ]

    def __str__(self):
        return self.name

    def limit(self, kind: str) -> int | None:
        """The limit for ``kind`` ("clients", "coaches", "storage"), None if unlimited."""
        return {
            "clients": self.max_active_clients,
            "coaches": self.max_coaches,
            "storage": self.storage_mb,
        }[kind]
