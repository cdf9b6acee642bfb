"""Rasa's HTTP API and the action server are not reachable without their tokens, and listen on localhost."""
from __future__ import annotations

import subprocess

import pytest
import requests

from tests.security.conftest import ACTION_TOKEN, RASA_API_TOKEN

PROTECTED = [
    ("GET", "/status", None),
    ("GET", "/domain", None),
    ("GET", "/conversations/web-ph1-victim/tracker", None),
    ("GET", "/conversations/web-ph1-victim/story", None),
    ("POST", "/conversations/web-ph1-victim/messages", {"text": "mes dossiers", "sender": "user"}),
    ("POST", "/conversations/web-ph1-victim/tracker/events",
     {"event": "slot", "name": "claim_ref", "value": "SIN-2021-000456"}),
    ("POST", "/conversations/web-ph1-victim/execute", {"name": "action_claim_status"}),
    ("POST", "/conversations/web-ph1-victim/trigger_intent", {"name": "claim_status"}),
    ("POST", "/model/parse", {"text": "bonjour"}),
    ("PUT", "/model", {"model_file": "/etc/passwd"}),
    ("DELETE", "/model", None),
]


@pytest.mark.parametrize("method,path,body", PROTECTED, ids=[f"{m} {p}" for m, p, _ in PROTECTED])
@pytest.mark.parametrize("token", [None, "", "wrong-token", RASA_API_TOKEN[:-1], RASA_API_TOKEN.upper()])
def test_rasa_http_api_refuses_calls_without_the_right_token(sec_stack, method, path, body, token):
    params = {} if token is None else {"token": token}
    answer = requests.request(method, sec_stack.rasa_url + path, params=params, json=body, timeout=30)
    assert answer.status_code in (401, 403), (answer.status_code, answer.text[:200])


def test_rasa_http_api_answers_with_the_right_token(sec_stack):
    answer = requests.get(f"{sec_stack.rasa_url}/status", params={"token": RASA_API_TOKEN}, timeout=30)
    assert answer.status_code == 200 and "model_file" in answer.json()


def test_action_server_refuses_calls_without_its_token_while_the_chat_works(sec_stack):
    url = f"http://127.0.0.1:{sec_stack.action_port}/webhook"
    body = {"next_action": "action_claim_status", "sender_id": "web-ph1-x",
            "tracker": {"sender_id": "web-ph1-x", "slots": {}, "events": [],
                        "latest_message": {"text": "SIN-2021-000123",
                                           "metadata": {"identity": {"policyholder_id": 1}}}},
            "domain": {}}
    assert requests.post(url, json=body, timeout=30).status_code == 401
    assert requests.post(url, params={"token": "guess"}, json=body, timeout=30).status_code == 401
    with_token = requests.post(url, params={"token": ACTION_TOKEN}, json=body, timeout=30)
    assert with_token.status_code == 200
    # even with the token, unsigned identity metadata buys nothing
    said = " ".join(r.get("text") or "" for r in with_token.json().get("responses", []))
    assert "Connectez-vous" in said and "€" not in said, said
    # Rasa itself has the token (rendered into endpoints.yml), so the chat goes through
    reply = requests.post(f"{sec_stack.rasa_url}/webhooks/secure_rest/webhook",
                          json={"sender": "svc-auth", "message": "Quels sont les frais de recouvrement ?"}, timeout=60)
    assert reply.status_code == 200 and reply.json(), reply.text


def test_every_server_listens_on_localhost_only(sec_stack):
    listening = subprocess.run(["ss", "-ltn"], capture_output=True, text=True).stdout
    for port in (sec_stack.rasa_port, sec_stack.action_port, sec_stack.web_port):
        assert f"127.0.0.1:{port}" in listening
        assert f"0.0.0.0:{port}" not in listening and f"*:{port}" not in listening and f"[::]:{port}" not in listening
