"""Rasa's SQL tracker store, made safe for a database restart.

Rasa 3.6 wraps every tracker store in ``FailSafeTrackerStore``: on *any* error it answers "no
tracker" (the conversation restarts from nothing: a form, the sign-in state, the slots are gone)
and saves the turn to an in-memory store instead (the events never reach the database). During a
PostgreSQL restart this silently loses events and state.

:class:`ResilientSQLTrackerStore` (``type: bot.channels.tracker_store.ResilientSQLTrackerStore``
in ``endpoints.yml``, written by ``scripts/render_endpoints.py``):

- retries a read or a save that failed on a connection error, with backoff, for up to
  ``TRACKER_RETRY_SECONDS`` (default 8 s). After a restart the pool's dead connections are
  dropped by SQLAlchemy on the first failure, so the next attempt reconnects: a short restart is
  invisible to the person.
- past that bound, raises :class:`TrackerStoreUnavailable`. It derives from ``BaseException``
  *on purpose*: ``FailSafeTrackerStore`` catches every ``Exception`` and would turn the outage
  into the silent loss described above. The error reaches the channel, which apologises
  (:mod:`bot.channels.resilience`); the turn is not recorded, nothing is half-written (a save is
  one transaction, and a retried save only appends the events the database does not have yet).
"""
from __future__ import annotations

import asyncio
import logging
import os
from typing import Any, Awaitable, Callable, Optional, Text, TypeVar

import sqlalchemy.exc
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)
T = TypeVar("T")
DEFAULT_RETRY_SECONDS = 8.0
_RETRYABLE = (sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError, sqlalchemy.exc.DisconnectionError)


class TrackerStoreUnavailable(BaseException):
    """The conversation store cannot be reached (see the module docstring for the base class)."""


def retry_seconds_from_env() -> float:
    raw = (os.environ.get("TRACKER_RETRY_SECONDS") or "").strip()
    return float(raw) if raw else DEFAULT_RETRY_SECONDS


class ResilientSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, retry_seconds: Optional[float] = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.retry_seconds = float(retry_seconds) if retry_seconds is not None else retry_seconds_from_env()

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
        parent = super()._retrieve
        return await self._retrying("read", sender_id, lambda: parent(sender_id, fetch_events_from_all_sessions))

    async def save(self, tracker: DialogueStateTracker) -> None:
        parent = super().save
        await self._retrying("save", tracker.sender_id, lambda: parent(tracker))
