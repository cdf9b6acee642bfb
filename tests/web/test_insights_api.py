"""The insights API through the real aiohttp application (web/server.py's make_app), on SQLite stores
filled with the seeded conversations of tests/bot/insights: only supervisors get in, filters are
checked (400 in French), figures and the review queue come back, masked text never shows personal
data, decisions are recorded with who and when, the export is Rasa NLU YAML."""
from __future__ import annotations

import asyncio

import pytest
from aiohttp.test_utils import TestClient, TestServer

import bot.settings
from bot.auth import issue_policyholder_token
from bot.gdpr.tracker import events
from bot.handoff import desk
from bot.settings import load_settings
from bot.store import db
from bot.store.seed import seed_demo
from tests.bot.insights.conftest import add_store_rows
from tests.bot.insights.conversations import PHONE, seeded, write

RANGE = "from=2026-11-30&to=2026-12-07"


@pytest.fixture
def settings(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'claims.db'}"
    db.migrate(url)
    engine = db.get_engine(url)
    seed_demo(engine)
    add_store_rows(engine)
    tracker = db.get_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    events.metadata.create_all(tracker)
    write(tracker, seeded())
    loaded = load_settings({"ASSISTANT_VAR_DIR": str(tmp_path), "DATABASE_URL": url, "JWT_SECRET": "unit-" + "s" * 40})
    monkeypatch.setattr(bot.settings, "_cached", loaded)
    yield loaded
    db.dispose_engine(url)
    db.dispose_engine(f"sqlite:///{tmp_path / 'tracker.db'}")


def token(settings, agent_id):
    return desk.issue_agent_token(settings, desk.demo_agent(agent_id))


def call(requests):
    """Run ``requests(client)`` against a fresh app; its result."""
    from web.server import make_app

    async def run():
        async with TestClient(TestServer(make_app())) as client:
            return await requests(client)

    return asyncio.run(run())


def auth(value):
    return {"Authorization": f"Bearer {value}"}


def test_only_supervisors_get_in(settings):
    claire = token(settings, "claire.martin")
    customer = issue_policyholder_token(settings, 1, name="Menuiserie Durand")

    async def requests(client):
        out = {}
        for name, headers in (("nobody", {}), ("agent", auth(claire)), ("customer", auth(customer)),
                              ("forged", auth("eyJhbGciOiJIUzI1NiJ9.e30.x"))):
            for path in ("/api/agent/insights", "/api/agent/insights/review", "/api/agent/insights/export",
                         "/api/agent/insights/review/1"):
                r = await client.get(path, headers=headers)
                out[(name, path)] = (r.status, (await r.json())["error"])
            r = await client.post("/api/agent/insights/review", json={"event_ids": [1], "decision": "rejected"},
                                  headers=headers)
            out[(name, "post")] = (r.status, (await r.json())["error"])
        page = await client.get("/agent/insights")
        out["page"] = (page.status, page.headers.get("Content-Security-Policy", ""), await page.text())
        return out

    out = call(requests)
    page_status, csp, html = out.pop("page")
    assert page_status == 200 and "script-src 'self'" in csp and 'lang="fr"' in html
    for (name, _path), (status, message) in out.items():
        if name == "agent":
            assert (status, message) == (403, "Cette page est réservée aux superviseurs de l’équipe indemnisation.")
        else:
            assert status == 401 and message == "Connectez-vous avec un compte conseiller."


def test_figures_for_a_supervisor(settings):
    sophie = token(settings, "sophie.durand")

    async def requests(client):
        r = await client.get(f"/api/agent/insights?{RANGE}&period=week", headers=auth(sophie))
        return r.status, r.headers["Cache-Control"], await r.json()

    status, cache, body = call(requests)
    assert status == 200 and cache == "no-store"
    assert (body["totals"]["conversations"], body["totals"]["handed_off"], body["totals"]["median_first_answer_s"]) \
        == (7, 2, 2.0)
    assert [(s["period"], s["conversations"]) for s in body["series"]] == [("2026-11-30", 5), ("2026-12-07", 2)]
    assert body["csat"]["distribution"] == {"1": 0, "2": 1, "3": 0, "4": 1, "5": 1}
    assert body["csat_comments"] == [{"text": "Réponse rapide, bravo.", "channel": "web", "score": 5,
                                      "at": "2026-11-30T10:00:21+00:00"}]
    assert body["tickets"]["by_reason"] == [{"reason": "request", "tickets": 1}]
    assert body["refreshed"]["conversations"] == 7
    assert "sender_id" not in str(body) and PHONE not in str(body)


@pytest.mark.parametrize("query,message", [
    ("from=2026-13-01", "« from » doit être une date au format AAAA-MM-JJ."),
    ("to=hier", "« to » doit être une date au format AAAA-MM-JJ."),
    ("from=2026-12-07&to=2026-11-30", "La date de fin précède la date de début."),
    ("from=2020-01-01&to=2026-12-07", "Choisissez une plage de 366 jours au plus."),
    ("period=month", "La période doit être « day » (par jour) ou « week » (par semaine)."),
    ("channel=%27%3B--", "Ce canal n’existe pas."),
    ("from=2026-11-30%00", "« from » doit être une date au format AAAA-MM-JJ."),
])
def test_bad_filters_get_a_french_400(settings, query, message):
    sophie = token(settings, "sophie.durand")

    async def requests(client):
        r = await client.get(f"/api/agent/insights?{query}", headers=auth(sophie))
        q = await client.get(f"/api/agent/insights/review?{query}", headers=auth(sophie))
        return r.status, (await r.json())["error"], q.status

    assert call(requests) == (400, message, 400)


def test_review_queue_context_decision_and_export(settings):
    sophie = token(settings, "sophie.durand")

    async def requests(client):
        h = auth(sophie)
        queue = await (await client.get(f"/api/agent/insights/review?{RANGE}", headers=h)).json()
        items = {i["text"]: i for g in queue["groups"] for i in g["items"]}
        phone = items["mon numero c'est le [PHONE]"]
        context = await (await client.get(f"/api/agent/insights/review/{phone['event_id']}", headers=h)).json()
        fees = items["quels sont les frais de recouvrement"]["event_id"]
        made = await client.post("/api/agent/insights/review", headers=h, json={
            "event_ids": [fees], "decision": "accepted", "intent": "ask_fees"})
        again = await client.post("/api/agent/insights/review", headers=h, json={
            "event_ids": [fees], "decision": "rejected"})
        bad = await client.post("/api/agent/insights/review", headers=h, json={
            "event_ids": [phone["event_id"]], "decision": "accepted", "intent": "nope"})
        missing = await client.post("/api/agent/insights/review", headers=h, json={
            "event_ids": [10 ** 9], "decision": "rejected"})
        not_json = await client.post("/api/agent/insights/review", headers={**h, "Content-Type": "application/json"},
                                     data="{")
        no_ids = await client.post("/api/agent/insights/review", headers=h, json={"decision": "rejected"})
        unknown = await client.get("/api/agent/insights/review/abc", headers=h)
        export = await client.get("/api/agent/insights/export", headers=h)
        after = await (await client.get(f"/api/agent/insights/review?{RANGE}", headers=h)).json()
        return (queue, context, made.status, await made.json(), again.status, (await again.json())["error"],
                bad.status, (await bad.json())["error"], missing.status, not_json.status, no_ids.status,
                unknown.status, export.status, export.headers, await export.text(), after)

    (queue, context, made_status, made, again_status, again_error, bad_status, bad_error, missing_status,
     not_json_status, no_ids_status, unknown_status, export_status, export_headers, export_body, after) = \
        call(requests)
    assert queue["candidates"] == 7 and "ask_fees" in queue["intents"] and "buyer" in queue["entities"]
    assert "referral_greet" not in queue["intents"]
    assert PHONE not in str(queue) and PHONE not in str(context) and "sender_id" not in str(context)
    assert [m["text"] for m in context["messages"] if m["reviewed"]] == ["mon numero c'est le [PHONE]"]
    assert made_status == 201 and made["decisions"][0]["decided_by"] == "agent:sophie.durand"
    assert (again_status, again_error) == (409, "Un de ces messages a déjà été revu.")
    assert (bad_status, bad_error) == (400, "Choisissez une intention du domaine (ou « nouveau sujet »).")
    assert (missing_status, not_json_status, no_ids_status, unknown_status) == (404, 400, 400, 404)
    assert export_status == 200 and export_headers["X-Examples"] == "1"
    assert "attachment" in export_headers["Content-Disposition"]
    assert "  - intent: ask_fees\n    examples: |\n      - quels sont les frais de recouvrement\n" in export_body
    assert after["candidates"] == 6 and after["decisions"][0]["intent"] == "ask_fees"


def test_reading_a_conversation_is_audited(settings):
    from sqlalchemy import select

    from bot.store.models import AuditEntry

    sophie = token(settings, "sophie.durand")

    async def requests(client):
        queue = await (await client.get(f"/api/agent/insights/review?{RANGE}", headers=auth(sophie))).json()
        event_id = queue["groups"][0]["items"][0]["event_id"]
        await client.get(f"/api/agent/insights/review/{event_id}", headers=auth(sophie))
        return event_id

    event_id = call(requests)
    with db.session_scope(db.get_engine(settings.database.url)) as s:
        rows = s.execute(select(AuditEntry.who, AuditEntry.object_type, AuditEntry.object_id, AuditEntry.action)
                         .where(AuditEntry.object_type == "conversation_message")).all()
    assert rows == [("agent:sophie.durand", "conversation_message", str(event_id), "read")]


@pytest.mark.parametrize("body,status", [
    ({"event_ids": [True], "decision": "rejected"}, 400),
    ({"event_ids": ["1"], "decision": "rejected"}, 400),
    ({"event_ids": [-1], "decision": "rejected"}, 400),
    ({"event_ids": list(range(1, 200)), "decision": "rejected"}, 400),
    ({"event_ids": [1], "decision": ["accepted"]}, 400),
    ({"event_ids": [1], "decision": "accepted", "intent": {"x": 1}}, 400),
    ({"event_ids": [1], "decision": "new_topic", "topic": "x" * 500}, 400),
    ({"event_ids": [4], "decision": "accepted", "intent": "ask_fees", "entities": [[1, 2]]}, 400),
    ({"event_ids": [4], "decision": "accepted", "intent": "ask_fees", "entities": [{"entity": "buyer", "value": "]("}]},
     400),
    ({"event_ids": [1, 4], "decision": "accepted", "intent": "ask_fees",
      "entities": [{"entity": "buyer", "value": "x"}]}, 400),
    ({"event_ids": [10 ** 15], "decision": "rejected"}, 404),
    ({"event_ids": "1", "decision": "rejected"}, 400),
    ({"padding": "x" * 20_000, "event_ids": [1], "decision": "rejected"}, 413),
])
def test_hostile_decisions_get_a_4xx_never_a_5xx(settings, body, status):
    """Event 4 is the first message of the seeded conversations; 1 is an action (no message)."""
    sophie = token(settings, "sophie.durand")

    async def requests(client):
        await client.get(f"/api/agent/insights?{RANGE}", headers=auth(sophie))  # builds the aggregates
        r = await client.post("/api/agent/insights/review", json=body, headers=auth(sophie))
        return r.status, (await r.json()).get("error", "")

    got, message = call(requests)
    assert got == status and message


@pytest.mark.parametrize("path", ["/api/agent/insights/review/99999999999999999999",
                                  "/api/agent/insights/review/-1", "/api/agent/insights/review/%00",
                                  "/api/agent/insights?from=%F0%9F%98%80", "/api/agent/insights/review?min_confidence=2",
                                  "/api/agent/insights/review?min_confidence=abc"])
def test_hostile_queries_get_a_4xx(settings, path):
    sophie = token(settings, "sophie.durand")

    async def requests(client):
        r = await client.get(path, headers=auth(sophie))
        return r.status

    assert 400 <= call(requests) < 500
