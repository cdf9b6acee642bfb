"""A :class:`bot.cap.engine.Decision` in plain French: :func:`decision_reply` (what applies, why
not, what is left to check) and :func:`what_then` (what would have applied at another date)."""
from __future__ import annotations

from datetime import date
from typing import List, Optional

from bot.wording.cap.texts import HUMAN_BUTTON, INTRO_KEY, TEMPLATES, fill, list_fr, ratio_words
from bot.wording.format import day, money, percent
from bot.wording.reply import Reply, join

__all__ = ["CHECK_KEY", "WHY_KEY", "decision_reply", "what_then"]

WHY_KEY = {
    "company_turnover": "why_turnover",
    "currency": "why_currency",
    "credit_term": "why_credit_term",
    "french_content": "why_french_content",
    "country_not_closed": "why_country_closed",
    "country_not_marketable": "why_country_marketable",
    "country_category": "why_category",
}
CHECK_KEY = {
    "company_turnover": "check_turnover",
    "credit_term": "check_credit_term",
    "french_content": "check_french_content",
    "country_category": "check_category",
    "buyer_risk_acceptable": "check_buyer_risk",
    "refusal_notice_held": "check_refusal_notice",
    "ceiling_currency": "check_currency",
}


def _label(scheme: str) -> str:
    """Name as it follows "Le" in a sentence."""
    return scheme


def decision_reply(decision) -> Reply:
    """Explain a :class:`bot.cap.engine.Decision` in plain French."""
    d = decision
    buttons = [HUMAN_BUTTON]
    if d.scheme is None:
        return Reply(join(fill("full_cover", granted_amount=money(d.insurer_cover)), fill("human")), buttons)

    parts: List[Optional[str]] = [TEMPLATES[INTRO_KEY[d.scheme]]]
    in_force = d.reason("in_force_at_transaction_date")
    after_end = in_force is not None and in_force.met is False and in_force.data.get("position") == "after_end"
    before_start = in_force is not None and in_force.met is False and in_force.data.get("position") == "before_start"
    topup = d.reason("topup_ratio")
    open_reason = d.reason("open_to_new_requests")

    # 1. today: closed or open
    if d.closed_to_new_requests and open_reason is not None:
        parts.append(fill("closed", scheme=_label(d.scheme), end_date=day(open_reason.data["last_open_day"]),
                          closed_date=day(open_reason.data["closed_since"])))
        if not after_end and not before_start:
            parts.append(TEMPLATES["closed_but_then"])

    # 2. what applied at the transaction date
    then = d.transaction_date < d.as_of or d.closed_to_new_requests
    tense = "then" if then else "now"
    if d.eligible:
        if topup is not None:
            key = "topup_then" if then else "topup_now"
            parts.append(fill(key, transaction_date=day(d.transaction_date), granted_amount=money(d.insurer_cover),
                              requested_amount=money(d.requested), scheme=_label(d.scheme),
                              public_amount=money(d.public_cover), total_amount=money(d.total_cover)))
            parts.append(fill(f"topup_rule_{tense}", ratio_words=ratio_words(topup.data["ratio"])))
        elif d.public_cover is None:
            parts.append(TEMPLATES["cover_unknown"])
        else:
            key = "substitute_then" if then else "substitute_now"
            parts.append(fill(key, transaction_date=day(d.transaction_date), scheme=_label(d.scheme),
                              public_amount=money(d.public_cover)))
            ceiling = d.reason("ceiling_per_buyer")
            if ceiling is not None and ceiling.data.get("ceiling") is not None \
                    and ceiling.data["ceiling"] < d.requested:
                parts.append(fill(f"substitute_ceiling_{tense}", ceiling_amount=money(ceiling.data["ceiling"])))
            q, share = d.reason("quotite_max"), d.reason("insurer_retained_share")
            if q is not None and share is not None:
                parts.append(fill(f"substitute_quotite_{tense}", quotite_max=percent(q.data["max"]),
                                  retained_share=percent(share.data["min_share"])))
        checks = [TEMPLATES[CHECK_KEY[r.code]] for r in d.to_check if r.code in CHECK_KEY]
        if checks:
            parts.append(fill("to_check", items=list_fr(checks)))
    elif before_start:
        parts.append(fill("not_yet_open" if d.transaction_date >= d.as_of else "why_before_start",
                          start_date=day(in_force.data["first_day"])))
    elif after_end:
        if not d.closed_to_new_requests:
            parts.append(fill("why_after_end", end_date=day(in_force.data["last_day"])))
        parts.append(_last_rule(d))
    else:
        parts.append(fill(f"not_eligible_{tense}", transaction_date=day(d.transaction_date), scheme=_label(d.scheme)))
        for r in d.unmet:
            if r.code in WHY_KEY:
                parts.append(_why(r))

    relais = d.reason("cap_relais_in_force")
    if relais is not None and relais.data.get("valid_to") is not None:
        end = _relais_end(d)
        parts.append(fill("cap_relais_then" if d.as_of > end else "cap_relais_now",
                          state_share=percent(relais.data["state_share"]), end_date=day(end)))

    # 3. what to do now
    if d.closed_to_new_requests or not d.eligible:
        parts.append(TEMPLATES["alternatives"])
    elif d.open_to_new_requests:
        parts.append(TEMPLATES["open_to_confirm"] if d.closure_confidence != "confirmed" else TEMPLATES["open_now"])
        parts.append(TEMPLATES["no_price"])
    if d.to_confirm and d.eligible:
        parts.append(TEMPLATES["to_confirm"])
    parts.append(TEMPLATES["human"])
    return Reply(join(*parts), buttons)


def _relais_end(d) -> date:
    from bot.cap.rules import get_rules

    return get_rules().scheme("Cap Relais").closure.last_open_day or d.transaction_date


def _last_rule(d) -> Optional[str]:
    if d.last_entry is None:
        return None
    from bot.cap.rules import get_rules

    entry = get_rules().entry(d.last_entry)
    end = entry.valid_to
    ratio = entry.value("topup_ratio_max")
    if ratio is not None:
        return fill("last_rule_topup", end_date=day(end), ratio_words=ratio_words(ratio))
    ceiling = entry.value("ceiling_per_buyer")
    if ceiling is not None:
        return fill("last_rule_substitute", end_date=day(end), ceiling_amount=money(ceiling))
    return None


def _why(r) -> str:
    data = r.data
    if r.code == "company_turnover":
        return fill("why_turnover", limit_amount=money(data["max"]))
    if r.code == "credit_term":
        return fill("why_credit_term", max_days=data["max_days"])
    if r.code == "french_content":
        return fill("why_french_content", min_share=percent(data["min"]))
    return TEMPLATES[WHY_KEY[r.code]]


def what_then(decision) -> Optional[Reply]:
    """What would have applied (a decision at a day the scheme was in force), then the offer of
    another date. None when nothing would have applied either."""
    d = decision
    if not d.eligible or d.public_cover is None:
        return None
    key = "what_then_topup" if d.reason("topup_ratio") is not None else "what_then_substitute"
    text = fill(key, transaction_date=day(d.transaction_date), scheme=_label(d.scheme),
                public_amount=money(d.public_cover), total_amount=money(d.total_cover))
    return Reply(join(text, TEMPLATES["other_date"]))
