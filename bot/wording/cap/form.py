"""The eligibility form of the CAP conversation: its questions, stop and resume, and the figures
taken from the policyholder's agrément on a buyer."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Optional, Sequence

from bot.wording.cap.texts import HUMAN_BUTTON, TEMPLATES, fill, list_fr
from bot.wording.format import day, money
from bot.wording.reply import Button, Reply

__all__ = ["ASK_BUTTONS", "amount_ambiguous", "ask", "buyer_ambiguous", "buyer_unknown", "form_back", "form_stopped",
           "from_store", "limit_unknown_then", "problem"]

# (button title, what the button sends as the person's answer)
ASK_BUTTONS = {"cap_granted": ("Refusé", "refusé"), "cap_country": ("En France", "en France"),
               "cap_transaction_date": ("Aujourd’hui", "aujourd'hui"), "cap_buyer": ("Aucun", "aucun")}


def ask(slot: str) -> Reply:
    """The question of the eligibility form for ``slot`` (``cap_requested``, ...), with a quick answer."""
    quick = ASK_BUTTONS.get(slot)
    return Reply(TEMPLATES[f"ask_{slot}"], [Button(*quick)] if quick else [])


def form_stopped() -> Reply:
    return Reply(TEMPLATES["form_stopped"], [Button("Suis-je éligible ?", "/ask_cap"), HUMAN_BUTTON])


def form_back() -> Reply:
    return Reply(TEMPLATES["form_back"])


def problem(key: str) -> Reply:
    return Reply(TEMPLATES[key])


def from_store(buyer: str, requested: Decimal, granted: Decimal, refused: bool,
               on: Optional[date] = None) -> Reply:
    """The figures taken from the agrément: today's, or those in force on the sale date ``on``."""
    then = "_then" if on is not None else ""
    values = dict(buyer=buyer, requested_amount=money(requested), granted_amount=money(granted),
                  transaction_date=day(on) if on is not None else "")
    return Reply(fill(f"from_store_refused{then}" if refused else f"from_store_partial{then}", **values))


def limit_unknown_then(buyer: str, on: date) -> Reply:
    """No decision on this buyer was in force on the sale date: the form asks for the limit then."""
    return Reply(fill("limit_unknown_then", buyer=buyer, transaction_date=day(on)))


def amount_ambiguous(readings: Sequence[Decimal]) -> Reply:
    """ "600,000": 600 € (French) or 600 000 € (English)? One button per reading; the form asks again."""
    first, second = readings[0], readings[1]
    return Reply(fill("amount_ambiguous", first_amount=money(first), second_amount=money(second)),
                 [Button(money(first), money(first)), Button(money(second), money(second))])


def buyer_unknown() -> Reply:
    return Reply(TEMPLATES["buyer_unknown"])


def buyer_ambiguous(candidates) -> Reply:
    names = [c.name for c in candidates][:5]
    key = "buyer_ambiguous" if len(names) > 1 else "buyer_ambiguous_one"  # one close name: "did you mean"
    return Reply(fill(key, names=list_fr(names)), [Button(n, n) for n in names])
