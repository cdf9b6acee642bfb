"""Facebook Messenger with X-Hub-Signature(-256) and account pairing.

Every POST must carry ``X-Hub-Signature-256`` (``sha256=`` HMAC of the raw body with the app
secret) or, failing that, the legacy ``X-Hub-Signature`` (``sha1=``); GET answers the webhook
verification challenge when ``hub.verify_token`` matches. The page-scoped id (``sender.id``) is
the channel user. Replies through Rasa's ``MessengerBot``: button template up to 3 buttons of
20 characters, numbered choices beyond; 2000 characters per message; no markdown.

Credentials::

    rasa_ext.channels.messenger.PairedMessengerInput:
      verify: ${MESSENGER_VERIFY_TOKEN}
      secret: ${MESSENGER_APP_SECRET}
      page-access-token: ${MESSENGER_PAGE_ACCESS_TOKEN}
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from fbmessenger import MessengerClient
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.facebook import FacebookInput, MessengerBot
from sanic import Blueprint, response
from sanic.request import Request

from bot.settings import get_settings
from rasa_ext.channels import http_guard
from rasa_ext.channels.messaging import PROFILES, AdaptedOutput, handle_inbound

logger = logging.getLogger(__name__)
CHANNEL = "messenger"


def valid_signature(secret: str, body: bytes, headers: Any) -> bool:
    sig256 = headers.get("X-Hub-Signature-256", "")
    if sig256.startswith("sha256="):
        expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(sig256[7:], expected)
    sig1 = headers.get("X-Hub-Signature", "")
    if sig1.startswith("sha1="):
        expected = hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()
        return hmac.compare_digest(sig1[5:], expected)
    return False


class PairedMessengerInput(FacebookInput):
    @classmethod
    def name(cls) -> Text:
        return "facebook"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        for key in ("verify", "secret", "page-access-token"):
            if not credentials.get(key):
                raise ValueError(f"messenger: missing credential {key!r}")
        channel = cls(credentials["verify"], credentials["secret"], credentials["page-access-token"])
        channel.api_base = credentials.get("api_base") or get_settings().channels.messenger.api_base or None
        return channel

    def get_output_channel(self) -> MessengerBot:
        client = MessengerClient(self.fb_access_token)
        if getattr(self, "api_base", None):
            client.graph_url = f"{self.api_base.rstrip('/')}/v{client.api_version}"
        return MessengerBot(client)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("paired_messenger_webhook", __name__)
        http_guard.attach(webhook)  # 64 KiB bodies, no version banners in production

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> Any:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> Any:
            token = request.args.get("hub.verify_token") or ""
            if request.args.get("hub.mode") == "subscribe" and hmac.compare_digest(token, self.fb_verify):
                return response.text(request.args.get("hub.challenge", ""))
            return response.text("forbidden", status=403)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Any:
            body = request.body or b""
            if not valid_signature(self.fb_secret, body, request.headers):
                return response.text("forbidden", status=403)
            try:
                payload = json.loads(body)
            except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: absurdly nested JSON
                return response.text("bad request", status=400)
            for entry in payload.get("entry") or [] if isinstance(payload, dict) else []:
                for event in (entry.get("messaging") or []) if isinstance(entry, dict) else []:
                    sender = (event.get("sender") or {}).get("id") if isinstance(event, dict) else None
                    message = event.get("message") or {}
                    if message.get("is_echo"):
                        continue
                    text = ((message.get("quick_reply") or {}).get("payload") or message.get("text")
                            or (event.get("postback") or {}).get("payload"))
                    if not isinstance(sender, str) or not isinstance(text, str):
                        continue
                    output = AdaptedOutput(self.get_output_channel(), PROFILES[CHANNEL], sender,
                                           f"{CHANNEL}:{sender}")
                    try:
                        await handle_inbound(CHANNEL, sender, text, output, on_new_message)
                    except Exception:
                        logger.exception("messenger event failed")
            return response.text("success")

        return webhook
