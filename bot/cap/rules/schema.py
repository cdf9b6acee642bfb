"""What the rule files may hold: the figure vocabulary (name -> checker returning an error
message or None), the figures each mechanism needs, and the keys allowed at each level."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Callable, Dict, Optional

__all__ = ["CLOSURE_KEYS", "ENTRY_KEYS", "FIGURE_CHECKS", "FIGURE_KEYS", "FILE_KEYS", "HISTORY_CHECKS",
           "REQUIRED_BY_MECHANISM", "normalise_value"]


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float, Decimal)) and not isinstance(v, bool)


def _dec(v: Any) -> Decimal:
    return Decimal(str(v))


def _number(minimum: float = 0, strict: bool = False, nullable: bool = False, maximum: Optional[float] = None):
    def check(v: Any) -> Optional[str]:
        if v is None:
            return None if nullable else "value must not be null"
        bound = ">" if strict else ">="
        if not _is_number(v) or (v <= minimum if strict else v < minimum) or (maximum is not None and v > maximum):
            extra = f" and <= {maximum}" if maximum is not None else ""
            return f"value must be a number {bound} {minimum}{extra}{' or null' if nullable else ''} (got {v!r})"
        return None
    return check


def _ratio(nullable: bool = False):
    return _number(0, nullable=nullable, maximum=1)


def _bool(v: Any) -> Optional[str]:
    return None if isinstance(v, bool) else f"value must be true or false (got {v!r})"


def _enum(*allowed: str):
    def check(v: Any) -> Optional[str]:
        return None if v in allowed else f"value must be one of {', '.join(allowed)} (got {v!r})"
    return check


def _int_positive(v: Any) -> Optional[str]:
    if isinstance(v, int) and not isinstance(v, bool) and v > 0:
        return None
    return f"value must be a whole number > 0 (got {v!r})"


def _nullable(check: Callable[[Any], Optional[str]]) -> Callable[[Any], Optional[str]]:
    """``check``, or null: a figure looked for but not found in any public text (``to_confirm``)."""
    def nullable(v: Any) -> Optional[str]:
        problem = check(v)
        return None if v is None or problem is None else problem + " or null"
    return nullable


def _currencies(v: Any) -> Optional[str]:
    if isinstance(v, list) and v and all(isinstance(c, str) and len(c) == 3 and c.isupper() for c in v):
        return None
    return f"value must be a non-empty list of ISO 4217 codes like EUR (got {v!r})"


def _probability_range(v: Any) -> Optional[str]:
    if (isinstance(v, list) and len(v) == 2 and all(_is_number(x) and 0 <= x <= 1 for x in v)
            and v[0] <= v[1]):
        return None
    return f"value must be [low, high] with 0 <= low <= high <= 1 (got {v!r})"


def _category_ceilings(v: Any) -> Optional[str]:
    if not isinstance(v, dict) or not v:
        return f"value must map country categories (1, 2, 3) to amounts (got {v!r})"
    for k, amount in v.items():
        if not isinstance(k, int) or isinstance(k, bool) or k not in (1, 2, 3):
            return f"category {k!r} must be 1, 2 or 3"
        if not _is_number(amount) or amount < 0:
            return f"ceiling for category {k} must be a number >= 0 (got {amount!r})"
    return None


FIGURE_CHECKS: Dict[str, Callable[[Any], Optional[str]]] = {
    "insurer_decision": _enum("partial", "refused_or_cancelled"),
    "topup_ratio_max": _number(0, strict=True, nullable=True),
    "topup_capped_at_requested": _bool,
    "ceiling_per_buyer": _number(0, nullable=True),
    "ceiling_is_example": _bool,
    "ceiling_by_country_category": _nullable(_category_ceilings),
    "insurer_retained_share_min": _ratio(),
    "quotite_max": _ratio(nullable=True),
    "buyer_default_probability": _probability_range,
    "turnover_max_eur": _number(0, strict=True, nullable=True),
    "turnover_max_inclusive": _bool,
    "company_age_min_years": _nullable(_int_positive),
    "requires_existing_policy": _bool,
    "credit_term_max_days": _int_positive,
    "french_content_min": _ratio(),
    "currencies": _nullable(_currencies),
    "excluded_countries": _enum("closed_only", "marketable_and_closed", "eligible_list_only"),
    "state_share": _ratio(),
    "state_premium_share": _ratio(nullable=True),
    "client_action_required": _bool,
}


def _date(v: Any) -> Optional[str]:
    return None if isinstance(v, date) else f"value must be a date YYYY-MM-DD (got {v!r})"


def _text(v: Any) -> Optional[str]:
    return None if isinstance(v, str) and v.strip() else f"value must be a text (got {v!r})"


def _planned_ends(v: Any) -> Optional[str]:
    if (isinstance(v, list) and v and all(isinstance(i, dict) and set(i) == {"known_from", "end"}
                                         and isinstance(i["known_from"], date) and isinstance(i["end"], date)
                                         for i in v)
            and [i["known_from"] for i in v] == sorted(i["known_from"] for i in v)):
        return None
    return f"value must be a list of {{known_from: date, end: date}}, in date order (got {v!r})"


# Dated facts about a scheme (file key ``history``), each shaped like a figure.
HISTORY_CHECKS: Dict[str, Callable[[Any], Optional[str]]] = {
    "launched_on": _date,        # first put in place (Cap Francexport: 10 October 2018)
    "reinforced_on": _date,      # the 2020 crisis version
    "first_period": _text,       # CAP / CAP+: first used in the 2008-2009 crisis
    "reactivated_on": _date,     # CAP / CAP+: reactivated in 2020
    "agreed_on": _date,          # Cap Relais: agreement between the State and the insurers
    "planned_end": _planned_ends,  # Cap Relais: the end known from each date
}

REQUIRED_BY_MECHANISM = {
    "top_up": ("insurer_decision", "topup_ratio_max"),
    "substitute": ("insurer_decision",),
    "reinsurance": ("state_share",),
}
FIGURE_KEYS = {"value", "confidence", "sources", "note", "alternatives", "applied"}
FILE_KEYS = {"scheme", "operator", "mechanism", "buyer_location", "history", "closure", "entries"}
ENTRY_KEYS = {"id", "valid_from", "valid_to", "sources", "figures", "notes"}
CLOSURE_KEYS = {"closed_to_new_requests_from", "last_open_day", "confidence", "sources", "note"}


def normalise_value(name: str, value: Any) -> Any:
    """Numbers become Decimal (exact arithmetic); lists become tuples."""
    if value is None or isinstance(value, bool):
        return value
    if _is_number(value):
        return _dec(value)
    if isinstance(value, list):
        return tuple(_dec(x) if _is_number(x) else (dict(x) if isinstance(x, dict) else x) for x in value)
    if isinstance(value, dict):
        return {k: (_dec(v) if _is_number(v) else v) for k, v in value.items()}
    return value
