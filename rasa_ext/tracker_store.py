"""Rasa's SQL tracker store, made safe for a database restart.

Rasa 3.6 wraps every tracker store in ``FailSafeTrackerStore``: on *any* error it answers "no
tracker" (the conversation restarts from nothing: a form, the sign-in state, the slots are gone)
and saves the turn to an in-memory store instead (the events never reach the database). During a
PostgreSQL restart this silently loses events and state.

:class:`ResilientSQLTrackerStore` (``type: rasa_ext.tracker_store.ResilientSQLTrackerStore``
in ``endpoints.yml``, written by ``scripts/render_endpoints.py``):

- retries a read or a save that failed on a connection error, with backoff, for up to
  ``TRACKER_RETRY_SECONDS`` (default 8 s). After a restart the pool's dead connections are
  dropped by SQLAlchemy on the first failure, so the next attempt reconnects: a short restart is
  invisible to the person.
- past that bound, raises :class:`TrackerStoreUnavailable`. It derives from ``BaseException``
  *on purpose*: ``FailSafeTrackerStore`` catches every ``Exception`` and would turn the outage
  into the silent loss described above. The error reaches the channel, which apologises
  (:mod:`rasa_ext.channels.resilience`); the turn is not recorded, nothing is half-written (a save is
  one transaction, and a retried save only appends the events the database does not have yet).

It also keeps the conversations it served last in memory (``TRACKER_CACHE_SIZE``, default 1000, 0
turns it off). Rasa's store rebuilds the whole tracker at every message (read every event of the
session, parse its JSON, replay it) and counts the stored events again before each save, a cost
that grows with the length of the conversation (measured: docs/benchmarks.md#tracker-store-cache).
With the cache, a message costs one indexed ``max(id), count(*)`` on the conversation's rows; the
database stays the truth:

- the cached tracker is used only if the database holds exactly the rows it was built from (same
  highest id, same number of rows). Rows another replica appended since are read and replayed on
  top (only those); anything else (rows erased or purged, a new session, a turn that failed before
  its save, a tracker still held by another request) reloads the tracker from the database;
- a save of the cached tracker inserts its new events after checking, in the same transaction,
  that nobody wrote in between; otherwise (and on any retry) Rasa's own counting save runs and the
  entry is dropped.
"""
from __future__ import annotations

import asyncio
import json
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, List, Optional, Text, Tuple, TypeVar

import sqlalchemy as sa
import sqlalchemy.exc
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.constants import ACTION_SESSION_START_NAME
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from bot.settings import get_settings

logger = logging.getLogger(__name__)
T = TypeVar("T")
_RETRYABLE = (sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError, sqlalchemy.exc.DisconnectionError)


class TrackerStoreUnavailable(BaseException):
    """The conversation store cannot be reached (see the module docstring for the base class)."""


@dataclass
class _Entry:
    tracker: DialogueStateTracker
    saved: int        # len(tracker.events) that are in the database
    last_id: int      # highest row id of the conversation the tracker was built from
    rows: int         # number of rows of the conversation (all sessions) at that point
    held: bool        # handed out by retrieve() and not saved since


def _starts_session(events: List[Event]) -> bool:
    return any(isinstance(e, SessionStarted)
               or (isinstance(e, ActionExecuted) and e.action_name == ACTION_SESSION_START_NAME) for e in events)


class ResilientSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, retry_seconds: Optional[float] = None, cache_size: Optional[int] = None,
                 **kwargs: Any) -> None:
        if kwargs.get("dialect", "sqlite") == "sqlite" and not args and kwargs.get("db") not in (None, "", ":memory:"):
            from bot.files import private_file

            private_file(kwargs["db"])  # 0600 before SQLite writes into it (its WAL files follow its mode)
        super().__init__(*args, **kwargs)
        settings = get_settings().tracker  # TRACKER_RETRY_SECONDS, TRACKER_CACHE_SIZE
        self.retry_seconds = float(retry_seconds) if retry_seconds is not None else settings.retry_seconds
        self.cache_size = int(cache_size) if cache_size is not None else settings.cache_size
        if self.engine.dialect.name == "sqlite" and self.engine.url.database not in (None, "", ":memory:"):
            self._pool_sqlite_connections()
        self._cache: "OrderedDict[str, _Entry]" = OrderedDict()
        self.cache_stats = {"hit": 0, "caught_up": 0, "load": 0, "fast_save": 0, "counted_save": 0}

    def _pool_sqlite_connections(self) -> None:
        """SQLAlchemy 1.4 opens a new SQLite connection per session (NullPool): keep a few open instead,
        in WAL mode (the GDPR purge in the action server reads and writes the same file meanwhile)."""
        url = self.engine.url
        self.engine.dispose()
        engine = sa.create_engine(url, poolclass=sa.pool.QueuePool, pool_size=2, max_overflow=8,
                                  connect_args={"check_same_thread": False})

        @sa.event.listens_for(engine, "connect")
        def _wal(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        self.engine = engine
        self.sessionmaker = sa.orm.session.sessionmaker(bind=engine)

    async def _retrying(self, what: str, sender_id: Text, call: Callable[[], Awaitable[T]]) -> T:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.retry_seconds
        delay, attempt = 0.25, 0
        while True:
            attempt += 1
            try:
                return await call()
            except _RETRYABLE as exc:
                remaining = deadline - loop.time()
                if remaining <= 0:
                    logger.error("tracker store: %s of %s failed %d times, giving up: %s", what, sender_id,
                                 attempt, exc)
                    raise TrackerStoreUnavailable(f"tracker store unavailable ({what})") from exc
                logger.warning("tracker store: %s of %s failed (attempt %d), retrying in %.2f s: %s", what,
                               sender_id, attempt, delay, str(exc).splitlines()[0] if str(exc) else exc)
                await asyncio.sleep(min(delay, remaining))  # the last attempt is made at the deadline
                delay = min(delay * 2, 2.0)

    async def _retrieve(self, sender_id: Text, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        if fetch_events_from_all_sessions or not self.cache_size:
            parent = super()._retrieve
            return await self._retrying("read", sender_id, lambda: parent(sender_id, fetch_events_from_all_sessions))
        return await self._retrying("read", sender_id, lambda: self._cached_retrieve(sender_id))

    async def save(self, tracker: DialogueStateTracker) -> None:
        parent = super().save
        attempts = {"n": 0}

        async def once() -> None:
            attempts["n"] += 1
            if attempts["n"] == 1 and self._fast_save(tracker):
                return
            self._cache.pop(tracker.sender_id, None)  # Rasa's counting save is the safe path
            await parent(tracker)
            self.cache_stats["counted_save"] += 1
        await self._retrying("save", tracker.sender_id, once)

    # --- the cache (see the module docstring) ----------------------------------------------------

    # Plain SQL on Rasa's ``events`` table: built once (no per-call statement compilation).
    _HEAD_SQL = sa.text("SELECT max(id), count(id) FROM events WHERE sender_id = :sender")
    _AFTER_SQL = sa.text("SELECT id, data FROM events WHERE sender_id = :sender AND id > :after ORDER BY id")

    def _head(self, session: Any, sender_id: Text) -> Tuple[int, int]:
        last_id, rows = session.execute(self._HEAD_SQL, {"sender": sender_id}).one()
        return int(last_id or 0), int(rows or 0)

    def _remember(self, sender_id: Text, entry: _Entry) -> None:
        self._cache[sender_id] = entry
        self._cache.move_to_end(sender_id)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    async def _cached_retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        with self.session_scope() as session:
            last_id, rows = self._head(session, sender_id)
            entry = self._cache.get(sender_id)
            if entry is not None and not entry.held and len(entry.tracker.events) == entry.saved:
                if (last_id, rows) == (entry.last_id, entry.rows):
                    self.cache_stats["hit"] += 1
                    return self._hand_out(sender_id, entry)
                if last_id > entry.last_id and self._catch_up(session, entry, last_id, rows):
                    self.cache_stats["caught_up"] += 1
                    return self._hand_out(sender_id, entry)
            self._cache.pop(sender_id, None)
            self.cache_stats["load"] += 1
            loaded = self._event_query(session, sender_id, fetch_events_from_all_sessions=False).all()
            if not loaded or not self.domain:
                return None
            tracker = DialogueStateTracker.from_dict(sender_id, [json.loads(row.data) for row in loaded],
                                                     self.domain.slots)
            max_loaded = max(row.id for row in loaded)
            if entry is not None and entry.held:
                return tracker  # another request holds the cached one: this copy is not cached
            # The head was read before the load: cache only if nothing was written in between.
            if max_loaded == last_id:
                self._remember(sender_id, _Entry(tracker, len(tracker.events), last_id, rows, held=True))
            return tracker

    def _hand_out(self, sender_id: Text, entry: _Entry) -> DialogueStateTracker:
        entry.held = True
        self._cache.move_to_end(sender_id)
        return entry.tracker

    def _catch_up(self, session: Any, entry: _Entry, last_id: int, rows: int) -> bool:
        """Replays the rows another replica appended; False if a reload is needed instead."""
        new_rows = session.execute(self._AFTER_SQL, {"sender": entry.tracker.sender_id,
                                                     "after": entry.last_id}).all()
        if not new_rows or new_rows[-1].id != last_id or entry.rows + len(new_rows) != rows:
            return False  # rows were also deleted, or written while we read
        events = deserialise_events([json.loads(row.data) for row in new_rows])
        if len(events) != len(new_rows) or _starts_session(events):
            return False  # the session changed: only a reload gives Rasa's view of it
        for event in events:
            entry.tracker.update(event, self.domain)
        entry.saved, entry.last_id, entry.rows = len(entry.tracker.events), last_id, rows
        return True

    def _fast_save(self, tracker: DialogueStateTracker) -> bool:
        entry = self._cache.get(tracker.sender_id)
        if entry is None or entry.tracker is not tracker or not entry.held or self.event_broker is not None:
            return False  # (Rasa's save also streams the new events to a configured broker)
        new_events = list(tracker.events)[entry.saved:]
        with self.session_scope() as session:
            if new_events:
                session.execute(self.SQLEvent.__table__.insert(),
                                [self._row(tracker.sender_id, event) for event in new_events])
            # One look after the insert, in the same transaction: exactly our rows on top of the ones
            # the tracker was built from, or somebody wrote in between and Rasa's counting save decides.
            last_id, rows = self._head(session, tracker.sender_id)
            if rows != entry.rows + len(new_events) or (not new_events and last_id != entry.last_id):
                session.rollback()
                return False
            session.commit()
        self.cache_stats["fast_save"] += 1
        if _starts_session(new_events):
            self._cache.pop(tracker.sender_id, None)  # the next read loads the new session as Rasa does
        else:
            entry.saved, entry.last_id, entry.rows, entry.held = len(tracker.events), last_id, rows, False
        return True

    @staticmethod
    def _row(sender_id: Text, event: Event) -> dict:
        data = event.as_dict()  # the same columns as SQLTrackerStore.save
        return {"sender_id": sender_id, "type_name": event.type_name, "timestamp": data.get("timestamp"),
                "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                "action_name": data.get("name"), "data": json.dumps(data)}
