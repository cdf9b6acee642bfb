"""Twilio posts empty fields ("FromCity=", "FinishedOnKey=") and signs them: the channels keep them.

Sanic's ``request.form`` drops blank values, so a signature computed by Twilio over the whole form did not
match and a real request got 403. Both Twilio channels now read the raw form with its empty fields.
"""
from __future__ import annotations

import asyncio
from types import SimpleNamespace
from urllib.parse import urlencode

import bot.settings as bot_settings
from rasa_ext.channels.twilio import PairedTwilioInput
from tests.rasa_ext.channels import fakes

TOKEN = "twilio-test-token"
URL = "https://bot.example.fr/webhooks/twilio/webhook"


def _handler(channel, on_new_message):
    blueprint = channel.blueprint(on_new_message)
    return next(r.handler for r in blueprint._future_routes if r.uri == "/webhook")


def test_sms_with_empty_fields_is_accepted_and_a_changed_one_refused(store, tmp_path, monkeypatch):
    url, _ = store
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ASSISTANT_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("JWT_SECRET", "sms-" + "x" * 40)
    bot_settings._cached = None
    fake = fakes.FakeProviders()
    try:
        channel = PairedTwilioInput.from_credentials({"account_sid": "AC" + "a" * 32, "auth_token": TOKEN,
                                                      "twilio_number": "+33700000000", "webhook_url": URL,
                                                      "api_base": fake.url})
        received = []

        async def on_new_message(message):
            received.append(message.text)

        handler = _handler(channel, on_new_message)
        form = {**fakes.twilio_form("+33611111111", "bonjour"), "FromCity": "", "FromState": "", "FromZip": ""}

        def post(body_form, signed_form):
            request = SimpleNamespace(body=urlencode(body_form).encode(),
                                      headers={"X-Twilio-Signature": fakes.twilio_signature(TOKEN, URL, signed_form)})
            return asyncio.run(handler(request))

        assert post(form, form).status == 200 and received == ["bonjour"]
        assert post({**form, "FromCity": "Paris"}, form).status == 403 and received == ["bonjour"]
    finally:
        fake.stop()
        bot_settings._cached = None
