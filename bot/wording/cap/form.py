"""The eligibility form of the CAP conversation: its questions, stop and resume, and the figures
taken from the policyholder's agrément on a buyer."""
from __future__ import annotations

from decimal import Decimal

from bot.wording.cap.texts import HUMAN_BUTTON, TEMPLATES, fill, list_fr
from bot.wording.format import money
from bot.wording.reply import Button, Reply

__all__ = ["ASK_BUTTONS", "ask", "buyer_ambiguous", "buyer_unknown", "form_back", "form_stopped", "from_store",
           "problem"]

ASK_BUTTONS = {"cap_granted": ("Refusé", "refusé"), "cap_country": ("En France", "en France"),
               "cap_transaction_date": ("Aujourd'hui", "aujourd'hui"), "cap_buyer": ("Aucun", "aucun")}


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


def from_store(buyer: str, requested: Decimal, granted: Decimal, refused: bool) -> Reply:
    if refused:
        return Reply(fill("from_store_refused", buyer=buyer, requested_amount=money(requested)))
    return Reply(fill("from_store_partial", buyer=buyer, requested_amount=money(requested),
                      granted_amount=money(granted)))


def buyer_unknown() -> Reply:
    return Reply(TEMPLATES["buyer_unknown"])


def buyer_ambiguous(candidates) -> Reply:
    names = [c.name for c in candidates][:5]
    return Reply(fill("buyer_ambiguous", names=list_fr(names)), [Button(n, n) for n in names])
