"""The billing app's API, one module per concern; ``register`` adds them all."""

from . import invoices, shop


def register(router) -> None:
    for module in (shop, invoices):
        module.register(router)
