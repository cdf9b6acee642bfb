"""Persistence of messaging-account pairing: pairings, pairing codes, attempts (tables
``channel_links``, ``link_codes``, ``link_attempts``).

The rules (codes, HMACs, rate limits, one pairing per channel user) are in :mod:`bot.pairing`,
which calls these functions; the web page's list and revoke call :func:`list_pairings` and
:func:`revoke_pairing` directly. Only HMACs of codes and channel user ids reach these functions.
Results are frozen dataclasses of :mod:`bot.store.views`, never ORM rows.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import List, Optional

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from bot.store.models import Pairing, PairingAttempt, PairingCode
from bot.store.views import ActivePairing, PairingCodeView, PairingView


def _now(now: Optional[datetime]) -> datetime:
    return now if now is not None else datetime.now(timezone.utc)


# --- pairing codes ---------------------------------------------------------------------------------

def expire_open_codes(session: Session, policyholder_id: int, now: datetime) -> None:
    """The policyholder's unused, unexpired codes stop working (a new one replaces them)."""
    session.execute(update(PairingCode)
                    .where(PairingCode.policyholder_id == policyholder_id, PairingCode.used_at.is_(None),
                           PairingCode.expires_at > now)
                    .values(expires_at=now))


def code_hash_taken(session: Session, code_hash: str) -> bool:
    return session.execute(select(PairingCode.id).where(PairingCode.code_hash == code_hash)).first() is not None


def add_code(session: Session, *, policyholder_id: int, user_id: Optional[int], code_hash: str, created_at: datetime,
             expires_at: datetime) -> None:
    session.add(PairingCode(policyholder_id=policyholder_id, user_id=user_id, code_hash=code_hash,
                            created_at=created_at, expires_at=expires_at))
    session.flush()


def code_for_update(session: Session, code_hash: str) -> Optional[PairingCodeView]:
    """The code with this HMAC, row-locked until the end of the transaction (PostgreSQL), or None."""
    row = session.execute(
        select(PairingCode).where(PairingCode.code_hash == code_hash).with_for_update()
    ).scalar_one_or_none()
    if row is None:
        return None
    return PairingCodeView(id=row.id, policyholder_id=row.policyholder_id, user_id=row.user_id,
                           expires_at=row.expires_at, used_at=row.used_at)


def mark_code_used(session: Session, code_id: int, pairing_id: int, now: datetime) -> None:
    """The code was used, and made pairing ``pairing_id``."""
    session.execute(update(PairingCode).where(PairingCode.id == code_id).values(used_at=now, link_id=pairing_id))


# --- attempts ----------------------------------------------------------------------------------------

def failed_attempts(session: Session, since: datetime, channel: Optional[str] = None,
                    channel_user_hash: Optional[str] = None) -> int:
    """Failed attempts after ``since``: of one channel user when ``channel`` is given, else of everybody."""
    query = select(func.count(PairingAttempt.id)).where(PairingAttempt.at > since, PairingAttempt.success.is_(False))
    if channel is not None:
        query = query.where(PairingAttempt.channel == channel, PairingAttempt.channel_user_hash == channel_user_hash)
    return int(session.execute(query).scalar_one())


def record_attempt(session: Session, channel: str, channel_user_hash: str, at: datetime, success: bool) -> None:
    session.add(PairingAttempt(channel=channel, channel_user_hash=channel_user_hash, at=at, success=success))
    session.flush()


def purge_attempts(session: Session, *, now: Optional[datetime] = None, keep: timedelta = timedelta(days=1)) -> int:
    """Delete attempt records older than ``keep`` (run now and then)."""
    return session.execute(delete(PairingAttempt).where(PairingAttempt.at < _now(now) - keep)).rowcount


# --- pairings ----------------------------------------------------------------------------------------

def revoke_channel_user_pairings(session: Session, channel: str, channel_user_hash: str, now: datetime) -> None:
    """Revoke the channel user's active pairings (whoever they were for)."""
    session.execute(update(Pairing)
                    .where(Pairing.channel == channel, Pairing.channel_user_hash == channel_user_hash,
                           Pairing.revoked_at.is_(None))
                    .values(revoked_at=now))


def add_pairing(session: Session, *, policyholder_id: int, user_id: Optional[int], channel: str,
                channel_user_hash: str, label: str, created_at: datetime, expires_at: datetime) -> ActivePairing:
    row = Pairing(policyholder_id=policyholder_id, user_id=user_id, channel=channel,
                  channel_user_hash=channel_user_hash, label=label, created_at=created_at, expires_at=expires_at,
                  last_used_at=created_at)
    session.add(row)
    session.flush()
    return ActivePairing(row.id, row.policyholder_id, row.user_id, channel)


def current_pairing(session: Session, channel: str, channel_user_hash: str, now: datetime, *,
                    touch: bool = True) -> Optional[ActivePairing]:
    """The channel user's pairing (not revoked, not expired), or None; ``touch`` records the use."""
    row = session.execute(
        select(Pairing)
        .where(Pairing.channel == channel, Pairing.channel_user_hash == channel_user_hash,
               Pairing.revoked_at.is_(None), Pairing.expires_at > now)
        .order_by(Pairing.id.desc()).limit(1)
    ).scalar_one_or_none()
    if row is None:
        return None
    if touch:
        row.last_used_at = now
    return ActivePairing(row.id, row.policyholder_id, row.user_id, row.channel)


def list_pairings(session: Session, policyholder_id: int, *, now: Optional[datetime] = None) -> List[PairingView]:
    """The policyholder's active pairings, newest first (masked labels only)."""
    current = _now(now)
    rows = session.execute(
        select(Pairing)
        .where(Pairing.policyholder_id == policyholder_id, Pairing.revoked_at.is_(None), Pairing.expires_at > current)
        .order_by(Pairing.created_at.desc(), Pairing.id.desc())
    ).scalars().all()
    return [PairingView(r.id, r.channel, r.label, r.created_at, r.expires_at, r.last_used_at) for r in rows]


def revoke_pairing(session: Session, policyholder_id: int, pairing_id: int, *, now: Optional[datetime] = None) -> bool:
    """Revoke one pairing of ``policyholder_id``; False if it is not theirs or already gone."""
    result = session.execute(update(Pairing)
                             .where(Pairing.id == pairing_id, Pairing.policyholder_id == policyholder_id,
                                    Pairing.revoked_at.is_(None))
                             .values(revoked_at=_now(now)))
    return result.rowcount == 1
