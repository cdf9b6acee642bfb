"""Engines, sessions and migrations of the claims store.

- :func:`get_engine` builds one engine per URL and caches it (thread-safe).
  SQLite: ``check_same_thread=False``, WAL journal, foreign keys on, a busy timeout, and proper
  transactional behaviour (SAVEPOINT works; transactions start with BEGIN IMMEDIATE). PostgreSQL: ``pool_pre_ping``
  and a small pool.
- :func:`session_scope` is the unit of work: commit on success, rollback on error, always close.
- :func:`migrate` runs ``alembic upgrade head`` programmatically. A PostgreSQL schema can be
  targeted through the URL, e.g. ``postgresql+psycopg2://u@h/db?options=-csearch_path%3Dmy_schema``.

The schema is created only by the migration, never by ``metadata.create_all``.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, Optional

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.future import create_engine
from sqlalchemy.orm import Session

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

_engines: Dict[str, Engine] = {}
_lock = threading.Lock()



def default_url() -> str:
    from bot.settings import get_settings

    return get_settings().database.url


def _sqlite_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.database and parsed.database != ":memory:":
        from bot.files import private_file

        private_file(parsed.database)  # 0600 before SQLite writes into it (its WAL files follow its mode)
    engine = create_engine(url, future=True, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - exercised by every test
        # Let SQLAlchemy drive transactions (pysqlite's own handling breaks SAVEPOINT).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if parsed.database and parsed.database != ":memory:":
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # pragma: no cover
        # IMMEDIATE: take the write lock up front, so that two concurrent units of work wait
        # for each other (busy_timeout) instead of failing with SQLITE_BUSY when one of them,
        # having read first, tries to write. SQLite is the development backend; PostgreSQL
        # is the one for concurrency.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _postgres_engine(url: str, pool_size: int) -> Engine:
    return create_engine(
        url,
        future=True,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=pool_size * 2,
        pool_recycle=1800,
    )


def get_engine(url: Optional[str] = None, *, pool_size: int = 5) -> Engine:
    """The engine for ``url`` (default: settings.database.url), created once per URL."""
    url = url or default_url()
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            backend = make_url(url).get_backend_name()
            if backend == "sqlite":
                engine = _sqlite_engine(url)
            elif backend == "postgresql":
                engine = _postgres_engine(url, pool_size)
            else:
                engine = create_engine(url, future=True, pool_pre_ping=True)
            _engines[url] = engine
        return engine


def dispose_engine(url: str) -> None:
    """Close and forget the cached engine of ``url`` (tests, forks)."""
    with _lock:
        engine = _engines.pop(url, None)
    if engine is not None:
        engine.dispose()


def dispose_all() -> None:
    with _lock:
        engines = list(_engines.values())
        _engines.clear()
    for engine in engines:
        engine.dispose()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: ``with session_scope(engine) as session: ...``."""
    session = Session(engine, future=True, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def include_name(name, type_, parent_names) -> bool:
    """Alembic autogenerate filter: ignore SQLite's internal tables (sqlite_stat1 after ANALYZE)."""
    return not (type_ == "table" and name and name.startswith("sqlite_"))


def alembic_config(url: Optional[str] = None):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        # ConfigParser interpolation: a literal % must be doubled (e.g. %3D in search_path options).
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(url: Optional[str] = None, revision: str = "head") -> None:
    """``alembic upgrade head`` on ``url`` (default: settings.database.url)."""
    from alembic import command

    url = url or default_url()
    engine = get_engine(url)
    config = alembic_config(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(url: Optional[str] = None) -> Optional[str]:
    from alembic.migration import MigrationContext

    engine = get_engine(url or default_url())
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
