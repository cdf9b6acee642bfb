"""The agent desk's building blocks without a running stack: agent tokens, the Rasa events of
take / reply / give back, the live view since the handoff, the Rasa API client, desk queries."""
from datetime import datetime, timedelta, timezone

import pytest
import requests
from sqlalchemy.orm import Session

from bot.auth import AUD_AGENT, issue_policyholder_token, issue_token
from bot.handoff import desk, rasa_api, tickets
from bot.store.queries import handoff as handoff_queries
from bot.settings import load_settings
from bot.store import db
from bot.store.seed import seed_demo

NOW = datetime(2026, 3, 2, 9, 5, tzinfo=timezone.utc)


@pytest.fixture
def settings(tmp_path):
    return load_settings({"ASSISTANT_VAR_DIR": str(tmp_path), "JWT_SECRET": "unit-" + "s" * 40,
                          "RASA_API_TOKEN": "api-token-xyz"})


@pytest.fixture
def claire(settings):
    return desk.verify_agent(settings, desk.issue_agent_token(settings, desk.demo_agent("claire.martin")))


# --- agents -------------------------------------------------------------------------------------

def test_agent_token_is_an_agent_and_nothing_else(settings):
    agent = desk.demo_agent("claire.martin")
    principal = desk.verify_agent(settings, desk.issue_agent_token(settings, agent))
    assert principal.subject == "agent:claire.martin" and desk.display_name(principal) == "Claire Martin"
    # a policyholder token is never an agent token
    assert desk.verify_agent(settings, issue_policyholder_token(settings, 1, name="Menuiserie Durand")) is None
    # right audience but not an agent subject; expired; signed with another key; garbage
    assert desk.verify_agent(settings, issue_token(settings, audience=AUD_AGENT, subject="policyholder:1")) is None
    assert desk.verify_agent(settings, desk.issue_agent_token(settings, agent, now=1_000_000)) is None
    other = load_settings({"ASSISTANT_VAR_DIR": str(settings.runtime.var_dir), "JWT_SECRET": "other-" + "k" * 40})
    assert desk.verify_agent(settings, desk.issue_agent_token(other, agent)) is None
    assert desk.verify_agent(settings, "not.a.token") is None
    assert desk.demo_agent("nobody") is None and desk.demo_agent(3) is None


def test_settings_generate_the_rasa_api_token_once(tmp_path):
    first = load_settings({"ASSISTANT_VAR_DIR": str(tmp_path), "JWT_SECRET": "x" * 40})
    again = load_settings({"ASSISTANT_VAR_DIR": str(tmp_path), "JWT_SECRET": "x" * 40})
    assert len(first.rasa.api_token) > 30 and first.rasa.api_token == again.rasa.api_token
    assert (tmp_path / "rasa_api_token").stat().st_mode & 0o077 == 0
    assert first.rasa.api_token not in repr(first)
    given = load_settings({"ASSISTANT_VAR_DIR": str(tmp_path), "JWT_SECRET": "x" * 40, "RASA_API_TOKEN": "abc",
                           "RASA_PORT": "6000", "DEMO_MODE": "1"})
    assert given.rasa.api_token == "abc" and given.rasa.api_url == "http://127.0.0.1:6000"
    assert given.runtime.demo_mode is True and first.runtime.demo_mode is False


@pytest.mark.parametrize("text,expected", [
    ("  Bonjour, je regarde votre dossier.  ", "Bonjour, je regarde votre dossier."),
    ("a\x00b", "ab"), ("", None), ("   ", None), (None, None), (42, None), ("x" * 2001, None),
])
def test_clean_reply(text, expected):
    assert desk.clean_reply(text) == expected


# --- events -------------------------------------------------------------------------------------

def test_reply_is_a_bot_event_that_shows_the_agent_name(claire):
    [event] = desk.reply_events(claire, "Je regarde votre dossier {tout de suite}.")
    assert event["event"] == "bot"
    assert event["text"].startswith("Claire Martin, de notre équipe, vous écrit")
    assert "Je regarde votre dossier {tout de suite}." in event["text"]
    assert event["metadata"]["agent_desk"] == {"agent": "Claire Martin", "subject": "agent:claire.martin",
                                              "kind": "reply", "text": "Je regarde votre dossier {tout de suite}."}
    pause, joined = desk.take_events(claire)
    assert pause == {"event": "pause"}  # taking the ticket pauses the assistant
    assert "Claire Martin" in joined["text"] and joined["metadata"]["agent_desk"]["kind"] == "joined"


def test_give_back_resumes_recalls_the_claim_and_listens(claire):
    events = desk.give_back_events(claire, ("SIN-2021-000123", "SIN-2023-000777"))
    assert events[0] == {"event": "resume"}
    assert {"event": "slot", "name": "handoff_outcome", "value": None} in events  # no ticket waits any more
    texts = [e["text"] for e in events if e["event"] == "bot"]
    assert "Claire Martin" in texts[0] and "retour" in texts[0]
    assert any("SIN-2023-000777" in t for t in texts)
    assert {"event": "slot", "name": "claim_ref", "value": "SIN-2023-000777"} in events
    assert events[-1] == {"event": "action", "name": "action_listen"}
    plain = desk.give_back_events(claire, ())
    assert not any(e["event"] == "slot" and e["name"] == "claim_ref" for e in plain)
    assert not any("dossier" in e.get("text", "") for e in plain)


def test_since_handoff_keeps_what_follows_the_pause(claire):
    pause, joined = desk.take_events(claire)
    [reply] = desk.reply_events(claire, "Je regarde.")
    events = [
        {"event": "user", "text": "Où en est mon dossier ?", "timestamp": 1.0},
        {"event": "bot", "text": "Votre dossier est indemnisé.", "timestamp": 2.0},
        {"event": "user", "text": "Je veux un conseiller", "timestamp": 3.0},
        {"event": "action", "name": "action_handoff", "timestamp": 3.1},
        {"event": "bot", "text": "C'est noté.", "timestamp": 3.2},
        {"event": "pause", "timestamp": 3.3},
        {"event": "user", "text": "Vous êtes là ?", "timestamp": 4.0},
        {**joined, "timestamp": 5.0},
        {**reply, "timestamp": 6.0},
        *[{**e, "timestamp": 7.0} for e in desk.give_back_events(claire, ())],
    ]
    live = desk.since_handoff(events)
    assert [m["who"] for m in live] == ["user", "agent", "agent", "resume", "bot", "bot"]
    assert live[0]["text"] == "Vous êtes là ?"
    assert live[2] == {"who": "agent", "agent": "Claire Martin", "text": "Je regarde.", "at": 6.0}
    assert desk.since_handoff(events[:5]) == []


def test_since_handoff_starts_at_the_ticket_and_keeps_what_was_said_while_waiting(claire):
    """The assistant keeps answering until an agent takes the ticket: the desk shows it all."""
    take = desk.take_events(claire)
    events = [
        {"event": "user", "text": "Je veux un conseiller", "timestamp": 1.0},
        {"event": "action", "name": "action_handoff", "timestamp": 1.1},
        {"event": "bot", "text": "C'est noté.", "timestamp": 1.2},
        {"event": "slot", "name": "handoff_outcome", "value": "ticket", "timestamp": 1.3},
        {"event": "user", "text": "Et mes frais ?", "timestamp": 2.0},
        {"event": "bot", "text": "Votre message est transmis au conseiller.", "timestamp": 2.1},
        *[{**e, "timestamp": 3.0} for e in take],
        {"event": "user", "text": "Merci", "timestamp": 4.0},
    ]
    live = desk.since_handoff(events)
    assert [m["who"] for m in live] == ["user", "bot", "agent", "user"]
    assert live[0]["text"] == "Et mes frais ?" and live[-1]["text"] == "Merci"


# --- Rasa's HTTP API client ---------------------------------------------------------------------

class FakeResponse:
    def __init__(self, status, body):
        self.status_code, self._body = status, body

    def json(self):
        if isinstance(self._body, Exception):
            raise self._body
        return self._body


class FakeSession:
    def __init__(self, response=None, error=None):
        self.calls, self.response, self.error = [], response, error

    def request(self, method, url, params=None, json=None, timeout=None):
        self.calls.append((method, url, params, json))
        if self.error:
            raise self.error(f"HTTPConnectionPool: Max retries exceeded with url: {url}?token={params['token']}")
        return self.response


def test_client_appends_with_side_effects_on_the_latest_channel():
    fake = FakeSession(FakeResponse(200, {"sender_id": "web-ph1-abc"}))
    api = rasa_api.RasaApi("http://127.0.0.1:5005/", "secret-token", session=fake)
    api.append("web-ph1-abc", [{"event": "resume"}])
    method, url, params, body = fake.calls[0]
    assert method == "POST" and url == "http://127.0.0.1:5005/conversations/web-ph1-abc/tracker/events"
    assert params == {"output_channel": "latest", "execute_side_effects": "true", "include_events": "NONE",
                      "token": "secret-token"}
    assert body == [{"event": "resume"}]
    api.tracker("a/b")
    assert fake.calls[1][1].endswith("/conversations/a%2Fb/tracker") and fake.calls[1][2]["include_events"] == "ALL"


@pytest.mark.parametrize("fake", [FakeSession(FakeResponse(401, {})), FakeSession(FakeResponse(200, ValueError())),
                                  FakeSession(error=requests.ConnectionError)])
def test_client_errors_never_carry_the_token(fake, caplog):
    api = rasa_api.RasaApi("http://127.0.0.1:5005", "secret-token", session=fake)
    with pytest.raises(rasa_api.RasaApiError) as info:
        api.tracker("web-ph1-abc")
    assert "secret-token" not in str(info.value) and info.value.__cause__ is None
    assert "secret-token" not in caplog.text
    with pytest.raises(ValueError):
        rasa_api.RasaApi("http://x", "")


# --- desk queries -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('desk') / 'store.db'}"
    db.migrate(url)
    seed_demo(db.get_engine(url))
    yield url
    db.dispose_engine(url)


def test_desk_lists_open_and_taken_tickets_oldest_first(url):
    with Session(db.get_engine(url), future=True, expire_on_commit=False) as s:
        def make(sender, minutes, ph=1):
            return tickets.create_ticket(s, ph, sender, "request", {"claim_refs": []}, [],
                                         now=NOW - timedelta(minutes=minutes))
        newest, oldest, closed, visitor = make("c-new", 1), make("c-old", 30), make("c-closed", 40), make("c-v", 5, None)
        handoff_queries.take_ticket(s, newest.id, "agent:claire.martin", now=NOW)
        handoff_queries.close_ticket(s, closed.id, "agent:claire.martin", now=NOW)
        listed = handoff_queries.desk_tickets(s)
        assert [t.id for t in listed] == [oldest.id, visitor.id, newest.id]
        assert listed[-1].status == "taken" and listed[-1].taken_by == "agent:claire.martin"
        assert handoff_queries.get_ticket(s, closed.id).status == "closed"
        assert handoff_queries.get_ticket(s, 10**6) is None and handoff_queries.get_ticket(s, "1") is None
        assert handoff_queries.policyholder_names(s, [1, None, 1]) == {1: "Menuiserie Durand SARL"}
        assert handoff_queries.policyholder_names(s, [None]) == {}
        s.rollback()


def test_opening_a_ticket_on_the_desk_is_audited(url):
    from sqlalchemy import select

    from bot.store.models import AuditEntry
    from web.api import agent as agent_api

    with Session(db.get_engine(url), future=True, expire_on_commit=False) as s:
        made = tickets.create_ticket(s, 3, "c-audit", "request", {"claim_refs": []}, [], now=NOW)
        ticket, names = agent_api._read(s, made.id, "agent:karim.benali")
        assert ticket.id == made.id and set(names) == {3}
        rows = s.execute(select(AuditEntry).where(AuditEntry.object_type == "handoff_ticket")).scalars().all()
        assert [(r.who, r.policyholder_id, r.object_id, r.channel, r.action) for r in rows] == [
            ("agent:karim.benali", 3, str(made.id), "agent_desk", "read")]
        assert agent_api._read(s, 10**6, "agent:karim.benali") == (None, {})
        assert s.execute(select(AuditEntry).where(AuditEntry.object_type == "handoff_ticket")).scalars().all() == rows
        s.rollback()


def test_agent_token_carries_roles_and_only_roles_from_the_signed_token(settings):
    plain = desk.verify_agent(settings, desk.issue_agent_token(settings, desk.demo_agent("claire.martin")))
    boss = desk.verify_agent(settings, desk.issue_agent_token(settings, desk.demo_agent("sophie.durand")))
    assert plain.roles == ("claims_agent",) and not plain.has_role("claims_supervisor")
    assert boss.has_role("claims_supervisor") and boss.has_role("claims_agent")
