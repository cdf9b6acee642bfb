"""What the CAP engine answers: a :class:`Decision` with its :class:`Reason` codes (worded by
:mod:`bot.wording.cap`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Dict, Mapping, Optional, Tuple

from bot.cap.rules import Source
from bot.decimals import jsonable

__all__ = ["Decision", "Reason"]


@dataclass(frozen=True)
class Reason:
    code: str
    met: Optional[bool]
    data: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> Dict[str, Any]:
        return {"code": self.code, "met": self.met, "data": jsonable(dict(self.data))}


@dataclass(frozen=True)
class Decision:
    scheme: Optional[str]
    eligible: bool
    public_cover: Optional[Decimal]
    total_cover: Optional[Decimal]
    insurer_cover: Decimal
    requested: Decimal
    currency: str
    insurer_decision: str
    buyer_country: str
    transaction_date: date
    as_of: date
    reasons: Tuple[Reason, ...]
    rule_set: Tuple[str, ...]
    sources: Tuple[Source, ...]
    figures: Mapping[str, Mapping[str, Any]]
    to_confirm: Tuple[str, ...]
    open_to_new_requests: Optional[bool]
    closed_to_new_requests: bool
    closed_since: Optional[date]
    last_open_day: Optional[date]
    closure_confidence: Optional[str]
    last_entry: Optional[str] = None
    operator: Optional[str] = None

    @property
    def can_apply_now(self) -> bool:
        """Eligible at the transaction date AND the scheme still takes new requests at ``as_of``."""
        return self.eligible and bool(self.open_to_new_requests)

    def reason(self, code: str) -> Optional[Reason]:
        for r in self.reasons:
            if r.code == code:
                return r
        return None

    @property
    def unmet(self) -> Tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.met is False and r.code != "open_to_new_requests")

    @property
    def to_check(self) -> Tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.met is None and r.code not in ("cap_relais_in_force",))

    def as_dict(self) -> Dict[str, Any]:
        return jsonable({
            "scheme": self.scheme,
            "eligible": self.eligible,
            "can_apply_now": self.can_apply_now,
            "public_cover": self.public_cover,
            "total_cover": self.total_cover,
            "insurer_cover": self.insurer_cover,
            "requested": self.requested,
            "currency": self.currency,
            "insurer_decision": self.insurer_decision,
            "buyer_country": self.buyer_country,
            "transaction_date": self.transaction_date,
            "as_of": self.as_of,
            "open_to_new_requests": self.open_to_new_requests,
            "closed_to_new_requests": self.closed_to_new_requests,
            "closed_since": self.closed_since,
            "last_open_day": self.last_open_day,
            "closure_confidence": self.closure_confidence,
            "operator": self.operator,
            "reasons": [r.as_dict() for r in self.reasons],
            "rule_set": list(self.rule_set),
            "last_entry": self.last_entry,
            "figures": {k: dict(v) for k, v in self.figures.items()},
            "to_confirm": list(self.to_confirm),
            "sources": [s.as_dict() for s in self.sources],
        })
