"""Web API of messaging-account pairing (registered by web/server.py).

- ``POST /api/pairing/code``   (Bearer policyholder token) -> ``{"code", "expires_at"}``
- ``GET /api/pairing/list``    -> ``{"pairings": [...]}``, the policyholder's active pairings (masked labels only)
- ``DELETE /api/pairing/{id}`` -> revoke one of them (404 if not theirs)
"""
from __future__ import annotations

import asyncio

from aiohttp import web

from bot import pairing, ratelimit
from bot.auth import AUD_POLICYHOLDER, AuthError, verify_token
from bot.settings import get_settings
from bot.store.db import get_engine, session_scope
from bot.store.queries import pairings as pairing_queries

NO_STORE = {"Cache-Control": "no-store"}


def _principal(request: web.Request):
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    try:
        return verify_token(get_settings(), header[7:].strip(), audience=AUD_POLICYHOLDER)
    except AuthError:
        return None


def _db(func, *args, **kwargs):
    with session_scope(get_engine(get_settings().database.url)) as session:
        return func(session, *args, **kwargs)


def _unauthorized() -> web.Response:
    return web.json_response({"error": "Connectez-vous d'abord."}, status=401, headers=NO_STORE)


def _too_many(decision: ratelimit.Decision) -> web.Response:
    body, headers = ratelimit.http_refusal(decision)
    return web.json_response(body, status=429, headers={**headers, **NO_STORE})


def _ip(request: web.Request) -> str:
    return ratelimit.client_ip(request.remote, request.headers.get("X-Forwarded-For"))


async def pairing_code(request: web.Request) -> web.Response:
    who = _principal(request)
    limited = await ratelimit.get_limiter().acheck(
        ("pairing_code_ip", _ip(request)), ("pairing_code_identity", who.policyholder_id if who else None))
    if not limited:
        return _too_many(limited)
    if who is None:
        return _unauthorized()
    issued = await asyncio.to_thread(_db, pairing.issue_code, get_settings().auth.identity_secret,
                                     who.policyholder_id, user_id=who.user_id)
    return web.json_response({"code": issued.code, "expires_at": issued.expires_at.isoformat()}, headers=NO_STORE)


async def list_pairings(request: web.Request) -> web.Response:
    limited = await ratelimit.get_limiter().acheck(("api_ip", _ip(request)))
    if not limited:
        return _too_many(limited)
    who = _principal(request)
    if who is None:
        return _unauthorized()
    views = await asyncio.to_thread(_db, pairing_queries.list_pairings, who.policyholder_id)
    return web.json_response({"pairings": [
        {"id": v.id, "channel": v.channel, "label": v.label, "created_at": v.created_at.isoformat(),
         "expires_at": v.expires_at.isoformat(),
         "last_used_at": v.last_used_at.isoformat() if v.last_used_at else None} for v in views]}, headers=NO_STORE)


async def revoke(request: web.Request) -> web.Response:
    limited = await ratelimit.get_limiter().acheck(("api_ip", _ip(request)))
    if not limited:
        return _too_many(limited)
    who = _principal(request)
    if who is None:
        return _unauthorized()
    try:
        pairing_id = int(request.match_info["pairing_id"])
    except ValueError:
        return web.json_response({"error": "Lien inconnu."}, status=404)
    if not 0 < pairing_id < 2**31:  # a huge id overflowed the database driver (HTTP 500)
        return web.json_response({"error": "Lien inconnu."}, status=404)
    done = await asyncio.to_thread(_db, pairing_queries.revoke_pairing, who.policyholder_id, pairing_id)
    if not done:
        return web.json_response({"error": "Lien inconnu."}, status=404)
    return web.json_response({"revoked": pairing_id}, headers=NO_STORE)


def add_routes(app: web.Application) -> None:
    app.router.add_post("/api/pairing/code", pairing_code)
    app.router.add_get("/api/pairing/list", list_pairings)
    app.router.add_delete(r"/api/pairing/{pairing_id}", revoke)
