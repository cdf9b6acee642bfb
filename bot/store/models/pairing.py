"""Tables of messaging-account pairing (migration 0002_channel_links; the tables keep their first names).

Queries live in :mod:`bot.store.queries.pairings`, the domain logic in :mod:`bot.pairing`.

- ``channel_links`` (:class:`Pairing`): a messaging account (channel + HMAC of the channel user
  id) paired with a policyholder; expiring, revocable;
- ``link_codes`` (:class:`PairingCode`): a one-time pairing code shown in the web page; only its
  HMAC is stored;
- ``link_attempts`` (:class:`PairingAttempt`): every code typed into a channel, for rate limiting.
"""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import Boolean, CheckConstraint, Column, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped

from bot.store.models.base import Base, UTCDateTime, check_in, utcnow

PAIRING_CHANNELS = ("sms", "whatsapp", "telegram", "messenger", "slack")


class Pairing(Base):
    """A messaging-channel user paired with a policyholder (expiring, revocable)."""

    __tablename__ = "channel_links"

    id: Mapped[int] = Column(Integer, primary_key=True)
    policyholder_id: Mapped[int] = Column(ForeignKey("policyholders.id"), nullable=False, index=True)
    user_id: Mapped[Optional[int]] = Column(ForeignKey("users.id"))
    channel: Mapped[str] = Column(String(20), nullable=False)
    channel_user_hash: Mapped[str] = Column(String(64), nullable=False)
    label: Mapped[str] = Column(String(60), nullable=False)
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at: Mapped[datetime] = Column(UTCDateTime, nullable=False)
    revoked_at: Mapped[Optional[datetime]] = Column(UTCDateTime)
    last_used_at: Mapped[Optional[datetime]] = Column(UTCDateTime)

    __table_args__ = (
        Index("ix_channel_links_channel_user", "channel", "channel_user_hash"),
        CheckConstraint(check_in("channel", PAIRING_CHANNELS), name="channel"),
    )


class PairingCode(Base):
    """A one-time pairing code shown in the web page; only its HMAC is stored.

    ``link_id`` (the column's first name) is the :class:`Pairing` the code made."""

    __tablename__ = "link_codes"

    id: Mapped[int] = Column(Integer, primary_key=True)
    policyholder_id: Mapped[int] = Column(ForeignKey("policyholders.id"), nullable=False, index=True)
    user_id: Mapped[Optional[int]] = Column(ForeignKey("users.id"))
    code_hash: Mapped[str] = Column(String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at: Mapped[datetime] = Column(UTCDateTime, nullable=False)
    used_at: Mapped[Optional[datetime]] = Column(UTCDateTime)
    link_id: Mapped[Optional[int]] = Column(ForeignKey("channel_links.id", ondelete="SET NULL"))


class PairingAttempt(Base):
    """One code typed into a channel (rate limiting per channel user and over the code space)."""

    __tablename__ = "link_attempts"

    id: Mapped[int] = Column(Integer, primary_key=True)
    channel: Mapped[str] = Column(String(20), nullable=False)
    channel_user_hash: Mapped[str] = Column(String(64), nullable=False)
    at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    success: Mapped[bool] = Column(Boolean, nullable=False)

    __table_args__ = (Index("ix_link_attempts_subject_at", "channel", "channel_user_hash", "at"),)
