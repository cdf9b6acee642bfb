"""Helpers shared by the query modules: checked policyholder id, money, constants."""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.models import User


CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("999999999999.99")
FIRST_NUMBER = 1000  # claim numbers 000001-000999 of every year are kept for the demo data
MAX_NUMBER = 999999
MAX_PAGE_SIZE = 50
STATUSES = ("open", "closed", "all")


def checked_ph(policyholder_id: object) -> int:
    """The policyholder id, checked: an int > 0 (never None, never a bool, never text)."""
    if isinstance(policyholder_id, bool) or not isinstance(policyholder_id, int) or policyholder_id <= 0:
        raise ValueError("policyholder_id must be a positive int")
    return policyholder_id


def today() -> date:
    return date.today()


def parse_amount(value: object) -> Optional[Decimal]:
    """A positive amount rounded to the cent, or None when it is not one."""
    if isinstance(value, bool):
        return None
    try:
        amount = Decimal(str(value).replace("\u202f", "").replace("\u00a0", "").replace(" ", "").replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    if not amount.is_finite() or amount <= 0 or amount > MAX_AMOUNT:
        return None
    return amount.quantize(CENT)


def cents(value) -> Decimal:
    return ZERO if value is None else Decimal(value).quantize(CENT)


def user_belongs(session: Session, ph: int, user_id: int) -> bool:
    return session.execute(
        select(User.id).where(User.id == user_id, User.policyholder_id == ph)
    ).first() is not None


def audit_who(ph: int, user_id: Optional[int]) -> str:
    return f"user:{user_id}" if isinstance(user_id, int) else f"policyholder:{ph}"
