"""Factories for what a business sells. Call them inside ``tenant_context(business)``."""

import factory
from django.db import connection

from billing.models import Product


class ProductFactory(factory.django.DjangoModelFactory):
    """A product on sale in the current business's currency: a pack of ten by default."""

    class Meta:
        model = Product

    name = factory.Sequence(lambda n: f"Product {n}")
    kind = Product.Kind.SESSION_PACK
    amount = 60000
    currency = factory.LazyFunction(lambda: connection.tenant.currency)
    sessions = factory.LazyAttribute(lambda product: 10 if product.kind == "pack" else None)
