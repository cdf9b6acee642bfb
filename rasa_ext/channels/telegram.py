"""Telegram with the secret-token check and account pairing.

Rasa's ``TelegramInput`` only compares the bot's username (``verify``) with ``getMe`` -- anybody
who knows the webhook URL can post updates. Here every update must carry the header
``X-Telegram-Bot-Api-Secret-Token`` equal to ``secret_token`` (set with ``setWebhook``), compared
in constant time. Only private chats are served; the Telegram user id (``from.id``) is the channel
user. Replies go through Rasa's ``TelegramOutput`` (inline keyboard for buttons).

Credentials (rendered from TELEGRAM_* variables by scripts/render_credentials.py)::

    rasa_ext.channels.telegram.PairedTelegramInput:
      access_token: ${TELEGRAM_TOKEN}
      verify: ${TELEGRAM_BOT_NAME}
      secret_token: ${TELEGRAM_SECRET_TOKEN}
      webhook_url: ${TELEGRAM_WEBHOOK_URL}
"""
from __future__ import annotations

import hmac
import json
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.telegram import TelegramInput, TelegramOutput
from sanic import Blueprint, response
from sanic.request import Request

from bot.settings import get_settings
from rasa_ext.channels import http_guard
from rasa_ext.channels.messaging import PROFILES, AdaptedOutput, handle_inbound

logger = logging.getLogger(__name__)
CHANNEL = "telegram"


class _Output(TelegramOutput):
    def __init__(self, access_token: Text, api_base: Optional[Text] = None) -> None:
        from aiogram import Bot
        from aiogram.bot.api import TelegramAPIServer

        server = TelegramAPIServer.from_base(api_base) if api_base else None
        if server is not None:
            Bot.__init__(self, access_token, server=server)
        else:
            Bot.__init__(self, access_token)


class PairedTelegramInput(TelegramInput):
    @classmethod
    def name(cls) -> Text:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        for key in ("access_token", "secret_token"):
            if not credentials.get(key):
                raise ValueError(f"telegram: missing credential {key!r}")
        channel = cls(credentials["access_token"], credentials.get("verify"), credentials.get("webhook_url"))
        channel.secret_token = str(credentials["secret_token"])
        # tests point this at a local fake of api.telegram.org
        channel.api_base = credentials.get("api_base") or get_settings().channels.telegram.api_base or None
        return channel

    def get_output_channel(self) -> TelegramOutput:
        # No setWebhook at start-up (no network call on boot): see docs/channels.md.
        return _Output(self.access_token, getattr(self, "api_base", None))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("paired_telegram_webhook", __name__)
        http_guard.attach(webhook)  # 64 KiB bodies, no version banners in production

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> Any:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Any:
            given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
            if not hmac.compare_digest(given.encode(), self.secret_token.encode()):
                return response.text("forbidden", status=403)
            try:
                update = json.loads(request.body or b"")
            except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: absurdly nested JSON
                return response.text("bad request", status=400)
            if not isinstance(update, dict):
                return response.text("bad request", status=400)
            callback = update.get("callback_query")
            if isinstance(callback, dict):
                message, user, text = callback.get("message") or {}, callback.get("from") or {}, callback.get("data")
            else:
                message = update.get("message") or {}
                user, text = message.get("from") or {}, message.get("text")
            chat = message.get("chat") or {} if isinstance(message, dict) else {}
            if (not isinstance(text, str) or not isinstance(user, dict) or not isinstance(user.get("id"), int)
                    or user.get("is_bot") or chat.get("type") != "private" or not isinstance(chat.get("id"), int)):
                return response.text("success")  # edits, groups, stickers...: acknowledged, ignored
            if text.strip() == "/start":
                text = "bonjour"
            output = AdaptedOutput(self.get_output_channel(), PROFILES[CHANNEL], str(chat["id"]),
                                   f"{CHANNEL}:{user['id']}")
            try:
                await handle_inbound(CHANNEL, str(user["id"]), text, output, on_new_message)
            except Exception:
                logger.exception("telegram update failed")
            finally:
                await output.inner.close()  # aiogram session of this request
            return response.text("success")

        return webhook
