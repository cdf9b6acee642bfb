"""The schemes in general: one explained (:func:`scheme_reply`), all of them in a few lines
(:func:`overview_reply`), and why no price is given (:func:`price_reply`: it depends on the contract)."""
from __future__ import annotations

from datetime import date
from typing import List, Optional

from bot.wording.cap.texts import HUMAN_BUTTON, INTRO_KEY, TEMPLATES, fill, ratio_words
from bot.wording.format import day, money
from bot.wording.reply import Button, Reply, join

__all__ = ["overview_reply", "price_reply", "scheme_reply"]


def scheme_reply(name: str, as_of: date, rules=None) -> Reply:
    """Explain what a scheme is and whether new requests are still possible at ``as_of``."""
    from bot.cap.rules import get_rules

    rules = rules or get_rules()
    scheme = rules.scheme(name)
    parts: List[Optional[str]] = [TEMPLATES[INTRO_KEY[name]]]
    closure = scheme.closure
    agreed = scheme.fact("agreed_on")
    if scheme.closed_at(as_of):
        if name == "Cap Relais":
            parts.append(fill("relais_closed", end_date=day(closure.last_open_day)))
        else:
            parts.append(fill("closed", scheme=name, end_date=day(closure.last_open_day),
                              closed_date=day(closure.closed_from)))
            last = scheme.entries[-1]
            if last.value("topup_ratio_max") is not None:
                parts.append(fill("last_rule_topup_then", end_date=day(last.valid_to),
                                  ratio_words=ratio_words(last.value("topup_ratio_max"))))
            elif last.value("ceiling_per_buyer") is not None:
                example = "_example" if last.value("ceiling_is_example") else ""
                parts.append(fill(f"last_rule_substitute{example}_then", end_date=day(last.valid_to),
                                  ceiling_amount=money(last.value("ceiling_per_buyer"))))
            parts.append(TEMPLATES["alternatives"])
    elif agreed is not None and as_of < agreed:  # Cap Relais before the agreement of June 2020
        parts.append(fill("relais_not_yet", agreed_date=day(agreed)))
    elif as_of < scheme.first_day:
        key = "not_yet_open_reactivated" if scheme.fact("reactivated_on") is not None else "not_yet_open"
        parts.append(fill(key, start_date=day(scheme.first_day)))
    else:
        parts.append(TEMPLATES["open_to_confirm"] if closure.confidence != "confirmed" else TEMPLATES["open_now"])
        if name != "Cap Relais":
            parts.append(TEMPLATES["no_price"])
    parts.append(TEMPLATES["human"])
    return Reply(join(*parts), [HUMAN_BUTTON])


def overview_reply(as_of: date, rules=None) -> Reply:
    """All the schemes in a few lines, and which are closed at ``as_of``."""
    from bot.cap.rules import get_rules

    rules = rules or get_rules()
    cap, relais = rules.scheme("CAP"), rules.scheme("Cap Relais")
    parts: List[Optional[str]] = [TEMPLATES["overview"]]
    if cap.closed_at(as_of) and relais.closed_at(as_of):
        parts.append(fill("overview_closed", closed_date=day(cap.closure.closed_from),
                          relais_end=day(relais.closure.last_open_day)))
        if not rules.scheme("CAP Francexport").closed_at(as_of):
            parts.append(TEMPLATES["overview_export"])
    parts.append(TEMPLATES["overview_next"])
    return Reply(join(*parts), [Button("Suis-je éligible ?", "/ask_cap"), HUMAN_BUTTON])


def price_reply() -> Reply:
    return Reply(TEMPLATES["no_price"], [HUMAN_BUTTON])
