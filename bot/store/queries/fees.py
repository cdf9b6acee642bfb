"""Fees: breakdown over a period and the latest statement."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Dict, Iterable, Optional, Tuple

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from bot.store.models import FEE_KINDS, Claim, FeeLine
from bot.store.views import FeeBreakdown, FeeLineView, FeeTotal
from bot.store.queries.common import ZERO, cents, checked_ph


def _fee_lines(session: Session, ph: int, *conditions) -> Tuple[FeeLineView, ...]:
    rows = session.execute(
        select(FeeLine.kind, FeeLine.statement_ref, FeeLine.statement_date, FeeLine.period_start, FeeLine.period_end,
               FeeLine.amount, FeeLine.basis, FeeLine.rate, FeeLine.quantity, FeeLine.unit_amount,
               Claim.ref)
        .outerjoin(Claim, and_(Claim.id == FeeLine.claim_id, Claim.policyholder_id == FeeLine.policyholder_id))
        .where(FeeLine.policyholder_id == ph, *conditions)
        .order_by(FeeLine.period_start, FeeLine.period_end, FeeLine.id)
    ).all()
    order = {k: i for i, k in enumerate(FEE_KINDS)}
    lines = [
        FeeLineView(kind=r[0], statement_ref=r[1], statement_date=r[2], period_start=r[3], period_end=r[4],
                    amount=cents(r[5]), basis=None if r[6] is None else cents(r[6]),
                    rate=None if r[7] is None else Decimal(r[7]).normalize(), quantity=r[8],
                    unit_amount=None if r[9] is None else cents(r[9]), claim_ref=r[10])
        for r in rows
    ]
    lines.sort(key=lambda l: (l.period_start, l.period_end, order.get(l.kind, 99)))
    return tuple(lines)


def _totals(lines: Iterable[FeeLineView]) -> Tuple[Tuple[FeeTotal, ...], Decimal]:
    sums: Dict[str, Decimal] = {}
    for line in lines:
        sums[line.kind] = sums.get(line.kind, ZERO) + line.amount
    totals = tuple(FeeTotal(kind=k, amount=sums[k]) for k in FEE_KINDS if k in sums)
    return totals, sum(sums.values(), ZERO)


def fee_breakdown(session: Session, policyholder_id: int, start: date, end: date) -> FeeBreakdown:
    """Fee lines whose period overlaps [start, end], with totals per kind and how each was computed."""
    ph = checked_ph(policyholder_id)
    if not isinstance(start, date) or not isinstance(end, date):
        raise TypeError("start and end must be dates")
    if end < start:
        start, end = end, start
    lines = _fee_lines(session, ph, FeeLine.period_end >= start, FeeLine.period_start <= end)
    totals, total = _totals(lines)
    return FeeBreakdown(start=start, end=end, lines=lines, totals=totals, total=total)


def last_statement(session: Session, policyholder_id: int, *, before: Optional[date] = None) -> Optional[FeeBreakdown]:
    """The lines of the latest statement (relevé de frais), or None when nothing was billed yet.

    ``before``: the latest statement dated strictly before that day (the one before a statement: « le relevé
    d’avant »), or None when there is none."""
    ph = checked_ph(policyholder_id)
    conditions = [FeeLine.policyholder_id == ph]
    if before is not None:
        conditions.append(FeeLine.statement_date < before)
    latest = session.execute(
        select(FeeLine.statement_date, FeeLine.statement_ref)
        .where(*conditions)
        .order_by(FeeLine.statement_date.desc(), FeeLine.statement_ref.desc())
        .limit(1)
    ).first()
    if latest is None:
        return None
    lines = _fee_lines(session, ph, FeeLine.statement_date == latest[0], FeeLine.statement_ref == latest[1])
    totals, total = _totals(lines)
    return FeeBreakdown(start=min(l.period_start for l in lines), end=max(l.period_end for l in lines),
                        lines=lines, totals=totals, total=total, statement_ref=latest[1], statement_date=latest[0])


def all_fee_lines(session: Session, policyholder_id: int) -> Tuple[FeeLineView, ...]:
    """Every fee line of the policyholder, oldest period first (to find a line by its amount or its claim)."""
    return _fee_lines(session, checked_ph(policyholder_id))
