"""Token attacks against the running stack: swapped audiences, replay of an expired token on an open socket,
tokens of the agent desk and of the policyholder page used on each other's doors."""
from __future__ import annotations

import asyncio
import time
import uuid

import jwt
import pytest
import requests

from bot.wording.core import TEMPLATES as CORE
from bot.wording.format import typo

MY_REF = "SIN-2021-000123"  # demo company 1


def _tokens(stack):
    from bot.auth import AUD_AGENT, AUD_POLICYHOLDER, issue_policyholder_token, issue_token
    settings = stack.settings()
    now = int(time.time())
    base = {"iss": settings.auth.jwt_issuer, "aud": AUD_POLICYHOLDER, "sub": "policyholder:1", "ph": 1, "iat": now,
            "exp": now + 600}
    return {
        "agent": issue_token(settings, audience=AUD_AGENT, subject="agent:claire.martin", name="Claire Martin"),
        "agent_with_ph": issue_token(settings, audience=AUD_AGENT, subject="agent:claire.martin", policyholder_id=1),
        "referral": issue_token(settings, audience="assistant-indemnisation/referral", subject="referral:1",
                                policyholder_id=1),
        "both_audiences": jwt.encode({**base, "aud": [AUD_AGENT, AUD_POLICYHOLDER]}, settings.auth.jwt_secret,
                                     algorithm="HS256"),
        "alg_none": jwt.encode(base, None, algorithm="none"),
        "hs512_real_secret": jwt.encode(base, settings.auth.jwt_secret, algorithm="HS512"),
        "other_issuer": jwt.encode({**base, "iss": "elsewhere"}, settings.auth.jwt_secret, algorithm="HS256"),
        "expired": issue_policyholder_token(settings, 1, ttl_seconds=5, now=now - 60),
        "wrong_kid": jwt.encode(base, "guessed-" * 6, algorithm="HS256", headers={"kid": "deadbeef0000"}),
    }


BAD = ["agent", "agent_with_ph", "referral", "both_audiences", "alg_none", "hs512_real_secret", "other_issuer",
       "expired", "wrong_kid"]


@pytest.mark.parametrize("kind", BAD)
def test_agent_token_is_no_policyholder_token_on_any_channel(sec_stack, kind):
    """Agent, referral and malformed tokens buy no account data on the REST channel, the socket or the pairing API."""
    from tests.security.sio import converse, texts
    token = _tokens(sec_stack)[kind]
    r = requests.post(f"{sec_stack.rasa_url}/webhooks/secure_rest/webhook", timeout=60,
                      json={"sender": "swap", "message": f"Où en est mon dossier {MY_REF} ?"},
                      headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401
    code = requests.post(f"{sec_stack.web_url}/api/pairing/code", headers={"Authorization": f"Bearer {token}"},
                         timeout=30)
    assert code.status_code == 401
    answer = texts(converse(sec_stack.rasa_url, [f"Où en est mon dossier {MY_REF} ?"], token=token,
                            connect_token=token, quiet=0.5)[0])
    assert "€" not in answer and typo(CORE["session_expired"]) in answer, answer


def test_agent_desk_refuses_policyholder_tokens(sec_stack):
    from bot.auth import issue_policyholder_token
    tokens = _tokens(sec_stack)
    policyholder = issue_policyholder_token(sec_stack.settings(), 1)
    for path in ("/api/agent/me", "/api/agent/tickets"):
        for token in (policyholder, tokens["referral"], tokens["alg_none"], tokens["wrong_kid"], None):
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            r = requests.get(sec_stack.web_url + path, headers=headers, timeout=30)
            assert r.status_code == 401, (path, r.status_code, r.text[:200])
    # the agent token itself is accepted there (so the refusals above are about the audience)
    r = requests.get(f"{sec_stack.web_url}/api/agent/me", headers={"Authorization": f"Bearer {tokens['agent']}"},
                     timeout=30)
    assert r.status_code == 200, r.text


def test_no_token_kind_redeems_as_a_referral_link(sec_stack):
    """The referral redemption (which hands out a policyholder session) only takes referral tokens."""
    from bot.auth import issue_policyholder_token
    tokens = _tokens(sec_stack)
    candidates = [issue_policyholder_token(sec_stack.settings(), 1), tokens["agent"], tokens["agent_with_ph"],
                  tokens["alg_none"], tokens["both_audiences"], tokens["wrong_kid"], tokens["expired"]]
    for token in candidates:
        r = requests.post(f"{sec_stack.web_url}/api/referral/redeem", json={"token": token}, timeout=30)
        assert 400 <= r.status_code < 500, (r.status_code, r.text[:200])
        assert "token" not in r.json(), r.text[:200]


async def _socket_replay(url, token, ttl):
    import socketio
    client = socketio.AsyncClient(reconnection=False)
    got = []
    client.on("bot_uttered", lambda data: got.append(data.get("text") or ""))
    await client.connect(url + f"?token={token}", transports=["polling"], socketio_path="/socket.io")
    session = uuid.uuid4().hex
    await client.emit("session_request", {"session_id": session})
    await asyncio.sleep(0.5)

    async def ask():
        got.clear()
        await client.emit("user_uttered", {"message": f"Où en est mon dossier {MY_REF} ?", "session_id": session,
                                           "customData": {"token": token}})
        for _ in range(200):
            await asyncio.sleep(0.1)
            if got:
                await asyncio.sleep(1.0)
                break
        return "\n".join(got)

    started = time.time()
    fresh = await ask()
    await asyncio.sleep(max(0.0, ttl + 1.5 - (time.time() - started)))
    replayed = await ask()
    await client.eio.disconnect(abort=True)
    return fresh, replayed


def test_expired_token_replayed_on_an_open_socket_gets_no_data(sec_stack):
    from bot.auth import issue_policyholder_token
    ttl = 8
    token = issue_policyholder_token(sec_stack.settings(), 1, ttl_seconds=ttl)
    fresh, replayed = asyncio.run(_socket_replay(sec_stack.rasa_url, token, ttl))
    assert MY_REF in fresh and "€" in fresh, fresh  # valid: the claim is shown
    assert "€" not in replayed, replayed            # same socket, same token, expired: nothing
    assert typo(CORE["session_expired"]) in replayed, replayed
