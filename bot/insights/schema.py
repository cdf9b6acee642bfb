"""The aggregate tables the insights page reads, kept in the tracker store next to Rasa's ``events``.

They are a cache of the events, rebuilt from them by SQL (:mod:`bot.insights.refresh`): dropping
them loses nothing (``python -m bot.insights refresh --rebuild`` recreates them). Rasa does not
manage that database with migrations, so they are created here (:func:`ensure`, idempotent).

- ``insights_conversations``: one row per conversation, i.e. per session of a conversation id
  (Rasa starts a new session after ``session_expiration_time`` of silence): channel, day, week,
  messages, messages not understood, time to the first answer, hand-off and its reason, forms
  started and completed, referral link, lowest satisfaction score given;
- ``insights_messages``: one row per message the person wrote: intent, confidence, and what
  followed it (a fallback, a rephrase, a hand-off, a satisfaction comment);
- ``insights_state``: the highest event id already folded in.

Personal data: no text is copied here (the review queue reads a message's text from ``events``
when a reviewer opens it, masked). Rows of a conversation go when its events go (GDPR purge and
erasure: :meth:`bot.gdpr.tracker.TrackerStore.delete` calls :func:`forget`).
"""
from __future__ import annotations

from typing import Iterable, List

from sqlalchemy import Column, Float, Index, Integer, MetaData, String, Table, inspect
from sqlalchemy.engine import Connection, Engine

metadata = MetaData()

conversations = Table(
    "insights_conversations", metadata,
    Column("sender_id", String(255), primary_key=True),
    Column("session", Integer, primary_key=True, autoincrement=False),
    Column("channel", String(40), nullable=False),
    Column("verified", Integer, nullable=False),
    Column("day", String(10), nullable=False),
    Column("week", String(10), nullable=False),
    Column("started_at", Float, nullable=False),
    Column("ended_at", Float, nullable=False),
    Column("user_messages", Integer, nullable=False),
    Column("fallbacks", Integer, nullable=False),
    Column("first_answer_s", Float),
    Column("handed_off", Integer, nullable=False),
    Column("handoff_reason", String(30)),
    Column("declare_started", Integer, nullable=False),
    Column("declare_done", Integer, nullable=False),
    Column("cap_started", Integer, nullable=False),
    Column("cap_done", Integer, nullable=False),
    Column("callback_started", Integer, nullable=False),
    Column("callback_done", Integer, nullable=False),
    Column("referral", Integer, nullable=False),
    Column("csat_min", Integer),
    Index("ix_insights_conversations_day", "day", "channel"),
    Index("ix_insights_conversations_week", "week", "channel"),
)

messages = Table(
    "insights_messages", metadata,
    Column("event_id", Integer, primary_key=True, autoincrement=False),
    Column("sender_id", String(255), nullable=False),
    Column("session", Integer, nullable=False),
    Column("channel", String(40), nullable=False),
    Column("day", String(10), nullable=False),
    Column("week", String(10), nullable=False),
    Column("ts", Float, nullable=False),
    Column("intent", String(255)),
    Column("confidence", Float),
    Column("suggested", String(255)),
    Column("button", Integer, nullable=False),
    Column("fallback", Integer, nullable=False),
    Column("rephrased", Integer, nullable=False),
    Column("handoff_after", Integer, nullable=False),
    Column("csat_comment", Integer, nullable=False),
    Index("ix_insights_messages_day", "day", "channel"),
    Index("ix_insights_messages_week", "week", "channel"),
    Index("ix_insights_messages_sender", "sender_id", "session"),
    Index("ix_insights_messages_comment", "csat_comment", "ts"),
)

state = Table(
    "insights_state", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("last_event_id", Integer, nullable=False),
    Column("refreshed_at", Float, nullable=False),
)

TABLES = (conversations, messages, state)


def ensure(engine: Engine) -> None:
    """Create the aggregate tables (and their indexes) when missing. These tables live in the tracker
    store, which Rasa manages without migrations; the claims store is created only by Alembic."""
    for table in TABLES:
        table.create(engine, checkfirst=True)


def drop(engine: Engine) -> None:
    for table in reversed(TABLES):
        table.drop(engine, checkfirst=True)


def present(bind) -> bool:
    return inspect(bind).has_table(conversations.name)


def forget(conn: Connection, sender_ids: Iterable[str]) -> int:
    """Delete the aggregate rows of these conversations (their events are being deleted)."""
    ids: List[str] = list(sender_ids)
    if not ids or not present(conn):
        return 0
    deleted = conn.execute(conversations.delete().where(conversations.c.sender_id.in_(ids))).rowcount or 0
    conn.execute(messages.delete().where(messages.c.sender_id.in_(ids)))
    return deleted
