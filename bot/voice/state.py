"""The state of one phone call between two webhooks, signed and carried by Twilio.

Twilio calls the voice webhook once per turn. What the channel must remember from one turn to
the next (who the caller was verified to be, silences and misunderstandings in a row, a text
waiting for a yes, the options just spoken, the step of the one-time code) travels in the
``<Gather action="…?s=…">`` URL: :func:`encode` writes it as base64url JSON plus an HMAC-SHA256
bound to the call's ``CallSid`` (:func:`decode` refuses a state of another call, a forged or
an old one). No replica keeps call memory, so any replica can take the next turn.

The state holds no secret and no account data: a policyholder id (usable only with the signature,
for this call), counters, and at most the words the caller just said. The identity it carries was
verified once, by the channel (agent transfer token or one-time code), exactly like a web token:
the channel signs a fresh identity assertion (:func:`bot.auth.sign_identity`) for each turn from it.
No Rasa import.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Optional, Tuple

MAX_AGE_SECONDS = 4 * 3600  # a call longer than this starts again as unverified
MAX_TOKEN_CHARS = 3000


@dataclass(frozen=True)
class CallState:
    policyholder_id: Optional[int] = None
    name: str = ""
    verified_by: str = ""                 # "transfer" or "code"
    silences: int = 0                     # silent turns in a row
    misses: int = 0                       # misunderstood turns in a row
    pending: str = ""                     # words waiting for a yes ("confirm" says what they are)
    confirm: str = ""                     # "heard" (low confidence) or "phone" (callback number)
    options: Tuple[Tuple[str, str], ...] = field(default=())  # (spoken title, payload) just offered
    verify: str = ""                      # one-time code flow: "siren", "code", or ""
    failures: int = 0                     # wrong codes in this call
    codes: int = 0                        # one-time codes sent in this call
    prompt: str = ""                      # the channel's own last prompt (for "répétez"); "" = the assistant's
    greeted: bool = False
    iat: int = 0

    def with_(self, **changes: Any) -> "CallState":
        return replace(self, **changes)


def call_key(secret: str, call_sid: str) -> str:
    """What identifies a call outside Twilio (logs, conversation ids): an HMAC of its CallSid."""
    return hmac.new(secret.encode(), f"voice-call:{call_sid}".encode(), hashlib.sha256).hexdigest()[:24]


def _mac(secret: str, call_sid: str, body: str) -> str:
    return hmac.new(secret.encode(), f"voice-state:{call_sid}:{body}".encode(), hashlib.sha256).hexdigest()[:32]


def encode(secret: str, call_sid: str, state: CallState, *, now: Optional[float] = None) -> str:
    data = asdict(state.with_(iat=state.iat or int(now if now is not None else time.time())))
    data = {k: v for k, v in data.items() if v not in ("", 0, (), None, False) or k == "iat"}
    body = base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()).decode()
    body = body.rstrip("=")
    return f"{body}.{_mac(secret, call_sid, body)}"


def decode(secret: str, call_sid: str, token: Any, *, now: Optional[float] = None,
           max_age: int = MAX_AGE_SECONDS) -> Optional[CallState]:
    """The state of this call, or None (absent, forged, of another call, too old)."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS or "." not in token:
        return None
    body, _, sig = token.rpartition(".")
    if not hmac.compare_digest(sig, _mac(secret, call_sid, body)):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    current = now if now is not None else time.time()
    iat = data.get("iat")
    if not isinstance(iat, int) or not current - max_age <= iat <= current + 60:
        return None
    known = set(CallState.__dataclass_fields__)
    data = {k: v for k, v in data.items() if k in known}
    data["options"] = tuple(tuple(o) for o in data.get("options") or () if isinstance(o, list) and len(o) == 2)
    try:
        return CallState(**data)
    except TypeError:
        return None
