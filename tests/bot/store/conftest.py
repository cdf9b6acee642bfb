"""Fixtures of the claims-store tests: one migrated + seeded database per backend (see store_testlib)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.store import db  # noqa: E402
from bot.store.seed import seed_bulk, seed_demo  # noqa: E402
from store_testlib import AS_OF, BULK_CLAIMS, new_database  # noqa: E402


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request):
    return request.param


@pytest.fixture(scope="session")
def store_url(backend, tmp_path_factory):
    """A migrated database with the demo data (as of AS_OF) and a few synthetic claims."""
    url, cleanup = new_database(backend, tmp_path_factory.mktemp(backend))
    try:
        db.migrate(url)
        engine = db.get_engine(url)
        seed_demo(engine, AS_OF)
        seed_bulk(engine, BULK_CLAIMS, AS_OF, seed=11, progress=False, chunk=150)
        yield url
    finally:
        cleanup()


@pytest.fixture
def engine(store_url):
    return db.get_engine(store_url)


@pytest.fixture
def session(engine):
    """A session whose writes are rolled back at the end of the test."""
    from sqlalchemy.orm import Session

    s = Session(engine, future=True, expire_on_commit=False)
    try:
        yield s
    finally:
        s.rollback()
        s.close()


@pytest.fixture
def fresh_url(backend, tmp_path):
    """A new, migrated, empty database of the same backend (for tests that commit)."""
    url, cleanup = new_database(backend, tmp_path)
    try:
        db.migrate(url)
        yield url
    finally:
        cleanup()
