"""Hostile inputs against every entry point of the running stack: no crash, no 5xx, a clear reply or a 4xx.

Entry points: the REST channel, the web socket, the web server's APIs (sign-in, config, static files),
the pairing API, and the messaging webhooks (Twilio, Telegram, Messenger, Slack; correctly signed, so
that the hostile text really reaches the bot, and unsigned/malformed). Afterwards every server still
answers a normal question.
"""
from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import List

import pytest
import requests

from bot.inbound import MAX_MESSAGE_CHARS
from tests.rasa_ext.channels import fakes
from tests.security.sio import converse
from tests.security import hostile
from tests.security.conftest import FB_SECRET, SLACK_SECRET, TG_SECRET, TWILIO_TOKEN, TWILIO_URL

COUNTS = {}


def _count(name: str, statuses: List[int]) -> None:
    COUNTS[name] = COUNTS.get(name, 0) + len(statuses)
    server_errors = [s for s in statuses if s >= 500]
    assert not server_errors, f"{name}: {len(server_errors)} answers >= 500: {server_errors[:5]}"


def _pool(func, items, workers=3):
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(func, items))


def test_rest_channel_hostile_texts(sec_stack, facts):
    from bot.auth import issue_policyholder_token
    token = issue_policyholder_token(sec_stack.settings(), 1)
    url = f"{sec_stack.rasa_url}/webhooks/secure_rest/webhook"
    cases = [(text, auth) for text in hostile.texts() for auth in (None, token)]

    def send(case):
        # one conversation per case: a "/request_human" hands the conversation to a person, after which the
        # assistant rightly stays silent there
        text, auth = case
        headers = {"Authorization": f"Bearer {auth}"} if auth else {}
        sender = f"hostile-{uuid.uuid4().hex[:16]}"
        r = requests.post(url, json={"sender": sender, "message": text}, headers=headers, timeout=120)
        return text, r

    results = _pool(send, cases)
    _count("rest texts", [r.status_code for _, r in results])
    for text, r in results:
        if len(text.replace("\x00", "")) > MAX_MESSAGE_CHARS:  # refused whole with a French answer (bot/inbound.py)
            assert r.status_code == 413 and "trop long" in r.json()["error"]
        elif text.replace("\x00", "").strip():
            assert r.status_code == 200, (text[:50], r.status_code)
            assert any((m.get("text") or "").strip() for m in r.json()), (text[:50], r.text[:200])


def test_rest_channel_malformed_requests(sec_stack):
    url = f"{sec_stack.rasa_url}/webhooks/secure_rest/webhook"
    cases = [(body, "application/json") for body in hostile.NOT_JSON_BODIES]
    cases += [(json.dumps({"sender": "s", "message": "bonjour"}).encode(), ct) for ct in hostile.WRONG_CONTENT_TYPES]
    odd_payloads = [{"sender": 1, "message": "x"}, {"sender": "", "message": "x"},
                    {"sender": "s" * 129, "message": "x"},
                    {"sender": "s", "message": 42}, {"sender": "s", "message": None}, {"sender": "s", "message": ["x"]},
                    {"sender": "s", "message": {"text": "x"}}, {"sender": ["s"], "message": "x"}, {"message": "x"},
                    {"sender": "s"}, {}, {"sender": "s\x00", "message": "x"}, {"sender": "../../etc", "message": "x"},
                    {"sender": "s", "message": "x", "metadata": "y" * 100000}]
    cases += [(json.dumps(p).encode(), "application/json") for p in odd_payloads]
    cases += [(b'{"sender": "s", "message": "' + b"x" * 2_000_000 + b'"}', "application/json")]  # 2 MB

    def send(case):
        body, ctype = case
        return requests.post(url, data=body, headers={"Content-Type": ctype} if ctype else {}, timeout=120)

    results = _pool(send, cases)
    _count("rest malformed", [r.status_code for r in results])
    for r in results:
        assert r.status_code < 500
        if r.status_code >= 400:
            assert r.headers.get("Content-Type", "").startswith("application/json"), r.headers


@pytest.mark.parametrize("authorization", ["Bearer", "Bearer ", "Bearer " + "a" * 10000, "Basic YTpi",
                                           "Bearer \x00", "Bearer eyJ.eyJ.", "bearer  x.y.z"])
def test_rest_channel_hostile_authorization_headers(sec_stack, authorization):
    try:
        r = requests.post(f"{sec_stack.rasa_url}/webhooks/secure_rest/webhook", timeout=60,
                          json={"sender": "h", "message": "mes dossiers"}, headers={"Authorization": authorization})
    except requests.exceptions.InvalidHeader:
        pytest.skip("the client library itself refuses this header")
    _count("rest auth headers", [r.status_code])
    assert r.status_code in (200, 400, 401, 413, 431)
    assert "€" not in r.text


def test_web_socket_hostile_messages(sec_stack):
    texts = [t for t in hostile.texts() if len(t) <= 5000]
    # one socket and conversation per text (see test_rest_channel_hostile_texts)
    replies = _pool(lambda text: converse(sec_stack.rasa_url, [text], quiet=0.5, timeout=30)[0], texts)
    COUNTS["socket texts"] = COUNTS.get("socket texts", 0) + len(texts)
    silent = [t[:30] for t, reply in zip(texts, replies) if not reply and t.replace("\x00", "").strip()]
    assert not silent, silent  # every real message gets a reply
    # payloads that are not a message object: dropped, never crash the socket
    odd = [None, 42, "texte nu", ["x"], {"message": None}, {"message": 42}, {"message": {"a": 1}},
           {"message": "bonjour", "customData": "pas un objet"}, {"message": "bonjour", "customData": []},
           {"message": "bonjour", "customData": {"token": 42}}, {"message": "bonjour", "session_id": 5},
           {"message": "bonjour", "session_id": "../../x" * 20}, {"message": "bonjour", "customData": {"token": None}}]
    replies = converse(sec_stack.rasa_url, odd, raw=True, quiet=0.4, timeout=20)
    COUNTS["socket odd payloads"] = len(odd)
    # what is not a message object is dropped silently; a message object with a usable text is answered
    assert not any(replies[:4]), replies[:4]
    assert all(replies[7:]), [bool(r) for r in replies]
    # a frame over the size limit (64 KiB) closes that socket only; a new one is answered at once
    try:
        converse(sec_stack.rasa_url, [{"message": "bonjour", "customData": {"token": "x" * 100_000}}], raw=True,
                 quiet=0.4, timeout=5)
    except Exception:  # noqa: BLE001 - the server may close the connection: that is the expected outcome
        pass
    assert converse(sec_stack.rasa_url, ["bonjour"], quiet=0.4)[0], "the socket server stopped answering"


def test_web_server_hostile_requests(sec_stack):
    web = sec_stack.web_url
    cases = []
    for body in hostile.NOT_JSON_BODIES:
        cases.append(("POST", "/api/demo-login", body, "application/json"))
    for ctype in hostile.WRONG_CONTENT_TYPES:
        cases.append(("POST", "/api/demo-login", b'{"policyholder_id": 1}', ctype))
    for value in [0, -1, 2**63, 1e308, "1", True, None, [1], {"id": 1}, "1 OR 1=1", 3.5, 99999]:
        cases.append(("POST", "/api/demo-login", json.dumps({"policyholder_id": value}).encode(), "application/json"))
    cases.append(("POST", "/api/demo-login", b'{"policyholder_id": 1, "x": "' + b"y" * 200_000 + b'"}',
                  "application/json"))
    for path in ["/static/../../bot/settings.py", "/static/%2e%2e/%2e%2e/var/jwt_secret", "/static/..%2f..%2fREADME.md",
                 "/static/\x00", "/api/config?x=" + "y" * 3000, "/api/demo-accounts?<script>", "/%00",
                 "/api/../server.py", "/api/demo-login", "/" + "a" * 5000, "/api/pairing/../../", "/.git/config",
                 "/static/webchat.js?callback=<script>"]:
        cases.append(("GET", path, None, None))
    for method in ["PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"]:
        cases.append((method, "/api/demo-login", b"{}", "application/json"))
    # the agent desk's sign-in and the referral link redemption take JSON from anybody too
    for path in ("/api/agent/demo-login", "/api/referral/redeem"):
        for body in hostile.NOT_JSON_BODIES:
            cases.append(("POST", path, body, "application/json"))
        for value in [None, 42, "", "x" * 10000, ["a"], {"a": 1}, "eyJhbGciOiJub25lIn0.e30.", "../../etc"]:
            key = "agent_id" if "agent" in path else "token"
            cases.append(("POST", path, json.dumps({key: value}).encode(), "application/json"))

    def send(case):
        method, path, body, ctype = case
        headers = {"Content-Type": ctype} if ctype is not None else {}
        return path, requests.request(method, web + path, data=body, headers=headers, timeout=60,
                                      allow_redirects=False)

    results = _pool(send, cases)
    _count("web server", [r.status_code for _, r in results])
    redeemed = [r for path, r in results if path == "/api/referral/redeem" and r.status_code == 200]
    assert not redeemed, [r.text[:200] for r in redeemed]  # no session token out of garbage
    for path, r in results:
        assert "jwt" not in r.text.lower() or path == "/api/demo-login", path  # no secret or source file served
        assert "JWT_SECRET" not in r.text and "def load_settings" not in r.text, path


def test_pairing_api_hostile_requests(sec_stack):
    from bot.auth import AUD_AGENT, issue_policyholder_token, issue_token
    settings = sec_stack.settings()
    good = issue_policyholder_token(settings, 2)
    agent = issue_token(settings, audience=AUD_AGENT, subject="agent:1", policyholder_id=2)
    auths = [None, "", "Bearer", "Bearer x", "Bearer " + agent, "Basic " + good, "Bearer " + good + "x",
             "Bearer " + "a" * 8000, "Bearer " + good.replace(".", "..")]
    cases = [("POST", "/api/pairing/code", a) for a in auths] + [("GET", "/api/pairing/list", a) for a in auths]
    ids = ["1", "-1", "0", "999999999999999999999", "abc", "1;DROP", "%00", "1.5", "１"]
    cases += [("DELETE", f"/api/pairing/{i}", "Bearer " + good) for i in ids]
    cases += [("DELETE", f"/api/pairing/{i}", None) for i in ids]
    # the agent desk's ticket ids, with a valid agent token (so the id parsing is what is exercised)
    cases += [(method, f"/api/agent/tickets/{i}{suffix}", "Bearer " + agent) for i in ids
              for method, suffix in (("GET", ""), ("POST", "/take"), ("POST", "/give-back"))]

    def send(case):
        method, path, auth = case
        headers = {"Authorization": auth} if auth is not None else {}
        return case, requests.request(method, sec_stack.web_url + path, headers=headers, timeout=60)

    results = _pool(send, cases)
    _count("pairing api", [r.status_code for _, r in results])
    for (method, path, auth), r in results:
        if path.startswith("/api/agent/"):
            assert r.status_code != 401, (method, path, r.text[:200])  # the agent token is fine: ids are judged
        elif auth != "Bearer " + good:
            assert r.status_code in (401, 404, 405), (method, path, r.status_code)
            assert "code" not in r.json() if r.headers.get("Content-Type", "").startswith("application/json") else True


def _twilio(stack, body, sign=True, sender="+33611111111"):
    params = fakes.twilio_form(sender, body)
    sig = fakes.twilio_signature(TWILIO_TOKEN, TWILIO_URL, params) if sign else "bad"
    return requests.post(f"{stack.rasa_url}/webhooks/twilio/webhook", data=params,
                         headers={"X-Twilio-Signature": sig}, timeout=120)


def _telegram(stack, text, secret=TG_SECRET, raw=None):
    data = raw if raw is not None else json.dumps(fakes.telegram_update(4242, text)).encode()
    return requests.post(f"{stack.rasa_url}/webhooks/telegram/webhook", data=data, timeout=120,
                         headers={"X-Telegram-Bot-Api-Secret-Token": secret, "Content-Type": "application/json"})


def _messenger(stack, text, secret=FB_SECRET, raw=None):
    body = raw if raw is not None else json.dumps(fakes.messenger_event("PSID4242", text)).encode()
    return requests.post(f"{stack.rasa_url}/webhooks/facebook/webhook", data=body, timeout=120,
                         headers={"Content-Type": "application/json",
                                  "X-Hub-Signature-256": fakes.messenger_signature(secret, body)})


def _slack(stack, text, secret=SLACK_SECRET, raw=None):
    body = raw if raw is not None else json.dumps(fakes.slack_event("U4242", "D4242", text)).encode()
    return requests.post(f"{stack.rasa_url}/webhooks/slack/webhook", data=body, timeout=120,
                         headers={"Content-Type": "application/json", **fakes.slack_headers(secret, body)})


def test_messaging_webhooks_hostile_inputs(sec_stack, providers):
    texts = hostile.short_texts()
    cases = []
    for text in texts:
        cases += [("twilio", lambda t=text: _twilio(sec_stack, t)),
                  ("telegram", lambda t=text: _telegram(sec_stack, t)),
                  ("messenger", lambda t=text: _messenger(sec_stack, t)),
                  ("slack", lambda t=text: _slack(sec_stack, t))]
    for raw in hostile.NOT_JSON_BODIES:
        cases += [("telegram raw", lambda b=raw: _telegram(sec_stack, "", raw=b)),
                  ("messenger raw", lambda b=raw: _messenger(sec_stack, "", raw=b)),
                  ("slack raw", lambda b=raw: _slack(sec_stack, "", raw=b))]
    for text in texts[:10]:
        cases += [("twilio unsigned", lambda t=text: _twilio(sec_stack, t, sign=False)),
                  ("telegram wrong secret", lambda t=text: _telegram(sec_stack, t, secret="nope")),
                  ("messenger wrong secret", lambda t=text: _messenger(sec_stack, t, secret="nope")),
                  ("slack wrong secret", lambda t=text: _slack(sec_stack, t, secret="nope"))]
    results = _pool(lambda case: (case[0], case[1]()), cases)
    _count("webhooks", [r.status_code for _, r in results])
    for kind, r in results:
        if "unsigned" in kind or "wrong secret" in kind:
            assert r.status_code in (401, 403), (kind, r.status_code)


def test_everything_still_answers_afterwards(sec_stack):
    total = sum(COUNTS.values())
    r = requests.post(f"{sec_stack.rasa_url}/webhooks/secure_rest/webhook",
                      json={"sender": "after-hostile", "message": "bonjour"}, timeout=60)
    assert r.status_code == 200 and r.json()
    assert requests.get(f"{sec_stack.web_url}/api/demo-accounts", timeout=30).status_code == 200
    assert requests.get(f"http://127.0.0.1:{sec_stack.action_port}/health", timeout=30).status_code == 200
    assert all(p.poll() is None for p in sec_stack.procs), "a server died"
    # nothing failed quietly either: no unhandled exception logged by any server
    for name in ("rasa", "actions", "web"):
        log = (sec_stack.var_dir / f"{name}.log").read_text(errors="replace")
        assert "Traceback" not in log and "exception was never retrieved" not in log, \
            f"{name}.log:\n" + log[log.find("Traceback") - 300:][:3000]
    if len(COUNTS) >= 7:  # the whole module ran
        assert total >= 500, COUNTS
        print(f"\nhostile inputs: {total} ({json.dumps(COUNTS, ensure_ascii=False)})")  # the figure docs cite (-s)
