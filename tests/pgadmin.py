"""Run one administrative SQL statement (CREATE/DROP DATABASE or SCHEMA) on PostgreSQL, outside any transaction.

Shared by the test suites and the benchmarks that make throw-away databases (store, reliability, scale-out,
tracker cache; bench/latency_stacks.py, bench/store_bench.py). Imports
psycopg2 only when called, so the suites that never touch PostgreSQL do not need it.
"""
from __future__ import annotations

from typing import Optional


def run_admin_sql(sql: str, url: str, dbname: Optional[str] = None, connect_timeout: int = 5) -> None:
    """``url``: an SQLAlchemy URL of the server (its database unless ``dbname`` names another one)."""
    import psycopg2
    from sqlalchemy.engine import make_url

    u = make_url(url)
    conn = psycopg2.connect(host=u.host or "127.0.0.1", port=u.port or 5432, user=u.username, password=u.password,
                            dbname=dbname or u.database, connect_timeout=connect_timeout)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
    finally:
        conn.close()
