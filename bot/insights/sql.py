"""SQL fragments that differ between SQLite and PostgreSQL.

The insights queries are written once as SQL text; these functions give the few expressions whose
spelling depends on the dialect. Every argument is a column expression written by this package,
never user input (user input is always a bound parameter).
"""
from __future__ import annotations

from typing import Sequence

POSTGRESQL, SQLITE = "postgresql", "sqlite"


def check(dialect: str) -> str:
    if dialect not in (POSTGRESQL, SQLITE):
        raise ValueError(f"insights: unsupported database {dialect!r} (SQLite or PostgreSQL)")
    return dialect


def channel(dialect: str, sender: str) -> str:
    """The channel of a conversation id (``<channel>-ph<id>-<digest>`` / ``<channel>-anon-<digest>``)."""
    if dialect == POSTGRESQL:
        return f"split_part({sender}, '-', 1)"
    return f"(CASE WHEN instr({sender}, '-') > 0 THEN substr({sender}, 1, instr({sender}, '-') - 1) ELSE {sender} END)"


def day(dialect: str, epoch: str) -> str:
    """``YYYY-MM-DD`` (UTC) of an epoch-seconds column."""
    if dialect == POSTGRESQL:
        return f"to_char(to_timestamp({epoch}) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
    return f"date({epoch}, 'unixepoch')"


def week(dialect: str, epoch: str) -> str:
    """The Monday (``YYYY-MM-DD``, UTC) of the ISO week of an epoch-seconds column."""
    if dialect == POSTGRESQL:
        return f"to_char(date_trunc('week', to_timestamp({epoch}) AT TIME ZONE 'UTC'), 'YYYY-MM-DD')"
    return f"date({epoch}, 'unixepoch', 'weekday 0', '-6 days')"


def json_text(dialect: str, column: str, path: Sequence[object]) -> str:
    """A JSON field of a text column, as text (``path``: keys and list indexes)."""
    if dialect == POSTGRESQL:
        return f"({column}::json #>> '{{{','.join(str(p) for p in path)}}}')"
    json_path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
    return f"CAST(json_extract({column}, '{json_path}') AS TEXT)"


def json_number(dialect: str, column: str, path: Sequence[object]) -> str:
    """A JSON field of a text column, as a floating-point number."""
    if dialect == POSTGRESQL:
        return f"CAST({json_text(dialect, column, path)} AS DOUBLE PRECISION)"
    json_path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
    return f"CAST(json_extract({column}, '{json_path}') AS REAL)"


def store_day(dialect: str, column: str) -> str:
    """``YYYY-MM-DD`` (UTC) of a claims-store timestamp column (``UTCDateTime``)."""
    if dialect == POSTGRESQL:
        return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
    return f"substr({column}, 1, 10)"
