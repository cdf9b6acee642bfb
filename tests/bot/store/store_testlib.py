"""Helpers of the claims-store tests: a new database per backend.

- SQLite: a file in a temporary directory.
- PostgreSQL: a fresh schema in database ``test`` (``STORE_TEST_PG_URL``, default
  ``postgresql+psycopg2://postgres@127.0.0.1:5432/test``), reached through ``search_path`` and
  dropped at the end of the test session. Skipped, with the reason, when unreachable.
"""
from __future__ import annotations

import contextlib

import os
import sys
import uuid
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.store import db  # noqa: E402
from tests.pgadmin import run_admin_sql  # noqa: E402

AS_OF = date(2025, 6, 30)
PG_URL = os.environ.get("STORE_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")
BULK_CLAIMS = 400


def _pg_reachable() -> str:
    """'' when PostgreSQL answers, else why not."""
    try:
        import psycopg2
        from sqlalchemy.engine import make_url

        u = make_url(PG_URL)
        conn = psycopg2.connect(host=u.host, port=u.port or 5432, user=u.username, password=u.password,
                                dbname=u.database, connect_timeout=3)
        conn.close()
        return ""
    except Exception as exc:  # noqa: BLE001
        return f"PostgreSQL unreachable at {PG_URL}: {type(exc).__name__}: {str(exc).strip()[:200]}"


def _pg_admin(sql: str) -> None:
    run_admin_sql(sql, PG_URL)


def new_database(backend: str, tmp_dir: Path):
    """(url, cleanup) of a new empty database of ``backend``."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_dir / ('store-' + uuid.uuid4().hex[:8] + '.db')}"
        return url, (lambda: db.dispose_engine(url))
    reason = _pg_reachable()
    if reason:
        pytest.skip(reason)
    schema = f"store_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    _pg_admin(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in PG_URL else "?"
    url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"

    def cleanup():
        db.dispose_engine(url)
        _pg_admin(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

    return url, cleanup


@contextlib.contextmanager
def demo_store_and_tracker(backend: str, tmp_dir: Path):
    """(claims engine, tracker URL) of two new databases of ``backend``: the claims store migrated with the demo
    data (as of :data:`AS_OF`), the tracker with an empty ``events`` table like Rasa's; both dropped after."""
    from bot.gdpr.tracker import events
    from bot.store import db
    from bot.store.seed import seed_demo

    store_url, drop_store = new_database(backend, tmp_dir)
    tracker_url, drop_tracker = new_database(backend, tmp_dir)
    try:
        db.migrate(store_url)
        engine = db.get_engine(store_url)
        seed_demo(engine, AS_OF)
        events.metadata.create_all(db.get_engine(tracker_url))
        yield engine, tracker_url
    finally:
        drop_tracker()
        drop_store()
