"""Reviewers' decisions on the insights review queue (migration 0006_insights_review).

Domain logic: :mod:`bot.insights.review`. ``insights_reviews``: one message of a conversation
(the tracker store's event id and conversation id) that a supervisor reviewed: its text **masked**
(:func:`bot.logmask.mask`, never the raw text), what the assistant understood and how sure it
was, the decision (``accepted`` with the right intent and entities, ``new_topic`` with a short
label, or ``rejected``), who decided and when. Accepted rows are what ``python -m bot.insights
export-nlu`` writes. Retention: deleted with the conversation data (``RETENTION_DAYS`` after the
message, :mod:`bot.gdpr.retention`) and by a policyholder's erasure.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, CheckConstraint, Column, Float, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped

from bot.store.models.base import Base, UTCDateTime, check_in, utcnow

REVIEW_DECISIONS = ("accepted", "new_topic", "rejected")


class InsightsReview(Base):
    __tablename__ = "insights_reviews"

    id: Mapped[int] = Column(Integer, primary_key=True)
    event_id: Mapped[int] = Column(Integer, nullable=False)
    sender_id: Mapped[str] = Column(String(255), nullable=False)
    policyholder_id: Mapped[Optional[int]] = Column(Integer, index=True)
    channel: Mapped[str] = Column(String(40), nullable=False)
    message_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, index=True)
    text: Mapped[str] = Column(Text, nullable=False)
    predicted_intent: Mapped[Optional[str]] = Column(String(255))
    confidence: Mapped[Optional[float]] = Column(Float)
    decision: Mapped[str] = Column(String(12), nullable=False)
    intent: Mapped[Optional[str]] = Column(String(255))
    topic: Mapped[Optional[str]] = Column(String(120))
    entities: Mapped[Any] = Column(JSON, nullable=False)
    decided_by: Mapped[str] = Column(String(120), nullable=False)
    decided_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (
        UniqueConstraint("sender_id", "event_id"),
        Index("ix_insights_reviews_decision_decided", "decision", "decided_at"),
        CheckConstraint(check_in("decision", REVIEW_DECISIONS), name="decision"),
    )
