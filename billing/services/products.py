"""What the business sells: products (packs of sessions, monthly coaching, one-offs)
and their prices on the connected Stripe account. Owners change products; the
``by`` argument says who, and is checked here.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import stripe
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from accounts.models import User

from ..models import MAX_AMOUNT, Product, TaxRate
from .common import (
    business_currency,
    current_business,
    require_owner,
    stripe_kwargs,
    stripe_message,
)


@dataclass(frozen=True)
class ProductDetails:
    """What the owner sets on a product (``amount`` in the currency's minor units)."""

    name: str
    kind: str
    amount: int
    description: str = ""
    sessions: int | None = None
    valid_days: int | None = None
    tax_rate: TaxRate | None = None
    is_active: bool = True
    position: int = 0

    @classmethod
    def of(cls, product: Product) -> ProductDetails:
        """``product`` as it is: a starting point for changing some of it
        (``dataclasses.replace(ProductDetails.of(product), amount=...)``)."""
        return cls(**{field.name: getattr(product, field.name) for field in fields(cls)})


def _details_set(product: Product, details: ProductDetails) -> None:
    for field in fields(details):
        setattr(product, field.name, getattr(details, field.name))


def _product_validate(product: Product) -> None:
    errors = {}
    if not (product.name or "").strip():
        errors["name"] = _("Give the product a name.")
    if product.kind not in Product.Kind.values:
        errors["kind"] = _("Choose a pack of sessions, monthly coaching or a one-off.")
    if not product.amount or product.amount <= 0:
        errors["amount"] = _("Enter a price above zero.")
    elif product.amount > MAX_AMOUNT:
        errors["amount"] = _("That price is too high.")
    if product.kind == Product.Kind.SESSION_PACK:
        if not product.sessions:
            errors["sessions"] = _("Say how many sessions the pack holds.")
    else:
        product.sessions = None
        if product.kind == Product.Kind.MONTHLY:
            product.valid_days = None
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def product_create(*, by: User, details: ProductDetails) -> Product:
    """A new product in the business's currency. Stripe learns of it at the next sync."""
    require_owner(by, _("Only the owner can change products."))
    product = Product(currency=business_currency())
    _details_set(product, details)
    _product_validate(product)
    product.save()
    return product


@transaction.atomic
def product_update(*, product: Product, by: User, details: ProductDetails) -> Product:
    """Change a product. A new price or kind makes a new Stripe price at the next sync;
    what was already sold keeps its price (purchases freeze theirs)."""
    require_owner(by, _("Only the owner can change products."))
    product = Product.objects.select_for_update().get(pk=product.pk)
    before = (product.amount, product.currency, product.kind)
    _details_set(product, details)
    if product.kind != before[2] and product.purchases.exists():
        raise ValidationError(
            {
                "kind": _(
                    "This product has been sold: make a new product instead of changing its kind."
                )
            }
        )
    _product_validate(product)
    if (product.amount, product.currency, product.kind) != before:
        product.stripe_price_id = ""
    product.save()
    return product


def product_stripe_sync(*, product: Product, account: str | None = None) -> Product:
    """Create or update the product and its price on the connected account.

    Prices are immutable at Stripe: a changed price makes a new one (monthly
    coaching: recurring monthly), the old one is archived, and subscriptions
    already sold keep theirs. Network calls; raises ``ValidationError`` on a
    Stripe error. No-op when the business has no connected account.
    """
    account = account or current_business().stripe_account_id
    if not account:
        return product
    meta = {"product_id": str(product.pk), "business_schema": connection.schema_name}
    try:
        if product.stripe_product_id:
            stripe.Product.modify(
                product.stripe_product_id,
                name=product.name,
                description=product.description or "",
                active=product.is_active,
                **stripe_kwargs(account),
            )
        else:
            created = stripe.Product.create(
                name=product.name,
                description=product.description or None,
                active=product.is_active,
                metadata=meta,
                **stripe_kwargs(
                    account, idempotency_key=f"mf-prod-{connection.schema_name}-{product.pk}"
                ),
            )
            product.stripe_product_id = created["id"]
            Product.objects.filter(pk=product.pk).update(stripe_product_id=created["id"])
        if not product.stripe_price_id:
            price_params = {
                "product": product.stripe_product_id,
                "unit_amount": product.amount,
                "currency": product.currency.lower(),
                "metadata": meta,
            }
            if product.kind == Product.Kind.MONTHLY:
                price_params["recurring"] = {"interval": "month"}
            price = stripe.Price.create(**price_params, **stripe_kwargs(account))
            product.stripe_price_id = price["id"]
            Product.objects.filter(pk=product.pk).update(stripe_price_id=price["id"])
            old = stripe.Price.list(
                product=product.stripe_product_id, active=True, **stripe_kwargs(account)
            )
            for stale in old.get("data", []):
                if stale["id"] != price["id"]:
                    stripe.Price.modify(stale["id"], active=False, **stripe_kwargs(account))
    except stripe.StripeError as exc:
        raise ValidationError({"__all__": stripe_message(exc)}) from None
    return product
