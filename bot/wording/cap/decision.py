"""A :class:`bot.cap.engine.Decision` in plain French: :func:`decision_reply` (what applies, why
not, what is left to check) and :func:`what_then` (when the scheme was closed at the sale date:
ask for the sale date and the limit then, never compute a figure on a date nobody gave).

Tense follows the as-of date: what was true before it is said in the past, what is still to come
after it in the present or the future. A figure that rests on no official text is said with its
caveat ("dans l’exemple publié", "d’après des résumés publics", "à confirmer")."""
from __future__ import annotations

from typing import List, Optional

from bot.wording.cap.texts import HUMAN_BUTTON, INTRO_KEY, TEMPLATES, fill, list_fr, ratio_words, years_words
from bot.wording.format import day, money, money_words, percent
from bot.wording.reply import Reply, join

__all__ = ["CHECK_KEY", "WHY_KEY", "decision_reply", "what_then"]

WHY_KEY = {
    "company_turnover": "why_turnover",
    "company_age": "why_company_age",
    "currency": "why_currency",
    "credit_term": "why_credit_term",
    "french_content": "why_french_content",
    "country_not_closed": "why_country_closed",
    "country_not_marketable": "why_country_marketable",
    "country_category": "why_category",
}
CHECK_KEY = {
    "company_turnover": "check_turnover",
    "company_age": "check_company_age",
    "credit_term": "check_credit_term",
    "french_content": "check_french_content",
    "country_eligible": "check_country_eligible",
    "country_not_closed": "check_country_closed",
    "country_not_marketable": "check_country_marketable",
    "country_category": "check_category",
    "buyer_risk_acceptable": "check_buyer_risk",
    "refusal_notice_held": "check_refusal_notice",
    "ceiling_currency": "check_currency",
}


def _label(scheme: str) -> str:
    """Name as it follows "Le" in a sentence."""
    return scheme


def _scheme(name: str):
    from bot.cap.rules import get_rules

    return get_rules().scheme(name)


def decision_reply(decision) -> Reply:
    """Explain a :class:`bot.cap.engine.Decision` in plain French, the fact first (what the scheme
    is comes last)."""
    from bot.wording.cap.knowledge import country_note as private_market

    d = decision
    buttons = [HUMAN_BUTTON]
    if d.scheme is None:
        return Reply(join(fill("full_cover", granted_amount=money(d.insurer_cover)), fill("human")), buttons)

    note = private_market(d.scheme, d.buyer_country, d.transaction_date)  # a country left to private insurers
    parts: List[Optional[str]] = [note]
    in_force = d.reason("in_force_at_transaction_date")
    after_end = in_force is not None and in_force.met is False and in_force.data.get("position") == "after_end"
    before_start = in_force is not None and in_force.met is False and in_force.data.get("position") == "before_start"
    open_reason = d.reason("open_to_new_requests")

    closed = None
    if d.closed_to_new_requests and open_reason is not None:
        closed = fill("closed", scheme=_label(d.scheme), end_date=day(open_reason.data["last_open_day"]),
                      closed_date=day(open_reason.data["closed_since"]))

    # 1. what applied at the transaction date, the fact asked; then whether it is closed today
    then = d.transaction_date < d.as_of or d.closed_to_new_requests
    tense = "then" if then else "now"
    if d.eligible:
        parts.extend(_eligible(d, then, tense))
        parts.append(closed)
    else:
        parts.append(closed)
        if before_start:
            parts.append(_before_start(d, in_force))
        elif after_end:
            end = in_force.data["last_day"]
            if d.as_of <= end:  # the sale comes after the end, but the scheme is still open today
                parts.append(fill("why_after_end_future", end_date=day(end), transaction_date=day(d.transaction_date)))
            elif not d.closed_to_new_requests:
                parts.append(fill("why_after_end", end_date=day(end)))
            parts.append(_last_rule(d))
        else:
            parts.append(fill(f"not_eligible_{tense}", transaction_date=day(d.transaction_date), scheme=_label(d.scheme)))
            for r in d.unmet:
                if r.code in WHY_KEY:
                    parts.append(_why(r))

    parts.append(_relais(d))

    # 3. what to do now
    if d.closed_to_new_requests or not d.eligible:
        parts.append(TEMPLATES["alternatives"])
    elif d.open_to_new_requests:
        parts.append(TEMPLATES["open_to_confirm"] if d.closure_confidence != "confirmed" else TEMPLATES["open_now"])
        parts.append(TEMPLATES["no_price"])
    if d.to_confirm:
        parts.append(TEMPLATES["to_confirm"])
    parts.append(TEMPLATES["human"])
    parts.append(TEMPLATES[INTRO_KEY[d.scheme]])
    return Reply(join(*parts), buttons)


def _eligible(d, then: bool, tense: str) -> List[Optional[str]]:
    parts: List[Optional[str]] = []
    topup = d.reason("topup_ratio")
    turnover = d.reason("company_turnover")
    category = d.reason("country_category")
    scheme = _scheme(d.scheme)
    reinforced, launched = scheme.fact("reinforced_on"), scheme.fact("launched_on")
    if reinforced is not None and launched is not None and launched <= d.transaction_date < reinforced:
        parts.append(fill("before_reinforcement", launch_date=day(launched)))
    depends = turnover is not None and turnover.met is None and turnover.data.get("decides")
    if depends:
        parts.append(fill(f"depends_turnover_{tense}", scheme=_label(d.scheme),
                          limit_amount=money_words(turnover.data["max"])))
    elif topup is not None and topup.met is None:  # no public figure for this period
        parts.append(fill("topup_unknown", transaction_date=day(d.transaction_date),
                          granted_amount=money(d.insurer_cover), requested_amount=money(d.requested),
                          scheme=_label(d.scheme)))
    elif topup is not None:
        key = "topup_then" if then else "topup_now"
        parts.append(fill(key, transaction_date=day(d.transaction_date), granted_amount=money(d.insurer_cover),
                          requested_amount=money(d.requested), scheme=_label(d.scheme),
                          public_amount=money(d.public_cover), total_amount=money(d.total_cover)))
        parts.append(fill(f"topup_rule_{tense}", ratio_words=ratio_words(topup.data["ratio"])))
    elif category is not None and category.met is None:
        parts.extend(_category_unknown(d, category))
    elif d.public_cover is not None:
        key = "substitute_then" if then else "substitute_now"
        parts.append(fill(key, transaction_date=day(d.transaction_date), scheme=_label(d.scheme),
                          public_amount=money(d.public_cover)))
        ceiling = d.reason("ceiling_per_buyer")
        if ceiling is not None and ceiling.data.get("ceiling") is not None:
            amount = money(ceiling.data["ceiling"])
            if ceiling.data.get("example"):
                parts.append(fill("substitute_ceiling_example", ceiling_amount=amount))
            elif not ceiling.data.get("confirmed", True):
                parts.append(fill("substitute_ceiling_summary", ceiling_amount=amount))
            elif ceiling.data["ceiling"] < d.requested:
                parts.append(fill(f"substitute_ceiling_{tense}", ceiling_amount=amount))
        q, share = d.reason("quotite_max"), d.reason("insurer_retained_share")
        if q is not None and share is not None:
            parts.append(fill(f"substitute_quotite_{tense}", quotite_max=percent(q.data["max"]),
                              retained_share=percent(share.data["min_share"])))
    said = {"country_category"} if category is not None and category.met is None else set()
    if d.reason("country_not_marketable") is not None and d.reason("country_not_marketable").data.get("marketable"):
        said.add("country_not_marketable")  # said first, with the country's name
    if depends:
        said.add("company_turnover")
    checks = [_check(r) for r in d.to_check if r.code in CHECK_KEY and r.code not in said]
    if checks:
        parts.append(fill("to_check", items=list_fr(checks)))
    return parts


def _category_unknown(d, reason) -> List[str]:
    """The ceiling depends on the country's risk category, which we do not know (or not for sure)."""
    data = reason.data
    if not data.get("known", True):
        return [TEMPLATES["cover_unknown_period"]]
    if data.get("category") is not None and data.get("ceiling") == 0:
        return [fill("category_not_covered_to_confirm", category=data["category"])]
    parts = [TEMPLATES["cover_unknown"]]
    table = (d.figures.get("ceiling_by_country_category") or {}).get("value") or {}
    examples = [f"{money(amount)} pour la catégorie {cat}" for cat, amount in sorted(table.items()) if amount]
    if examples:
        parts.append(fill("cover_example", ceilings=list_fr(examples)))
    return parts


def _check(reason) -> str:
    if reason.code == "company_age":
        return fill("check_company_age", years=years_words(reason.data["min_years"]))
    return TEMPLATES[CHECK_KEY[reason.code]]


def _before_start(d, in_force) -> str:
    scheme = _scheme(d.scheme)
    start = in_force.data["first_day"]
    future = d.transaction_date >= d.as_of
    if scheme.fact("reactivated_on") is not None:
        if future:
            return fill("not_yet_open_reactivated", start_date=day(start))
        return fill("why_before_start_reactivated", start_date=day(start), first_period=scheme.fact("first_period"))
    if scheme.fact("launched_on") is not None and not future:
        return fill("why_before_start_launched", start_date=day(scheme.fact("launched_on")))
    return fill("not_yet_open" if future else "why_before_start", start_date=day(start))


def _relais(d) -> Optional[str]:
    """Cap Relais, when it covered the sale and existed at the as-of date, with the end known then."""
    relais = d.reason("cap_relais_in_force")
    if relais is None:
        return None
    data = relais.data
    share = percent(data["state_share"])
    if data.get("before_agreement") and data.get("agreed_on") is not None:
        start = _scheme("Cap Relais").first_day
        return fill("cap_relais_before_agreement", agreed_date=day(data["agreed_on"]), start_date=day(start))
    if data.get("ended"):
        return fill("cap_relais_then", state_share=share, end_date=day(_scheme("Cap Relais").closure.last_open_day))
    end = data.get("planned_end") or data.get("valid_to")
    agreed = data.get("agreed_on") or _scheme("Cap Relais").first_day
    return fill("cap_relais_now", state_share=share, end_date=day(end), agreed_date=day(agreed))


def _last_rule(d) -> Optional[str]:
    if d.last_entry is None:
        return None
    from bot.cap.rules import get_rules

    entry = get_rules().entry(d.last_entry)
    end = entry.valid_to
    tense = "then" if d.as_of > end else "now"
    ratio = entry.value("topup_ratio_max")
    if ratio is not None:
        return fill(f"last_rule_topup_{tense}", end_date=day(end), ratio_words=ratio_words(ratio))
    ceiling = entry.value("ceiling_per_buyer")
    if ceiling is not None:
        example = "_example" if entry.value("ceiling_is_example") else ""
        return fill(f"last_rule_substitute{example}_{tense}", end_date=day(end), ceiling_amount=money(ceiling))
    return None


def _why(r) -> str:
    data = r.data
    if r.code == "company_turnover":
        return fill("why_turnover", limit_amount=money_words(data["max"]))
    if r.code == "company_age":
        return fill("why_company_age", years=years_words(data["min_years"]))
    if r.code == "credit_term":
        return fill("why_credit_term", max_days=data["max_days"])
    if r.code == "french_content":
        return fill("why_french_content", min_share=percent(data["min"]))
    if r.code == "country_category":
        return fill("why_category", category=data.get("category"))
    return TEMPLATES[WHY_KEY[r.code]]


def what_then(decision) -> Optional[Reply]:
    """When the scheme of ``decision`` was closed at the sale date: what we need to say what it would
    have added (the sale date and the limit then). Never a figure computed on a date nobody gave,
    nor on today's limit. None when the scheme was not closed at the sale date."""
    d = decision
    if d.scheme is None or d.eligible:
        return None
    in_force = d.reason("in_force_at_transaction_date")
    if in_force is None or in_force.met is not False or in_force.data.get("position") != "after_end":
        return None
    return Reply(join(TEMPLATES["what_then_ask"], TEMPLATES["other_date"]))
