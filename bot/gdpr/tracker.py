"""Rasa's conversation store (tracker store), read and cleaned without Rasa.

Rasa's SQL tracker store (also ``rasa_ext.tracker_store.ResilientSQLTrackerStore``) keeps one
row per event in table ``events``: ``id``, ``sender_id`` (the conversation), ``type_name``,
``timestamp`` (epoch seconds, float), ``intent_name``, ``action_name``, ``data`` (the event as
JSON). Conversation ids are ``<channel>-ph<policyholder id>-<digest>`` for a verified person
(``rasa_ext/channels``), ``<channel>-anon-<digest>`` otherwise.

Where it is, as ``scripts/render_endpoints.py`` decides: ``TRACKER_STORE_URL``
(``postgresql://user:pass@host:port/db``, schema ``POSTGRESQL_SCHEMA`` when set, as Rasa does),
else SQLite ``<ASSISTANT_VAR_DIR>/tracker.db``.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional
from urllib.parse import quote

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, func, inspect, select
from sqlalchemy.engine import Engine, make_url

from bot.settings import Settings, get_settings
from bot.store.db import get_engine

BATCH = 500

_metadata = MetaData()
events = Table(
    "events", _metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


def tracker_url(settings: Optional[Settings] = None) -> str:
    """The SQLAlchemy URL of the tracker store Rasa uses with these settings (default: the process's)."""
    settings = settings or get_settings()
    raw = settings.tracker.url.strip()
    if not raw:
        return f"sqlite:///{Path(settings.runtime.var_dir) / 'tracker.db'}"
    url = make_url(raw)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg2")
    if not url.database:
        url = url.set(database="rasa")
    schema = settings.tracker.postgresql_schema.strip()
    if schema and url.get_backend_name() == "postgresql" and "options" not in url.query:
        url = url.update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def _sender_pattern(policyholder_id: int) -> "re.Pattern[str]":
    return re.compile(rf"^[A-Za-z0-9_]+-ph{int(policyholder_id)}-[0-9a-f]+$")


@dataclass(frozen=True)
class Conversation:
    sender_id: str
    last_event_at: float
    event_count: int


class TrackerStore:
    """The ``events`` table of one tracker store."""

    def __init__(self, url: str, engine: Optional[Engine] = None) -> None:
        self.url = url
        self.engine = engine or get_engine(url)

    def exists(self) -> bool:
        return inspect(self.engine).has_table("events")

    def idle_since(self, cutoff: datetime) -> List[Conversation]:
        """Conversations whose last event is older than ``cutoff`` (aware datetime)."""
        if not self.exists():
            return []
        last = func.max(events.c.timestamp)
        query = (select(events.c.sender_id, last, func.count())
                 .group_by(events.c.sender_id).having(last < cutoff.timestamp()).order_by(events.c.sender_id))
        with self.engine.connect() as conn:
            return [Conversation(s, float(t), int(n)) for s, t, n in conn.execute(query)]

    def of_policyholder(self, policyholder_id: int) -> List[str]:
        """The conversation ids verified for this policyholder."""
        if not self.exists():
            return []
        pattern = _sender_pattern(policyholder_id)
        query = select(events.c.sender_id).distinct().where(
            events.c.sender_id.like(f"%-ph{int(policyholder_id)}-%")).order_by(events.c.sender_id)
        with self.engine.connect() as conn:
            return [s for (s,) in conn.execute(query) if pattern.match(s)]

    def events_of(self, sender_id: str) -> List[Dict[str, Any]]:
        query = select(events.c.data).where(events.c.sender_id == sender_id).order_by(events.c.id)
        out: List[Dict[str, Any]] = []
        with self.engine.connect() as conn:
            for (data,) in conn.execute(query):
                try:
                    out.append(json.loads(data) if data else {})
                except ValueError:
                    out.append({"unparsed": data})
        return out

    def count_events(self, sender_ids: Iterable[str]) -> int:
        ids, total = list(sender_ids), 0
        with self.engine.connect() as conn:
            for start in range(0, len(ids), BATCH):
                chunk = ids[start:start + BATCH]
                total += conn.execute(select(func.count()).select_from(events)
                                      .where(events.c.sender_id.in_(chunk))).scalar_one()
        return total

    def delete(self, sender_ids: Iterable[str]) -> int:
        """Delete every event of these conversations (and their rows of the insights aggregates,
        :mod:`bot.insights.schema`); the number of events deleted."""
        ids, deleted = list(sender_ids), 0
        if not ids or not self.exists():
            return 0
        from bot.insights import schema as insights  # the insights aggregates of these conversations go too

        for start in range(0, len(ids), BATCH):
            chunk = ids[start:start + BATCH]
            with self.engine.begin() as conn:
                deleted += conn.execute(events.delete().where(events.c.sender_id.in_(chunk))).rowcount or 0
                insights.forget(conn, chunk)
        return deleted


def redact_url(url: str) -> str:
    """The URL without its password, for reports and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001
        return quote(url.split("@")[-1])
