"""Fee sentences agree in number: one flat fee is "un forfait", several are counted."""
from datetime import date
from decimal import Decimal

from bot.store.views import FeeBreakdown, FeeLineView
from bot.wording.fees import fee_breakdown


def _view(quantity):
    line = FeeLineView(kind="collection_flat", statement_ref="REL-1", statement_date=date(2026, 10, 1),
                       period_start=date(2026, 7, 1), period_end=date(2026, 9, 30),
                       amount=Decimal(150) * quantity, quantity=quantity, unit_amount=Decimal(150))
    return FeeBreakdown(start=date(2026, 7, 1), end=date(2026, 9, 30), lines=(line,), totals=(),
                        total=line.amount)


def test_one_flat_fee_is_singular():
    text = fee_breakdown(_view(1)).text
    assert "un forfait" in text and "1 forfaits" not in text


def test_several_flat_fees_are_counted():
    assert "3 forfaits" in fee_breakdown(_view(3)).text
