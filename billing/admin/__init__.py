"""The billing app in the back office, one module per concern."""

from . import invoices, shop  # noqa: F401
