"""Model of agent → bot hand-over links (migration 0004_handover_links).

Same ``Base``/``metadata`` as :mod:`bot.store.models`, which imports this module at its bottom so
that the metadata is complete for Alembic and the models-vs-migration test. Domain logic lives in
:mod:`bot.handover`.

``handover_links``: a claims agent hands a caller over to the assistant. Only a SHA-256 of the
signed link's token id (``jti``) is kept, never the link itself. ``used_at`` is set once, by an
atomic update, when the link is opened (single use); ``greeted_at`` when the assistant has
greeted the person with the hand-over's context (once).
"""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped

from bot.store.models import Base, UTCDateTime, _in, utcnow

HANDOVER_TOPICS = ("claim_status", "guarantee", "fees", "cap", "indemnification", "declaration")


class HandoverLink(Base):
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
        CheckConstraint(_in("topic", HANDOVER_TOPICS), name="topic"),
    )
