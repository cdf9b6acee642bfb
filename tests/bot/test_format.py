"""French formatting through Babel."""
from datetime import date
from decimal import Decimal

from bot.wording.format import NBSP, NNBSP, day, money, percent, typo


def test_money_uses_narrow_no_break_space_and_no_useless_cents():
    assert money(12500) == f"12{NNBSP}500{NBSP}€"
    assert money(Decimal("27000.50")) == f"27{NNBSP}000,50{NBSP}€"
    assert money(40) == f"40{NBSP}€"
    assert money(1_234_567) == f"1{NNBSP}234{NNBSP}567{NBSP}€"


def test_dates_in_french():
    assert day(date(2021, 3, 31)) == "31 mars 2021"
    assert day(date(2021, 3, 1)) == "1er mars 2021"
    assert day(date(2026, 8, 15)) == "15 août 2026"


def test_percent():
    assert percent(Decimal("0.9")) == f"90{NBSP}%"
    assert percent(Decimal("0.055")) == f"5,5{NBSP}%"


def test_typography():
    assert typo("Où en est mon dossier ?") == f"Où en est mon dossier{NNBSP}?"
    assert typo("Attention : délai") == f"Attention{NNBSP}: délai"
    assert typo("« oui »") == f"«{NNBSP}oui{NNBSP}»"
    # idempotent, and leaves times and URLs alone
    once = typo("Bonjour ! RDV à 14:30, voir http://x.fr/a?b=1")
    assert typo(once) == once and "14:30" in once and "http://x.fr/a?b=1" in once
