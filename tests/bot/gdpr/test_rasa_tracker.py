"""The purge and the erasure against a tracker store written by Rasa's own SQLTrackerStore (SQLite).

Checks that bot.gdpr's view of the ``events`` table matches Rasa's: what it deletes is gone for
Rasa too, what it keeps Rasa still reads. Skipped where Rasa is not installed (the app environment, Python 3.12)."""
from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

pytest.importorskip("rasa.core.tracker_store")

from bot.gdpr import retention, subject
from bot.gdpr.tracker import TrackerStore
from tests.bot.gdpr.conftest import NOW


def _tracker(sender, when):
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    tracker = DialogueStateTracker.from_events(sender, [
        ActionExecuted("action_listen", timestamp=when.timestamp()),
        UserUttered("mon tel 06 12 34 56 78", {"name": "inform", "confidence": 1.0}, timestamp=when.timestamp() + 1),
    ], slots=Domain.empty().slots)
    return tracker


@pytest.fixture
def backend():
    """One backend is enough for the format check (the other tests cover PostgreSQL)."""
    return "sqlite"


def test_purge_and_erase_on_a_tracker_written_by_rasa(tmp_path, stores):
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain

    engine, _ = stores
    path = tmp_path / "rasa-tracker.db"
    rasa_store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(path))
    conversations = {"socketio-ph1-0a1b": NOW - timedelta(days=120), "socketio-ph2-0c2d": NOW - timedelta(days=120),
                     "socketio-ph1-0e3f": NOW - timedelta(days=2)}

    async def write():
        for sender, when in conversations.items():
            await rasa_store.save(_tracker(sender, when))

    asyncio.run(write())
    tracker = TrackerStore(f"sqlite:///{path}")
    assert tracker.of_policyholder(1) == ["socketio-ph1-0a1b", "socketio-ph1-0e3f"]
    exported = subject.export(engine, tracker, 1, now=NOW)["conversations"]
    assert any(e.get("text") == "mon tel 06 12 34 56 78" for c in exported for e in c["events"])

    report = retention.purge(engine, tracker, NOW, 90, 365)
    assert report.counts["conversations_deleted"] == 2

    async def keys():
        return sorted(await rasa_store.keys())

    assert asyncio.run(keys()) == ["socketio-ph1-0e3f"]
    subject.erase(engine, tracker, 1, now=NOW)
    assert asyncio.run(keys()) == []
