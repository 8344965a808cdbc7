"""Template filters of invoices: ``{{ invoice.total|money:invoice.currency }}``."""

from django import template

from ..services.money import money_format

register = template.Library()


@register.filter
def money(amount, currency):
    """Minor units as money in ``currency``: ``1250|money:"EUR"`` -> ``€12.50``."""
    if amount in (None, ""):
        return ""
    return money_format(int(amount), currency or "")


@register.filter
def percent_bp(rate_bp):
    """Basis points as a percentage: ``2000`` -> ``20%``, ``550`` -> ``5.5%``."""
    return f"{int(rate_bp or 0) / 100:g}%"


@register.filter
def line_gross(line) -> int:
    """A line's amount as priced: quantity × unit price."""
    return line.quantity * line.unit_amount
