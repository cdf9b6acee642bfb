"""Fixtures of the GDPR tests: a fresh claims store (demo data) + tracker store per test, on SQLite
and PostgreSQL (a throw-away schema each in database ``test``), and a fixed clock."""
from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "store"))

from bot.gdpr.tracker import TrackerStore
from store_testlib import demo_store_and_tracker

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    return request.param


@pytest.fixture
def stores(backend, tmp_path):
    """(claims engine, tracker store): migrated, demo data, an empty ``events`` table like Rasa's."""
    with demo_store_and_tracker(backend, tmp_path) as (engine, tracker_url):
        yield engine, TrackerStore(tracker_url)
