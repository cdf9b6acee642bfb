"""Contract terms in force."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.models import Contract
from bot.store.views import ContractTerms
from bot.store.queries.common import cents, checked_ph, today


def current_contract(session: Session, ph: int, as_of: date) -> Optional[Contract]:
    active = session.execute(
        select(Contract)
        .where(Contract.policyholder_id == ph, Contract.start_date <= as_of,
               (Contract.end_date.is_(None)) | (Contract.end_date >= as_of))
        .order_by(Contract.start_date.desc(), Contract.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if active is not None:
        return active
    return session.execute(
        select(Contract).where(Contract.policyholder_id == ph)
        .order_by(Contract.start_date.desc(), Contract.id.desc()).limit(1)
    ).scalar_one_or_none()


def contract_terms(session: Session, policyholder_id: int, as_of: Optional[date] = None) -> Optional[ContractTerms]:
    """The terms of the contract in force on ``as_of`` (default today), else the latest one."""
    ph = checked_ph(policyholder_id)
    c = current_contract(session, ph, as_of or today())
    if c is None:
        return None
    return ContractTerms(
        number=c.number, start_date=c.start_date, end_date=c.end_date, quotite=Decimal(c.quotite).normalize(),
        minimum_claim_amount=cents(c.minimum_claim_amount), deductible=cents(c.deductible),
        dms_deadline_days=c.dms_deadline_days, waiting_period_days=c.waiting_period_days,
        payout_delay_days=c.payout_delay_days, max_credit_term_days=c.max_credit_term_days,
        territorial_scope=c.territorial_scope, advance_indemnification=bool(c.advance_indemnification),
        premium_rate=None if c.premium_rate is None else Decimal(c.premium_rate).normalize(), currency=c.currency,
    )
