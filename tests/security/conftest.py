"""One running stack for the whole security suite (Rasa start-up is the expensive part).

The stack has every messaging channel enabled against a local fake of the providers, a Rasa HTTP
API token, an action-server token, and rate limits switched off so that the attack suites are not
throttled (rate limiting itself is tested in test_rate_limits.py against servers started with small
limits).
"""
from __future__ import annotations

import pytest

from tests.rasa_ext.channels import fakes
from tests.e2e.stack import start_stack

TWILIO_TOKEN = "twilio-sec-token"
TWILIO_URL = "https://bot.example.fr/webhooks/twilio/webhook"
TG_TOKEN = "123456789:AAsecTOKENsecTOKENsecTOKENsecTOKEN0"
TG_SECRET = "tg-sec-secret"
FB_SECRET = "fb-sec-secret"
SLACK_SECRET = "slack-sec-secret"
RASA_API_TOKEN = "rasa-api-" + "t" * 32
ACTION_TOKEN = "action-" + "a" * 32
NO_LIMITS = {f"RATE_LIMIT_{scope.upper()}": "off" for scope in (
    "login_ip", "login_account", "pairing_code_identity", "pairing_code_ip", "pairing_redeem", "pairing_redeem_code",
    "messages_identity",
    "messages_ip", "long_messages_identity", "long_messages_ip", "api_ip")}


@pytest.fixture(scope="session")
def providers():
    fake = fakes.FakeProviders()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def sec_stack(tmp_path_factory, providers):
    extra = {
        "TWILIO_ACCOUNT_SID": "AC" + "b" * 32, "TWILIO_AUTH_TOKEN": TWILIO_TOKEN, "TWILIO_NUMBER": "+33700000001",
        "TWILIO_API_BASE": providers.url, "TWILIO_WEBHOOK_URL": TWILIO_URL,
        "TELEGRAM_TOKEN": TG_TOKEN, "TELEGRAM_SECRET_TOKEN": TG_SECRET, "TELEGRAM_API_BASE": providers.url,
        "MESSENGER_VERIFY_TOKEN": "verify-sec", "MESSENGER_APP_SECRET": FB_SECRET,
        "MESSENGER_PAGE_ACCESS_TOKEN": "page-token", "MESSENGER_API_BASE": providers.url,
        "SLACK_BOT_TOKEN": "xoxb-sec", "SLACK_SIGNING_SECRET": SLACK_SECRET, "SLACK_API_BASE": providers.url + "/api",
        "RASA_API_TOKEN": RASA_API_TOKEN, "ACTION_SERVER_TOKEN": ACTION_TOKEN,
        **NO_LIMITS,
    }
    stack = start_stack(tmp_path_factory.mktemp("security-var"), extra)
    yield stack
    stack.stop()


@pytest.fixture(scope="session")
def facts(sec_stack):
    """What each demo company owns, read from the stack's own store (see tests/security/facts.py)."""
    from tests.security.facts import load_facts

    return load_facts(sec_stack.settings().database.url)
