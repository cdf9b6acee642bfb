"""Row builders of the demo data (policyholder, contract, buyer, agrément, claim, fees)."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Dict, Optional, Sequence, Tuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.store import names
from bot.store.models import (
    Buyer,
    CapCover,
    Claim,
    ClaimStageEvent,
    Contract,
    CreditLimit,
    CreditLimitDecision,
    FeeLine,
    Invoice,
    Payment,
    Policyholder,
    User,
)
from bot.store.queries import FIRST_NUMBER
from bot.store.seed.common import UTC, cents, last_quarters, quarter_bounds, siren_from


@dataclass
class SeedContext:
    session: Session
    as_of: date
    buyers: Dict[str, Buyer]

    def ago(self, days: int) -> date:
        return self.as_of - timedelta(days=days)

    def ahead(self, days: int) -> date:
        return self.as_of + timedelta(days=days)


def add_buyer(ctx: SeedContext, name: str, *, siren: Optional[str] = None, foreign_id: Optional[str] = None,
              country: str = "FR", grade: int = 4) -> Buyer:
    """Get-or-create a (global) buyer by its identifier; the demo always writes the same values."""
    stmt = select(Buyer).where(Buyer.siren == siren) if siren else \
        select(Buyer).where(Buyer.country == country, Buyer.foreign_id == foreign_id)
    buyer = ctx.session.execute(stmt).scalar_one_or_none()
    if buyer is None:
        buyer = Buyer(siren=siren, foreign_id=foreign_id, country=country)
        ctx.session.add(buyer)
    buyer.name, buyer.name_key, buyer.risk_grade = name, names.name_key(name), grade
    ctx.session.flush()
    ctx.buyers[name] = buyer
    return buyer


def add_limit(ctx: SeedContext, contract: Contract, buyer: Buyer, decisions: Sequence[Tuple], outstanding=0,
              caps: Sequence[Tuple] = ()) -> CreditLimit:
    """decisions: (decision, requested, granted, date, reason); the last one is the current state."""
    last = decisions[-1]
    status = {"granted": "granted", "increased": "granted", "partial": "partial", "reduced": "reduced",
              "cancelled": "cancelled", "refused": "refused"}[last[0]]
    limit = CreditLimit(
        policyholder_id=contract.policyholder_id, contract_id=contract.id, buyer_id=buyer.id, status=status,
        requested_amount=cents(last[1]), amount=cents(last[2]), decided_on=last[3], reason_code=last[4],
        outstanding_amount=cents(outstanding), outstanding_as_of=quarter_bounds(ctx.as_of)[0] - timedelta(days=1),
    )
    ctx.session.add(limit)
    ctx.session.flush()
    for decision, requested, granted, day, reason in decisions:
        ctx.session.add(CreditLimitDecision(limit_id=limit.id, decision=decision, requested_amount=cents(requested),
                                            granted_amount=cents(granted), decision_date=day, reason_code=reason))
    for scheme, amount, valid_from, valid_to in caps:
        ctx.session.add(CapCover(policyholder_id=contract.policyholder_id, limit_id=limit.id, scheme=scheme,
                                 amount=cents(amount), valid_from=valid_from, valid_to=valid_to))
    return limit


NEXT_STEP_BY_STAGE = {
    "declared": "waiting_period_end",
    "under_review": "review_end",
    "collection": "collection_update",
    "waiting_period": "waiting_period_end",
}


def add_claim(ctx: SeedContext, contract: Contract, buyer: Buyer, ref: str, *, cause: str,
              path: Sequence[Tuple[str, date]], invoices: Sequence[Tuple[str, date, object]], admitted=None,
              indemnified=0, recovered=0,
              next_step: Optional[Tuple[str, date]] = None, payments: Sequence[Tuple[str, object, date]] = (),
              notes: Optional[Dict[str, str]] = None) -> Claim:
    amount = sum(cents(a) for _, _, a in invoices)
    stage, stage_day = path[-1]
    claim = Claim(
        ref=ref, policyholder_id=contract.policyholder_id, contract_id=contract.id, buyer_id=buyer.id, cause=cause,
        stage=stage, declared_on=path[0][1], due_date=min(d for _, d, _ in invoices), currency="EUR",
        amount_declared=amount, amount_admitted=None if admitted is None else cents(admitted),
        amount_recovered=cents(recovered), amount_indemnified=cents(indemnified),
        next_step_code=next_step[0] if next_step else None, next_step_date=next_step[1] if next_step else None,
        closed_on=stage_day if stage in ("indemnified", "closed", "refused") else None,
        created_at=datetime.combine(path[0][1], datetime.min.time(), UTC).replace(hour=9),
        updated_at=datetime.combine(stage_day, datetime.min.time(), UTC).replace(hour=9),
    )
    ctx.session.add(claim)
    ctx.session.flush()
    for s, day in path:
        ctx.session.add(ClaimStageEvent(claim_id=claim.id, stage=s, entered_on=day, note_code=(notes or {}).get(s)))
    for number, due, value in invoices:
        ctx.session.add(Invoice(policyholder_id=contract.policyholder_id, contract_id=contract.id, buyer_id=buyer.id,
                                claim_id=claim.id, number=number, issue_date=due - timedelta(days=60), due_date=due,
                                amount=cents(value), currency="EUR"))
    for kind, value, day in payments:
        ctx.session.add(Payment(claim_id=claim.id, kind=kind, amount=cents(value), paid_on=day,
                                reference=f"VIR-{day:%Y%m%d}-{claim.id % 10000:04d}"))
    return claim


def add_fees(ctx: SeedContext, contract: Contract, rng: random.Random, *, turnover: int,
             extra: Sequence[Tuple[date, str, object, Optional[int]]] = (), quarters: int = 6) -> None:
    """Quarterly statements: premium (turnover x rate), monitoring and investigation (count x
    unit price), collection fees (flat per file, % of the amount recovered)."""
    monitoring_unit, investigation_unit, collection_flat, collection_rate = (
        cents(15), cents(90), cents(150), Decimal("0.08"))
    # buyers watched: those with a limit in force (amount > 0)
    watched = ctx.session.execute(
        select(func.count()).select_from(CreditLimit)
        .where(CreditLimit.contract_id == contract.id, CreditLimit.amount > 0)).scalar_one()
    for start, end in last_quarters(ctx.as_of, quarters):
        if end < contract.start_date:
            continue
        statement_date = end + timedelta(days=15)
        if statement_date > ctx.as_of:
            continue
        ref = f"REL-{end.year}-T{(end.month - 1) // 3 + 1}"
        base = dict(policyholder_id=contract.policyholder_id, contract_id=contract.id, statement_ref=ref,
                    statement_date=statement_date, period_start=start, period_end=end)
        basis = cents(turnover * rng.uniform(0.85, 1.15))
        rate = Decimal(contract.premium_rate)
        ctx.session.add(FeeLine(kind="premium", amount=cents(basis * rate), basis=basis, rate=rate, **base))
        ctx.session.add(FeeLine(kind="monitoring", amount=monitoring_unit * watched, quantity=watched,
                                unit_amount=monitoring_unit, **base))
        investigations = rng.choice((0, 0, 1, 2))
        if investigations:
            ctx.session.add(FeeLine(kind="investigation", amount=investigation_unit * investigations,
                                    quantity=investigations, unit_amount=investigation_unit, **base))
        for day, kind, value, claim_id in extra:
            if start <= day <= end:
                if kind == "collection_flat":
                    ctx.session.add(FeeLine(kind=kind, amount=collection_flat, quantity=1, unit_amount=collection_flat,
                                            claim_id=claim_id, **base))
                else:
                    recovered = cents(value)
                    ctx.session.add(FeeLine(kind=kind, amount=cents(recovered * collection_rate), basis=recovered,
                                            rate=collection_rate, claim_id=claim_id, **base))


def add_policyholder(ctx: SeedContext, pid: int, name: str, siren8: str, contact: str, email: str, phone: str,
                     segment: str, note: str, created: date) -> Policyholder:
    ph = Policyholder(id=pid, name=name, siren=siren_from(siren8), contact_name=contact, contact_email=email,
                      contact_phone=phone, segment=segment, is_demo=True, demo_note=note,
                      created_at=datetime.combine(created, datetime.min.time(), UTC))
    ctx.session.add(ph)
    ctx.session.flush()
    ctx.session.add(User(id=pid, policyholder_id=pid, email=email, full_name=contact, phone=phone, role="gérant",
                         active=True, created_at=datetime.combine(created, datetime.min.time(), UTC)))
    return ph


def add_contract(ctx: SeedContext, pid: int, number: str, start: date, **terms) -> Contract:
    contract = Contract(policyholder_id=pid, number=number, start_date=start,
                        end_date=date(ctx.as_of.year, 12, 31), currency="EUR", **terms)
    ctx.session.add(contract)
    ctx.session.flush()
    return contract


def demo_claim_ref(day: date, number: int) -> str:
    assert 0 < number < FIRST_NUMBER
    return f"SIN-{day.year:04d}-{number:06d}"
