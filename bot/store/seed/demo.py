"""``--demo``: (re)create the four demo companies in one transaction (idempotent)."""
from __future__ import annotations

from datetime import date
from typing import Iterable, Optional

from sqlalchemy import delete, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.store.db import session_scope
from bot.store.models import (
    AuditEntry,
    CapCover,
    Claim,
    ClaimStageEvent,
    Complaint,
    Contract,
    CreditLimit,
    CreditLimitDecision,
    CsatAnswer,
    FeeLine,
    Invoice,
    LimitIncreaseRequest,
    Payment,
    Policyholder,
    User,
)
from bot.store.seed.common import DEMO_IDS, RESERVED_IDS
from bot.store.seed.build import SeedContext
from bot.store.seed.companies import seed_aubert, seed_durand, seed_morel, seed_petit


def _delete_demo(session: Session) -> None:
    ids = list(DEMO_IDS)
    claim_ids = select(Claim.id).where(Claim.policyholder_id.in_(ids)).scalar_subquery()
    limit_ids = select(CreditLimit.id).where(CreditLimit.policyholder_id.in_(ids)).scalar_subquery()
    for stmt in (
        delete(AuditEntry).where(AuditEntry.policyholder_id.in_(ids)),
        delete(Complaint).where(Complaint.policyholder_id.in_(ids)),
        delete(CsatAnswer).where(CsatAnswer.policyholder_id.in_(ids)),
        delete(LimitIncreaseRequest).where(LimitIncreaseRequest.policyholder_id.in_(ids)),
        delete(CapCover).where(CapCover.policyholder_id.in_(ids)),
        delete(FeeLine).where(FeeLine.policyholder_id.in_(ids)),
        delete(Payment).where(Payment.claim_id.in_(claim_ids)),
        delete(ClaimStageEvent).where(ClaimStageEvent.claim_id.in_(claim_ids)),
        delete(Invoice).where(Invoice.policyholder_id.in_(ids)),
        delete(Claim).where(Claim.policyholder_id.in_(ids)),
        delete(CreditLimitDecision).where(CreditLimitDecision.limit_id.in_(limit_ids)),
        delete(CreditLimit).where(CreditLimit.policyholder_id.in_(ids)),
        delete(Contract).where(Contract.policyholder_id.in_(ids)),
        delete(User).where(User.policyholder_id.in_(ids)),
        delete(Policyholder).where(Policyholder.id.in_(ids)),
    ):
        session.execute(stmt.execution_options(synchronize_session=False))


def _bump_sequences(session: Session, tables: Iterable[str]) -> None:
    """PostgreSQL: move id sequences past explicit ids (and past the reserved demo range)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 (table names from the models)
            f"GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), {RESERVED_IDS}))"))


def seed_demo(engine: Engine, as_of: Optional[date] = None) -> None:
    """(Re)create the four demo companies (ids 1..4) in one transaction."""
    as_of = as_of or date.today()
    with session_scope(engine) as session:
        _delete_demo(session)
        session.flush()
        ctx = SeedContext(session=session, as_of=as_of, buyers={})
        seed_durand(ctx)
        seed_morel(ctx)
        seed_aubert(ctx)
        seed_petit(ctx)
        session.flush()
        _bump_sequences(session, ("policyholders", "users"))
