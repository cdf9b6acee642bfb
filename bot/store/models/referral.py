"""Table of agent → bot referrals (migration 0004_handover_links; the table keeps its first name).

Queries live in :mod:`bot.store.queries.referrals`, the domain logic in :mod:`bot.referral`.

``handover_links``: a claims agent refers a caller to the assistant with a signed, single-use
link. Only a SHA-256 of the link's token id (``jti``) is kept, never the link itself.
``used_at`` is set once, by an atomic update, when the link is opened (single use);
``greeted_at`` when the assistant has greeted the person with the referral's context (once).
"""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped

from bot.store.models.base import Base, UTCDateTime, check_in, utcnow

REFERRAL_TOPICS = ("claim_status", "guarantee", "fees", "cap", "indemnification", "declaration")


class Referral(Base):
    __tablename__ = "handover_links"

    id: Mapped[int] = Column(Integer, primary_key=True)
    jti_hash: Mapped[str] = Column(String(64), nullable=False, unique=True)
    policyholder_id: Mapped[int] = Column(ForeignKey("policyholders.id"), nullable=False)
    claim_ref: Mapped[Optional[str]] = Column(String(15))
    topic: Mapped[str] = Column(String(20), nullable=False)
    created_by: Mapped[str] = Column(String(120), nullable=False)
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at: Mapped[datetime] = Column(UTCDateTime, nullable=False)
    used_at: Mapped[Optional[datetime]] = Column(UTCDateTime)
    greeted_at: Mapped[Optional[datetime]] = Column(UTCDateTime)

    __table_args__ = (
        Index("ix_handover_links_policyholder_created", "policyholder_id", "created_at"),
        CheckConstraint(check_in("topic", REFERRAL_TOPICS), name="topic"),
    )
