"""What every messaging channel (SMS/WhatsApp, Telegram, Messenger, Slack) shares.

Design (see docs/channels.md):

1. The channel subclass verifies the provider's signature on the raw request, then extracts the
   provider's user id (phone number, Telegram user id, page-scoped id, Slack user id) and the
   text. Nothing else from the payload is trusted.
2. :func:`handle_inbound`:
   - a message that is *only* a pairing code ("4F7K2Q", "code 4F7-K2Q") is intercepted here, before
     Rasa NLU: it is redeemed (:func:`bot.pairing.redeem_code`) and answered directly. No intent,
     no story: the code never reaches the tracker;
   - otherwise the channel user is looked up (:func:`bot.pairing.active_pairing`); the sender id is
     derived server-side (``<channel>-ph<ID>-<hash>`` when paired, ``<channel>-anon-<hash>``
     otherwise) and a paired user gets the same signed identity metadata as the web
     (:func:`bot.auth.sign_identity`). An unpaired user asking for account data gets the usual
     "sign in" answer, which :class:`AdaptedOutput` replaces with the pairing instructions.
3. :class:`AdaptedOutput` adapts every reply to the channel (buttons or numbered choices, length
   limits, markdown or not) and sends it through Rasa's built-in output channel to the real
   recipient.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import threading
import time
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import OutputChannel, UserMessage

from bot import pairing, ratelimit
from bot.inbound import MAX_MESSAGE_CHARS, screen
from bot.markdown import plain
from bot.wording.core import message_too_long
from bot.auth import Identity, sign_identity
from rasa_ext.channels.resilience import handle_guarded
from bot.settings import get_settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Profile:
    """How replies look on one channel."""

    channel: str
    max_chars: int
    markdown: str  # "none" (plain text) or "single" (*bold*, WhatsApp / Slack mrkdwn)
    buttons: str  # "native", "numbered"
    max_buttons: int = 10
    max_button_title: int = 60


PROFILES: Dict[str, Profile] = {
    "sms": Profile("sms", 1600, "none", "numbered"),
    "whatsapp": Profile("whatsapp", 1600, "single", "numbered"),
    "telegram": Profile("telegram", 4096, "none", "native", max_buttons=8, max_button_title=60),
    "messenger": Profile("messenger", 2000, "none", "native", max_buttons=3, max_button_title=20),
    "slack": Profile("slack", 3000, "single", "native", max_buttons=5, max_button_title=75),
}


# --- wording of the pairing flow (French, vouvoiement) -------------------------------------------

from bot.wording.pairing import TEMPLATES as TEXTS  # noqa: E402  (the French lives in bot/wording)


# --- identity --------------------------------------------------------------------------------------

def user_digest(channel: str, channel_user: str) -> str:
    secret = get_settings().auth.identity_secret
    return pairing.channel_user_hash(secret, channel, channel_user)[:24]


def sender_id_for(channel: str, channel_user: str, paired: Optional[pairing.ActivePairing]) -> str:
    digest = user_digest(channel, channel_user)
    if paired is not None:
        return f"{channel}-ph{paired.policyholder_id}-{digest}"
    return f"{channel}-anon-{digest}"


def metadata_for(channel: str, paired: Optional[pairing.ActivePairing], sender_id: str) -> Dict[str, Any]:
    metadata: Dict[str, Any] = {"channel": channel, "auth_status": "verified" if paired else "unpaired",
                                "paired": bool(paired),
                                "origin": f"{channel}:{sender_id.rsplit('-', 1)[-1]}"}  # the account's keyed hash
    if paired is not None:
        identity = Identity(policyholder_id=paired.policyholder_id, channel=channel, user_id=paired.user_id)
        metadata["identity"] = sign_identity(get_settings(), identity, sender_id)
    return metadata


def _db_call(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    from bot.store.db import get_engine, session_scope

    with session_scope(get_engine(get_settings().database.url)) as session:
        return func(session, get_settings().auth.identity_secret, *args, **kwargs)


# --- numbered choices (SMS, WhatsApp, too many buttons) -----------------------------------------

_CHOICES: Dict[str, tuple] = {}
_CHOICES_LOCK = threading.Lock()
CHOICES_TTL = 30 * 60


def _remember_choices(key: str, payloads: List[str]) -> None:
    with _CHOICES_LOCK:
        _CHOICES[key] = (time.time() + CHOICES_TTL, payloads)
        if len(_CHOICES) > 10000:
            for k in [k for k, (exp, _) in _CHOICES.items() if exp < time.time()]:
                _CHOICES.pop(k, None)


def _choice(key: str, text: str) -> Optional[str]:
    match = re.fullmatch(r"\s*(\d{1,2})\s*[.)]?\s*", text)
    if not match:
        return None
    with _CHOICES_LOCK:
        expires, payloads = _CHOICES.get(key, (0, []))
    index = int(match.group(1)) - 1
    if expires < time.time() or not 0 <= index < len(payloads):
        return None
    return payloads[index]


# --- inbound ---------------------------------------------------------------------------------------

async def handle_inbound(channel: str, channel_user: str, text: str, output: "AdaptedOutput",
                         on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
    """Pairing-code interception, identity and sender id, then hand the message to Rasa."""
    inbound = screen(text)
    text = inbound.text.strip()
    if not text and not inbound.too_long:
        return
    code = pairing.parse_code(text)
    account = f"{channel}:{user_digest(channel, channel_user)}"
    limiter = ratelimit.get_limiter()
    if code is not None:  # per channel account and per code typed (bot/pairing.py: no global lock)
        code_key = pairing.code_hash(get_settings().auth.identity_secret, code)[:32]
        limited = await limiter.acheck(("pairing_redeem", account), ("pairing_redeem_code", code_key))
    else:
        limited = await limiter.acheck(("messages_identity", account))
        if limited and inbound.long:  # a long message costs the NLU more: a few per minute (bot/inbound.py)
            limited = await limiter.acheck(("long_messages_identity", account))
    if not limited:
        logger.info("rate limit on %s (%s)", channel, limited.scope)
        if await limiter.acheck(("limit_notice", account)):
            from bot.wording.core import rate_limited

            await output.send_plain(rate_limited().as_message()["text"])
        return
    if inbound.too_long:  # never handed to the assistant, never cut: the person is told why
        await output.send_plain(message_too_long(MAX_MESSAGE_CHARS).as_message()["text"])
        return
    if code is not None:
        try:
            result = await asyncio.to_thread(_db_call, pairing.redeem_code, channel, channel_user, code)
            outcome = result.outcome
        except Exception:
            logger.exception("pairing code redemption failed on %s", channel)
            outcome = "unavailable"
        logger.info("pairing attempt on %s: %s", channel, outcome)
        await output.send_plain(TEXTS.get(outcome, TEXTS["invalid"]))
        return
    try:
        paired = await asyncio.to_thread(_db_call, pairing.active_pairing, channel, channel_user)
    except Exception:
        logger.exception("pairing lookup failed on %s", channel)
        paired = None
    chosen = _choice(output.choices_key, text)
    if chosen is not None:
        text = chosen
    sender_id = sender_id_for(channel, channel_user, paired)
    output.paired = paired is not None
    await handle_guarded(on_new_message, UserMessage(text, output, sender_id, input_channel=channel,
                                                     metadata=metadata_for(channel, paired, sender_id)))


# --- outbound --------------------------------------------------------------------------------------

_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")


def adapt_text(text: str, profile: Profile) -> str:
    text = plain(_LINK.sub(r"\1 (\2)", text or ""))  # no Markdown escapes on SMS & co (bot/markdown.py)
    if profile.markdown == "single":
        text = _BOLD.sub(lambda m: f"*{m.group(1) or m.group(2)}*", text)
    else:
        text = _BOLD.sub(lambda m: m.group(1) or m.group(2), text)
        text = re.sub(r"(?<![\w*])\*(\S[^*\n]*?)\*(?![\w*])", r"\1", text)
        text = re.sub(r"(?m)^\s*[-*]\s+", "• ", text)
        text = text.replace("`", "")
    # paragraphs: one line break (each "\n\n" would become a separate SMS / bubble)
    text = re.sub(r"\n\s*\n+", "\n", text).strip()
    return text


def split_text(text: str, limit: int) -> List[str]:
    parts: List[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:cut].rstrip())
            line = line[cut:].lstrip()
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current:
        parts.append(current)
    return [p for p in parts if p.strip()]


class AdaptedOutput(OutputChannel):
    """Sends Rasa's replies to one channel user through a built-in output channel.

    ``recipient`` is the provider address (phone number, chat id...); the Rasa sender id passed to
    ``send_response`` is the derived conversation id and is ignored for delivery.
    """

    def __init__(self, inner: OutputChannel, profile: Profile, recipient: Text, choices_key: Text,
                 button_sender: Optional[Callable[..., Awaitable[Any]]] = None) -> None:
        super().__init__()
        self.inner = inner
        self.profile = profile
        self.recipient = recipient
        self.choices_key = choices_key
        self.paired = False
        self.button_sender = button_sender
        self.sent: List[Dict[str, Any]] = []

    @classmethod
    def name(cls) -> Text:
        return "adapted"

    async def send_plain(self, text: str) -> None:
        for part in split_text(adapt_text(text, self.profile), self.profile.max_chars):
            await self.inner.send_text_message(self.recipient, part)

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        text = message.get("text") or ""
        buttons = message.get("buttons") or message.get("quick_replies") or []
        if message.get("image"):
            text = f"{text}\n{message['image']}".strip()
        text = adapt_text(text, self.profile)
        native = (self.profile.buttons == "native" and buttons and len(buttons) <= self.profile.max_buttons
                  and all(len(b.get("title", "")) <= self.profile.max_button_title for b in buttons))
        if buttons and not native:
            lines = [f"{i}. {adapt_text(b.get('title', ''), self.profile)}" for i, b in enumerate(buttons, 1)]
            text = "\n".join([text, *lines, "Répondez par le numéro de votre choix."]).strip()
            _remember_choices(self.choices_key, [str(b.get("payload", b.get("title", ""))) for b in buttons])
        parts = split_text(text, self.profile.max_chars) or ([""] if native else [])
        for index, part in enumerate(parts):
            if native and index == len(parts) - 1:
                clean = [{"title": adapt_text(b.get("title", ""), self.profile), "payload": b.get("payload", "")}
                         for b in buttons]
                if self.button_sender is not None:
                    await self.button_sender(self.recipient, part, clean)
                else:
                    await self.inner.send_text_with_buttons(self.recipient, part, clean)
            else:
                await self.inner.send_text_message(self.recipient, part)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})


def hashed(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:16]
