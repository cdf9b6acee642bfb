"""Finding 1 of issue #17, reproduced: with demo sign-in an agent listed every ticket and created a
hand-over link for *any* policyholder, whose redemption gave that company's session. Now a plain agent
may create a link only for a policyholder whose ticket they hold (taken, not closed); a supervisor for
anyone; every creation and every refusal is in the audit log. The web server runs in process (its real
aiohttp app, web/server.py) on a migrated, seeded SQLite store."""
from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

FOREIGN = 3  # a company the agent has nothing to do with


@pytest.fixture()
def app_store(tmp_path, monkeypatch):
    import bot.settings as settings_module
    from bot import ratelimit
    from bot.store.db import get_engine, migrate
    from bot.store.seed import seed_demo

    url = f"sqlite:///{tmp_path / 'claims.db'}"
    for key, value in {"DATABASE_URL": url, "JWT_SECRET": "perm-" + "p" * 44, "ASSISTANT_VAR_DIR": str(tmp_path),
                       "DEMO_MODE": "1", "REDIS_URL": ""}.items():
        monkeypatch.setenv(key, value)
    for scope in ("LOGIN_IP", "LOGIN_ACCOUNT", "API_IP"):
        monkeypatch.setenv(f"RATE_LIMIT_{scope}", "off")
    monkeypatch.setattr(settings_module, "_cached", None)
    migrate(url)
    seed_demo(get_engine(url))
    ratelimit.reset_limiter()
    yield url
    ratelimit.reset_limiter()


def _db(url, func, *args):
    from bot.store.db import get_engine, session_scope
    with session_scope(get_engine(url)) as session:
        return func(session, *args)


def _ticket(session, policyholder_id):
    from bot.store.queries import handoff
    return handoff.save_ticket(session, policyholder_id, f"web-ph{policyholder_id}-perm", "request",
                               {"last_user_message": "Je veux parler à quelqu’un"}, [], []).id


def _audit(session):
    from bot.store.models import AuditEntry
    rows = session.execute(select(AuditEntry).where(AuditEntry.object_type == "referral")
                           .order_by(AuditEntry.id)).scalars()
    return [(r.who, r.policyholder_id, r.action) for r in rows]


def _run(scenario):
    from aiohttp.test_utils import TestClient, TestServer
    from web.server import make_app

    async def main():
        async with TestClient(TestServer(make_app())) as client:
            return await scenario(client)
    return asyncio.run(main())


async def _sign_in(client, agent_id):
    r = await client.post("/api/agent/demo-login", json={"agent_id": agent_id})
    assert r.status == 200
    return {"Authorization": "Bearer " + (await r.json())["token"]}


async def _create(client, headers, policyholder_id, **more):
    r = await client.post("/api/referral/create", headers=headers,
                          json={"policyholder_id": policyholder_id, "topic": "fees", **more})
    return r.status, await r.json()


def test_the_attack_an_agent_referring_an_arbitrary_policyholder_now_fails(app_store):
    async def attack(client):
        claire = await _sign_in(client, "claire.martin")
        listed = await client.get("/api/agent/tickets", headers=claire)
        assert listed.status == 200
        status, body = await _create(client, claire, FOREIGN)
        unknown = await _create(client, claire, 99999)
        return status, body, unknown

    status, body, unknown = _run(attack)
    assert status == 403 and body["reason"] == "not_held" and "link" not in body
    assert "demande que vous avez prise" in body["error"]
    # a policyholder that does not exist is refused the same way: no oracle of who is a customer
    assert unknown[0] == 403 and unknown[1]["reason"] == "not_held"
    assert _db(app_store, _audit) == [("agent:claire.martin", FOREIGN, "create_refused"),
                                      ("agent:claire.martin", 99999, "create_refused")]
    from bot.store.models import Referral
    assert _db(app_store, lambda s: s.execute(select(Referral)).all()) == []


def test_an_agent_refers_only_the_customer_whose_ticket_they_hold(app_store):
    from bot.store.queries import handoff
    ticket = _db(app_store, _ticket, 1)

    async def scenario(client):
        claire, karim = await _sign_in(client, "claire.martin"), await _sign_in(client, "karim.benali")
        out = {"before_taking": await _create(client, claire, 1)}
        taken = await client.post(f"/api/agent/tickets/{ticket}/take", headers=claire)
        assert taken.status == 200
        out["held"] = await _create(client, claire, 1)
        out["held_by_id"] = await _create(client, claire, 1, ticket_id=ticket)
        out["other_customer"] = await _create(client, claire, FOREIGN)
        out["ticket_of_another"] = await _create(client, claire, FOREIGN, ticket_id=ticket)
        out["colleague"] = await _create(client, karim, 1)
        out["bad_ticket_id"] = await _create(client, claire, 1, ticket_id="1")
        _db(app_store, handoff.close_ticket, ticket, "agent:claire.martin")
        out["after_closing"] = await _create(client, claire, 1)
        redeemed = await client.post("/api/referral/redeem",
                                     json={"token": out["held"][1]["link"].split("#referral=", 1)[1]})
        out["redeemed"] = (redeemed.status, await redeemed.json())
        return out

    out = _run(scenario)
    assert out["before_taking"][0] == 403
    assert out["held"][0] == 201 and out["held"][1]["policyholder"]["id"] == 1
    assert out["held_by_id"][0] == 201
    for refused in ("other_customer", "ticket_of_another", "colleague", "after_closing"):
        assert out[refused][0] == 403 and out[refused][1]["reason"] == "not_held", refused
    assert out["bad_ticket_id"][0] == 400
    assert out["redeemed"][0] == 200 and out["redeemed"][1]["policyholder_id"] == 1
    actions = _db(app_store, _audit)
    assert actions.count(("agent:claire.martin", 1, "create")) == 2
    assert ("agent:karim.benali", 1, "create_refused") in actions
    assert ("agent:claire.martin", FOREIGN, "create_refused") in actions
    assert len(actions) == 2 + 5  # two creations, five refusals (the malformed request never reached the store)


def test_a_supervisor_may_refer_any_customer_and_it_is_audited(app_store):
    async def scenario(client):
        sophie = await _sign_in(client, "sophie.durand")
        return await _create(client, sophie, FOREIGN)

    status, body = _run(scenario)
    assert status == 201 and body["policyholder"]["id"] == FOREIGN
    assert _db(app_store, _audit) == [("agent:sophie.durand", FOREIGN, "create")]


def test_without_demo_mode_the_agent_demo_sign_in_is_gone(app_store, monkeypatch):
    import bot.settings as settings_module
    monkeypatch.delenv("DEMO_MODE")
    monkeypatch.setattr(settings_module, "_cached", None)

    async def scenario(client):
        out = []
        for method, path, body in (("POST", "/api/agent/demo-login", {"agent_id": "claire.martin"}),
                                   ("GET", "/api/agent/demo-agents", None),
                                   ("POST", "/api/demo-login", {"policyholder_id": 1}),
                                   ("GET", "/api/demo-accounts", None)):
            r = await client.request(method, path, json=body)
            out.append((r.status, await r.json()))
        config = await (await client.get("/api/config")).json()
        return out, config

    answers, config = _run(scenario)
    for status, body in answers:
        assert status == 404 and "démonstration n’est pas disponible" in body["error"] and "token" not in body
    assert config["demo_mode"] is False and config["oidc"] is False
