"""Persistence of agent → bot referrals (table ``handover_links``).

The rules (signed token, topics, claim ownership, reasons of a refusal) are in
:mod:`bot.referral`, which calls these functions. Results are :class:`~bot.store.views.ReferralView`,
never ORM rows. Single use and greeting once are enforced here, by conditional UPDATEs, so two
concurrent openings of one link cannot both succeed.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Optional

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.store.models import Referral
from bot.store.queries.common import checked_ph
from bot.store.views import ReferralView


def _view(row: Referral) -> ReferralView:
    return ReferralView(id=row.id, policyholder_id=row.policyholder_id, topic=row.topic, claim_ref=row.claim_ref,
                        created_by=row.created_by, created_at=row.created_at, expires_at=row.expires_at,
                        used_at=row.used_at, greeted_at=row.greeted_at)


def add_referral(session: Session, *, jti_hash: str, policyholder_id: int, topic: str, claim_ref: Optional[str],
                 created_by: str, created_at: datetime, expires_at: datetime) -> ReferralView:
    """Write a new referral (the caller has checked the policyholder, topic and claim)."""
    row = Referral(jti_hash=jti_hash, policyholder_id=policyholder_id, claim_ref=claim_ref, topic=topic,
                   created_by=created_by, created_at=created_at, expires_at=expires_at)
    session.add(row)
    session.flush()
    return _view(row)


def referral_by_jti_hash(session: Session, jti_hash: str) -> Optional[ReferralView]:
    row = session.execute(select(Referral).where(Referral.jti_hash == jti_hash)).scalar_one_or_none()
    return _view(row) if row is not None else None


def use_referral(session: Session, referral_id: int, now: datetime) -> bool:
    """Mark a referral used, once: False when it was used already or has expired."""
    used = session.execute(
        update(Referral)
        .where(Referral.id == referral_id, Referral.used_at.is_(None), Referral.expires_at > now)
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return used.rowcount == 1


def referral_used_at(session: Session, referral_id: int) -> Optional[datetime]:
    """When the referral was used, as the database has it now (None: not used)."""
    return session.execute(select(Referral.used_at).where(Referral.id == referral_id)).scalar_one_or_none()


def greet_referral(session: Session, referral_id: int, policyholder_id: int, now: datetime) -> Optional[ReferralView]:
    """The used referral ``referral_id`` of this policyholder, marked greeted -- once; else None."""
    ph = checked_ph(policyholder_id)
    row = session.execute(
        select(Referral).where(Referral.id == referral_id, Referral.policyholder_id == ph,
                               Referral.used_at.is_not(None))
    ).scalar_one_or_none()
    if row is None:
        return None
    marked = session.execute(
        update(Referral)
        .where(Referral.id == row.id, Referral.greeted_at.is_(None))
        .values(greeted_at=now)
        .execution_options(synchronize_session=False)
    )
    if marked.rowcount != 1:
        return None
    return replace(_view(row), greeted_at=now)
