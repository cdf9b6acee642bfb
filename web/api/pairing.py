"""Web API of messaging-account pairing (registered by web/server.py).

- ``POST /api/pairing/code``   (Bearer policyholder token) -> ``{"code", "expires_at"}``
- ``GET /api/pairing/list``    -> ``{"pairings": [...]}``, the policyholder's active pairings (masked labels only)
- ``DELETE /api/pairing/{id}`` -> revoke one of them (404 if not theirs)

Errors, bearer authentication, rate limits and store access are the shared ones of :mod:`web.api`.
"""
from __future__ import annotations

from aiohttp import web

from bot import pairing
from bot.settings import get_settings
from bot.store.queries import pairings as pairing_queries
from web.api import auth, db, errors, limits

SIGN_IN = "Connectez-vous d'abord."
UNKNOWN = "Lien inconnu."


async def pairing_code(request: web.Request) -> web.Response:
    who = auth.policyholder(request)
    limited = await limits.refused(
        ("pairing_code_ip", limits.client_ip(request)), ("pairing_code_identity", who.policyholder_id if who else None))
    if limited is not None:
        return limited
    if who is None:
        return errors.error(401, SIGN_IN)
    issued = await db.call(pairing.issue_code, get_settings().auth.identity_secret,
                           who.policyholder_id, user_id=who.user_id)
    return errors.ok({"code": issued.code, "expires_at": issued.expires_at.isoformat()})


@limits.per_ip()
@auth.policyholder_required(SIGN_IN)
async def list_pairings(request: web.Request, who) -> web.Response:
    views = await db.call(pairing_queries.list_pairings, who.policyholder_id)
    return errors.ok({"pairings": [
        {"id": v.id, "channel": v.channel, "label": v.label, "created_at": v.created_at.isoformat(),
         "expires_at": v.expires_at.isoformat(),
         "last_used_at": v.last_used_at.isoformat() if v.last_used_at else None} for v in views]})


@limits.per_ip()
@auth.policyholder_required(SIGN_IN)
async def revoke(request: web.Request, who) -> web.Response:
    try:
        pairing_id = int(request.match_info["pairing_id"])
    except ValueError:
        return errors.error(404, UNKNOWN)
    if not 0 < pairing_id < 2**31:  # a huge id overflowed the database driver (HTTP 500)
        return errors.error(404, UNKNOWN)
    done = await db.call(pairing_queries.revoke_pairing, who.policyholder_id, pairing_id)
    if not done:
        return errors.error(404, UNKNOWN)
    return errors.ok({"revoked": pairing_id})


def add_routes(app: web.Application) -> None:
    app.router.add_post("/api/pairing/code", pairing_code)
    app.router.add_get("/api/pairing/list", list_pairings)
    app.router.add_delete(r"/api/pairing/{pairing_id}", revoke)
