"""SMS and WhatsApp through Twilio, with X-Twilio-Signature and account pairing.

Rasa's ``TwilioInput`` does not check the signature: anybody could post a message "from" any
phone number. Here every request must carry a valid ``X-Twilio-Signature`` (HMAC-SHA1 of the
public webhook URL and the sorted form parameters with the auth token, checked by Twilio's
``RequestValidator``). ``webhook_url`` must be the exact URL configured in Twilio (behind a proxy
the URL Sanic sees differs). ``From`` is the channel user; ``whatsapp:+33...`` makes it the
``whatsapp`` channel, otherwise ``sms``. Replies go through Rasa's ``TwilioOutput``: numbered
choices instead of buttons, 1600 characters per message.

Credentials::

    rasa_ext.channels.twilio.PairedTwilioInput:
      account_sid: ${TWILIO_ACCOUNT_SID}
      auth_token: ${TWILIO_AUTH_TOKEN}
      twilio_number: ${TWILIO_NUMBER}
      whatsapp_number: ${TWILIO_WHATSAPP_NUMBER}   # optional
      webhook_url: ${TWILIO_WEBHOOK_URL}
"""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text
from urllib.parse import parse_qsl

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.twilio import TwilioInput, TwilioOutput
from sanic import Blueprint, response
from sanic.request import Request
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator

from bot.settings import get_settings
from rasa_ext.channels import http_guard
from rasa_ext.channels.messaging import PROFILES, AdaptedOutput, handle_inbound

logger = logging.getLogger(__name__)
TWILIO_API = "https://api.twilio.com"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


class _RebasedHttpClient(TwilioHttpClient):
    """Sends api.twilio.com calls to another base URL (a local fake in tests)."""

    def __init__(self, base: str) -> None:
        super().__init__(timeout=10)
        self.base = base.rstrip("/")

    def request(self, method, url, *args, **kwargs):  # type: ignore[override]
        if url.startswith(TWILIO_API):
            url = self.base + url[len(TWILIO_API):]
        return super().request(method, url, *args, **kwargs)


class _Output(TwilioOutput):
    def __init__(self, account_sid: Text, auth_token: Text, number: Text, api_base: Optional[Text]) -> None:
        super().__init__(account_sid, auth_token, number)
        if api_base:
            self.http_client = _RebasedHttpClient(api_base)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        # one message per call (AdaptedOutput already cut it to size); the parent splits on "\n\n"
        await self._send_message({"to": recipient_id, "from_": self.twilio_number, "body": text})


class PairedTwilioInput(TwilioInput):
    @classmethod
    def name(cls) -> Text:
        return "twilio"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        for key in ("account_sid", "auth_token", "twilio_number", "webhook_url"):
            if not credentials.get(key):
                raise ValueError(f"twilio: missing credential {key!r}")
        channel = cls(credentials["account_sid"], credentials["auth_token"], credentials["twilio_number"])
        channel.whatsapp_number = credentials.get("whatsapp_number") or credentials["twilio_number"]
        channel.webhook_url = str(credentials["webhook_url"])
        channel.api_base = credentials.get("api_base") or get_settings().channels.twilio.api_base or None
        return channel

    def _output(self, whatsapp: bool) -> TwilioOutput:
        number = self.whatsapp_number if whatsapp else self.twilio_number
        if whatsapp and not number.startswith("whatsapp:"):
            number = f"whatsapp:{number}"
        return _Output(self.account_sid, self.auth_token, number, self.api_base)

    def get_output_channel(self) -> TwilioOutput:
        return self._output(False)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("paired_twilio_webhook", __name__)
        http_guard.attach(webhook)  # 64 KiB bodies, no version banners in production
        validator = RequestValidator(self.auth_token)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> Any:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Any:
            # every field, the empty ones too: Twilio signs "FromCity=" as well, and Sanic's request.form drops it
            form = dict(parse_qsl((request.body or b"").decode("utf-8", "replace"), keep_blank_values=True))
            signature = request.headers.get("X-Twilio-Signature", "")
            if not signature or not validator.validate(self.webhook_url, form, signature):
                return response.text("forbidden", status=403)
            sender, text = form.get("From"), form.get("Body")
            if not isinstance(sender, str) or not sender or not isinstance(text, str):
                return response.text(EMPTY_TWIML, content_type="text/xml")
            whatsapp = sender.startswith("whatsapp:")
            channel = "whatsapp" if whatsapp else "sms"
            user = sender[len("whatsapp:"):] if whatsapp else sender
            output = AdaptedOutput(self._output(whatsapp), PROFILES[channel], sender, f"{channel}:{user}")
            try:
                await handle_inbound(channel, user, text, output, on_new_message)
            except Exception:
                logger.exception("twilio message failed")
            return response.text(EMPTY_TWIML, content_type="text/xml")

        return webhook
