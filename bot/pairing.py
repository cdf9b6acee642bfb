"""Pairing a messaging account (SMS, WhatsApp, Telegram, Messenger, Slack) with a policyholder.

On a messaging channel the sender is unknown. A signed-in policyholder asks the web page for a
one-time pairing code (:func:`issue_code`) and types it into the channel; the channel calls
:func:`redeem_code`, which pairs that channel user with the policyholder (expiring, revocable
from the web page). From then on the channel looks the user up with :func:`active_pairing` on
every message and signs the identity itself. Persistence: :mod:`bot.store.queries.pairings`.

Security properties:

- codes: 6 characters from an alphabet without look-alikes (no 0/O, 1/I/L), always with at least
  one letter and one digit (so that an ordinary word is never taken for a code), single use,
  valid ``CODE_TTL`` (10 min); a new code replaces the previous unused one of the same person;
- at rest only HMACs are stored (codes and channel user ids), keyed with a server secret, so a
  database dump reveals neither the codes (small space, a plain hash would be reversible) nor
  the phone numbers / chat ids;
- attempts are recorded in the database (shared by every replica) and limited per channel user
  (``MAX_FAILURES_PER_USER`` per ``WINDOW``). There is **no global lock**: ~200 wrong codes from ~59
  accounts once blocked everybody, a legitimate user with a valid code included. When many accounts
  guess together (``MAX_FAILURES_GLOBAL`` failures per ``WINDOW`` over all accounts), an account that
  already failed once gets no further try until its failures age out, while an account typing its
  code for the first time is served as usual: a valid code always works for someone who is not
  guessing. The channels also limit attempts per channel account and per code typed
  (``RATE_LIMIT_PAIRING_REDEEM``, ``RATE_LIMIT_PAIRING_REDEEM_CODE``, :mod:`bot.ratelimit`);
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
from typing import Optional

from sqlalchemy.orm import Session

from bot.store.models import PAIRING_CHANNELS
from bot.store.queries import pairings as pairing_queries
from bot.store.views import ActivePairing

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
CODE_TTL = timedelta(minutes=10)
PAIRING_TTL = timedelta(days=90)
WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_GLOBAL = 200

# Outcomes of redeem_code
PAIRED = "paired"
INVALID = "invalid"          # wrong, expired or already used: one answer for all
BLOCKED = "blocked"          # too many failed attempts

_CODE_RE = re.compile(r"^\s*(?:(?:code|le code|mon code)\s*[:=]?\s*)?([A-Za-z0-9]{3}[\s-]?[A-Za-z0-9]{3})\s*[.!]?\s*$",
                      re.IGNORECASE)


@dataclass(frozen=True)
class IssuedCode:
    code: str
    expires_at: datetime


@dataclass(frozen=True)
class RedeemResult:
    outcome: str
    pairing: Optional[ActivePairing] = None


def _now(now: Optional[datetime]) -> datetime:
    return now if now is not None else datetime.now(timezone.utc)


def _mac(secret: str, purpose: str, value: str) -> str:
    return hmac.new(secret.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def code_hash(secret: str, code: str) -> str:
    # the HMAC purpose keeps its first name, so that codes issued before the rename stay valid
    return _mac(secret, "link-code", code)


def channel_user_hash(secret: str, channel: str, channel_user: str) -> str:
    return _mac(secret, f"channel-user:{channel}", str(channel_user))


def new_code() -> str:
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        if any(c.isdigit() for c in code) and any(c.isalpha() for c in code):
            return code


def parse_code(text: str) -> Optional[str]:
    """The pairing code in a message that is only a code ("4F7K2Q", "code 4F7-K2Q"), else None."""
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
    """What the web page shows of a paired channel user ("SMS •••• 42")."""
    names = {"sms": "SMS", "whatsapp": "WhatsApp", "telegram": "Telegram", "messenger": "Messenger",
             "slack": "Slack"}
    tail = str(channel_user)[-2:] if len(str(channel_user)) >= 6 else ""
    return f"{names.get(channel, channel)} •••• {tail}".strip()


def issue_code(session: Session, secret: str, policyholder_id: int, *, user_id: Optional[int] = None,
               now: Optional[datetime] = None) -> IssuedCode:
    """A new one-time code for ``policyholder_id``; the previous unused codes stop working."""
    current = _now(now)
    pairing_queries.expire_open_codes(session, policyholder_id, current)
    for _ in range(5):
        code = new_code()
        digest = code_hash(secret, code)
        if not pairing_queries.code_hash_taken(session, digest):
            break
    expires = current + CODE_TTL
    pairing_queries.add_code(session, policyholder_id=policyholder_id, user_id=user_id, code_hash=digest,
                             created_at=current, expires_at=expires)
    return IssuedCode(code=code, expires_at=expires)


def redeem_code(session: Session, secret: str, channel: str, channel_user: str, code: str, *,
                now: Optional[datetime] = None, pairing_ttl: timedelta = PAIRING_TTL) -> RedeemResult:
    """Pair ``channel_user`` of ``channel`` with the owner of ``code``, if the code is valid."""
    if channel not in PAIRING_CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    current = _now(now)
    user_hash = channel_user_hash(secret, channel, channel_user)
    since = current - WINDOW
    failures = pairing_queries.failed_attempts(session, since, channel, user_hash)
    if failures >= MAX_FAILURES_PER_USER:
        return RedeemResult(BLOCKED)
    # many accounts guessing together: those that already failed wait; nobody else is locked out
    if failures and pairing_queries.failed_attempts(session, since) >= MAX_FAILURES_GLOBAL:
        return RedeemResult(BLOCKED)
    normalised = parse_code(code) or ""
    found = pairing_queries.code_for_update(session, code_hash(secret, normalised)) if normalised else None
    if found is None or found.used_at is not None or found.expires_at <= current:
        pairing_queries.record_attempt(session, channel, user_hash, current, False)
        return RedeemResult(INVALID)
    # one active pairing per channel user: a new pairing replaces the old one (whoever it was for)
    pairing_queries.revoke_channel_user_pairings(session, channel, user_hash, current)
    paired = pairing_queries.add_pairing(
        session, policyholder_id=found.policyholder_id, user_id=found.user_id, channel=channel,
        channel_user_hash=user_hash, label=mask(channel, channel_user), created_at=current,
        expires_at=current + pairing_ttl)
    pairing_queries.mark_code_used(session, found.id, paired.id, current)
    pairing_queries.record_attempt(session, channel, user_hash, current, True)
    return RedeemResult(PAIRED, paired)


def active_pairing(session: Session, secret: str, channel: str, channel_user: str, *,
                   now: Optional[datetime] = None, touch: bool = True) -> Optional[ActivePairing]:
    """The current (not revoked, not expired) pairing of a channel user, or None."""
    return pairing_queries.current_pairing(session, channel, channel_user_hash(secret, channel, channel_user),
                                           _now(now), touch=touch)
