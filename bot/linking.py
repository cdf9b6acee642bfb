"""Account linking of messaging channels (SMS, WhatsApp, Telegram, Messenger, Slack).

On a messaging channel the sender is unknown. A signed-in policyholder asks the web page for a
one-time code (:func:`issue_code`) and types it into the channel; the channel calls
:func:`redeem_code`, which links that channel user to the policyholder (:class:`Pairing`,
expiring, revocable from the web page with :func:`revoke_link`). From then on the channel looks
the user up with :func:`active_link` on every message and signs the identity itself.

Security properties:

- codes: 6 characters from an alphabet without look-alikes (no 0/O, 1/I/L), always with at least
  one letter and one digit (so that an ordinary word is never taken for a code), single use,
  valid ``CODE_TTL`` (10 min); a new code replaces the previous unused one of the same person;
- at rest only HMACs are stored (codes and channel user ids), keyed with a server secret, so a
  database dump reveals neither the codes (small space, a plain hash would be reversible) nor
  the phone numbers / chat ids;
- attempts are recorded in the database (shared by every replica) and limited per channel user
  (``MAX_FAILURES_PER_USER`` per ``WINDOW``) and over the whole code space
  (``MAX_FAILURES_GLOBAL`` per ``WINDOW``, against many numbers guessing together);
- a wrong, expired or used code gets the same answer (:data:`INVALID`) whoever is asking: nothing
  tells whether an account exists.

No Rasa import: this module is used by the channels, the web server and tests.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import List, Optional

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.store.models.pairing import PAIRING_CHANNELS, Pairing, PairingAttempt, PairingCode

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
CODE_TTL = timedelta(minutes=10)
LINK_TTL = timedelta(days=90)
WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_GLOBAL = 200

# Outcomes of redeem_code
LINKED = "linked"
INVALID = "invalid"          # wrong, expired or already used: one answer for all
BLOCKED = "blocked"          # too many failed attempts

_CODE_RE = re.compile(r"^\s*(?:(?:code|le code|mon code)\s*[:=]?\s*)?([A-Za-z0-9]{3}[\s-]?[A-Za-z0-9]{3})\s*[.!]?\s*$",
                      re.IGNORECASE)


@dataclass(frozen=True)
class IssuedCode:
    code: str
    expires_at: datetime


@dataclass(frozen=True)
class LinkView:
    id: int
    channel: str
    label: str
    created_at: datetime
    expires_at: datetime
    last_used_at: Optional[datetime]


@dataclass(frozen=True)
class ActiveLink:
    id: int
    policyholder_id: int
    user_id: Optional[int]
    channel: str


@dataclass(frozen=True)
class RedeemResult:
    outcome: str
    link: Optional[ActiveLink] = None


def _now(now: Optional[datetime]) -> datetime:
    return now if now is not None else datetime.now(timezone.utc)


def _mac(secret: str, purpose: str, value: str) -> str:
    return hmac.new(secret.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def code_hash(secret: str, code: str) -> str:
    return _mac(secret, "link-code", code)


def channel_user_hash(secret: str, channel: str, channel_user: str) -> str:
    return _mac(secret, f"channel-user:{channel}", str(channel_user))


def new_code() -> str:
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        if any(c.isdigit() for c in code) and any(c.isalpha() for c in code):
            return code


def parse_code(text: str) -> Optional[str]:
    """The link code in a message that is only a code ("4F7K2Q", "code 4F7-K2Q"), else None."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    match = _CODE_RE.match(text)
    if not match:
        return None
    code = re.sub(r"[\s-]", "", match.group(1)).upper()
    if len(code) != CODE_LENGTH or any(c not in ALPHABET for c in code):
        return None
    if not (any(c.isdigit() for c in code) and any(c.isalpha() for c in code)):
        return None
    return code


def mask(channel: str, channel_user: str) -> str:
    """What the web page shows of a linked channel user ("SMS •••• 42")."""
    names = {"sms": "SMS", "whatsapp": "WhatsApp", "telegram": "Telegram", "messenger": "Messenger",
             "slack": "Slack"}
    tail = str(channel_user)[-2:] if len(str(channel_user)) >= 6 else ""
    return f"{names.get(channel, channel)} •••• {tail}".strip()


def issue_code(session: Session, secret: str, policyholder_id: int, *, user_id: Optional[int] = None,
               now: Optional[datetime] = None) -> IssuedCode:
    """A new one-time code for ``policyholder_id``; the previous unused codes stop working."""
    current = _now(now)
    session.execute(update(PairingCode)
                    .where(PairingCode.policyholder_id == policyholder_id, PairingCode.used_at.is_(None),
                           PairingCode.expires_at > current)
                    .values(expires_at=current))
    for _ in range(5):
        code = new_code()
        digest = code_hash(secret, code)
        if session.execute(select(PairingCode.id).where(PairingCode.code_hash == digest)).first() is None:
            break
    expires = current + CODE_TTL
    session.add(PairingCode(policyholder_id=policyholder_id, user_id=user_id, code_hash=digest,
                         created_at=current, expires_at=expires))
    session.flush()
    return IssuedCode(code=code, expires_at=expires)


def _failures(session: Session, since: datetime, channel: Optional[str] = None, user_hash: Optional[str] = None) -> int:
    query = select(func.count(PairingAttempt.id)).where(PairingAttempt.at > since, PairingAttempt.success.is_(False))
    if channel is not None:
        query = query.where(PairingAttempt.channel == channel, PairingAttempt.channel_user_hash == user_hash)
    return int(session.execute(query).scalar_one())


def redeem_code(session: Session, secret: str, channel: str, channel_user: str, code: str, *,
                now: Optional[datetime] = None, link_ttl: timedelta = LINK_TTL) -> RedeemResult:
    """Link ``channel_user`` of ``channel`` with the owner of ``code``, if the code is valid."""
    if channel not in PAIRING_CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    current = _now(now)
    user_hash = channel_user_hash(secret, channel, channel_user)
    since = current - WINDOW
    if (_failures(session, since, channel, user_hash) >= MAX_FAILURES_PER_USER
            or _failures(session, since) >= MAX_FAILURES_GLOBAL):
        return RedeemResult(BLOCKED)
    normalised = parse_code(code) or ""
    row = None
    if normalised:
        row = session.execute(
            select(PairingCode).where(PairingCode.code_hash == code_hash(secret, normalised)).with_for_update()
        ).scalar_one_or_none()
    if row is None or row.used_at is not None or row.expires_at <= current:
        session.add(PairingAttempt(channel=channel, channel_user_hash=user_hash, at=current, success=False))
        session.flush()
        return RedeemResult(INVALID)
    # one active link per channel user: a new link replaces the old one (whoever it was for)
    session.execute(update(Pairing)
                    .where(Pairing.channel == channel, Pairing.channel_user_hash == user_hash,
                           Pairing.revoked_at.is_(None))
                    .values(revoked_at=current))
    link = Pairing(policyholder_id=row.policyholder_id, user_id=row.user_id, channel=channel,
                       channel_user_hash=user_hash, label=mask(channel, channel_user), created_at=current,
                       expires_at=current + link_ttl, last_used_at=current)
    session.add(link)
    session.flush()
    row.used_at = current
    row.link_id = link.id
    session.add(PairingAttempt(channel=channel, channel_user_hash=user_hash, at=current, success=True))
    session.flush()
    return RedeemResult(LINKED, ActiveLink(link.id, link.policyholder_id, link.user_id, channel))


def active_link(session: Session, secret: str, channel: str, channel_user: str, *,
                now: Optional[datetime] = None, touch: bool = True) -> Optional[ActiveLink]:
    """The current (not revoked, not expired) link of a channel user, or None."""
    current = _now(now)
    user_hash = channel_user_hash(secret, channel, channel_user)
    row = session.execute(
        select(Pairing)
        .where(Pairing.channel == channel, Pairing.channel_user_hash == user_hash,
               Pairing.revoked_at.is_(None), Pairing.expires_at > current)
        .order_by(Pairing.id.desc()).limit(1)
    ).scalar_one_or_none()
    if row is None:
        return None
    if touch:
        row.last_used_at = current
    return ActiveLink(row.id, row.policyholder_id, row.user_id, row.channel)


def list_links(session: Session, policyholder_id: int, *, now: Optional[datetime] = None) -> List[LinkView]:
    current = _now(now)
    rows = session.execute(
        select(Pairing)
        .where(Pairing.policyholder_id == policyholder_id, Pairing.revoked_at.is_(None),
               Pairing.expires_at > current)
        .order_by(Pairing.created_at.desc(), Pairing.id.desc())
    ).scalars().all()
    return [LinkView(r.id, r.channel, r.label, r.created_at, r.expires_at, r.last_used_at) for r in rows]


def revoke_link(session: Session, policyholder_id: int, link_id: int, *, now: Optional[datetime] = None) -> bool:
    """Revoke one link of ``policyholder_id``; False if it is not theirs or already gone."""
    result = session.execute(update(Pairing)
                             .where(Pairing.id == link_id, Pairing.policyholder_id == policyholder_id,
                                    Pairing.revoked_at.is_(None))
                             .values(revoked_at=_now(now)))
    return result.rowcount == 1


def purge_attempts(session: Session, *, now: Optional[datetime] = None, keep: timedelta = timedelta(days=1)) -> int:
    """Delete attempt records older than ``keep`` (run now and then)."""
    from sqlalchemy import delete

    return session.execute(delete(PairingAttempt).where(PairingAttempt.at < _now(now) - keep)).rowcount
