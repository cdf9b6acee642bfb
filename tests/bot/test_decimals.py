"""bot.decimals.to_decimal: one validator, the two request types' own error messages kept."""
from decimal import Decimal

import pytest

from bot.cap.engine import CapRequest
from bot.decimals import AMOUNT, NUMBER, to_decimal
from bot.indemnity import IndemnityInputs


@pytest.mark.parametrize("value, expected", [
    (None, None), (0, Decimal(0)), ("12.5", Decimal("12.5")), (1.5, Decimal("1.5")), (Decimal("7"), Decimal("7")),
])
def test_accepted(value, expected):
    assert to_decimal(value, "x") == expected
    assert to_decimal(value, "x", messages=AMOUNT) == expected


def test_decimal_kept_as_given():
    value = Decimal("1.50")
    assert to_decimal(value, "x") is value


def test_blank_and_required():
    assert to_decimal("", "x", blank_is_none=True) is None
    with pytest.raises(ValueError, match=r"^x must be a number \(got ''\)$"):
        to_decimal("", "x")
    with pytest.raises(ValueError, match="^x is required$"):
        to_decimal(None, "x", required=True)


# (value, CapRequest message (NUMBER), IndemnityInputs message (AMOUNT)), as before the helper was shared
MESSAGES = [
    (True, "v must be a number", "v must be an amount"),
    ("abc", "v must be a number (got 'abc')", "v must be an amount (got 'abc')"),
    ("NaN", "v must be a finite number", "v must be a positive amount (got 'NaN')"),
    (float("inf"), "v must be a finite number", "v must be a positive amount (got inf)"),
    (-1, "v must not be negative (got -1)", "v must be a positive amount (got -1)"),
    ("-2.5", "v must not be negative (got -2.5)", "v must be a positive amount (got '-2.5')"),
]


@pytest.mark.parametrize("value, number, amount", MESSAGES)
def test_messages(value, number, amount):
    with pytest.raises(ValueError) as info:
        to_decimal(value, "v", messages=NUMBER)
    assert str(info.value) == number
    with pytest.raises(ValueError) as info:
        to_decimal(value, "v", messages=AMOUNT)
    assert str(info.value) == amount


@pytest.mark.parametrize("value, number, amount", MESSAGES)
def test_request_types_use_it(value, number, amount):
    with pytest.raises(ValueError) as info:
        CapRequest(requested=10, granted=1, turnover=value)
    assert str(info.value) == number.replace("v ", "turnover ", 1)
    with pytest.raises(ValueError) as info:
        IndemnityInputs(amount_owed=value)
    assert str(info.value) == amount.replace("v ", "amount_owed ", 1)
    assert IndemnityInputs(amount_owed="").amount_owed is None
    with pytest.raises(ValueError, match="^requested is required$"):
        CapRequest(requested=None, granted=1)
