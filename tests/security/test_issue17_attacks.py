"""The attacks of issue #17 (findings 2-4 and 6-10), replayed against the running stack: each one now fails.

Each test reproduces what the attack did from outside the processes and checks the control: no secret on a
command line, private files, messages over 1 000 characters refused politely on every channel, ``/intent{…}``
payloads that are not the project's buttons passed as text, no forged or unmasked log line, pairing not
lockable for everybody, non-ASCII / lone-surrogate tokens and ids answered 400/401 in French (never silence on
the socket), visitors' hand-over floods bounded and grouped, links and ``socket_url`` from the configuration,
request bodies capped at 64 KiB, an action server answering 404 on unknown URLs, ``/restart`` typed by a user
handled without an error. ``ATTEMPTS`` counts the attempts per class (docs/security.md).
"""
from __future__ import annotations

import json
import os
import re
import stat
import uuid
from collections import Counter

import requests

from tests.rasa_ext.channels import fakes
from tests.security.conftest import ACTION_TOKEN, RASA_API_TOKEN, TG_SECRET, TG_TOKEN, TWILIO_TOKEN, TWILIO_URL
from tests.security.sio import converse, texts

ATTEMPTS: Counter = Counter()
TOO_LONG = "trop long"


def _rest(stack, text, sender=None, token=None, raw=None, headers=None):
    hdrs = {"Authorization": f"Bearer {token}"} if token else {}
    hdrs.update(headers or {})
    url = f"{stack.rasa_url}/webhooks/secure_rest/webhook"
    if raw is not None:
        return requests.post(url, data=raw, headers={"Content-Type": "application/json", **hdrs}, timeout=120)
    return requests.post(url, json={"sender": sender or f"i17-{uuid.uuid4().hex[:12]}", "message": text},
                         headers=hdrs, timeout=120)


def _sms(stack, sender, body):
    params = fakes.twilio_form(sender, body)
    return requests.post(f"{stack.rasa_url}/webhooks/twilio/webhook", data=params, timeout=120,
                         headers={"X-Twilio-Signature": fakes.twilio_signature(TWILIO_TOKEN, TWILIO_URL, params)})


def _telegram(stack, user_id, text):
    return requests.post(f"{stack.rasa_url}/webhooks/telegram/webhook", json=fakes.telegram_update(user_id, text),
                         headers={"X-Telegram-Bot-Api-Secret-Token": TG_SECRET}, timeout=120)


def _sms_texts_to(providers, number, since):
    return [c["data"].get("Body", "") for c in providers.calls[since:]
            if "Messages.json" in c["path"] and c["data"].get("To") == number]


def _agent_token(stack):
    r = requests.post(f"{stack.web_url}/api/agent/demo-login", json={"agent_id": "claire.martin"}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["token"]


def _log_lines(stack, name):
    return (stack.var_dir / f"{name}.log").read_text(errors="replace").splitlines()


# --- finding 2: secrets on command lines, file modes --------------------------------------------------------

def _descendants(pid):
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        todo += children.get(current, [])
    return out


def test_no_secret_is_readable_in_any_server_command_line(sec_stack):
    secrets = {"RASA_API_TOKEN": RASA_API_TOKEN, "ACTION_SERVER_TOKEN": ACTION_TOKEN,
               "JWT_SECRET": sec_stack.env["JWT_SECRET"], "TELEGRAM_TOKEN": TG_TOKEN, "TWILIO_AUTH_TOKEN": TWILIO_TOKEN}
    seen = 0
    for proc in sec_stack.procs:
        for pid in _descendants(proc.pid):
            try:
                cmdline = open(f"/proc/{pid}/cmdline", "rb").read().decode(errors="replace")
            except OSError:
                continue
            seen += 1
            ATTEMPTS["local: secret on a command line"] += len(secrets)
            for name, value in secrets.items():
                assert value not in cmdline, f"{name} readable in /proc/{pid}/cmdline: {cmdline[:200]}"
    assert seen >= 3
    # and the Rasa HTTP API still has its token (given in the environment, inside the process)
    assert requests.get(f"{sec_stack.rasa_url}/status", timeout=30).status_code == 401
    assert requests.get(f"{sec_stack.rasa_url}/status", params={"token": RASA_API_TOKEN}, timeout=30).status_code == 200


def test_databases_and_rendered_files_are_private(sec_stack):
    var = sec_stack.var_dir
    for name in ("claims.db", "tracker.db", "endpoints.yml", "credentials.yml"):
        ATTEMPTS["local: readable state file"] += 1
        mode = stat.S_IMODE(os.stat(var / name).st_mode)
        assert mode == 0o600, f"{name} is {oct(mode)}"
    for extra in list(var.glob("*.db-wal")) + list(var.glob("*.db-shm")):
        assert stat.S_IMODE(os.stat(extra).st_mode) == 0o600, extra


# --- finding 3: long messages, on every channel ----------------------------------------------------------

def test_long_messages_are_refused_politely_on_every_channel(sec_stack, providers):
    long_text = "mot " * 1000  # 4 000 characters of short tokens: what cost the NLU 0.2-0.5 s
    r = _rest(sec_stack, long_text)
    assert r.status_code == 413 and TOO_LONG in r.json()["error"] and "1\u202f000" in r.json()["error"]
    r = _rest(sec_stack, "a" * 1000)
    assert r.status_code == 200 and r.json()  # the limit itself is accepted
    [reply] = converse(sec_stack.rasa_url, [long_text], quiet=0.5, timeout=30)
    assert TOO_LONG in texts(reply), reply  # never cut silently, never silent
    since = len(providers.calls)
    assert _sms(sec_stack, "+33622222201", long_text[:1600]).status_code in (200, 204)
    assert any(TOO_LONG in t for t in _sms_texts_to(providers, "+33622222201", since)), providers.calls[since:]
    since = len(providers.calls)
    assert _telegram(sec_stack, 17017, long_text).status_code == 200
    assert any(TOO_LONG in t for t in providers.texts("telegram")[-3:]), providers.calls[since:]
    ATTEMPTS["long messages (REST, socket, SMS, Telegram)"] += 5


def test_request_bodies_are_capped_at_64_kib(sec_stack):
    body = json.dumps({"sender": "big", "message": "x", "pad": "y" * 100_000}).encode()
    r = _rest(sec_stack, "", raw=body)
    assert r.status_code == 413 and "64" in r.json()["error"], r.text[:200]
    ATTEMPTS["oversized bodies"] += 1
    for path in ("/webhooks/telegram/webhook", "/webhooks/twilio/webhook", "/webhooks/facebook/webhook",
                 "/webhooks/slack/webhook", "/conversations/x/tracker/events"):
        r = requests.post(sec_stack.rasa_url + path, data=b"x" * 200_000, timeout=60,
                          headers={"Content-Type": "application/json"})
        assert r.status_code == 413, (path, r.status_code)
        ATTEMPTS["oversized bodies"] += 1
    r = _rest(sec_stack, "bonjour")
    assert r.status_code == 200  # small bodies still pass
    ATTEMPTS["oversized bodies"] += 1


# --- finding 4: /intent payloads, masked and one-line logs, /restart ----------------------------------------

PHONE = "06 55 44 33 22"
PAYLOADS = [
    '/ask_fees{"policyholder_id": 3, "phone": "%s"}' % PHONE,
    '/greet{"a": "b"}\n2026-12-04 12:00:00 rasa ERROR FORGED-LINE-17 claire.forged@example.fr',
    '/nonexistent{"iban": "FR76 3000 6000 0112 3456 7890 189"}',
    '/ask_claim_status{"claim_ref": "SIN-2021-000456", "policyholder": 3}',
    "/request_human@0.99", '/ask_guarantee{"buyer": {"$ne": null}}',
    'bonjour\nFORGED-LINE-17 ERROR injected',
]


def test_intent_payloads_from_users_are_text_and_logs_stay_masked_and_one_line(sec_stack, facts):
    from bot.auth import issue_policyholder_token
    from tests.security.facts import all_secrets, foreign_secrets, leaks

    token = issue_policyholder_token(sec_stack.settings(), 1)
    for text in PAYLOADS:
        for auth in (None, token):
            r = _rest(sec_stack, text, token=auth)
            ATTEMPTS["/intent payloads from users"] += 1
            assert r.status_code == 200 and any((m.get("text") or "").strip() for m in r.json()), (text, r.text[:200])
            answer = " ".join(m.get("text") or "" for m in r.json())
            secrets = foreign_secrets(facts, 1) if auth else all_secrets(facts)
            assert not leaks(answer, secrets, typed=text), (text, leaks(answer, secrets, typed=text))
    replies = converse(sec_stack.rasa_url, PAYLOADS[:3], quiet=0.5, timeout=30)
    assert all(replies), replies
    ATTEMPTS["/intent payloads from users"] += 3
    for name in ("rasa", "actions", "web"):
        for line in _log_lines(sec_stack, name):
            assert not line.startswith("FORGED-LINE-17") and not line.startswith("2026-12-04 12:00:00"), (name, line)
            assert PHONE not in line and "claire.forged@example.fr" not in line, (name, line)
            assert "FR76 3000 6000" not in line, (name, line)


def test_restart_and_session_start_typed_by_a_person_are_answered_without_error(sec_stack):
    before = {n: len(_log_lines(sec_stack, n)) for n in ("rasa", "actions")}
    for text in ("/restart", "/session_start", "/back", "/action_restart", "/stop"):
        for _ in range(2):
            r = _rest(sec_stack, text, sender=f"restart-{text.strip('/')}")
            ATTEMPTS["Rasa commands typed by users"] += 1
            assert r.status_code == 200 and r.json(), (text, r.text[:200])
            answer = " ".join(m.get("text") or "" for m in r.json())
            assert "souci technique" not in answer and "désolé" not in answer.lower(), (text, answer)
    for name, start in before.items():
        errors = [line for line in _log_lines(sec_stack, name)[start:] if " ERROR " in line or "Traceback" in line]
        assert not errors, (name, errors[:5])


# --- finding 6: pairing cannot be locked for everybody ------------------------------------------------------

def test_a_valid_pairing_code_works_while_59_accounts_brute_force(sec_stack, providers):
    from bot.auth import issue_policyholder_token

    token = issue_policyholder_token(sec_stack.settings(), 2)
    r = requests.post(f"{sec_stack.web_url}/api/pairing/code", headers={"Authorization": f"Bearer {token}"},
                      timeout=30)
    assert r.status_code == 200, r.text
    code = r.json()["code"]
    wrong = [c for c in ("AB2CD3", "ZZ9ZZ8", "QW2ER3", "HJ4KM5", "NP6QR7") if c != code]
    sent = 0
    for i in range(59):  # ~200 wrong codes from 59 numbers, as in the attack
        for j in range(4 if i < 23 else 3):
            assert _sms(sec_stack, f"+3367{i:07d}", wrong[(i + j) % len(wrong)]).status_code in (200, 204)
            sent += 1
    assert sent >= 200
    ATTEMPTS["pairing brute force"] += sent + 1
    since = len(providers.calls)
    assert _sms(sec_stack, "+33698765432", code).status_code in (200, 204)
    answer = " ".join(_sms_texts_to(providers, "+33698765432", since))
    assert "C’est fait" in answer and "relié" in answer, answer


# --- finding 7: non-ASCII bearer, lone surrogates ----------------------------------------------------------

def test_non_ascii_bearer_and_lone_surrogates_get_a_french_4xx_everywhere(sec_stack):
    web = sec_stack.web_url
    checks = []
    # REST channel: bearer \xff, lone surrogate in sender, in the message, in the token
    checks.append(("rest bearer \\xff", _rest(sec_stack, "mes dossiers", headers={"Authorization": "Bearer \xff"}),
                   {401}))
    raw = b'{"sender": "\\ud800abc", "message": "bonjour"}'
    checks.append(("rest sender surrogate", _rest(sec_stack, "", raw=raw), {400}))
    raw = b'{"sender": "s-surrogate", "message": "bonjour \\udc00 dossier"}'
    checks.append(("rest message surrogate", _rest(sec_stack, "", raw=raw), {200}))
    # web APIs
    for method, path in (("GET", "/api/pairing/list"), ("POST", "/api/pairing/code"), ("GET", "/api/agent/tickets"),
                         ("GET", "/api/agent/me"), ("POST", "/api/referral/create")):
        r = requests.request(method, web + path, headers={"Authorization": "Bearer \xff"}, timeout=30)
        checks.append((f"{path} bearer \\xff", r, {401}))
    for body in (b'{"token": "\\ud800"}', b'{"token": "eyJ\\udfff.x.y"}', '{"token": "\u00ff\u00fe"}'.encode()):
        r = requests.post(web + "/api/referral/redeem", data=body, headers={"Content-Type": "application/json"},
                          timeout=30)
        checks.append((f"redeem {body[:20]!r}", r, {400, 401}))
    r = requests.post(web + "/api/demo-login", data=b'{"policyholder_id": 1, "x": "\\ud800"}',
                      headers={"Content-Type": "application/json"}, timeout=30)
    checks.append(("demo-login surrogate", r, {400}))
    for name, r, expected in checks:
        ATTEMPTS["non-ASCII / lone surrogate"] += 1
        assert r.status_code in expected, (name, r.status_code, r.text[:200])
        if r.status_code >= 400:
            error = r.json()["error"]
            assert re.search(r"[a-zéèàç]{3,}", error) and "error" not in error.lower(), (name, error)
    # the socket: never silent, whatever the token or text carries
    replies = converse(sec_stack.rasa_url, [{"message": "mes dossiers", "customData": {"token": "\ud800"}},
                                            {"message": "bonjour \udc00", "customData": {"token": "\xff\xfe"}}],
                       raw=True, quiet=0.5, timeout=30)
    ATTEMPTS["non-ASCII / lone surrogate"] += 2
    assert all(replies), replies
    assert "€" not in texts(replies[0])


# --- finding 8: visitors' hand-over floods ----------------------------------------------------------------

def test_a_visitor_hand_over_flood_is_bounded_and_grouped_on_the_desk(sec_stack):
    agent = _agent_token(sec_stack)

    def queue():
        r = requests.get(f"{sec_stack.web_url}/api/agent/tickets", headers={"Authorization": f"Bearer {agent}"},
                         timeout=30)
        assert r.status_code == 200
        return r.json()["tickets"]

    before = queue()
    visitors_before = sum(1 + t["duplicates"] for t in before if t["policyholder_id"] is None)
    # the attack: one message per new conversation used to open a ticket each time
    for i in range(30):
        r = _rest(sec_stack, "/request_human", sender=f"flood-{i}")
        ATTEMPTS["visitor hand-over flood"] += 1
        assert r.status_code == 200 and "confirm" in json.dumps(r.json(), ensure_ascii=False)
    assert sum(1 + t["duplicates"] for t in queue() if t["policyholder_id"] is None) == visitors_before
    # confirmed requests from one address: a few tickets, then a polite refusal
    answers = []
    for i in range(12):
        sender = f"flood-confirmed-{i}"
        _rest(sec_stack, "/request_human", sender=sender)
        r = _rest(sec_stack, "je veux parler à un conseiller", sender=sender)
        ATTEMPTS["visitor hand-over flood"] += 2
        assert r.status_code == 200
        answers.append(" ".join(m.get("text") or "" for m in r.json()))
    tickets = [a for a in answers if "DEM-" in a]
    assert 1 <= len(tickets) <= 5, answers
    assert any("plusieurs demandes" in a for a in answers), answers
    # the desk shows them once, with their count
    visitors = [t for t in queue() if t["policyholder_id"] is None and t["status"] == "open"]
    assert len([t for t in visitors if t["duplicates"] >= len(tickets) - 1]) >= 1
    assert sum(1 + t["duplicates"] for t in visitors) - visitors_before <= 5


# --- finding 10: links from the configuration, banners, unknown URLs -----------------------------------------

def test_socket_url_and_links_never_come_from_the_host_header(sec_stack):
    evil = {"Host": "evil.example:8080", "X-Forwarded-Host": "evil.example"}
    config = requests.get(f"{sec_stack.web_url}/api/config", headers=evil, timeout=30).json()
    assert "evil" not in config["socket_url"] and config["socket_url"].startswith("http://127.0.0.1:")
    agent = _agent_token(sec_stack)
    r = requests.post(f"{sec_stack.web_url}/api/referral/create", timeout=30,
                      headers={"Authorization": f"Bearer {agent}", **evil},
                      json={"policyholder_id": 1, "topic": next(iter(_topics(sec_stack, agent)))})
    if r.status_code in (200, 201):
        assert "evil" not in r.json()["link"] and r.json()["link"].startswith(sec_stack.settings().public_base_url)
    else:  # the oidc branch may restrict who creates links: the Host header is still never echoed
        assert r.status_code in (403, 404, 422) and "evil" not in r.text
    ATTEMPTS["Host header injection"] += 2


def _topics(stack, agent):
    r = requests.get(f"{stack.web_url}/api/referral/topics", headers={"Authorization": f"Bearer {agent}"}, timeout=30)
    return [t["value"] for t in r.json()["topics"]]


def test_the_page_has_a_content_security_policy_and_no_version_banner(sec_stack):
    r = requests.get(sec_stack.web_url + "/", timeout=30)
    policy = r.headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert "unsafe-eval" not in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    for url in (sec_stack.web_url + "/", sec_stack.web_url + "/api/config", sec_stack.web_url + "/nope"):
        server = requests.get(url, timeout=30).headers.get("Server", "")
        assert not re.search(r"\d+\.\d+", server), (url, server)  # no aiohttp / Python version
    ATTEMPTS["version banners"] += 3


def test_the_action_server_answers_404_on_unknown_urls(sec_stack):
    base = f"http://127.0.0.1:{sec_stack.action_port}"
    for method, path in (("GET", "/nope"), ("POST", "/webhook/../x"), ("GET", "/.env"), ("POST", "/actions"),
                         ("GET", "/" + "a" * 300)):
        r = requests.request(method, base + path, timeout=30)
        ATTEMPTS["action server unknown URLs"] += 1
        assert r.status_code in (404, 405), (method, path, r.status_code, r.text[:200])
        assert "request_body" not in r.text
    assert requests.get(base + "/health", timeout=30).status_code == 200


# Rasa's own HTTP app with the guard, run by the Rasa environment in a child process (written on one line so that
# tests/conftest.py does not take this module for one that imports Rasa in process)
RASA_APP = ("import sys; from rasa.server import create_app; from rasa_ext.channels import http_guard; "
            "app = create_app(auth_token='t' * 32); "
            "http_guard.install(app, production=sys.argv[2] == 'production'); "
            "app.run(host='127.0.0.1', port=int(sys.argv[1]), access_log=False, workers=1)")


def _rasa_http(production: bool):
    import subprocess
    import time

    from tests.e2e.stack import ROOT, free_port
    from tests.runtimes import python_for

    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "JWT_SECRET": "g" * 48, "RASA_API_TOKEN": "t" * 32,
           "RASA_TELEMETRY_ENABLED": "false", "APP_ENV": "production" if production else "development"}
    proc = subprocess.Popen([python_for("rasa"), "-c", RASA_APP, str(port), "production" if production else "dev"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 180
    while time.time() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/", timeout=2)
            return proc, f"http://127.0.0.1:{port}"
        except requests.RequestException:
            if proc.poll() is not None:
                raise RuntimeError(proc.stderr.read().decode(errors="replace")[-3000:]) from None
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError("Rasa's HTTP app did not start")


def test_rasa_version_banners_are_hidden_in_production_only():
    for production in (True, False):
        proc, url = _rasa_http(production)
        try:
            root, version = requests.get(url + "/", timeout=30), requests.get(url + "/version", timeout=30)
            big = requests.post(url + "/conversations/x/tracker/events", data=b"x" * 100_000, timeout=30,
                                headers={"Content-Type": "application/json"})
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        ATTEMPTS["version banners"] += 3
        assert big.status_code == 413 and "64" in big.json()["error"]
        if production:
            assert version.status_code == 404 and "3.6" not in version.text and "version" not in version.text.lower()
            assert root.status_code == 200 and root.text == "ok" and "Server" not in root.headers
        else:  # a developer's machine keeps Rasa's own answers
            assert version.status_code == 200 and "3.6" in version.text and "Rasa" in root.text


def test_attempt_counts_per_class(capsys):
    """The figures docs/security.md and the README give (printed with ``-s``); run last in this module."""
    if len(ATTEMPTS) < 12:
        import pytest

        pytest.skip("only part of the module ran")
    with capsys.disabled():
        print("\nissue #17 attempts per class:", json.dumps(dict(ATTEMPTS), ensure_ascii=False),
              "total", sum(ATTEMPTS.values()))
    assert sum(ATTEMPTS.values()) >= 300
