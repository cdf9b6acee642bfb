"""A direct caller proves who they are: a one-time code sent by SMS to the contract's registered phone.

A call that reaches the assistant without an agent's transfer is anonymous: caller ID can be
spoofed, so it never identifies anybody by itself. To hear about their own files the caller asks
for a code; :func:`start` finds the contract (the caller's number when it is registered on exactly
one contract, else the SIREN the caller says) and :func:`issue` sends a six-digit code to the
number **registered on that contract** (never to a number the caller gives). The caller says or
types it; :func:`redeem` checks it.

Reuses the messaging pairing's storage and limits (:mod:`bot.pairing`,
:mod:`bot.store.queries.pairings`): codes are kept as HMACs in ``link_codes``, bound to the call
(the HMAC covers the CallSid, so a code is worth nothing in another call), valid
:data:`CODE_TTL`, single use; failed attempts are recorded in ``link_attempts`` (channel
``voice``, HMAC of the caller's number) and limited per caller and over the whole code space,
like pairing codes. A success pairs nothing: the identity lasts for this call only (the
channel's signed call state, :mod:`bot.voice.state`).

What the caller hears never tells whether a SIREN or a number is known (:data:`SENT_OR_NOT`).
No Rasa import.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Optional

from sqlalchemy.orm import Session

from bot import pairing
from bot.handoff.tickets import normalise_phone
from bot.store.queries import get_policyholder
from bot.store.queries import pairings as pairing_queries
from bot.store.queries import voice as voice_queries

CHANNEL = "voice"
CODE_DIGITS = 6
CODE_TTL = timedelta(minutes=5)
MAX_FAILURES_PER_CALL = 3
MAX_CODES_PER_CALL = 2   # and RATE_LIMIT_PAIRING_CODE_IDENTITY per caller number, across calls

# outcomes of redeem
VERIFIED = "verified"
WRONG = "wrong"          # wrong, expired or used: one answer
BLOCKED = "blocked"      # too many failures


@dataclass(frozen=True)
class Issued:
    """Where a code went: ``send_to`` (E.164) and its text, or nothing (no contract found)."""

    send_to: Optional[str]
    code: Optional[str]


@dataclass(frozen=True)
class Redeemed:
    outcome: str
    policyholder_id: Optional[int] = None
    name: str = ""


def _now(now: Optional[datetime]) -> datetime:
    return now if now is not None else datetime.now(timezone.utc)


def new_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))


def code_hash(secret: str, call_sid: str, code: str) -> str:
    return pairing._mac(secret, f"voice-code:{call_sid}", code)


def caller_hash(secret: str, caller: str) -> str:
    return pairing.channel_user_hash(secret, CHANNEL, caller)


def contract_for_caller(session: Session, caller: str) -> Optional[int]:
    """The policyholder whose contract has this caller's number registered, when exactly one has."""
    e164 = normalise_phone(caller or "")
    if e164 is None:
        return None
    found = voice_queries.registered_on_phone(session, voice_queries.phone_spellings("0" + e164[3:]))
    return found[0] if len(found) == 1 else None


def issue(session: Session, secret: str, call_sid: str, policyholder_id: Optional[int], *,
          now: Optional[datetime] = None) -> Issued:
    """A new code for this call and this contract, to send to the contract's registered number."""
    if policyholder_id is None:
        return Issued(None, None)
    phone = normalise_phone(voice_queries.registered_phone(session, policyholder_id) or "")
    if phone is None:
        return Issued(None, None)
    current = _now(now)
    code = new_code()
    pairing_queries.add_code(session, policyholder_id=policyholder_id, user_id=None,
                             code_hash=code_hash(secret, call_sid, code), created_at=current,
                             expires_at=current + CODE_TTL)
    return Issued(phone, code)


def issue_for_siren(session: Session, secret: str, call_sid: str, siren: str, *,
                    now: Optional[datetime] = None) -> Issued:
    return issue(session, secret, call_sid, voice_queries.policyholder_by_siren(session, siren), now=now)


def redeem(session: Session, secret: str, call_sid: str, caller: str, code: str, *,
           now: Optional[datetime] = None) -> Redeemed:
    current = _now(now)
    who = caller_hash(secret, caller or "unknown")
    since = current - pairing.WINDOW
    if (pairing_queries.failed_attempts(session, since, CHANNEL, who) >= pairing.MAX_FAILURES_PER_USER
            or pairing_queries.failed_attempts(session, since) >= pairing.MAX_FAILURES_GLOBAL):
        return Redeemed(BLOCKED)
    digits = "".join(c for c in str(code or "") if c.isdigit())
    found = pairing_queries.code_for_update(session, code_hash(secret, call_sid, digits)) \
        if len(digits) == CODE_DIGITS else None
    if found is None or found.used_at is not None or found.expires_at <= current:
        pairing_queries.record_attempt(session, CHANNEL, who, current, False)
        return Redeemed(WRONG)
    pairing_queries.mark_code_used(session, found.id, None, current)
    pairing_queries.record_attempt(session, CHANNEL, who, current, True)
    holder = get_policyholder(session, found.policyholder_id)
    return Redeemed(VERIFIED, found.policyholder_id, holder.name if holder else "")
