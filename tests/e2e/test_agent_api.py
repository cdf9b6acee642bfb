"""The agent desk's API against the real stack: pause and resume through Rasa's own mechanisms
(ConversationPaused when an agent takes the ticket, bot / resume events appended through Rasa's HTTP API
behind its token), agent vs policyholder tokens in both directions, bad input -> 4xx in French."""
import re
import uuid

import pytest
import requests

from bot.auth import issue_policyholder_token

MY_REF = "SIN-2021-000123"  # demo company 1
ASK_HUMAN = "je veux parler à un conseiller"


def customer(stack, session, text, policyholder_id=1):
    """The person writes through the REST channel (signed in); returns the bot's answer texts."""
    token = issue_policyholder_token(stack.settings(), policyholder_id)
    r = requests.post(f"{stack.rasa_url}/webhooks/secure_rest/webhook", json={"sender": session, "message": text},
                      headers={"Authorization": f"Bearer {token}"}, timeout=120)
    assert r.status_code == 200, r.text
    return [m.get("text", "") for m in r.json()]


def rasa_tracker(stack, sender_id):
    r = requests.get(f"{stack.rasa_url}/conversations/{sender_id}/tracker",
                     params={"token": stack.env["RASA_API_TOKEN"]}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def agent_token(stack, agent_id="claire.martin"):
    r = requests.post(f"{stack.web_url}/api/agent/demo-login", json={"agent_id": agent_id}, timeout=10)
    assert r.status_code == 200, r.text
    assert r.json()["name"] and r.headers["Cache-Control"] == "no-store"
    return r.json()["token"]


def call(stack, method, path, token=None, **kwargs):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.request(method, f"{stack.web_url}{path}", headers=headers, timeout=60, **kwargs)


def open_ticket(stack):
    """A signed-in customer asks for a person: returns (session, ticket id)."""
    session = "agent-api-" + uuid.uuid4().hex[:12]
    assert any(MY_REF in t for t in customer(stack, session, f"Où en est mon dossier {MY_REF} ?"))
    answer = " ".join(customer(stack, session, ASK_HUMAN))
    found = re.search(r"DEM-(\d{6})", answer)
    assert found, answer
    return session, int(found.group(1))


def test_pause_take_reply_give_back_and_the_bot_answers_again(stack):
    session, ticket_id = open_ticket(stack)
    claire, karim = agent_token(stack), agent_token(stack, "karim.benali")

    queue = call(stack, "GET", "/api/agent/tickets", claire).json()["tickets"]
    mine = next(t for t in queue if t["id"] == ticket_id)
    assert mine["status"] == "open" and mine["company"] == "Menuiserie Durand SARL"
    assert mine["claim_refs"] == [MY_REF] and mine["waiting_seconds"] >= 0
    detail = call(stack, "GET", f"/api/agent/tickets/{ticket_id}", claire).json()
    sender_id = sender_of(stack, ticket_id)
    assert rasa_tracker(stack, sender_id)["paused"] is False  # the bot answers until an agent takes it
    assert any(m["who"] == "user" and MY_REF in m["text"] for m in detail["transcript"])
    assert detail["summary"]["reason"] == "request" and detail["live"]["paused"] is False

    # while the ticket waits, every message is acknowledged (never silent)
    assert any("transmis au conseiller" in t for t in customer(stack, session, "Bon, j'attends."))

    # nobody may reply before taking it; one agent only takes it
    assert call(stack, "POST", f"/api/agent/tickets/{ticket_id}/reply", claire, json={"text": "Bonjour"}).status_code == 409
    taken = call(stack, "POST", f"/api/agent/tickets/{ticket_id}/take", claire)
    assert taken.status_code == 200 and taken.json()["announced"] is True
    assert call(stack, "POST", f"/api/agent/tickets/{ticket_id}/take", karim).status_code == 409
    assert rasa_tracker(stack, sender_id)["paused"] is True  # taking the ticket paused the bot
    refused = call(stack, "POST", f"/api/agent/tickets/{ticket_id}/reply", karim, json={"text": "Moi aussi"})
    assert refused.status_code == 409 and "collègue" in refused.json()["error"]

    # while paused, the person's messages reach the tracker and the bot stays silent
    assert customer(stack, session, "Vous êtes là ?") == []
    sent = call(stack, "POST", f"/api/agent/tickets/{ticket_id}/reply", claire,
                json={"text": "Bonjour, je regarde votre dossier."})
    assert sent.status_code == 200, sent.text
    live = call(stack, "GET", f"/api/agent/tickets/{ticket_id}", claire).json()["live"]
    assert live["paused"] is True
    whos = [m["who"] for m in live["messages"]]
    assert whos[0] == "user" and live["messages"][0]["text"] == "Bon, j'attends."  # while waiting
    assert whos[-3:] == ["agent", "user", "agent"]  # joined, the person, the reply
    assert live["messages"][-2]["text"] == "Vous êtes là ?"
    assert live["messages"][-1]["who"] == "agent" and live["messages"][-1]["text"] == "Bonjour, je regarde votre dossier."
    tracker = rasa_tracker(stack, sender_id)
    said = [e for e in tracker["events"] if e["event"] == "bot"][-1]
    assert said["text"].startswith("Claire Martin, de notre équipe, vous écrit") and "je regarde" in said["text"]

    back = call(stack, "POST", f"/api/agent/tickets/{ticket_id}/give-back", claire)
    assert back.status_code == 200 and back.json()["status"] == "closed", back.text
    tracker = rasa_tracker(stack, sender_id)
    assert tracker["paused"] is False and tracker["slots"]["claim_ref"] == MY_REF
    last_bot = [e["text"] for e in tracker["events"] if e["event"] == "bot"][-3:]
    assert any("Claire Martin m’a rendu la main" in t for t in last_bot) and any(MY_REF in t for t in last_bot)
    assert ticket_id not in [t["id"] for t in call(stack, "GET", "/api/agent/tickets", claire).json()["tickets"]]
    assert call(stack, "POST", f"/api/agent/tickets/{ticket_id}/give-back", claire).status_code == 409

    # the assistant answers the next question
    answer = " ".join(customer(stack, session, f"Où en est mon dossier {MY_REF} ?"))
    assert MY_REF in answer and "€" in answer, answer


def sender_of(stack, ticket_id):
    """The conversation id of a ticket, read from the store (the desk does not need to show it)."""
    from bot.store.queries import handoff as handoff_queries
    from bot.store.db import get_engine, session_scope

    with session_scope(get_engine(stack.settings().database.url)) as s:
        return handoff_queries.get_ticket(s, ticket_id).sender_id


def test_an_open_ticket_can_be_given_back_without_taking_it(stack):
    session, ticket_id = open_ticket(stack)
    claire = agent_token(stack)
    assert call(stack, "POST", f"/api/agent/tickets/{ticket_id}/give-back", claire).status_code == 200
    assert customer(stack, session, f"Où en est mon dossier {MY_REF} ?") != []


AGENT_ROUTES = [("GET", "/api/agent/me"), ("GET", "/api/agent/tickets"), ("GET", "/api/agent/tickets/1"),
                ("POST", "/api/agent/tickets/1/take"), ("POST", "/api/agent/tickets/1/reply"),
                ("POST", "/api/agent/tickets/1/give-back")]


@pytest.mark.parametrize("method,path", AGENT_ROUTES)
def test_agent_routes_refuse_policyholder_missing_and_forged_tokens(stack, method, path):
    from bot.auth import AUD_AGENT, issue_token
    from bot.settings import load_settings

    policyholder = issue_policyholder_token(stack.settings(), 1, name="Menuiserie Durand SARL")
    forged = issue_token(load_settings({**stack.env, "JWT_SECRET": "forged-" + "f" * 40}), audience=AUD_AGENT,
                         subject="agent:claire.martin", name="Claire Martin")
    expired = issue_token(stack.settings(), audience=AUD_AGENT, subject="agent:claire.martin", ttl_seconds=-60)
    for token in (None, policyholder, forged, expired, "garbage"):
        r = call(stack, method, path, token, json={"text": "Bonjour"})
        assert r.status_code == 401, (token, r.text)
        assert r.json()["error"] == "Connectez-vous avec un compte conseiller."


def test_policyholder_routes_refuse_an_agent_token(stack):
    claire = agent_token(stack)
    assert call(stack, "GET", "/api/agent/me", claire).json()["name"] == "Claire Martin"
    assert call(stack, "GET", "/api/pairing/list", claire).status_code == 401
    assert call(stack, "POST", "/api/pairing/code", claire).status_code == 401


def test_rasa_http_api_needs_its_token(stack):
    url = f"{stack.rasa_url}/conversations/web-ph1-x/tracker"
    assert requests.get(url, timeout=10).status_code == 401
    assert requests.get(url, params={"token": "wrong"}, timeout=10).status_code == 401
    assert requests.get(f"{stack.web_url}/agent/", timeout=10).text.count(stack.env["RASA_API_TOKEN"]) == 0


@pytest.mark.parametrize("kwargs,status,needle", [
    ({"json": {"text": ""}}, 400, "Écrivez un message"),
    ({"json": {"text": "x" * 2001}}, 400, "2000 caractères"),
    ({"json": {"texte": "Bonjour"}}, 400, "Écrivez un message"),
    ({"json": ["Bonjour"]}, 400, "objet JSON"),
    ({"data": "Bonjour", "headers": {"Content-Type": "text/plain"}}, 415, "JSON"),
    ({"data": "{pas du json", "headers": {"Content-Type": "application/json"}}, 400, "JSON valide"),
])
def test_bad_replies_get_a_french_4xx(stack, kwargs, status, needle):
    claire = agent_token(stack)
    headers = {"Authorization": f"Bearer {claire}", **kwargs.pop("headers", {})}
    r = requests.post(f"{stack.web_url}/api/agent/tickets/1/reply", headers=headers, timeout=10, **kwargs)
    assert r.status_code == status and needle in r.json()["error"], r.text


def test_unknown_tickets_and_agents(stack):
    claire = agent_token(stack)
    for path in ("/api/agent/tickets/999999", "/api/agent/tickets/abc"):
        r = call(stack, "GET", path, claire)
        assert r.status_code == 404 and r.json()["error"] == "Demande introuvable."
    assert call(stack, "POST", "/api/agent/tickets/999999/take", claire).status_code == 404
    assert call(stack, "POST", "/api/agent/tickets/999999/give-back", claire).status_code == 404
    r = call(stack, "POST", "/api/agent/demo-login", json={"agent_id": "mallory"})
    assert r.status_code == 404 and "n'existe pas" in r.json()["error"]
    assert call(stack, "POST", "/api/agent/demo-login", data="x").status_code == 415


def test_desk_page_and_statics(stack):
    page = requests.get(f"{stack.web_url}/agent/", timeout=10)
    assert page.status_code == 200 and 'id="referral-create"' in page.text
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert requests.get(f"{stack.web_url}/agent/static/agent.js", timeout=10).status_code == 200
    assert requests.get(f"{stack.web_url}/agent/static/referral.js", timeout=10).status_code in (200, 404)
    assert requests.get(f"{stack.web_url}/agent", timeout=10, allow_redirects=False).status_code == 302


def test_the_rasa_api_token_never_reaches_a_log(stack):
    """Runs after the flows above (same stack): the token travels in a query string, so check the logs."""
    open_ticket(stack)  # at least one desk round trip through Rasa's API in this test too
    claire = agent_token(stack)
    for t in call(stack, "GET", "/api/agent/tickets", claire).json()["tickets"]:
        assert call(stack, "GET", f"/api/agent/tickets/{t['id']}", claire).status_code == 200
    logs = list(stack.var_dir.glob("*.log"))
    assert logs and not any(stack.env["RASA_API_TOKEN"] in p.read_text(errors="replace") for p in logs)


def test_a_reloaded_page_receives_agent_replies_before_typing_again(stack):
    """The widget reconnects after a reload: the socket rejoins the conversation on session_request,
    so an agent's reply arrives without the person sending a message first."""
    import asyncio

    import socketio

    from tests.sio_client import converse

    token = issue_policyholder_token(stack.settings(), 1)
    session_id = uuid.uuid4().hex
    assert converse(stack.rasa_url, ["bonjour"], token=token, connect_token=token, session_id=session_id)[0]
    sender = f"web-ph1-{_digest(session_id)}"  # as rasa_ext.channels.secure_socketio.conversation_id derives it

    async def reload_and_wait():
        client = socketio.AsyncClient(reconnection=False)
        got, confirmed = [], asyncio.Event()
        client.on("session_confirm", lambda _d: confirmed.set())
        client.on("bot_uttered", lambda d: got.append(d))
        await client.connect(f"{stack.rasa_url}?token={token}", transports=["polling"], socketio_path="/socket.io")
        try:
            await client.emit("session_request", {"session_id": session_id})
            await asyncio.wait_for(confirmed.wait(), 10)
            await asyncio.to_thread(
                requests.post, f"{stack.rasa_url}/conversations/{sender}/tracker/events",
                params={"token": stack.env["RASA_API_TOKEN"], "output_channel": "latest",
                        "execute_side_effects": "true"},
                json=[{"event": "bot", "text": "Claire Martin, de notre équipe, vous écrit : bonjour"}], timeout=30)
            for _ in range(200):
                if got:
                    break
                await asyncio.sleep(0.05)
        finally:
            await client.eio.disconnect(abort=True)
        return got

    got = asyncio.run(reload_and_wait())
    assert [m.get("text") for m in got] == ["Claire Martin, de notre équipe, vous écrit : bonjour"]


def _digest(session_id):
    import hashlib
    return hashlib.sha256(session_id.encode()).hexdigest()[:24]

