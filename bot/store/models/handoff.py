"""Tables of the bot → person handoff (migration 0003_handoff).

Queries live in :mod:`bot.store.queries.handoff`, the domain logic in :mod:`bot.handoff`.

- ``handoff_tickets``: a conversation handed to a claims agent during business hours, with who
  it is for (``policyholder_id``, NULL for a visitor), why, a structured summary, the full
  transcript and the claims discussed. Status ``open`` -> ``taken`` -> ``closed``.
- ``callback_requests``: outside business hours, a phone number and a preferred slot.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped

from bot.store.models.base import Base, UTCDateTime, check_in, utcnow

TICKET_STATUSES = ("open", "taken", "closed")
HANDOFF_REASONS = ("request", "fallback", "complaint", "store_unavailable", "out_of_rules")
CALLBACK_STATUSES = ("pending", "done", "cancelled")


class HandoffTicket(Base):
    __tablename__ = "handoff_tickets"

    id: Mapped[int] = Column(Integer, primary_key=True)
    policyholder_id: Mapped[Optional[int]] = Column(ForeignKey("policyholders.id"), index=True)
    sender_id: Mapped[str] = Column(String(255), nullable=False)
    reason: Mapped[str] = Column(String(30), nullable=False)
    status: Mapped[str] = Column(String(10), nullable=False, default="open")
    summary: Mapped[Any] = Column(JSON, nullable=False)
    transcript: Mapped[Any] = Column(JSON, nullable=False)
    claim_refs: Mapped[Any] = Column(JSON, nullable=False)
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)
    taken_by: Mapped[Optional[str]] = Column(String(120))
    taken_at: Mapped[Optional[datetime]] = Column(UTCDateTime)
    closed_at: Mapped[Optional[datetime]] = Column(UTCDateTime)

    __table_args__ = (
        Index("ix_handoff_tickets_status_created", "status", "created_at"),
        Index("ix_handoff_tickets_sender_status", "sender_id", "status"),
        CheckConstraint(check_in("status", TICKET_STATUSES), name="status"),
        CheckConstraint(check_in("reason", HANDOFF_REASONS), name="reason"),
    )


class CallbackRequest(Base):
    __tablename__ = "callback_requests"

    id: Mapped[int] = Column(Integer, primary_key=True)
    policyholder_id: Mapped[Optional[int]] = Column(ForeignKey("policyholders.id"), index=True)
    sender_id: Mapped[str] = Column(String(255), nullable=False)
    phone: Mapped[str] = Column(String(20), nullable=False)
    slot_start: Mapped[datetime] = Column(UTCDateTime, nullable=False)
    reason: Mapped[str] = Column(String(30), nullable=False, default="request")
    status: Mapped[str] = Column(String(10), nullable=False, default="pending")
    note: Mapped[Optional[str]] = Column(Text)
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (
        Index("ix_callback_requests_status_slot", "status", "slot_start"),
        CheckConstraint(check_in("status", CALLBACK_STATUSES), name="status"),
        CheckConstraint(check_in("reason", HANDOFF_REASONS), name="reason"),
    )
