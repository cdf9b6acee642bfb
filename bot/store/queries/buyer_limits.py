"""Buyers and agréments: lookup by buyer, all limits, encours, limit increase requests."""
from __future__ import annotations

from typing import Dict, List, Optional, Tuple

from sqlalchemy import Date, String, and_, bindparam, cast, literal, null, select, union_all
from sqlalchemy.orm import Session

from bot.store import names
from bot.store.models import Money, Buyer, CapCover, Contract, CreditLimit, CreditLimitDecision, LimitIncreaseRequest
from bot.store.views import (
    BuyerCandidate,
    CapCoverView,
    EncoursLine,
    EncoursView,
    GuaranteeLookup,
    LimitDecisionView,
    LimitIncreaseResult,
    LimitView,
)
from bot.store.queries.common import ZERO, audit_who, cents, checked_ph, parse_amount, user_belongs
from bot.store.queries.records import audit

def _build_limit_rows():
    return (
        select(
            CreditLimit.id, CreditLimit.status, CreditLimit.amount, CreditLimit.requested_amount,
            CreditLimit.decided_on, CreditLimit.reason_code, CreditLimit.outstanding_amount,
            CreditLimit.outstanding_as_of, CreditLimit.contract_id,
            Buyer.id.label("buyer_id"), Buyer.name.label("buyer_name"), Buyer.name_key, Buyer.country, Buyer.siren,
            Buyer.foreign_id, Contract.number.label("contract_number"),
        )
        .join(Buyer, Buyer.id == CreditLimit.buyer_id)
        .join(Contract, and_(Contract.id == CreditLimit.contract_id,
                             Contract.policyholder_id == CreditLimit.policyholder_id))
        .where(CreditLimit.policyholder_id == bindparam("ph"))
        .order_by(Buyer.name, Contract.number, CreditLimit.id)
    )


def _build_limit_details():
    text_ = String(40)
    history = select(
        literal("d", text_).label("src"), CreditLimitDecision.limit_id, CreditLimitDecision.decision.label("s1"),
        CreditLimitDecision.reason_code.label("s2"), CreditLimitDecision.requested_amount.label("a1"),
        CreditLimitDecision.granted_amount.label("a2"), CreditLimitDecision.decision_date.label("d1"),
        cast(null(), Date).label("d2"), CreditLimitDecision.id.label("rid"),
    ).where(CreditLimitDecision.limit_id.in_(bindparam("ids", expanding=True)))
    caps = select(
        literal("c", text_), CapCover.limit_id, CapCover.scheme, cast(null(), text_), CapCover.amount,
        cast(null(), Money()), CapCover.valid_from, CapCover.valid_to, CapCover.id,
    ).where(CapCover.limit_id.in_(bindparam("ids", expanding=True)), CapCover.policyholder_id == bindparam("ph"))
    return union_all(history, caps)


_LIMIT_ROWS = _build_limit_rows()
_LIMIT_DETAILS = _build_limit_details()


def _limit_rows(session: Session, ph: int):
    """Every agrément of this policyholder with its buyer and contract (one query)."""
    return session.execute(_LIMIT_ROWS, {"ph": ph}).all()


def _limit_views(session: Session, ph: int, rows) -> Tuple[LimitView, ...]:
    """Views of ``rows`` with their decision history and CAP covers (one more query, UNION ALL)."""
    ids = [r.id for r in rows]
    decisions: Dict[int, List[LimitDecisionView]] = {i: [] for i in ids}
    covers: Dict[int, List[CapCoverView]] = {i: [] for i in ids}
    if ids:
        found = session.execute(_LIMIT_DETAILS, {"ids": ids, "ph": ph}).all()
        found.sort(key=lambda r: (r[0], r[1], r[6], r[8]))
        for r in found:
            if r[0] == "d":
                decisions[r[1]].append(LimitDecisionView(decision=r[2], requested_amount=cents(r[4]),
                                                         granted_amount=cents(r[5]), decision_date=r[6],
                                                         reason_code=r[3]))
            else:
                covers[r[1]].append(CapCoverView(scheme=r[2], amount=cents(r[4]), valid_from=r[6], valid_to=r[7]))
    views = []
    for r in rows:
        history = tuple(decisions[r.id])
        previous = history[-2].granted_amount if len(history) >= 2 else None
        views.append(LimitView(
            buyer_name=r.buyer_name, buyer_country=r.country, buyer_siren=r.siren, buyer_foreign_id=r.foreign_id,
            contract_number=r.contract_number, status=r.status, amount=cents(r.amount),
            requested_amount=cents(r.requested_amount), decided_on=r.decided_on, reason_code=r.reason_code,
            previous_amount=previous, outstanding=cents(r.outstanding_amount), outstanding_as_of=r.outstanding_as_of,
            history=history, cap_covers=tuple(covers[r.id]),
        ))
    return tuple(views)


def resolve_buyer(session: Session, ph: int, query: object):
    """("match", [row]) | ("ambiguous", [rows]) | ("none", []) among this policyholder's
    agréments (rows of :func:`_limit_rows`)."""
    if not isinstance(query, str) or not query.strip():
        return "none", []
    query = query.strip()[:200]
    rows = _limit_rows(session, ph)
    # identifiers first: a SIREN (9 digits) or a foreign company id typed as is
    siren = names.digits(query)
    if len(siren) == 9 and len(siren) >= len(query.replace(" ", "")) - 1:
        hits = [r for r in rows if r.siren == siren]
        return ("match", hits[:1]) if hits else ("none", [])
    compact = names.compact_id(query)
    if len(compact) >= 5:
        hits = [r for r in rows if r.foreign_id and names.compact_id(r.foreign_id) == compact]
        if hits:
            return "match", hits[:1]
    # several contracts may hold the same buyer: choose on distinct buyers
    by_buyer = {}
    for r in rows:
        by_buyer.setdefault(r.buyer_id, r)
    return names.pick(query, by_buyer.values(), lambda r: r.buyer_name, lambda r: r.name_key)


def buyer_candidate(row) -> BuyerCandidate:
    return BuyerCandidate(name=row.buyer_name, country=row.country, siren=row.siren)


def guarantee_on_buyer(session: Session, policyholder_id: int, buyer_query: str) -> GuaranteeLookup:
    """The agrément on the buyer the person named (fuzzy), or the candidates, or nothing."""
    ph = checked_ph(policyholder_id)
    outcome, picked = resolve_buyer(session, ph, buyer_query)
    if outcome == "match":
        return GuaranteeLookup(outcome="match", limit=_limit_views(session, ph, picked[:1])[0])
    if outcome == "ambiguous":
        return GuaranteeLookup(outcome="ambiguous", candidates=tuple(buyer_candidate(r) for r in picked))
    return GuaranteeLookup(outcome="none")


def limits(session: Session, policyholder_id: int) -> Tuple[LimitView, ...]:
    """All my agréments, with the latest decision, what changed and why, and CAP top-ups."""
    ph = checked_ph(policyholder_id)
    return _limit_views(session, ph, _limit_rows(session, ph))


def encours(session: Session, policyholder_id: int) -> EncoursView:
    """Encours garanti per buyer (outstanding receivables covered by the agrément) and totals."""
    ph = checked_ph(policyholder_id)
    rows = session.execute(
        select(Buyer.name, Buyer.country, CreditLimit.amount, CreditLimit.outstanding_amount,
               CreditLimit.outstanding_as_of, CreditLimit.status)
        .join(Buyer, Buyer.id == CreditLimit.buyer_id)
        .where(CreditLimit.policyholder_id == ph)
        .order_by(Buyer.name)
    ).all()
    lines = []
    for name, country, amount, outstanding, _as_of, status in rows:
        amount, outstanding = cents(amount), cents(outstanding)
        lines.append(EncoursLine(buyer_name=name, buyer_country=country, limit_amount=amount,
                                 outstanding=outstanding, guaranteed=min(amount, outstanding), status=status))
    dates = [r[4] for r in rows if r[4] is not None]
    return EncoursView(
        lines=tuple(lines),
        total_guaranteed=sum((l.guaranteed for l in lines), ZERO),
        total_outstanding=sum((l.outstanding for l in lines), ZERO),
        total_limits=sum((l.limit_amount for l in lines), ZERO),
        as_of=max(dates) if dates else None,
    )


def record_limit_increase_request(session: Session, policyholder_id: int, buyer: str, amount: object, *,
                                  channel: str = "chat", user_id: Optional[int] = None) -> LimitIncreaseResult:
    """Record a request for a new or higher agrément. Never changes the agrément: a person decides."""
    ph = checked_ph(policyholder_id)
    requested = parse_amount(amount)
    if requested is None:
        return LimitIncreaseResult(outcome="invalid_amount")
    if not isinstance(buyer, str) or not buyer.strip():
        return LimitIncreaseResult(outcome="buyer_ambiguous")
    outcome, picked = resolve_buyer(session, ph, buyer)
    if outcome == "ambiguous":
        return LimitIncreaseResult(outcome="buyer_ambiguous", candidates=tuple(buyer_candidate(r) for r in picked))
    limit_id = current = None
    buyer_name = " ".join(buyer.split())[:200]
    if outcome == "match":
        limit_id, buyer_name, current = picked[0].id, picked[0].buyer_name, cents(picked[0].amount)
    request = LimitIncreaseRequest(
        policyholder_id=ph, limit_id=limit_id, buyer_name=buyer_name, requested_amount=requested,
        current_amount=current, status="received", channel=str(channel)[:40],
        user_id=user_id if isinstance(user_id, int) and user_belongs(session, ph, user_id) else None,
    )
    session.add(request)
    session.flush()
    audit(session, ph, who=audit_who(ph, user_id), object_type="limit_increase_request",
          object_id=str(request.id), channel=channel, action="create")
    return LimitIncreaseResult(outcome="recorded", request_id=request.id, buyer_name=buyer_name,
                               requested_amount=requested, current_amount=current, new_buyer=limit_id is None,
                               created_at=request.created_at)
