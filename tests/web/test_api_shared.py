"""web/api/: what every web API shares — the error shape, bearer authentication, rate limits, store access
and JSON bodies — on tiny aiohttp apps, without a running stack."""
import asyncio
import json
import threading
from types import SimpleNamespace

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer, make_mocked_request

import bot.settings as settings_module
from bot import ratelimit
from bot.auth import AUD_AGENT, issue_policyholder_token, issue_token
from bot.handoff import desk
from bot.settings import load_settings
from web.api import auth, db, errors, jsonbody, limits

FRENCH_429 = "Réessayez dans"


@pytest.fixture
def settings(tmp_path, monkeypatch):
    made = load_settings({"ASSISTANT_VAR_DIR": str(tmp_path), "JWT_SECRET": "shared-" + "w" * 40,
                          "DATABASE_URL": f"sqlite:///{tmp_path / 'claims.db'}"})
    monkeypatch.setattr(settings_module, "_cached", made)
    return made


@pytest.fixture
def limiter():
    made = ratelimit.RateLimiter({"api_ip": ratelimit.Limit(2, 600), "login_ip": ratelimit.Limit(1, 600),
                                  "login_account": ratelimit.Limit(1, 600)}, ratelimit.MemoryBackend())
    ratelimit.reset_limiter(made)
    yield made
    ratelimit.reset_limiter()


def _serve(app: web.Application, scenario):
    async def run():
        async with TestClient(TestServer(app)) as client:
            return await scenario(client)
    return asyncio.run(run())


# --- errors -------------------------------------------------------------------------------------

def test_one_error_shape_never_cached():
    response = errors.error(410, "Ce lien a déjà servi.", reason="used")
    assert response.status == 410 and response.headers["Cache-Control"] == "no-store"
    assert response.content_type == "application/json"
    assert json.loads(response.text) == {"error": "Ce lien a déjà servi.", "reason": "used"}
    with_header = errors.error(429, "Trop de demandes.", headers={"Retry-After": "3"})
    assert with_header.headers["Retry-After"] == "3" and with_header.headers["Cache-Control"] == "no-store"
    assert errors.ok({"a": 1}, status=201).status == 201 and errors.ok({}).headers["Cache-Control"] == "no-store"


def test_absurdly_nested_json_escaping_a_handler_is_a_400():
    async def parses_itself(request):
        json.loads(await request.text())
        return web.json_response({})

    app = web.Application(middlewares=[errors.malformed_json_guard])
    app.router.add_post("/x", parses_itself)

    async def scenario(client):
        r = await client.post("/x", data="[" * 100_000 + "]" * 100_000)
        return r.status, await r.json()

    assert _serve(app, scenario) == (400, {"error": errors.BAD_JSON})


# --- bearer authentication ---------------------------------------------------------------------------

@pytest.mark.parametrize("header,token", [
    (None, None), ("", None), ("Bearer", None), ("Bearer ", None), ("Bearer    ", None), ("Basic YTpi", None),
    ("Bearer a.b.c", "a.b.c"), ("bearer  a.b.c ", "a.b.c"), ("BEARER a.b.c", "a.b.c"),
    ("Bearer é", None), ("Bearer \udce9\udce9", None), ("Bearer a.b.\udcff", None), ("Bearerx a.b.c", None),
])
def test_bearer_header_parsing(header, token):
    # aiohttp decodes undecodable header bytes as lone surrogates ("\udce9"), which no request builder encodes
    request = SimpleNamespace(headers={} if header is None else {"Authorization": header})
    assert auth.bearer_token(request) == token


def _request(token):
    return make_mocked_request("GET", "/", headers={"Authorization": f"Bearer {token}"})


def test_policyholder_and_agent_tokens_are_never_one_another(settings):
    holder = issue_policyholder_token(settings, 2, name="Menuiserie Durand")
    agent = desk.issue_agent_token(settings, desk.demo_agent("claire.martin"))
    not_an_agent = issue_token(settings, audience=AUD_AGENT, subject="policyholder:2", policyholder_id=2)
    assert auth.policyholder(_request(holder)).policyholder_id == 2
    assert auth.agent(_request(holder)) is None
    assert auth.agent(_request(agent)).subject == "agent:claire.martin"
    assert auth.policyholder(_request(agent)) is None
    assert auth.agent(_request(not_an_agent)) is None and auth.policyholder(_request(not_an_agent)) is None
    assert auth.policyholder(_request(holder + "x")) is None and auth.agent(_request("x.y.z")) is None


async def _raw(port: int, authorization: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /who HTTP/1.1\r\nHost: t\r\nConnection: close\r\nAuthorization: " + authorization + b"\r\n\r\n")
    await writer.drain()
    data = await reader.read()
    writer.close()
    return data


def test_non_ascii_or_malformed_bearer_headers_are_401_in_french(settings):
    @auth.agent_required("Connectez-vous avec un compte conseiller.")
    async def who(request, agent):
        return errors.ok({"subject": agent.subject})

    app = web.Application()
    app.router.add_get("/who", who)
    agent = desk.issue_agent_token(settings, desk.demo_agent("karim.benali")).encode()
    headers = [b"Bearer \xe9\xe9", b"Bearer \xff.\xfe.\xfd", "Bearer é".encode(), b"Bearer", b"Basic YTpi",
               b"Bearer " + agent + b"\xe9", b"Bearer " + b"a" * 5000]

    async def scenario(client):
        answers = [await _raw(client.port, h) for h in headers]
        return answers, await _raw(client.port, b"Bearer " + agent)

    answers, good = _serve(app, scenario)
    for header, answer in zip(headers, answers):
        assert answer.startswith(b"HTTP/1.1 401"), (header[:20], answer[:200])
        assert "Connectez-vous avec un compte conseiller." in answer.decode()
        assert b"Cache-Control: no-store" in answer
    assert good.startswith(b"HTTP/1.1 200") and b'"agent:karim.benali"' in good


def test_required_principal_is_passed_to_the_handler(settings):
    @auth.policyholder_required("Connectez-vous d'abord.")
    async def mine(request, who):
        return errors.ok({"policyholder_id": who.policyholder_id})

    app = web.Application()
    app.router.add_get("/mine", mine)
    token = issue_policyholder_token(settings, 3)

    async def scenario(client):
        ok = await client.get("/mine", headers={"Authorization": f"Bearer {token}"})
        nobody = await client.get("/mine")
        return ok.status, await ok.json(), nobody.status, await nobody.json()

    assert _serve(app, scenario) == (200, {"policyholder_id": 3}, 401, {"error": "Connectez-vous d'abord."})


# --- rate limits ---------------------------------------------------------------------------------

def test_per_ip_decorator_and_middleware_refuse_with_429(limiter):
    @limits.per_ip()
    async def limited(request):
        return web.json_response({"ok": True})

    async def free(request):
        return web.json_response({"ok": True})

    app = web.Application(middlewares=[limits.per_ip_middleware({"/sign-in"}, "login_ip")])
    app.router.add_get("/limited", limited)
    app.router.add_post("/sign-in", free)
    app.router.add_get("/sign-in", free)
    app.router.add_post("/other", free)

    async def scenario(client):
        statuses = [(await client.get("/limited")).status for _ in range(2)]
        over = await client.get("/limited")
        signed = [(await client.post("/sign-in", data=b"{")).status for _ in range(2)]
        others = [(await client.get("/sign-in")).status, (await client.post("/other")).status]
        return statuses, over.status, dict(over.headers), await over.json(), signed, others

    statuses, status, headers, body, signed, others = _serve(app, scenario)
    assert statuses == [200, 200] and status == 429
    assert int(headers["Retry-After"]) >= 1 and headers["Cache-Control"] == "no-store"
    assert FRENCH_429 in body["error"]
    assert signed == [200, 429]  # counted before the body is read
    assert others == [200, 200]  # other methods and paths are not limited by the middleware


def test_refused_counts_each_key_and_skips_none(limiter):
    async def scenario():
        first = await limits.refused(("login_account", 7), ("login_ip", None))
        second = await limits.refused(("login_account", 7))
        other = await limits.refused(("login_account", 8), ("unknown_scope", "x"))
        return first, second, other

    first, second, other = asyncio.run(scenario())
    assert first is None and other is None
    assert second.status == 429 and second.headers["Cache-Control"] == "no-store"


def test_client_ip_is_the_peer_unless_the_proxy_is_trusted(monkeypatch):
    request = make_mocked_request("GET", "/", headers={"X-Forwarded-For": "6.6.6.6, 1.2.3.4"})
    import bot.settings

    monkeypatch.delenv("RATE_LIMIT_TRUST_PROXY", raising=False)
    monkeypatch.setattr(bot.settings, "_cached", None)
    assert limits.client_ip(request) != "1.2.3.4"
    monkeypatch.setenv("RATE_LIMIT_TRUST_PROXY", "1")
    monkeypatch.setattr(bot.settings, "_cached", None)
    assert limits.client_ip(request) == "1.2.3.4"


# --- store access --------------------------------------------------------------------------------

def test_one_unit_of_work_off_the_event_loop(settings):
    from sqlalchemy import text

    loop_thread = threading.get_ident()

    def work(session, value, *, twice=False):
        session.execute(text("CREATE TABLE IF NOT EXISTS t (v INTEGER)"))
        session.execute(text("INSERT INTO t (v) VALUES (:v)"), {"v": value * (2 if twice else 1)})
        return threading.get_ident()

    async def scenario():
        return await db.call(work, 21, twice=True)

    assert asyncio.run(scenario()) != loop_thread
    assert db.run(lambda session: session.execute(text("SELECT v FROM t")).scalar_one()) == 42  # committed


# --- JSON bodies ---------------------------------------------------------------------------------

def test_json_body_refusals_in_the_api_wording():
    async def read(request):
        payload, problem = await jsonbody.read_object(request, 200, {"not_object": "Un objet, s'il vous plaît."})
        return problem if problem is not None else web.json_response(payload)

    app = web.Application()
    app.router.add_post("/x", read)
    cases = [(b'{"a": 1}', "application/json"), (b"{}", "text/plain"), (b'{"a": "' + b"y" * 300 + b'"}',
             "application/json"), (b"{", "application/json"), (b"[1]", "application/json"),
             (b"[" * 40 + b"]" * 40, "application/json")]

    async def scenario(client):
        out = []
        for body, ctype in cases:
            r = await client.post("/x", data=body, headers={"Content-Type": ctype})
            out.append((r.status, (await r.json()).get("error"), r.headers.get("Cache-Control")))
        return out

    assert _serve(app, scenario) == [
        (200, None, None),
        (415, jsonbody.DEFAULT_MESSAGES["not_json"], "no-store"),
        (413, jsonbody.DEFAULT_MESSAGES["too_large"], "no-store"),
        (400, errors.BAD_JSON, "no-store"),
        (400, "Un objet, s'il vous plaît.", "no-store"),
        (400, "Un objet, s'il vous plaît.", "no-store"),
    ]
