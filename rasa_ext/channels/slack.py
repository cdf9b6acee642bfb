"""Slack (Events API + interactivity) with the signing secret and account pairing.

Every request must carry ``X-Slack-Signature`` = ``v0=`` HMAC-SHA256 of ``v0:<timestamp>:<raw
body>`` with the signing secret, and ``X-Slack-Request-Timestamp`` within 5 minutes (replays).
Direct messages (``message`` events without ``bot_id``/``subtype``) and button clicks
(``block_actions``) are served; Slack retries (``X-Slack-Retry-Num``) are acknowledged and
dropped. The Slack user id is the channel user. Replies through Rasa's ``SlackBot`` (blocks with
buttons, mrkdwn ``*bold*``), 3000 characters per message.

Credentials::

    rasa_ext.channels.slack.PairedSlackInput:
      slack_token: ${SLACK_BOT_TOKEN}
      slack_signing_secret: ${SLACK_SIGNING_SECRET}
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from typing import Any, Awaitable, Callable, Dict, Optional, Text
from urllib.parse import parse_qs

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.slack import SlackBot, SlackInput
from sanic import Blueprint, response
from sanic.request import Request
from slack_sdk.web.async_client import AsyncWebClient

from bot.settings import get_settings
from rasa_ext.channels import http_guard
from rasa_ext.channels.messaging import PROFILES, AdaptedOutput, handle_inbound

logger = logging.getLogger(__name__)
CHANNEL = "slack"
MAX_SKEW = 300


def valid_signature(secret: str, body: bytes, headers: Any, now: Optional[float] = None) -> bool:
    timestamp = headers.get("X-Slack-Request-Timestamp", "")
    signature = headers.get("X-Slack-Signature", "")
    try:
        ts = int(timestamp)
    except ValueError:
        return False
    if abs((now or time.time()) - ts) > MAX_SKEW:
        return False
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(signature, expected)


class PairedSlackInput(SlackInput):
    @classmethod
    def name(cls) -> Text:
        return "slack"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        for key in ("slack_token", "slack_signing_secret"):
            if not credentials.get(key):
                raise ValueError(f"slack: missing credential {key!r}")
        channel = cls(credentials["slack_token"], slack_signing_secret=credentials["slack_signing_secret"])
        channel.api_base = credentials.get("api_base") or get_settings().channels.slack.api_base or None
        return channel

    def _output(self, slack_channel: Text) -> SlackBot:
        bot = SlackBot(self.slack_token, slack_channel)
        if getattr(self, "api_base", None):
            bot.client = AsyncWebClient(self.slack_token, base_url=self.api_base.rstrip("/") + "/")
        return bot

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("paired_slack_webhook", __name__)
        http_guard.attach(webhook)  # 64 KiB bodies, no version banners in production

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> Any:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Any:
            body = request.body or b""
            if not valid_signature(self.slack_signing_secret, body, request.headers):
                return response.text("forbidden", status=403)
            if request.headers.get("X-Slack-Retry-Num"):
                return response.text("", status=200)
            user = channel = text = None
            if "application/x-www-form-urlencoded" in (request.content_type or ""):
                raw = parse_qs(body.decode("utf-8", "replace")).get("payload", ["{}"])[0]
                try:
                    payload = json.loads(raw)
                except (ValueError, RecursionError):  # RecursionError: absurdly nested JSON
                    return response.text("bad request", status=400)
                if not isinstance(payload, dict):
                    return response.text("bad request", status=400)
                actions = payload.get("actions") or []
                if payload.get("type") == "block_actions" and actions:
                    user = (payload.get("user") or {}).get("id")
                    channel = (payload.get("channel") or {}).get("id")
                    text = actions[0].get("value")
            else:
                try:
                    payload = json.loads(body)
                except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: absurdly nested JSON
                    return response.text("bad request", status=400)
                if not isinstance(payload, dict):
                    return response.text("bad request", status=400)
                if payload.get("type") == "url_verification":
                    return response.json({"challenge": payload.get("challenge")})
                event = payload.get("event") or {}
                if (payload.get("type") == "event_callback" and event.get("type") == "message"
                        and not event.get("bot_id") and not event.get("subtype")):
                    user, channel, text = event.get("user"), event.get("channel"), event.get("text")
            if not all(isinstance(v, str) and v for v in (user, channel, text)):
                return response.text("", status=200)
            output = AdaptedOutput(self._output(channel), PROFILES[CHANNEL], channel, f"{CHANNEL}:{user}")
            try:
                await handle_inbound(CHANNEL, user, text, output, on_new_message)
            except Exception:
                logger.exception("slack event failed")
            return response.text("", status=200)

        return webhook
