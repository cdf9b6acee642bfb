"""Bulk loading: COPY / executemany writer, deferred PostgreSQL indexes and keys."""
from __future__ import annotations

import io
import threading
from queue import Queue
from typing import List, Optional, Sequence, Tuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.store.models import metadata


class BulkWriter:
    """Rows to the database: COPY (PostgreSQL, in a background thread so generation and loading
    overlap) or executemany (SQLite). Values are str, int or None; dates as ISO strings."""

    def __init__(self, connection, backend: str):
        self.connection = connection  # DBAPI connection
        self.backend = backend
        self.queue: "Queue" = Queue(maxsize=2)
        self.error: Optional[BaseException] = None
        self.thread = None
        if backend == "postgresql":
            self.thread = threading.Thread(target=self._run, daemon=True)
            self.thread.start()

    def _run(self) -> None:
        cursor = self.connection.cursor()
        while True:
            job = self.queue.get()
            if job is None:
                break
            if self.error is not None:
                continue
            table, columns, payload = job
            try:
                cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", io.StringIO(payload))
            except BaseException as exc:  # noqa: BLE001  # pragma: no cover - surfaced in close()
                self.error = exc
        cursor.close()

    def write(self, table: str, columns: Sequence[str], rows: List[tuple]) -> None:
        if not rows:
            return
        if self.backend == "postgresql":
            payload = "\n".join("\t".join("\\N" if v is None else str(v) for v in row) for row in rows) + "\n"
            if self.error is not None:
                raise self.error
            self.queue.put((table, columns, payload))
        else:
            cursor = self.connection.cursor()
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})", rows)  # noqa: S608 (names from the models, values bound)
            cursor.close()

    def close(self) -> None:
        if self.thread is not None:
            self.queue.put(None)
            self.thread.join()
        if self.error is not None:
            raise self.error


CLAIM_COLUMNS = ("id", "ref", "policyholder_id", "contract_id", "buyer_id", "cause", "stage", "declared_on",
                 "due_date", "currency", "amount_declared", "amount_admitted", "amount_recovered",
                 "amount_indemnified", "next_step_code", "next_step_date", "idempotency_key", "closed_on",
                 "created_at", "updated_at")


BULK_TABLES = ("credit_limits", "credit_limit_decisions", "fee_lines", "claims", "invoices", "claim_stage_history",
               "payments")
DEFER_FROM = 20000  # PostgreSQL: from this many claims, build indexes and check keys after loading


def pg_deferred_ddl(tables: Sequence[str]) -> Tuple[List[str], List[str]]:
    """(drop, recreate) DDL of the secondary indexes, unique and foreign-key constraints of
    ``tables``, taken from the models (so identical to the migration). Loading first and building
    indexes / checking keys once afterwards is several times faster than row by row."""
    from sqlalchemy import ForeignKeyConstraint, UniqueConstraint
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.schema import AddConstraint, CreateIndex

    dialect = postgresql.dialect()
    drop_fk, drop_other, create_other, create_fk = [], [], [], []
    for name in tables:
        table = metadata.tables[name]
        for constraint in sorted(table.constraints, key=lambda c: str(c.name)):
            if isinstance(constraint, ForeignKeyConstraint):
                drop_fk.append(f'ALTER TABLE {name} DROP CONSTRAINT "{constraint.name}"')
                create_fk.append(str(AddConstraint(constraint).compile(dialect=dialect)))
            elif isinstance(constraint, UniqueConstraint):
                drop_other.append(f'ALTER TABLE {name} DROP CONSTRAINT "{constraint.name}"')
                create_other.append(str(AddConstraint(constraint).compile(dialect=dialect)))
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            drop_other.append(f'DROP INDEX "{index.name}"')
            create_other.append(str(CreateIndex(index).compile(dialect=dialect)))
    return drop_fk + drop_other, create_other + create_fk


def max_id(session: Session, model) -> int:
    return session.execute(select(func.coalesce(func.max(model.id), 0))).scalar_one()
