"""Agent → bot referrals: a signed, single-use link to continue with the assistant.

A claims agent (from the agent desk, or the telephony system with an agent token) refers a
caller to the assistant: policyholder, optional claim reference, topic (:func:`create`). The
caller gets a link ``<page>/#referral=<token>``; the token is a JWT (HS256, ``bot.auth`` keys and
rotation) with its own audience :data:`bot.auth.AUD_REFERRAL`, a short expiry
(``REFERRAL_TTL_SECONDS``, 15 min by default) and a random ``jti``. The database keeps only the
SHA-256 of the ``jti`` plus the context (:mod:`bot.store.queries.referrals`).

Opening the link (:func:`redeem`): signature, audience, issuer and expiry are checked, the
record is looked up by the ``jti`` hash, its policyholder must be the token's, and one atomic
``UPDATE … WHERE used_at IS NULL AND expires_at > now`` marks it used, so two concurrent
openings cannot both succeed. The page then gets an ordinary policyholder token carrying the
referral id in a signed claim (:data:`bot.auth.REFERRAL_CLAIM`); the web channel turns it into a
signed, conversation-bound ``referral`` entry of the message metadata (:func:`sign_claim`), and
the greeting action reads the context from the database through :func:`context_for_greeting` —
never from the message text or entities typed by the client.

Who may create a link (:func:`create_for_agent`): an agent only for a policyholder whose ticket
(conversation handed over to a person) they have taken and not closed; a supervisor
(:data:`bot.auth.ROLE_SUPERVISOR`) for any policyholder. Every creation, and every refused attempt,
is written to the audit log (``object_type`` ``referral``) in the same unit of work.

Failures have a reason (:data:`INVALID`, :data:`EXPIRED`, :data:`USED`) for the polite French
refusal; the token itself is never logged. No Rasa import.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Mapping, Optional

from sqlalchemy.orm import Session

from bot import audit
from bot.auth import AUD_REFERRAL, ROLE_SUPERVISOR, AuthError, Principal, issue_token, verify_token
from bot.settings import Settings
from bot.store import queries
from bot.store.models import REFERRAL_TOPICS
from bot.store.queries import handoff as handoff_queries
from bot.store.queries import referrals as referral_queries
from bot.store.refs import parse_ref

TOPICS = REFERRAL_TOPICS
METADATA_KEY = "referral"
CLAIM_MAX_AGE_SECONDS = 600
MAX_CREATED_BY = 120

# reasons of a refused link (one French answer each, bot/wording/referral.py)
INVALID = "invalid"    # forged, malformed, unknown, meant for something else, wrong policyholder
EXPIRED = "expired"
USED = "used"
# reasons of a refused creation
UNKNOWN_POLICYHOLDER = "unknown_policyholder"
UNKNOWN_TOPIC = "unknown_topic"
BAD_CLAIM_REF = "bad_claim_ref"
CLAIM_NOT_OWNED = "claim_not_owned"
NOT_HELD = "not_held"  # a plain agent asking for a policyholder whose ticket they do not hold
AUDIT_OBJECT = "referral"


class ReferralError(Exception):
    """A referral that cannot be created, or a link that cannot be redeemed; ``reason`` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CreatedReferral:
    id: int
    token: str
    policyholder_id: int
    policyholder_name: str
    topic: str
    claim_ref: Optional[str]
    expires_at: datetime


@dataclass(frozen=True)
class Redeemed:
    id: int
    policyholder_id: int
    policyholder_name: str
    topic: str
    claim_ref: Optional[str]


@dataclass(frozen=True)
class ReferralContext:
    id: int
    topic: str
    claim_ref: Optional[str]


def _now(now: Optional[datetime]) -> datetime:
    return now if now is not None else datetime.now(timezone.utc)


def jti_hash(jti: str) -> str:
    """What the database keeps of a link: the SHA-256 of its random token id (128 bits)."""
    return hashlib.sha256(f"referral:{jti}".encode()).hexdigest()


def link_url(base_url: str, token: str) -> str:
    """The link sent to the caller: the token travels in the fragment, which browsers never send."""
    return f"{base_url.rstrip('/')}/#referral={token}"


def create_for_agent(session: Session, settings: Settings, agent: Principal, *, policyholder_id: Any, topic: str,
                     claim_ref: Optional[str] = None, ticket_id: Optional[int] = None,
                     channel: str = "agent_desk", now: Optional[datetime] = None) -> CreatedReferral:
    """:func:`create` for a signed-in agent: only for a policyholder whose ticket the agent holds (``ticket_id``
    when given), unless the agent is a supervisor. A refusal raises ``ReferralError(NOT_HELD)`` before anything
    about the policyholder is looked up (no oracle of which customers exist); the caller records it with
    :func:`audit_refusal` in a unit of work of its own (the refused one is rolled back)."""
    supervisor = agent.has_role(ROLE_SUPERVISOR)
    if not supervisor:
        held = None
        if isinstance(policyholder_id, int) and not isinstance(policyholder_id, bool):
            held = handoff_queries.held_ticket(session, agent.subject, policyholder_id, ticket_id)
        if held is None:
            raise ReferralError(NOT_HELD)
    return create(session, settings, policyholder_id=policyholder_id, topic=topic, created_by=agent.subject,
                  claim_ref=claim_ref, now=now, channel=channel)


def audit_refusal(session: Session, agent: Principal, policyholder_id: Any, *, channel: str = "agent_desk") -> None:
    """The audit row of a refused link creation (:data:`NOT_HELD`)."""
    valid = type(policyholder_id) is int and 0 < policyholder_id < 2**31
    audit.record(session, who=agent.subject, policyholder_id=policyholder_id if valid else None,
                 object_type=AUDIT_OBJECT, object_id="-", channel=channel, action="create_refused")


def create(session: Session, settings: Settings, *, policyholder_id: int, topic: str, created_by: str,
           claim_ref: Optional[str] = None, now: Optional[datetime] = None, channel: str = "agent_desk"
           ) -> CreatedReferral:
    """Record a referral (audited) and return its signed, single-use, short-lived token. No permission check:
    callers acting for an agent use :func:`create_for_agent`."""
    if isinstance(policyholder_id, bool) or not isinstance(policyholder_id, int) or policyholder_id <= 0:
        raise ReferralError(UNKNOWN_POLICYHOLDER)
    if topic not in TOPICS:
        raise ReferralError(UNKNOWN_TOPIC)
    holder = queries.get_policyholder(session, policyholder_id)
    if holder is None:
        raise ReferralError(UNKNOWN_POLICYHOLDER)
    ref = None
    if claim_ref is not None and str(claim_ref).strip():
        parsed = parse_ref(str(claim_ref)[:60])
        if not parsed.valid:
            raise ReferralError(BAD_CLAIM_REF)
        # scoped to the policyholder: another company's reference is refused like an unknown one
        if queries.claim_by_ref(session, policyholder_id, parsed.ref) is None:
            raise ReferralError(CLAIM_NOT_OWNED)
        ref = parsed.ref
    current = _now(now)
    ttl = max(30, int(settings.referral.ttl_seconds))
    jti = uuid.uuid4().hex
    stored = referral_queries.add_referral(
        session, jti_hash=jti_hash(jti), policyholder_id=policyholder_id, topic=topic, claim_ref=ref,
        created_by=str(created_by)[:MAX_CREATED_BY] or "agent", created_at=current,
        expires_at=current + timedelta(seconds=ttl))
    audit.record(session, who=str(created_by)[:MAX_CREATED_BY] or "agent", policyholder_id=policyholder_id,
                 object_type=AUDIT_OBJECT, object_id=stored.id, channel=channel, action="create", at=current)
    token = issue_token(settings, audience=AUD_REFERRAL, subject=f"policyholder:{policyholder_id}",
                        policyholder_id=policyholder_id, ttl_seconds=ttl, now=current.timestamp(), jti=jti)
    return CreatedReferral(id=stored.id, token=token, policyholder_id=policyholder_id, policyholder_name=holder.name,
                           topic=topic, claim_ref=ref, expires_at=stored.expires_at)


def redeem(session: Session, settings: Settings, token: Any, *, now: Optional[datetime] = None) -> Redeemed:
    """Check a link's token and use it up (once). Raises :class:`ReferralError` otherwise."""
    current = _now(now)
    try:
        principal = verify_token(settings, token, audience=AUD_REFERRAL, now=current.timestamp())
    except AuthError as exc:
        raise ReferralError(EXPIRED if "xpired" in str(exc) else INVALID) from None
    if not principal.jti or principal.policyholder_id is None:
        raise ReferralError(INVALID)
    stored = referral_queries.referral_by_jti_hash(session, jti_hash(principal.jti))
    if stored is None or stored.policyholder_id != principal.policyholder_id:
        raise ReferralError(INVALID)
    if not referral_queries.use_referral(session, stored.id, current):
        used_at = referral_queries.referral_used_at(session, stored.id)
        raise ReferralError(USED if used_at is not None else EXPIRED)
    holder = queries.get_policyholder(session, stored.policyholder_id)
    return Redeemed(id=stored.id, policyholder_id=stored.policyholder_id,
                    policyholder_name=holder.name if holder else "", topic=stored.topic, claim_ref=stored.claim_ref)


def context_for_greeting(session: Session, referral_id: int, policyholder_id: int, *,
                         now: Optional[datetime] = None) -> Optional[ReferralContext]:
    """The context of a redeemed referral of this policyholder, once (it is marked greeted)."""
    if not isinstance(referral_id, int) or isinstance(referral_id, bool):
        return None
    greeted = referral_queries.greet_referral(session, referral_id, policyholder_id, _now(now))
    if greeted is None:
        return None
    return ReferralContext(id=greeted.id, topic=greeted.topic, claim_ref=greeted.claim_ref)


# --- the referral claim the web channel puts in the message metadata -------------------------

def _claim_mac(settings: Settings, payload: Mapping[str, Any]) -> str:
    body = json.dumps({"purpose": "referral", **payload}, sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(settings.auth.identity_secret.encode(), body, hashlib.sha256).hexdigest()


def sign_claim(settings: Settings, referral_id: int, policyholder_id: int, sender_id: str, *,
               now: Optional[float] = None) -> dict:
    """What the channel writes under ``metadata["referral"]`` for a token carrying a referral id."""
    payload = {"referral_id": int(referral_id), "policyholder_id": int(policyholder_id), "sender_id": sender_id,
               "iat": int(now if now is not None else time.time())}
    return {**payload, "sig": _claim_mac(settings, payload)}


def verify_claim(settings: Settings, metadata: Any, sender_id: str, policyholder_id: int, *,
                 now: Optional[float] = None, max_age: int = CLAIM_MAX_AGE_SECONDS) -> Optional[int]:
    """The referral id of a message's signed claim, for this conversation and policyholder; else None."""
    claim = metadata.get(METADATA_KEY) if isinstance(metadata, Mapping) else None
    if not isinstance(claim, Mapping):
        return None
    payload = {k: claim.get(k) for k in ("referral_id", "policyholder_id", "sender_id", "iat")}
    sig = claim.get("sig")
    if not isinstance(sig, str) or not hmac.compare_digest(sig, _claim_mac(settings, payload)):
        return None
    if payload["sender_id"] != sender_id or payload["policyholder_id"] != policyholder_id:
        return None
    current = now if now is not None else time.time()
    if not isinstance(payload["iat"], int) or not (current - max_age <= payload["iat"] <= current + 60):
        return None
    return payload["referral_id"] if isinstance(payload["referral_id"], int) else None
