"""What every model of the claims store shares: the declarative base, the naming convention of
constraints and indexes, and the column types (UTC timestamps, exact decimals).

Conventions:

- money: ``Numeric(14, 2)`` mapped to :class:`decimal.Decimal`, euros unless ``currency`` says
  otherwise; ratios (quotité, fee rates): ``Numeric(7, 6)``;
- timestamps: :class:`UTCDateTime` (stored in UTC, returned timezone-aware);
- closed value sets (stages, causes, schemes...) are ``String`` columns with a named CHECK
  constraint (:func:`check_in`), portable between SQLite and PostgreSQL.
"""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import DateTime, MetaData, Numeric
from sqlalchemy.orm import declarative_base
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)
Base = declarative_base(metadata=metadata)


def check_in(column: str, values) -> str:
    """The SQL of a CHECK constraint: ``column`` takes one of ``values``."""
    return f"{column} IN (" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + ")"


class UTCDateTime(TypeDecorator):
    """Timestamp stored in UTC; always returned as a timezone-aware UTC datetime."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class ExactNumeric(TypeDecorator):
    """``NUMERIC(p, s)`` returned as :class:`~decimal.Decimal` on every backend.

    PostgreSQL stores and returns decimals natively. SQLite has no decimal type: values come back
    as floats, which are turned back into Decimals rounded to the column's scale (exact for
    these sizes) -- explicitly, instead of through SQLAlchemy's generic, warning-emitting path.
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int, scale: int):
        super().__init__(precision=precision, scale=scale)
        self.quantum = Decimal(1).scaleb(-scale)

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(Numeric(self.impl.precision, self.impl.scale, asdecimal=False))
        return dialect.type_descriptor(Numeric(self.impl.precision, self.impl.scale))

    def process_bind_param(self, value, dialect):
        if value is None or dialect.name != "sqlite":
            return value
        return float(value)

    def process_result_value(self, value, dialect):
        if value is None or isinstance(value, Decimal):
            return value
        return Decimal(repr(value)).quantize(self.quantum)


def Money() -> ExactNumeric:  # noqa: N802 - reads like a type in the column definitions
    return ExactNumeric(14, 2)


def Ratio() -> ExactNumeric:  # noqa: N802
    return ExactNumeric(7, 6)
