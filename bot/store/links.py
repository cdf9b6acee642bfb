"""Models of messaging-channel account linking (migration 0002_channel_links).

Same ``Base``/``metadata`` as :mod:`bot.store.models`. Importing this module registers the
tables on that metadata; :mod:`bot.store.models` does not import it, so anything comparing the
metadata with the database (Alembic env, the models-vs-migration test) must import
``bot.store.links`` too. Domain logic lives in :mod:`bot.linking`.
"""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import Boolean, CheckConstraint, Column, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped

from bot.store.models import Base, UTCDateTime, _in, utcnow

LINK_CHANNELS = ("sms", "whatsapp", "telegram", "messenger", "slack")


class ChannelLink(Base):
    """A messaging-channel user linked to a policyholder (expiring, revocable)."""

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
        CheckConstraint(_in("channel", LINK_CHANNELS), name="channel"),
    )


class LinkCode(Base):
    """A one-time code shown in the web page; only its HMAC is stored."""

    __tablename__ = "link_codes"

    id: Mapped[int] = Column(Integer, primary_key=True)
    policyholder_id: Mapped[int] = Column(ForeignKey("policyholders.id"), nullable=False, index=True)
    user_id: Mapped[Optional[int]] = Column(ForeignKey("users.id"))
    code_hash: Mapped[str] = Column(String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at: Mapped[datetime] = Column(UTCDateTime, nullable=False)
    used_at: Mapped[Optional[datetime]] = Column(UTCDateTime)
    link_id: Mapped[Optional[int]] = Column(ForeignKey("channel_links.id", ondelete="SET NULL"))


class LinkAttempt(Base):
    """One code typed into a channel (rate limiting per channel user and over the code space)."""

    __tablename__ = "link_attempts"

    id: Mapped[int] = Column(Integer, primary_key=True)
    channel: Mapped[str] = Column(String(20), nullable=False)
    channel_user_hash: Mapped[str] = Column(String(64), nullable=False)
    at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    success: Mapped[bool] = Column(Boolean, nullable=False)

    __table_args__ = (Index("ix_link_attempts_subject_at", "channel", "channel_user_hash", "at"),)
