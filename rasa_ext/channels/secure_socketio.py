"""Socket.io input channel for the web page, with verified identity.

What it does differently from Rasa's ``SocketIOInput``:

- The signed token (``bot.auth``) is checked when the socket connects (``?token=`` in the
  socket URL or the socket.io ``auth`` payload) **and** on every message (``customData.token``,
  which rasa-webchat sends with each message). An expired or forged token is never trusted.
- Metadata sent by the client is dropped. The channel writes its own metadata: an HMAC-signed
  identity assertion bound to the conversation (only when the token is valid) and an
  ``auth_status`` used to word the sign-in answer.
- The conversation id (Rasa ``sender_id``) is derived here, never taken as is from the client:
  ``web-ph<ID>-<session>`` when signed in, ``web-anon-<session>`` otherwise. A client that
  guesses another session id still lands in a different conversation.
"""
from __future__ import annotations

import hashlib
import inspect
import logging
import re
import uuid
from typing import Any, Awaitable, Callable, Dict, Optional, Text
from urllib.parse import parse_qs

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import response
from socketio import AsyncServer

from bot import ratelimit
from bot.inbound import MAX_MESSAGE_CHARS, origin, screen
from bot.wording.core import message_too_long
from rasa_ext.channels import http_guard
from rasa_ext.patches import memory_trim
from rasa_ext.channels.resilience import handle_guarded
from bot import referral
from bot.auth import AUD_POLICYHOLDER, AuthError, Identity, sign_identity, verify_token
from bot.settings import get_settings

logger = logging.getLogger(__name__)

_SESSION_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
CHANNEL_NAME = "web"


def _token_from(environ: Optional[Dict[str, Any]], auth: Optional[Dict[str, Any]]) -> Optional[str]:
    if isinstance(auth, dict) and isinstance(auth.get("token"), str):
        return auth["token"]
    query = (environ or {}).get("QUERY_STRING", "")
    values = parse_qs(query).get("token")
    return values[0] if values else None


def check_token(token: Optional[str]) -> tuple:
    """(principal or None, auth_status) where status is none / verified / expired / invalid."""
    if not token:
        return None, "none"
    try:
        return verify_token(get_settings(), token, audience=AUD_POLICYHOLDER), "verified"
    except AuthError as exc:
        status = "expired" if "Expired" in str(exc) or "expired" in str(exc) else "invalid"
        return None, status


def conversation_id(principal: Any, session_id: str, channel: str = CHANNEL_NAME) -> str:
    """Rasa's sender id, derived here: ``<channel>-ph<ID>-<digest>`` signed in, ``<channel>-anon-<digest>`` not."""
    digest = hashlib.sha256(session_id.encode()).hexdigest()[:24]
    if principal is not None:
        return f"{channel}-ph{principal.policyholder_id}-{digest}"
    return f"{channel}-anon-{digest}"


def peer_ip(environ: Optional[Dict[str, Any]]) -> str:
    """The client IP of a socket.io connection (engineio's Sanic driver puts the request in the environ)."""
    request = (environ or {}).get("sanic.request")
    peer = (getattr(request, "remote_addr", "") or getattr(request, "ip", "")) if request is not None else ""
    return ratelimit.client_ip(peer or None, (environ or {}).get("HTTP_X_FORWARDED_FOR"))


def message_limit_key(principal: Any, sender_id: str) -> str:
    """Whose allowance a message uses: the verified policyholder, else the (anonymous) conversation."""
    return f"ph:{principal.policyholder_id}" if principal is not None else f"conv:{sender_id}"


def channel_metadata(principal: Any, auth_status: str, sender_id: str, ip: Optional[str] = None) -> Dict[str, Any]:
    metadata: Dict[str, Any] = {"auth_status": auth_status, "channel": CHANNEL_NAME}
    source = origin("ip", ip, get_settings().auth.identity_secret)  # a keyed hash, never the address
    if source:
        metadata["origin"] = source
    if principal is not None:
        identity = Identity(policyholder_id=principal.policyholder_id, channel=CHANNEL_NAME,
                            user_id=principal.user_id, name=principal.name)
        metadata["identity"] = sign_identity(get_settings(), identity, sender_id)
        if getattr(principal, "referral_id", None) is not None:  # opened from an agent's referral link
            metadata[referral.METADATA_KEY] = referral.sign_claim(get_settings(), principal.referral_id,
                                                                  principal.policyholder_id, sender_id)
    return metadata


class SecureSocketIOInput(SocketIOInput):
    @classmethod
    def name(cls) -> Text:
        # Same name as the ``input_channel`` of its messages, so that Rasa's ``output_channel=latest``
        # (HTTP API, used by the agent desk) finds this channel and reaches the person's socket room.
        return CHANNEL_NAME

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> SocketBlueprint:
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=[], max_http_buffer_size=64 * 1024)
        blueprint = SocketBlueprint(sio, self.socketio_path, "secure_socketio_webhook", __name__)
        http_guard.attach(blueprint)  # 64 KiB bodies, no version banners in production
        memory_trim.attach(blueprint)
        self.sio = sio

        @blueprint.route("/", methods=["GET"])
        async def health(_: Any) -> Any:
            return response.json({"status": "ok"})

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: Text, environ: Dict, auth: Optional[Dict] = None) -> bool:
            principal, status = check_token(_token_from(environ, auth))
            await sio.save_session(sid, {"connect_status": status, "ip": peer_ip(environ), "principal": principal},
                                   namespace=self.namespace)
            logger.debug("socket %s connected (auth: %s)", sid, status)
            return True  # anonymous visitors may still ask general questions

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Optional[Dict] = None) -> None:
            session_id = data.get("session_id") if isinstance(data, dict) else None
            if not isinstance(session_id, str) or not _SESSION_RE.match(session_id):
                session_id = uuid.uuid4().hex
            session = await sio.get_session(sid, namespace=self.namespace)
            session["session_id"] = session_id
            await sio.save_session(sid, session, namespace=self.namespace)
            # a page reloaded while an agent holds the conversation: rejoin its room at once, so the
            # agent's replies arrive before the person types again (identity from the connect token)
            joined = sio.enter_room(sid, conversation_id(session.get("principal"), session_id), namespace=self.namespace)
            if inspect.isawaitable(joined):
                await joined
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: Text, data: Any = None) -> None:  # an empty emit carries no data
            if not isinstance(data, dict):
                return
            session = await sio.get_session(sid, namespace=self.namespace)
            session_id = session.get("session_id")
            if not session_id:
                session_id = data.get("session_id") if isinstance(data.get("session_id"), str) else None
                if not session_id or not _SESSION_RE.match(session_id):
                    session_id = uuid.uuid4().hex
                session["session_id"] = session_id
                await sio.save_session(sid, session, namespace=self.namespace)
            custom = data.get(self.metadata_key)
            token = custom.get("token") if isinstance(custom, dict) else None
            principal, status = check_token(token if isinstance(token, str) else None)
            sender_id = conversation_id(principal, session_id)
            joined = sio.enter_room(sid, sender_id, namespace=self.namespace)
            if inspect.isawaitable(joined):  # a coroutine in recent python-socketio
                await joined
            limited = await ratelimit.get_limiter().acheck(
                ("messages_ip", session.get("ip")), ("messages_identity", message_limit_key(principal, sender_id)))
            if not limited:
                from bot.wording.core import rate_limited

                await sio.emit(self.bot_message_evt, rate_limited().as_message(), room=sid, namespace=self.namespace)
                return
            text = data.get("message", "")
            inbound = screen(text if isinstance(text, str) else "")
            if inbound.too_long:  # never handed to the assistant, never cut: the person is told why
                await sio.emit(self.bot_message_evt, message_too_long(MAX_MESSAGE_CHARS).as_message(), room=sid,
                               namespace=self.namespace)
                return
            if inbound.long and not await ratelimit.get_limiter().acheck(  # a long message costs the NLU more
                    ("long_messages_ip", session.get("ip")),
                    ("long_messages_identity", message_limit_key(principal, sender_id))):
                from bot.wording.core import rate_limited

                await sio.emit(self.bot_message_evt, rate_limited().as_message(), room=sid, namespace=self.namespace)
                return
            message = UserMessage(
                inbound.text,
                SocketIOOutput(sio, self.bot_message_evt),
                sender_id,
                input_channel=CHANNEL_NAME,
                metadata=channel_metadata(principal, status, sender_id, session.get("ip")),
            )
            await handle_guarded(on_new_message, message)  # an answer in bounded time, even on faults

        return blueprint
