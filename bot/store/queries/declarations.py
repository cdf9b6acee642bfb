"""Declaring an unpaid invoice: next step, claim reference, the declaration itself."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Optional, Tuple

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.store.models import CAUSES, Claim, ClaimStageEvent, Invoice, RefCounter
from bot.store.views import DeclarationResult
from bot.store.queries.common import (
    FIRST_NUMBER, MAX_NUMBER, ZERO, audit_who, cents, checked_ph, parse_amount, today,
)
from bot.store.queries.claims import claim_by_idempotency_key, claim_by_ref
from bot.store.queries.contracts import current_contract
from bot.store.queries.buyer_limits import buyer_candidate, resolve_buyer
from bot.store.queries.records import audit


def next_step_after_declaration(cause: str, due_date: date, declared_on: date, waiting_period_days: int,
                                payout_delay_days: int) -> Tuple[str, date]:
    """What comes next once a claim is declared, from the contract's figures.

    - protracted default: the waiting period (délai de carence) ends ``waiting_period_days``
      after the due date (never earlier than tomorrow);
    - insolvency: the proceedings establish the loss; a decision on the indemnity is expected
      within ``payout_delay_days`` of the declaration.
    """
    if cause == "insolvency":
        return "indemnity_decision", declared_on + timedelta(days=payout_delay_days)
    return "waiting_period_end", max(due_date + timedelta(days=waiting_period_days), declared_on + timedelta(days=1))


def next_claim_ref(session: Session, year: int) -> str:
    """Hand out the next ``SIN-YYYY-NNNNNN`` of ``year`` (row-locked counter, safe under concurrency)."""
    for _attempt in range(5):
        result = session.execute(
            update(RefCounter).where(RefCounter.year == year)
            .values(last_number=RefCounter.last_number + 1)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            number = session.execute(select(RefCounter.last_number).where(RefCounter.year == year)).scalar_one()
            break
        try:
            with session.begin_nested():
                session.execute(insert(RefCounter).values(year=year, last_number=FIRST_NUMBER))
            number = FIRST_NUMBER
            break
        except IntegrityError:
            continue
    else:  # pragma: no cover
        raise RuntimeError("could not allocate a claim reference")
    if number > MAX_NUMBER:
        raise RuntimeError(f"claim numbers of {year} exhausted")
    return f"SIN-{year:04d}-{number:06d}"


def declare_unpaid(session: Session, policyholder_id: int, buyer_name: str, invoice_number: str, amount: object,
                   due_date: date, idempotency_key: str, *, cause: str = "protracted_default",
                   issue_date: Optional[date] = None, as_of: Optional[date] = None, channel: str = "chat",
                   user_id: Optional[int] = None) -> DeclarationResult:
    """Declare an unpaid invoice: creates the invoice and a claim in stage ``declared``.

    Idempotent on ``idempotency_key`` (per policyholder): the same key returns the claim made
    the first time (``outcome == "replayed"``), whatever the other arguments."""
    ph = checked_ph(policyholder_id)
    as_of = as_of or today()
    if not isinstance(idempotency_key, str) or not idempotency_key.strip() or len(idempotency_key) > 80:
        return DeclarationResult(outcome="invalid", problem="idempotency_key")
    key = idempotency_key.strip()
    existing = claim_by_idempotency_key(session, ph, key)
    if existing is not None:
        return DeclarationResult(outcome="replayed", claim=existing)
    value = parse_amount(amount)
    if value is None:
        return DeclarationResult(outcome="invalid", problem="amount")
    number = " ".join(str(invoice_number or "").split())[:60]
    if not number:
        return DeclarationResult(outcome="invalid", problem="invoice_number")
    if not isinstance(due_date, date) or isinstance(due_date, datetime):
        return DeclarationResult(outcome="invalid", problem="due_date")
    if due_date > as_of:
        return DeclarationResult(outcome="invalid", problem="not_yet_due")
    if cause not in CAUSES:
        return DeclarationResult(outcome="invalid", problem="cause")
    contract = current_contract(session, ph, as_of)
    if contract is None:
        return DeclarationResult(outcome="no_contract")
    outcome, picked = resolve_buyer(session, ph, buyer_name)
    if outcome == "none":
        return DeclarationResult(outcome="buyer_unknown")
    if outcome == "ambiguous":
        return DeclarationResult(outcome="buyer_ambiguous", candidates=tuple(buyer_candidate(r) for r in picked))
    buyer_id = picked[0].buyer_id
    minimum = cents(contract.minimum_claim_amount)
    if value < minimum:
        return DeclarationResult(outcome="below_minimum", minimum=minimum)
    dms_deadline = due_date + timedelta(days=contract.dms_deadline_days)
    invoice = session.execute(
        select(Invoice).where(Invoice.policyholder_id == ph, Invoice.contract_id == contract.id,
                              Invoice.buyer_id == buyer_id, Invoice.number == number)
    ).scalar_one_or_none()
    if invoice is not None and invoice.claim_id is not None:
        existing = claim_by_idempotency_key(session, ph, key)  # a concurrent twin of this request got there first
        if existing is not None:
            return DeclarationResult(outcome="replayed", claim=existing)
        ref = session.execute(select(Claim.ref).where(Claim.id == invoice.claim_id, Claim.policyholder_id == ph)).scalar_one()
        return DeclarationResult(outcome="duplicate_invoice", claim=claim_by_ref(session, ph, ref))
    step, step_date = next_step_after_declaration(cause, due_date, as_of, contract.waiting_period_days,
                                                  contract.payout_delay_days)
    try:
        with session.begin_nested():
            ref = next_claim_ref(session, as_of.year)
            claim = Claim(
                ref=ref, policyholder_id=ph, contract_id=contract.id, buyer_id=buyer_id, cause=cause,
                stage="declared", declared_on=as_of, due_date=due_date, currency=contract.currency,
                amount_declared=value, amount_recovered=ZERO, amount_indemnified=ZERO,
                next_step_code=step, next_step_date=step_date, idempotency_key=key,
            )
            session.add(claim)
            session.flush()
            session.add(ClaimStageEvent(claim_id=claim.id, stage="declared", entered_on=as_of,
                                        note_code="declared_late" if as_of > dms_deadline else None))
            if invoice is None:
                session.add(Invoice(policyholder_id=ph, contract_id=contract.id, buyer_id=buyer_id,
                                    claim_id=claim.id, number=number, issue_date=issue_date, due_date=due_date,
                                    amount=value, currency=contract.currency))
            else:
                invoice.claim_id = claim.id
            session.flush()
    except IntegrityError:
        # another request with the same idempotency key won the race: answer with its claim
        existing = claim_by_idempotency_key(session, ph, key)
        if existing is None:
            raise
        return DeclarationResult(outcome="replayed", claim=existing)
    audit(session, ph, who=audit_who(ph, user_id), object_type="claim", object_id=ref, channel=channel,
          action="declare")
    return DeclarationResult(outcome="created", claim=claim_by_ref(session, ph, ref),
                             late=as_of > dms_deadline, dms_deadline=dms_deadline)
