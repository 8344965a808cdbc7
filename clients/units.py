"""Measurement units: values are stored in SI (kg, cm, %) and converted only for display.

Two systems, named like the ``units`` fields on Client, User and Business:
``"kg"`` (metric: kg, cm) and ``"lb"`` (imperial: lb, in). Percent is a percent
in both; an "other" metric is shown in its own unit, unconverted.

Rounding for display (``DISPLAY_STEP``): 0.1 in every unit (kg, lb, cm, in, %).
A bathroom scale reads to 0.1 kg or 0.2 lb and a tape to a millimetre or a
sixteenth of an inch, so 0.1 never shows more precision than was measured,
and never less than someone typed: a value entered with one decimal is
stored with three decimals in SI (error at most 0.0005 kg or cm, which is
0.0011 lb or 0.0002 in) and so shows again exactly as it was typed. "Other"
metrics keep up to two decimals (scores, reps, beats per minute). Rounding is
half up, as people expect (81.25 -> 81.3).

Exact factors: 1 lb = 0.45359237 kg (the international pound), 1 in = 2.54 cm.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

METRIC = "kg"
IMPERIAL = "lb"
SYSTEMS = (METRIC, IMPERIAL)

MASS = "mass"
LENGTH = "length"
PERCENT = "percent"
OTHER = "other"

KG_PER_LB = Decimal("0.45359237")
CM_PER_IN = Decimal("2.54")
SI_PLACES = Decimal("0.001")  # Measurement.value: DecimalField(decimal_places=3)
DISPLAY_STEP = Decimal("0.1")
OTHER_STEP = Decimal("0.01")


@dataclass(frozen=True)
class DisplayUnit:
    """How a kind of metric is shown in one system: symbol and SI per display unit."""

    symbol: str
    factor: Decimal  # SI value = display value * factor
    step: Decimal  # display rounding

    @property
    def places(self) -> int:
        return -self.step.as_tuple().exponent


def display_unit(*, kind: str, system: str, unit: str = "") -> DisplayUnit:
    """The unit a metric of ``kind`` is shown in for ``system`` ("kg" or "lb")."""
    imperial = system == IMPERIAL
    if kind == MASS:
        return DisplayUnit(
            "lb" if imperial else "kg", KG_PER_LB if imperial else Decimal(1), DISPLAY_STEP
        )
    if kind == LENGTH:
        return DisplayUnit(
            "in" if imperial else "cm", CM_PER_IN if imperial else Decimal(1), DISPLAY_STEP
        )
    if kind == PERCENT:
        return DisplayUnit("%", Decimal(1), DISPLAY_STEP)
    return DisplayUnit(unit, Decimal(1), OTHER_STEP)


def to_display(value: Decimal, *, kind: str, system: str) -> Decimal:
    """An SI value in ``system``'s unit, rounded for display (half up)."""
    du = display_unit(kind=kind, system=system)
    return (Decimal(value) / du.factor).quantize(du.step, rounding=ROUND_HALF_UP)


def to_si(value: Decimal, *, kind: str, system: str) -> Decimal:
    """A value in ``system``'s display unit, in SI with 3 decimals (what we store)."""
    du = display_unit(kind=kind, system=system)
    return (Decimal(value) * du.factor).quantize(SI_PLACES, rounding=ROUND_HALF_UP)


def parse(text: str | Decimal | int | float, *, kind: str, system: str) -> Decimal:
    """What a person typed in their units, as an SI Decimal. Accepts "81.4", "81,4",
    " 181 ". Raises ValueError for anything that is not a finite number."""
    if isinstance(text, float):
        text = repr(text)
    raw = str(text).strip().replace("\u00a0", "").replace(" ", "")
    if raw.count(",") == 1 and "." not in raw:
        raw = raw.replace(",", ".")  # decimal comma
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise ValueError("not a number") from None
    if not number.is_finite():
        raise ValueError("not a number")
    return to_si(number, kind=kind, system=system)


def format_value(value: Decimal | None, *, kind: str, system: str, unit: str = "") -> str:
    """ "81.4 kg", "12.5 %", "42 bpm": an SI value for people, or "" for None."""
    if value is None:
        return ""
    du = display_unit(kind=kind, system=system, unit=unit)
    shown = to_display(value, kind=kind, system=system)
    text = number_text(shown)
    return f"{text}\u00a0{du.symbol}" if du.symbol else text


def number_text(value: Decimal) -> str:
    """A display number without pointless zeros: 81.0 -> "81", 12.50 -> "12.5"."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def units_for(*, client=None, viewer=None, business=None) -> str:
    """The system to show values in: "kg" or "lb".

    - staff looking at a client: their own preference, else the business's
    - a client in the portal: their own preference (profile), else what the coach set on
      their record, else the business's
    - no viewer (e-mails, exports): the client's, else the business's
    No query: reads fields already loaded (``client.user`` is used only if cached)."""
    if viewer is not None and getattr(viewer, "is_staff", False):
        chosen = getattr(viewer, "units", "")
    else:
        chosen = getattr(viewer, "units", "") if viewer is not None else ""
        if not chosen and client is not None:
            chosen = client.units
    if not chosen and business is not None:
        chosen = getattr(business, "units", "")
    return chosen if chosen in SYSTEMS else METRIC
