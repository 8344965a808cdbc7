"""Money: formatting, parsing typed amounts and splitting tax, on integers only."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from billing.models import MAX_AMOUNT
from billing.services.money import (
    currency_exponent,
    money_format,
    money_parse,
    round_half_up,
    tax_split,
)

amounts = st.integers(min_value=0, max_value=MAX_AMOUNT)
rates = st.integers(min_value=0, max_value=10000)


def test_money_format_prints_euros_with_the_symbol_and_two_decimals():
    assert money_format(1250, "EUR") == "€12.50"


def test_money_format_prints_yen_without_decimals():
    assert money_format(1234, "JPY") == "¥1,234"


def test_money_format_prints_kuwaiti_dinars_with_three_decimals():
    assert money_format(1234, "KWD") == "KWD 1.234"


def test_money_format_puts_the_sign_before_the_symbol():
    assert money_format(-500, "USD") == "-$5.00"


def test_money_format_prints_an_unknown_currency_by_its_code():
    assert money_format(1250, "XYZ") == "12.50 XYZ"


def test_currency_exponents_follow_iso_4217():
    assert [currency_exponent(c) for c in ("EUR", "JPY", "KWD")] == [2, 0, 3]


@pytest.mark.parametrize(
    ("text", "currency", "expected"),
    [("12.50", "EUR", 1250), ("12,5", "EUR", 1250), ("1 200", "JPY", 1200), ("0.125", "KWD", 125)],
)
def test_money_parse_reads_amounts_people_type(text, currency, expected):
    assert money_parse(text, currency) == expected


@pytest.mark.parametrize(
    ("text", "currency"),
    [
        ("12.505", "EUR"),
        ("12.5", "JPY"),
        ("-1", "EUR"),
        ("twelve", "EUR"),
        ("NaN", "EUR"),
        ("", "EUR"),
    ],
)
def test_money_parse_rejects_what_is_not_an_amount_in_the_currency(text, currency):
    with pytest.raises(ValidationError):
        money_parse(text, currency)


def test_round_half_up_rounds_halves_away_from_zero():
    assert [round_half_up(n, 2) for n in (1, 3, -1, -3)] == [1, 2, -1, -2]


def test_tax_split_adds_20_percent_on_top_of_an_exclusive_price():
    assert tax_split(5000, 2000, False) == (5000, 1000)


def test_tax_split_takes_20_percent_out_of_an_inclusive_price():
    assert tax_split(12000, 2000, True) == (10000, 2000)


def test_tax_split_rounds_a_half_cent_of_tax_up():
    # 5 % of 10 cents is 0.5 cent
    assert tax_split(10, 500, False) == (10, 1)


@given(amount=amounts, rate=rates)
def test_inclusive_tax_split_always_adds_back_to_the_gross(amount, rate):
    net, tax = tax_split(amount, rate, True)
    assert net + tax == amount
    assert 0 <= tax <= amount


@given(amount=amounts, rate=rates)
def test_inclusive_tax_is_the_nearest_cent_to_the_exact_share(amount, rate):
    _net, tax = tax_split(amount, rate, True)
    # |tax - amount*r/(1+r)| <= 1/2, in integers
    assert abs(2 * tax * (10000 + rate) - 2 * amount * rate) <= 10000 + rate


@given(amount=amounts, rate=rates)
def test_exclusive_tax_is_the_nearest_cent_to_the_rate_times_the_net(amount, rate):
    net, tax = tax_split(amount, rate, False)
    assert net == amount
    assert abs(2 * tax * 10000 - 2 * amount * rate) <= 10000


@given(
    amount=st.integers(min_value=0, max_value=10**12),
    currency=st.sampled_from(["EUR", "JPY", "KWD"]),
)
def test_money_parse_reads_back_what_money_format_prints(amount, currency):
    printed = money_format(amount, currency)
    # the thousands separators are left out: a lone comma is read as a decimal comma
    number = "".join(ch for ch in printed if ch.isdigit() or ch == ".")
    assert money_parse(number, currency) == amount
