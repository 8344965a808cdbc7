"""Money in integer minor units: formatting, parsing and tax arithmetic.

Amounts are ``int`` counts of a currency's minor unit (cents for EUR, yen for
JPY, fils for KWD) beside an ISO 4217 code. Nothing here touches a float:
rounding is done on integers, half up (away from zero for the positive
amounts we handle), per line.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# ISO 4217 minor-unit exponents that differ from 2.
_EXPONENTS = {
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
    "PYG": 0, "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0,
    "XPF": 0,
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}  # fmt: skip

_SYMBOLS = {
    "EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "CHF": "CHF ", "CAD": "CA$",
    "AUD": "A$", "NZD": "NZ$", "SEK": "SEK ", "NOK": "NOK ", "DKK": "DKK ",
    "PLN": "PLN ", "CZK": "CZK ", "INR": "₹", "BRL": "R$", "MXN": "MX$", "KWD": "KWD ",
}  # fmt: skip


def currency_exponent(currency: str) -> int:
    """Digits after the decimal point in ``currency`` (2 unless ISO says otherwise)."""
    return _EXPONENTS.get(currency.upper(), 2)


def money_decimal(amount: int, currency: str) -> Decimal:
    """The amount in major units as an exact Decimal: 1250 EUR -> Decimal('12.50')."""
    exp = currency_exponent(currency)
    return (Decimal(amount) / (Decimal(10) ** exp)).quantize(Decimal(1).scaleb(-exp))


def money_format(amount: int, currency: str) -> str:
    """``1250, "EUR"`` -> ``"€12.50"``; ``-500, "USD"`` -> ``"-$5.00"``;
    ``1234, "JPY"`` -> ``"¥1,234"``.

    A currency without a known symbol prints its code: ``"12.50 XYZ"``.
    """
    currency = (currency or "").upper()
    value = money_decimal(abs(int(amount)), currency)
    exp = currency_exponent(currency)
    number = f"{value:,.{exp}f}"
    sign = "-" if amount < 0 else ""
    symbol = _SYMBOLS.get(currency)
    if symbol is None:
        return f"{sign}{number} {currency}".strip()
    return f"{sign}{symbol}{number}"


def money_parse(text: str, currency: str) -> int:
    """Parse an amount typed by a person (``"12.50"``, ``"12,50"``, ``"1 200"``) to minor units.

    Raises ``ValidationError`` for text that is not a number, a negative number
    or more decimals than the currency has (``"1.234"`` in EUR).
    """
    cleaned = (text or "").strip().replace("\u00a0", "").replace(" ", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    else:
        cleaned = cleaned.replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError(_("Enter an amount such as 12.50.")) from None
    if not value.is_finite():
        raise ValidationError(_("Enter an amount such as 12.50."))
    if value < 0:
        raise ValidationError(_("The amount cannot be negative."))
    exp = currency_exponent(currency)
    minor = value.scaleb(exp)
    if minor != minor.to_integral_value():
        if exp == 0:
            raise ValidationError(_("This currency has no decimals."))
        raise ValidationError(_("Use at most %(n)d decimals.") % {"n": exp})
    return int(minor)


def round_half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half away from zero, on integers only."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    sign = -1 if numerator < 0 else 1
    q, r = divmod(abs(numerator), denominator)
    if 2 * r >= denominator:
        q += 1
    return sign * q


def tax_split(amount: int, rate_bp: int, inclusive: bool) -> tuple[int, int]:
    """Split a priced amount into ``(net, tax)`` at ``rate_bp`` basis points (2000 = 20 %).

    Inclusive: ``amount`` is the gross; tax = gross * r / (1 + r), rounded half
    up; net = gross - tax, so net + tax == amount exactly.
    Exclusive: ``amount`` is the net; tax = net * r rounded half up.
    """
    if rate_bp < 0 or rate_bp > 10000:
        raise ValueError("rate_bp must be within 0..10000")
    if rate_bp == 0:
        return amount, 0
    if inclusive:
        tax = round_half_up(amount * rate_bp, 10000 + rate_bp)
        return amount - tax, tax
    return amount, round_half_up(amount * rate_bp, 10000)
