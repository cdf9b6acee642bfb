"""Fixtures of the messaging-channel tests."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.store import db  # noqa: E402


@pytest.fixture
def store(tmp_path):
    """A migrated SQLite store with the demo data: (url, engine)."""
    from bot.store.seed import seed_demo

    url = f"sqlite:///{tmp_path / 'claims.db'}"
    db.migrate(url)
    engine = db.get_engine(url)
    seed_demo(engine, date(2025, 6, 30))
    try:
        yield url, engine
    finally:
        db.dispose_engine(url)
