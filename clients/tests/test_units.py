"""Unit conversion: SI in the database, kg/lb and cm/in on screen."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clients import units as u

KINDS = [u.MASS, u.LENGTH, u.PERCENT, u.OTHER]
SYSTEMS = [u.METRIC, u.IMPERIAL]

# what a person types: up to 1 decimal, within every sane bound we accept
typed = st.decimals(min_value=Decimal("0.1"), max_value=Decimal("2000"), places=1)
# what we store: 3 decimals in SI
stored = st.decimals(min_value=Decimal("0"), max_value=Decimal("9999999.999"), places=3)


def test_a_pound_is_exactly_0_45359237_kg():
    assert u.to_si(Decimal("1"), kind=u.MASS, system=u.IMPERIAL) == Decimal("0.454")
    assert u.to_si(Decimal("1000"), kind=u.MASS, system=u.IMPERIAL) == Decimal("453.592")


def test_an_inch_is_exactly_2_54_cm():
    assert u.to_si(Decimal("10"), kind=u.LENGTH, system=u.IMPERIAL) == Decimal("25.400")


def test_display_rounds_half_up_to_a_tenth():
    assert u.to_display(Decimal("81.250"), kind=u.MASS, system=u.METRIC) == Decimal("81.3")
    assert u.to_display(Decimal("81.249"), kind=u.MASS, system=u.METRIC) == Decimal("81.2")


def test_values_are_formatted_with_their_unit():
    assert u.format_value(Decimal("80"), kind=u.MASS, system=u.IMPERIAL) == "176.4\u00a0lb"
    assert u.format_value(Decimal("80"), kind=u.MASS, system=u.METRIC) == "80\u00a0kg"
    assert u.format_value(Decimal("91.44"), kind=u.LENGTH, system=u.IMPERIAL) == "36\u00a0in"
    assert u.format_value(Decimal("18.5"), kind=u.PERCENT, system=u.IMPERIAL) == "18.5\u00a0%"
    assert u.format_value(Decimal("42"), kind=u.OTHER, system=u.IMPERIAL, unit="bpm") == (
        "42\u00a0bpm"
    )


def test_percent_and_other_metrics_are_never_converted():
    for system in SYSTEMS:
        assert u.to_si(Decimal("20.5"), kind=u.PERCENT, system=system) == Decimal("20.500")
        assert u.to_si(Decimal("12"), kind=u.OTHER, system=system) == Decimal("12.000")


@pytest.mark.parametrize("text", ["81,4", " 81.4 ", "81.4"])
def test_parsing_accepts_a_decimal_comma_and_spaces(text):
    assert u.parse(text, kind=u.MASS, system=u.METRIC) == Decimal("81.400")


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", "NaN", "Infinity", "1e", "--1"])
def test_parsing_rejects_what_is_not_a_number(text):
    with pytest.raises(ValueError):
        u.parse(text, kind=u.MASS, system=u.METRIC)


def test_the_viewers_units_win_then_the_clients_then_the_business():
    business = SimpleNamespace(units="kg")
    client = SimpleNamespace(units="lb")
    portal_user = SimpleNamespace(units="", is_staff=False)
    assert u.units_for(client=client, viewer=portal_user, business=business) == "lb"
    portal_user.units = "kg"
    assert u.units_for(client=client, viewer=portal_user, business=business) == "kg"
    coach = SimpleNamespace(units="", is_staff=True)
    assert u.units_for(client=client, viewer=coach, business=business) == "kg"
    business.units = "lb"
    assert u.units_for(client=SimpleNamespace(units=""), viewer=None, business=business) == "lb"


@given(value=typed, kind=st.sampled_from(KINDS), system=st.sampled_from(SYSTEMS))
def test_a_typed_value_shows_again_exactly_as_typed(value, kind, system):
    si = u.to_si(value, kind=kind, system=system)
    assert u.to_display(si, kind=kind, system=system) == value


@given(value=stored, kind=st.sampled_from(KINDS), system=st.sampled_from(SYSTEMS))
def test_stored_values_survive_a_round_trip_within_display_rounding(value, kind, system):
    shown = u.to_display(value, kind=kind, system=system)
    back = u.to_si(shown, kind=kind, system=system)
    step = u.display_unit(kind=kind, system=system).step
    factor = u.display_unit(kind=kind, system=system).factor
    # half a display step, plus the half-thousandth of storing 3 decimals
    assert abs(back - value) <= step / 2 * factor + Decimal("0.0005")


@given(value=stored, kind=st.sampled_from(KINDS), system=st.sampled_from(SYSTEMS))
def test_conversions_are_never_negative(value, kind, system):
    assert u.to_display(value, kind=kind, system=system) >= 0
    assert u.to_si(value, kind=kind, system=system) >= 0


@given(a=stored, b=stored, kind=st.sampled_from(KINDS), system=st.sampled_from(SYSTEMS))
def test_conversions_keep_the_order_of_values(a, b, kind, system):
    low, high = sorted([a, b])
    assert u.to_display(low, kind=kind, system=system) <= u.to_display(
        high, kind=kind, system=system
    )
    assert u.to_si(low, kind=kind, system=system) <= u.to_si(high, kind=kind, system=system)


@given(value=typed, system=st.sampled_from(SYSTEMS))
def test_parse_agrees_with_to_si_for_text_input(value, system):
    assert u.parse(str(value), kind=u.MASS, system=system) == u.to_si(
        value, kind=u.MASS, system=system
    )
