"""REST input channel with verified identity (for integrations, tests and benchmarks).

``POST /webhooks/secure_rest/webhook`` with ``{"sender": "...", "message": "..."}`` and,
for account data, ``Authorization: Bearer <policyholder token>``. Like the socket.io
channel, client metadata is dropped and the conversation id is derived server-side.
"""
from __future__ import annotations

import json
from typing import Any, Awaitable, Callable, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request

from bot import ratelimit
from bot.inbound import MAX_MESSAGE_CHARS, screen, valid_id
from bot.wording.core import message_too_long
from rasa_ext.channels import http_guard
from rasa_ext.patches import memory_trim
from rasa_ext.channels.resilience import handle_guarded
from rasa_ext.channels.secure_socketio import channel_metadata, check_token, conversation_id, message_limit_key

CHANNEL_NAME = "rest"


def _too_many(decision: ratelimit.Decision) -> Any:
    body, headers = ratelimit.http_refusal(decision)
    return response.json(body, status=429, headers=headers)


class SecureRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "secure_rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("secure_rest_webhook", __name__)
        http_guard.attach(webhook)  # 64 KiB bodies, no version banners in production
        memory_trim.attach(webhook)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> Any:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Any:
            ip = ratelimit.client_ip(request.remote_addr or request.ip, request.headers.get("X-Forwarded-For"))
            limited = await ratelimit.get_limiter().acheck(("messages_ip", ip))
            if not limited:
                return _too_many(limited)
            try:
                payload = json.loads(request.body or b"")
            except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: absurdly nested JSON
                return response.json({"error": "Le corps de la requête doit être du JSON valide."}, status=400)
            if not isinstance(payload, dict):
                return response.json({"error": "Le corps doit être un objet JSON."}, status=400)
            sender, text = payload.get("sender"), payload.get("message")
            if not valid_id(sender):
                return response.json({"error": "Champ 'sender' manquant ou invalide."}, status=400)
            if not isinstance(text, str):
                return response.json({"error": "Champ 'message' manquant ou invalide."}, status=400)
            inbound = screen(text)
            if inbound.too_long:  # never handed to the assistant, never cut: the person is told why
                return response.json({"error": message_too_long(MAX_MESSAGE_CHARS).as_message()["text"]}, status=413)
            header = request.headers.get("Authorization", "")
            token = header[7:].strip() if header.lower().startswith("bearer ") else None
            principal, status = check_token(token)
            if token and principal is None:
                return response.json({"error": "Jeton invalide ou expiré."}, status=401)
            sender_id = conversation_id(principal, sender, CHANNEL_NAME)
            key = message_limit_key(principal, sender_id)
            limited = await ratelimit.get_limiter().acheck(("messages_identity", key))
            if limited and inbound.long:  # a long message costs the NLU more: a few per minute (bot/inbound.py)
                limited = await ratelimit.get_limiter().acheck(("long_messages_ip", ip), ("long_messages_identity", key))
            if not limited:
                return _too_many(limited)
            collector = CollectingOutputChannel()
            await handle_guarded(on_new_message, UserMessage(inbound.text, collector, sender_id,
                                             input_channel=CHANNEL_NAME,
                                             metadata=channel_metadata(principal, status, sender_id, ip)))
            return response.json(collector.messages)

        return webhook
