"""POST /api/referral/call: an agent transfers a live phone call to the assistant (in process, SQLite).

The referral is bound to the call (its CallSid); the answer gives the transfer URL and the TwiML for the
telephony, and the live call is redirected through Twilio's REST API (a local fake records it). Bad
input gets a 4xx with a French message; the phone channel switched off gets a 503 that says so.
"""
from __future__ import annotations

import asyncio

import pytest

from tests.rasa_ext.channels import fakes

CALL = "CA" + "0123456789abcdef" * 2


@pytest.fixture()
def api(tmp_path, monkeypatch):
    import bot.settings as settings_module
    from bot import ratelimit
    from bot.store.db import dispose_engine, get_engine, migrate
    from bot.store.seed import seed_demo

    fake = fakes.FakeProviders()
    url = f"sqlite:///{tmp_path / 'claims.db'}"
    for key, value in {"DATABASE_URL": url, "JWT_SECRET": "api-" + "a" * 44, "ASSISTANT_VAR_DIR": str(tmp_path),
                       "PUBLIC_BASE_URL": "https://assistant.example.fr", "TWILIO_ACCOUNT_SID": "AC" + "a" * 32,
                       "TWILIO_AUTH_TOKEN": "tok", "TWILIO_API_BASE": fake.url}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(settings_module, "_cached", None)
    migrate(url)
    seed_demo(get_engine(url))
    ratelimit.reset_limiter()
    yield fake
    ratelimit.reset_limiter()
    fake.stop()
    dispose_engine(url)
    monkeypatch.setattr(settings_module, "_cached", None)


def _post(body, headers=None):
    from aiohttp import web
    from aiohttp.test_utils import TestClient, TestServer

    from bot.auth import AUD_AGENT, issue_token
    from bot.settings import get_settings
    from web.api import referral as referral_api

    agent = {"Authorization": "Bearer " + issue_token(get_settings(), audience=AUD_AGENT, subject="agent:t")}

    async def scenario():
        app = web.Application()
        referral_api.add_routes(app)
        async with TestClient(TestServer(app)) as client:
            answer = await client.post("/api/referral/call", headers=agent if headers is None else headers, json=body)
            return answer.status, await answer.json()

    return asyncio.run(scenario())


def test_transfer_redirects_the_live_call_with_a_call_bound_token(api):
    status, body = _post({"policyholder_id": 1, "topic": "claim_status", "claim_ref": "SIN-2021-000123",
                          "call_sid": CALL})
    assert status == 201, body
    url = body["transfer_url"]
    assert url.startswith("https://assistant.example.fr/webhooks/twilio_voice/webhook?transfer=")
    assert body["redirected"] is True and "raccrocher" in body["message"]
    assert body["twiml"] == f'<Response><Redirect method="POST">{url}</Redirect></Response>'
    redirect = [c for c in api.calls if c["path"].endswith(f"/Accounts/{'AC' + 'a' * 32}/Calls/{CALL}.json")]
    assert redirect and redirect[0]["data"] == {"Url": url, "Method": "POST"}
    # the token works for that call only, and not as a web link
    from bot import referral
    from bot.settings import get_settings
    from bot.store.db import get_engine, session_scope

    token = url.split("?transfer=", 1)[1]
    settings = get_settings()
    with session_scope(get_engine(settings.database.url)) as session:
        with pytest.raises(referral.ReferralError):
            referral.redeem(session, settings, token)
        with pytest.raises(referral.ReferralError):
            referral.redeem(session, settings, token, call_sid="CA" + "f" * 32)
    with session_scope(get_engine(settings.database.url)) as session:
        assert referral.redeem(session, settings, token, call_sid=CALL).policyholder_id == 1


@pytest.mark.parametrize("body, status, words", [
    ({"policyholder_id": 1, "topic": "fees"}, 400, "identifiant d’appel"),
    ({"policyholder_id": 1, "topic": "fees", "call_sid": "12345"}, 400, "identifiant d’appel"),
    ({"policyholder_id": "x", "topic": "fees", "call_sid": CALL}, 400, "incomplète"),
    ({"policyholder_id": 999, "topic": "fees", "call_sid": CALL}, 404, "client"),
    ({"policyholder_id": 1, "topic": "weather", "call_sid": CALL}, 422, "sujet"),
    ({"policyholder_id": 1, "topic": "claim_status", "claim_ref": "SIN-2021-000456", "call_sid": CALL}, 422, "dossier"),
])
def test_bad_input_gets_a_french_4xx(api, body, status, words):
    got, answer = _post(body)
    assert got == status and words in answer["error"], answer


def test_agents_only(api):
    status, answer = _post({"policyholder_id": 1, "topic": "fees", "call_sid": CALL}, headers={})
    assert status == 401 and answer["error"]


def test_phone_channel_off_is_said(api, monkeypatch):
    import bot.settings as settings_module

    monkeypatch.setenv("PUBLIC_BASE_URL", "")
    monkeypatch.setattr(settings_module, "_cached", None)
    status, answer = _post({"policyholder_id": 1, "topic": "fees", "call_sid": CALL})
    assert status == 503 and "téléphone" in answer["error"]
