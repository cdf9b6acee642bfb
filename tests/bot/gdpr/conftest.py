"""Fixtures of the GDPR tests: a fresh claims store (demo data) + tracker store per test, on SQLite
and PostgreSQL (a throw-away schema each in database ``test``), and a fixed clock."""
from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "store"))

from bot.gdpr.tracker import TrackerStore, events
from bot.store import db
from bot.store.seed import seed_demo
from store_testlib import AS_OF, new_database

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    return request.param


@pytest.fixture
def stores(backend, tmp_path):
    """(claims engine, tracker store): migrated, demo data, an empty ``events`` table like Rasa's."""
    store_url, drop_store = new_database(backend, tmp_path)
    tracker_url, drop_tracker = new_database(backend, tmp_path)
    try:
        db.migrate(store_url)
        engine = db.get_engine(store_url)
        seed_demo(engine, AS_OF)
        tracker = TrackerStore(tracker_url)
        events.metadata.create_all(tracker.engine)
        yield engine, tracker
    finally:
        drop_tracker()
        drop_store()
