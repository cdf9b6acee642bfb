"""What a channel accepts from an end user before the text reaches Rasa (every public channel).

- **Length**: at most :data:`MAX_MESSAGE_CHARS` (1 000) characters. A longer message is not handed to
  the assistant (NLU cost grows with the number of tokens: 4 000 short tokens took the Rasa server
  0.2–0.5 s, and two such clients raised everyone's latency); the person gets a polite French answer
  saying so (:func:`bot.wording.core.message_too_long`), nothing is cut silently.
- **Long messages** (over :data:`LONG_MESSAGE_CHARS`, 300 characters): accepted, but a sender (and a client
  address) may send only a few per minute (``RATE_LIMIT_LONG_MESSAGES_IDENTITY`` / ``_IP``), so that the NLU
  cost one client imposes on the others stays bounded.
- **Request bodies**: at most :data:`MAX_BODY_BYTES` (64 KiB) on the channels' HTTP endpoints (413).
- **``/intent{…}`` payloads**: Rasa reads a text that starts with ``/`` as an intent with entities,
  bypassing the NLU, and logs the raw text when it cannot parse it. End users may send only the payloads
  of the project's own buttons (:data:`BUTTON_PAYLOADS`: the intent and, for each entity, the shape of
  its value, as built by ``bot/wording`` and ``domain.yml``). Any other text starting with ``/`` is
  handed over as plain text without its leading slashes (``/restart`` → ``restart``): the NLU answers
  it like any sentence, Rasa's own commands (``/restart``, ``/session_start``) and slot injection
  (``/ask_fees{"policyholder_id": 3}``) never reach the dialogue engine.

No Rasa import.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional

MAX_MESSAGE_CHARS = 1000
# a message longer than this costs the NLU several times a usual one: a sender gets only a few per minute
# (RATE_LIMIT_LONG_MESSAGES_*): measured by bench/latency.py's hostile mix (docs/benchmarks.md)
LONG_MESSAGE_CHARS = 300
MAX_BODY_BYTES = 64 * 1024
MAX_PAYLOAD_CHARS = 300

_NAME = re.compile(r"^[^\x00-\x1f\x7f{}\u2028\u2029]{1,120}$")  # a buyer's name, as the store spells it


def _text(pattern: str) -> Callable[[Any], bool]:
    compiled = re.compile(pattern)
    return lambda value: isinstance(value, str) and bool(compiled.fullmatch(value))


def _name(value: Any) -> bool:
    return isinstance(value, str) and bool(_NAME.match(value)) and value.strip() == value


def _page(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 10_000


_REF = _text(r"[A-Z]{2,5}-\d{4}-\d{3,8}")

# intent -> {entity: check of its value}: the payloads of the project's buttons (bot/wording, domain.yml)
BUTTON_PAYLOADS: Dict[str, Dict[str, Callable[[Any], bool]]] = {
    "greet": {},
    "affirm": {"callback_slot": _text(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"), "csat_score": _text(r"[1-5]")},
    "deny": {},
    "ask_claim_status": {"claim_ref": _REF, "buyer": _name},
    "ask_advance_indemnification": {"claim_ref": _REF},
    "list_claims": {"status": _text(r"[a-z_]{1,20}"), "page": _page},
    "declare_unpaid": {"buyer": _name},
    "ask_claim_process": {},
    "ask_fees": {},
    "ask_guarantee": {"buyer": _name},
    "ask_cap": {"cap_date": _text(r"\d{4}-\d{2}-\d{2}")},
    "request_human": {},
    "referral_greet": {},  # sent once by the page after a referral link (actions/referral.py ignores entities)
    "complain": {},
    "ask_term": {},
    "ask_claim_payout": {},
    "ask_sign_in": {},
    "ask_opening_hours": {},
    "express_worry": {},
    "goodbye": {},
    "thank": {},
    "show_detail": {},  # « Voir le détail » / « Voir la suite » (bot/wording/reply.py)
}

# options whose payload a channel consumes itself and never hands to Rasa (typed, they are plain text)
CHANNEL_ONLY_PAYLOADS = frozenset({"/voice_code"})  # the phone's « Recevoir le code » (rasa_ext/channels/voice.py)

_PAYLOAD = re.compile(r"/(?P<intent>[a-z_]{1,40})(?P<entities>\{.*\})?", re.DOTALL)


def is_button_payload(text: str) -> bool:
    """True when ``text`` is exactly the payload of one of the project's buttons."""
    if not isinstance(text, str) or len(text) > MAX_PAYLOAD_CHARS:
        return False
    match = _PAYLOAD.fullmatch(text)
    if match is None or match.group("intent") not in BUTTON_PAYLOADS:
        return False
    if match.group("entities") is None:
        return True
    allowed = BUTTON_PAYLOADS[match.group("intent")]
    try:
        entities = json.loads(match.group("entities"))
    except ValueError:
        return False
    return (isinstance(entities, dict) and 0 < len(entities) <= 2
            and all(key in allowed and allowed[key](value) for key, value in entities.items()))


@dataclass(frozen=True)
class Inbound:
    """A message as the channel hands it to Rasa (``text``), or why it does not (``too_long``)."""

    text: str
    too_long: bool = False
    payload_refused: bool = False

    @property
    def long(self) -> bool:
        """Accepted, but long enough to count against the long-message limits."""
        return len(self.text) > LONG_MESSAGE_CHARS


_SURROGATE = re.compile(r"[\ud800-\udfff]")
_ID_BAD = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")


def valid_id(value: Any, max_chars: int = 128) -> bool:
    """A client-chosen id (REST ``sender``, session id): text of 1 to ``max_chars`` characters that can be
    stored and hashed (no control character, no lone surrogate: JSON's ``"\\ud800"`` is not UTF-8)."""
    return isinstance(value, str) and 0 < len(value) <= max_chars and not _ID_BAD.search(value)


def screen(text: Optional[str], limit: int = MAX_MESSAGE_CHARS) -> Inbound:
    """Apply the rules above to what an end user typed (NUL characters are dropped, a lone surrogate, which
    JSON allows and UTF-8 cannot hold, becomes U+FFFD)."""
    text = _SURROGATE.sub("\ufffd", (text if isinstance(text, str) else "").replace("\x00", ""))
    if len(text) > limit:
        return Inbound("", too_long=True)
    stripped = text.strip()
    if stripped.startswith("/") and not is_button_payload(stripped):
        return Inbound(stripped.lstrip("/").strip(), payload_refused=True)
    return Inbound(text)


def origin(kind: str, value: Optional[str], secret: str) -> Optional[str]:
    """A keyed hash of where a message comes from (``ip`` and the client address, or a messaging account),
    written by the channel into the message metadata: the hand-over limits and the agent desk's grouping of
    duplicates use it without storing the address itself."""
    if not value:
        return None
    digest = hmac.new(secret.encode(), f"origin:{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:20]
    return f"{kind}:{digest}"
