"""Messaging channels against the running stack (real Rasa HTTP app, action server, store).

Providers' real payload formats are posted with valid and invalid signatures; the replies the
connectors send out are caught by a local fake of the providers' APIs (tests/rasa_ext/channels/fakes.py).
One stack for the module (Rasa start-up is the expensive part).
"""
from __future__ import annotations

import json
import time

import pytest
import requests

from bot import pairing
from tests.rasa_ext.channels import fakes
from tests.e2e.stack import start_stack

TWILIO_TOKEN = "twilio-test-token"
TG_TOKEN = "123456789:AAtestTOKENtestTOKENtestTOKENtest00"
TG_SECRET = "tg-secret-token"
FB_SECRET = "fb-app-secret"
SLACK_SECRET = "slack-signing-secret"
REF = "SIN-2025-000101"
STATUS = f"statut de mon dossier {REF}"


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    fake = fakes.FakeProviders()
    var_dir = tmp_path_factory.mktemp("channels")
    extra = {
        "TWILIO_ACCOUNT_SID": "AC" + "a" * 32, "TWILIO_AUTH_TOKEN": TWILIO_TOKEN, "TWILIO_NUMBER": "+33700000000",
        "TWILIO_API_BASE": fake.url, "TELEGRAM_TOKEN": TG_TOKEN, "TELEGRAM_SECRET_TOKEN": TG_SECRET,
        "TELEGRAM_API_BASE": fake.url, "MESSENGER_VERIFY_TOKEN": "verify-me", "MESSENGER_APP_SECRET": FB_SECRET,
        "MESSENGER_PAGE_ACCESS_TOKEN": "page-token", "MESSENGER_API_BASE": fake.url,
        "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": SLACK_SECRET, "SLACK_API_BASE": fake.url + "/api",
        # the signature covers the public URL Twilio calls; the port is only known once started, so
        # the test signs this public URL, as Twilio would behind a reverse proxy
        "TWILIO_WEBHOOK_URL": "https://bot.example.fr/webhooks/twilio/webhook",
    }
    stack = start_stack(var_dir, extra)
    try:
        yield stack, fake
    finally:
        stack.stop()
        fake.stop()


def _wait(fake, kind, n=1, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if len(fake.texts(kind)) >= n:
            return fake.texts(kind)
        time.sleep(0.2)
    return fake.texts(kind)


def sms(stack, sender, body, signature=None):
    params = fakes.twilio_form(sender, body)
    sig = signature or fakes.twilio_signature(TWILIO_TOKEN, "https://bot.example.fr/webhooks/twilio/webhook", params)
    return requests.post(f"{stack.rasa_url}/webhooks/twilio/webhook", data=params,
                         headers={"X-Twilio-Signature": sig}, timeout=120)


def telegram(stack, user_id, text, secret=TG_SECRET):
    return requests.post(f"{stack.rasa_url}/webhooks/telegram/webhook", json=fakes.telegram_update(user_id, text),
                         headers={"X-Telegram-Bot-Api-Secret-Token": secret}, timeout=120)


def messenger(stack, psid, text, secret=FB_SECRET):
    body = json.dumps(fakes.messenger_event(psid, text)).encode()
    return requests.post(f"{stack.rasa_url}/webhooks/facebook/webhook", data=body, timeout=120,
                         headers={"Content-Type": "application/json",
                                  "X-Hub-Signature-256": fakes.messenger_signature(secret, body)})


def slack(stack, user, text, secret=SLACK_SECRET, ts=None):
    body = json.dumps(fakes.slack_event(user, "D" + user, text)).encode()
    return requests.post(f"{stack.rasa_url}/webhooks/slack/webhook", data=body, timeout=120,
                         headers={"Content-Type": "application/json", **fakes.slack_headers(secret, body, ts)})


def issue_code(stack, policyholder_id=1):
    from bot.store.db import get_engine, session_scope

    settings = stack.settings()
    with session_scope(get_engine(settings.database.url)) as s:
        return pairing.issue_code(s, settings.auth.identity_secret, policyholder_id).code


def web_reply(stack, text):
    from bot.auth import issue_policyholder_token

    token = issue_policyholder_token(stack.settings(), 1)
    r = requests.post(f"{stack.rasa_url}/webhooks/secure_rest/webhook", json={"sender": "web-1", "message": text},
                      headers={"Authorization": f"Bearer {token}"}, timeout=120)
    return " ".join(m.get("text", "") for m in r.json())


def test_bad_signatures_are_refused_and_nothing_is_sent(env):
    stack, fake = env
    fake.clear()
    assert sms(stack, "+33611111111", "bonjour", signature="AAAA").status_code == 403
    assert telegram(stack, 42, "bonjour", secret="wrong").status_code == 403
    assert messenger(stack, "PSID1", "bonjour", secret="wrong").status_code == 403
    assert slack(stack, "U1", "bonjour", secret="wrong").status_code == 403
    assert slack(stack, "U1", "bonjour", ts=int(time.time()) - 3600).status_code == 403  # replay
    ok = requests.get(f"{stack.rasa_url}/webhooks/facebook/webhook", params={
        "hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "123"}, timeout=10)
    assert ok.text == "123"
    time.sleep(1)
    assert fake.calls == []


def test_sms_pairing_use_revoke_and_same_facts_as_web(env):
    stack, fake = env
    fake.clear()
    phone = "+33612345678"
    assert sms(stack, phone, STATUS).status_code == 200
    before = _wait(fake, "twilio")
    assert any("reliez d’abord ce compte" in t for t in before), before
    assert not any(REF in t and "€" in t for t in before)
    fake.clear()
    code = issue_code(stack)
    assert sms(stack, phone, f"code {code}").status_code == 200
    assert any("relié" in t for t in _wait(fake, "twilio")), fake.texts("twilio")
    fake.clear()
    sms(stack, phone, STATUS)
    sms_text = "\n".join(_wait(fake, "twilio"))
    web_text = web_reply(stack, STATUS)
    assert REF in sms_text and REF in web_text
    for fact in [w for w in web_text.replace("*", "").split() if any(c.isdigit() for c in w)]:
        assert fact.strip(".,;:()") in sms_text, (fact, sms_text, web_text)
    assert "**" not in sms_text and all(len(t) <= 1600 for t in fake.texts("twilio"))
    # revoke: back to anonymous
    from bot.store.db import get_engine, session_scope
    from bot.store.queries import pairings as pairing_queries
    settings = stack.settings()
    with session_scope(get_engine(settings.database.url)) as s:
        [view] = pairing_queries.list_pairings(s, 1)
        assert pairing_queries.revoke_pairing(s, 1, view.id)
    fake.clear()
    sms(stack, phone, STATUS)
    assert any("reliez d’abord ce compte" in t for t in _wait(fake, "twilio"))


def test_telegram_brute_force_blocked_and_wrong_code_neutral(env):
    stack, fake = env
    fake.clear()
    for _ in range(pairing.MAX_FAILURES_PER_USER):
        assert telegram(stack, 777, "ZZZZ99").status_code == 200
    texts = _wait(fake, "telegram", pairing.MAX_FAILURES_PER_USER)
    assert set(texts) == {"Ce code n’est pas valide ou a expiré. Demandez un nouveau code dans votre espace assuré."}
    fake.clear()
    telegram(stack, 777, issue_code(stack))
    assert "Trop d’essais" in _wait(fake, "telegram")[0]


def test_messenger_and_slack_pair_and_answer(env):
    stack, fake = env
    fake.clear()
    messenger(stack, "PSID-9", issue_code(stack))
    assert "relié" in _wait(fake, "messenger")[0]
    fake.clear()
    messenger(stack, "PSID-9", STATUS)
    assert any(REF in t for t in _wait(fake, "messenger")), fake.texts("messenger")
    fake.clear()
    slack(stack, "U9", issue_code(stack))
    assert "relié" in _wait(fake, "slack")[0]
    fake.clear()
    slack(stack, "U9", STATUS)
    assert any(REF in t for t in _wait(fake, "slack")), fake.calls


def test_web_pairing_code_list_revoke(env):
    from bot.auth import issue_policyholder_token

    stack, fake = env
    auth = {"Authorization": f"Bearer {issue_policyholder_token(stack.settings(), 1)}"}
    other = {"Authorization": f"Bearer {issue_policyholder_token(stack.settings(), 2)}"}
    assert requests.post(f"{stack.web_url}/api/pairing/code", timeout=10).status_code == 401
    issued = requests.post(f"{stack.web_url}/api/pairing/code", headers=auth, timeout=10).json()
    assert pairing.parse_code(issued["code"]) == issued["code"]
    fake.clear()
    telegram(stack, 4242, issued["code"])
    assert "relié" in _wait(fake, "telegram")[0]
    pairings = requests.get(f"{stack.web_url}/api/pairing/list", headers=auth, timeout=10).json()["pairings"]
    tg = [p for p in pairings if p["channel"] == "telegram"]
    assert tg and tg[0]["label"].startswith("Telegram") and "4242" not in tg[0]["label"]
    assert requests.delete(f"{stack.web_url}/api/pairing/{tg[0]['id']}", headers=other, timeout=10).status_code == 404
    assert requests.delete(f"{stack.web_url}/api/pairing/{tg[0]['id']}", headers=auth, timeout=10).status_code == 200
    left = requests.get(f"{stack.web_url}/api/pairing/list", headers=auth, timeout=10).json()["pairings"]
    assert all(p["id"] != tg[0]["id"] for p in left)
