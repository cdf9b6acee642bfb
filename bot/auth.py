"""Tokens and identity.

Two things live here:

1. **Bearer tokens** (JWT, HS256 only) issued at sign-in. Audience separates policyholder
   tokens from agent tokens, so one can never be used as the other. ``exp``, ``iat``, ``iss``,
   ``aud`` and ``sub`` are required. Key rotation: tokens carry a ``kid``; verification accepts
   the current secret and the ones listed in ``JWT_PREVIOUS_SECRETS``.
2. **Identity assertions** that a channel (which verified a token) puts into the message
   metadata. They are HMAC-signed and bound to the conversation (sender id), so a client that
   forges metadata, or replays an assertion into another conversation, gets no identity.
   Actions call :func:`verify_identity` and never read identity from slots or text.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any, Dict, Iterable, Mapping, Optional, Tuple

import jwt

from bot.settings import Settings

ALGORITHM = "HS256"
AUD_POLICYHOLDER = "assistant-indemnisation/policyholder"
AUD_AGENT = "assistant-indemnisation/agent"
# agent → bot referral links (bot/referral.py): never valid as a policyholder or agent token
AUD_REFERRAL = "assistant-indemnisation/referral"
# claim of a policyholder token issued when a referral link is redeemed (the referral id)
REFERRAL_CLAIM = "referral"
# claim of a referral token that transfers a live phone call: the hash of its CallSid (bot/referral.py)
CALL_CLAIM = "call"
IDENTITY_KEY = "identity"
# roles of an agent token (claim ``roles``): the desk needs ROLE_AGENT; supervisors see more (insights, any link)
ROLE_AGENT = "claims_agent"
ROLE_SUPERVISOR = "claims_supervisor"
ROLES_CLAIM = "roles"
IDENTITY_MAX_AGE_SECONDS = 600


class AuthError(Exception):
    """The token is missing, malformed, forged, expired or meant for something else."""


@dataclass(frozen=True)
class Principal:
    subject: str
    audience: str
    name: str = ""
    policyholder_id: Optional[int] = None
    user_id: Optional[int] = None
    jti: str = ""
    expires_at: int = 0
    referral_id: Optional[int] = None
    roles: Tuple[str, ...] = ()
    call: str = ""  # referral tokens of a phone transfer: the hash of the call they are bound to

    def has_role(self, role: str) -> bool:
        return role in self.roles


@dataclass(frozen=True)
class Identity:
    """Who the conversation is verified to be for."""

    policyholder_id: int
    channel: str
    user_id: Optional[int] = None
    name: str = ""


def _kid(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()[:12]


def issue_token(
    settings: Settings,
    *,
    audience: str,
    subject: str,
    name: str = "",
    policyholder_id: Optional[int] = None,
    user_id: Optional[int] = None,
    ttl_seconds: Optional[int] = None,
    now: Optional[float] = None,
    jti: Optional[str] = None,
    extra_claims: Optional[Mapping[str, Any]] = None,
    roles: Iterable[str] = (),
) -> str:
    issued = int(now if now is not None else time.time())
    ttl = settings.auth.token_ttl_seconds if ttl_seconds is None else ttl_seconds
    claims: Dict[str, Any] = {
        "iss": settings.auth.jwt_issuer,
        "aud": audience,
        "sub": subject,
        "iat": issued,
        "nbf": issued - 5,
        "exp": issued + ttl,
        "jti": jti or uuid.uuid4().hex,
    }
    for key, value in (extra_claims or {}).items():
        claims.setdefault(key, value)  # never overrides a registered claim
    if name:
        claims["name"] = name
    if policyholder_id is not None:
        claims["ph"] = int(policyholder_id)
    if user_id is not None:
        claims["uid"] = int(user_id)
    roles = sorted({str(r) for r in roles})
    if roles:
        claims[ROLES_CLAIM] = roles
    secret = settings.auth.jwt_secret
    return jwt.encode(claims, secret, algorithm=ALGORITHM, headers={"kid": _kid(secret)})


def issue_policyholder_token(settings: Settings, policyholder_id: int, *, user_id: Optional[int] = None,
                             name: str = "", ttl_seconds: Optional[int] = None, now: Optional[float] = None,
                             referral_id: Optional[int] = None) -> str:
    extra = {REFERRAL_CLAIM: int(referral_id)} if referral_id is not None else None
    return issue_token(settings, audience=AUD_POLICYHOLDER, subject=f"policyholder:{int(policyholder_id)}",
                       name=name, policyholder_id=policyholder_id, user_id=user_id,
                       ttl_seconds=ttl_seconds, now=now, extra_claims=extra)


def verify_token(settings: Settings, token: Any, *, audience: str, now: Optional[float] = None) -> Principal:
    if not isinstance(token, str) or not token or len(token) > 4096:
        raise AuthError("missing or malformed token")
    if not token.isascii():  # a JWT is base64url and dots; a lone surrogate made the JWT library raise
        raise AuthError("malformed token")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise AuthError("malformed token") from exc
    if header.get("alg") != ALGORITHM:
        raise AuthError("unexpected algorithm")
    secrets = [settings.auth.jwt_secret, *settings.auth.jwt_previous_secrets]
    kid = header.get("kid")
    if kid:
        secrets = [s for s in secrets if _kid(s) == kid] or secrets[:0]
    last_error: Exception = AuthError("unknown signing key")
    for secret in secrets:
        try:
            claims = jwt.decode(
                token,
                secret,
                algorithms=[ALGORITHM],
                audience=audience,
                issuer=settings.auth.jwt_issuer,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
                leeway=0,
            )
        except jwt.PyJWTError as exc:
            last_error = exc
            continue
        if now is not None and claims["exp"] <= now:
            raise AuthError("expired token")
        # one token, one audience: a list naming both would make it valid as agent *and* policyholder
        if claims.get("aud") != audience:
            raise AuthError("token for several audiences")
        policyholder = claims.get("ph")
        if isinstance(policyholder, bool):  # JSON true is an int in Python; never a policyholder id
            policyholder = None
        if audience == AUD_POLICYHOLDER and not isinstance(policyholder, int):
            raise AuthError("policyholder token without policyholder")
        return Principal(
            subject=str(claims["sub"]),
            audience=audience,
            name=str(claims.get("name", "")),
            policyholder_id=policyholder if isinstance(policyholder, int) else None,
            user_id=claims.get("uid") if isinstance(claims.get("uid"), int) else None,
            jti=str(claims.get("jti", "")),
            expires_at=int(claims["exp"]),
            referral_id=claims.get(REFERRAL_CLAIM) if type(claims.get(REFERRAL_CLAIM)) is int else None,
            roles=_roles(claims.get(ROLES_CLAIM)),
            call=claims.get(CALL_CLAIM) if isinstance(claims.get(CALL_CLAIM), str) else "",
        )
    raise AuthError(f"invalid token: {type(last_error).__name__}")


def _roles(value: Any) -> Tuple[str, ...]:
    """The roles of a token's ``roles`` claim: a list of short strings, anything else is no role."""
    if not isinstance(value, list):
        return ()
    return tuple(sorted({r for r in value if isinstance(r, str) and 0 < len(r) <= 64}))


# --- identity assertions carried in message metadata --------------------------------------

def _identity_mac(settings: Settings, payload: Mapping[str, Any]) -> str:
    body = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(settings.auth.identity_secret.encode(), body, hashlib.sha256).hexdigest()


def sign_identity(settings: Settings, identity: Identity, sender_id: str, *, now: Optional[float] = None) -> Dict[str, Any]:
    payload = {
        "policyholder_id": identity.policyholder_id,
        "user_id": identity.user_id,
        "channel": identity.channel,
        "name": identity.name,
        "sender_id": sender_id,
        "iat": int(now if now is not None else time.time()),
    }
    return {**payload, "sig": _identity_mac(settings, payload)}


def verify_identity(settings: Settings, metadata: Any, sender_id: str, *, now: Optional[float] = None,
                    max_age: int = IDENTITY_MAX_AGE_SECONDS) -> Optional[Identity]:
    """The verified identity in a message's metadata, or None (never raises)."""
    if not isinstance(metadata, Mapping):
        return None
    claim = metadata.get(IDENTITY_KEY)
    if not isinstance(claim, Mapping):
        return None
    sig = claim.get("sig")
    payload = {k: claim.get(k) for k in ("policyholder_id", "user_id", "channel", "name", "sender_id", "iat")}
    if not isinstance(sig, str) or not hmac.compare_digest(sig, _identity_mac(settings, payload)):
        return None
    if payload["sender_id"] != sender_id or not isinstance(payload["policyholder_id"], int):
        return None
    current = now if now is not None else time.time()
    if not isinstance(payload["iat"], int) or not (current - max_age <= payload["iat"] <= current + 60):
        return None
    return Identity(policyholder_id=payload["policyholder_id"], channel=str(payload["channel"]),
                    user_id=payload["user_id"] if isinstance(payload["user_id"], int) else None,
                    name=str(payload["name"] or ""))
