"""French phone numbers for callbacks: what is accepted, how it is stored, why it is refused."""
import pytest

from bot.handoff.tickets import display_phone, normalise_phone, phone_problem


@pytest.mark.parametrize("text, e164", [
    ("06 12 34 56 78", "+33612345678"),
    ("0612345678", "+33612345678"),
    ("06.12.34.56.78", "+33612345678"),
    ("06-12-34-56-78", "+33612345678"),
    ("07 81 22 33 44", "+33781223344"),
    ("01 23 45 67 89", "+33123456789"),
    ("05 56 00 00 00", "+33556000000"),
    ("09 70 12 34 56", "+33970123456"),
    ("+33 6 12 34 56 78", "+33612345678"),
    ("+33612345678", "+33612345678"),
    ("+33 (0)6 12 34 56 78", "+33612345678"),
    ("0033 6 12 34 56 78", "+33612345678"),
    ("  06 12 34 56 78  ", "+33612345678"),
    ("06\u00a012\u00a034\u00a056\u00a078", "+33612345678"),
])
def test_accepted(text, e164):
    assert normalise_phone(text) == e164
    assert phone_problem(text) is None


@pytest.mark.parametrize("text, problem", [
    ("08 00 12 34 56", "special"),
    ("+33 8 99 12 34 56", "special"),
    ("06 12 34 56", "length"),
    ("06 12 34 56 78 9", "length"),
    ("6 12 34 56 78", "length"),
    ("05 12 34", "length"),
    ("+44 20 7946 0958", "foreign"),
    ("0044 20 7946 0958", "foreign"),
    ("demain matin", "format"),
    ("", "format"),
    ("06 12 34 56 7a", "format"),
])
def test_refused(text, problem):
    assert normalise_phone(text) is None
    assert phone_problem(text) == problem


def test_non_text_and_overlong():
    assert normalise_phone(None) is None and normalise_phone(612345678) is None
    assert normalise_phone("0" * 41) is None


def test_display():
    assert display_phone("+33612345678") == "06 12 34 56 78"
