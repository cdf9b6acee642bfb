"""Which fees a question is about, read from the text (framework-free, no Rasa, no store).

Besides "my fees" (the last statement) and "my fees over a period" (actions/fees.py reads periods),
people ask about:

- one line of a statement by its amount: « les 150 €, ils correspondent à quoi ? », « et la ligne à 180 ? »;
- the statement before the last one: « et le relevé d’avant ? », « le trimestre précédent » (when the
  last statement was just shown, "précédent" means the one before it);
- the fees billed on one claim: « ce dossier m’a coûté des frais ? » (the claim in focus or named).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable, List, Optional, Sequence

from bot.dialogue import fold
from bot.parsing.amounts import parse_amount
from bot.store.views import FeeLineView

__all__ = ["FeeQuestion", "read_fee_question", "lines_with_amount"]

_PREVIOUS = re.compile(
    r"\b(?:releve|facture|appel de prime)s? (?:d'avant|precedente?|juste avant)\b|\btrimestre d'avant\b"
    r"|\bavant[- ]dernier(?:e)? (?:releve|trimestre|facture)\b|\bprecedente? (?:releve|facture)\b"
    r"|^(?:et |et pour |et sur )?(?:le |la |celui |celle )d'avant\b"
)
# « le trimestre précédent / dernier » is a calendar period (actions/fees.py period_from_text), not this.
_CLAIM = re.compile(r"\b(?:ce|le|du|sur ce|pour ce|cet?) (?:dossier|sinistre)\b|\bdessus\b|\bsin[- ]?\d{4}"
                    r"|\b(?:ca|cela|il|ce dossier) (?:m'a|nous a) coute\b")


@dataclass(frozen=True)
class FeeQuestion:
    """``kind``: "amount" (a line by its amount), "previous" (the statement before the last one),
    "claim" (the fees of one claim) or "statement" (the last statement or a period, as before)."""

    kind: str
    amount: Optional[Decimal] = None
    claim_ref: Optional[str] = None


def read_fee_question(text: Optional[str], *, claim_focus: Optional[str] = None) -> FeeQuestion:
    """What a fees question asks. ``claim_focus``: the claim the conversation is about (slot), used only
    when the text points at a claim (« ce dossier », « dessus », a reference)."""
    s = fold(text)
    if not s or s.startswith("/"):
        return FeeQuestion("statement")
    if _PREVIOUS.search(s):
        return FeeQuestion("previous")
    if claim_focus and _CLAIM.search(s):
        return FeeQuestion("claim", claim_ref=claim_focus)
    amount = parse_amount(text)
    if amount is not None and amount > 0:
        return FeeQuestion("amount", amount=amount)
    return FeeQuestion("statement")


def lines_with_amount(lines: Iterable[FeeLineView], amount: Decimal) -> List[FeeLineView]:
    """The lines billed for ``amount`` (or priced at that unit amount) on the most recent statement that has
    one; [] when no line matches."""
    every: Sequence[FeeLineView] = tuple(lines)
    for pick in (lambda l: l.amount == amount, lambda l: l.unit_amount == amount):
        found = [l for l in every if pick(l)]
        if found:
            latest = max((l.statement_date, l.statement_ref) for l in found)
            return [l for l in found if (l.statement_date, l.statement_ref) == latest]
    return []
