"""The sign-in endpoints of web/api/oidc.py are limited per client IP (RATE_LIMIT_LOGIN_IP) before any work:
the token exchange (a JWKS / signature check each) and the code-flow callback (a provider call each)."""
from __future__ import annotations

import asyncio

import pytest
from aiohttp.test_utils import TestClient, TestServer

import bot.settings as settings_module
from bot import ratelimit


@pytest.fixture()
def app(tmp_path, monkeypatch):
    for key, value in {"ASSISTANT_VAR_DIR": str(tmp_path), "JWT_SECRET": "lim-" + "l" * 40,
                       "DATABASE_URL": f"sqlite:///{tmp_path / 'claims.db'}", "REDIS_URL": "",
                       "OIDC_ISSUER": "http://127.0.0.1:9/realms/none", "OIDC_CLIENT_ID": "assistant",
                       "RATE_LIMIT_LOGIN_IP": "2/600"}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(settings_module, "_cached", None)
    ratelimit.reset_limiter()
    from web.server import make_app
    yield make_app
    ratelimit.reset_limiter()


@pytest.mark.parametrize("method, path", [("POST", "/api/auth/exchange"), ("GET", "/auth/callback?code=x&state=y")])
def test_sign_in_endpoints_are_limited_per_ip(app, method, path):
    async def scenario():
        async with TestClient(TestServer(app())) as client:
            statuses = []
            for _ in range(3):
                r = await client.request(method, path, json={"token": "x.y.z"}, allow_redirects=False)
                body = await r.json() if r.content_type == "application/json" else {}
                statuses.append((r.status, r.headers.get("Retry-After"), body.get("error", "")))
            return statuses

    first, second, third = asyncio.run(scenario())
    assert first[0] in (302, 401, 503) and second[0] in (302, 401, 503)  # refused or redirected, never served twice
    assert third[0] == 429 and int(third[1]) >= 1 and "Réessayez" in third[2]
