"""The web page: static files, the rasa-webchat widget, sign-in.

GET  /                     the French chat page
GET  /static/...           page assets; /static/webchat.js is rasa-webchat's bundle from npm
GET  /api/config           where the widget connects (the Rasa socket.io endpoint), which sign-in is offered
GET  /api/demo-accounts    demo mode only (DEMO_MODE=1): the seeded demo companies a visitor may sign in as
POST /api/demo-login       demo mode only: {"policyholder_id": 1} -> {"token": "...", "expires_in": 1800, "name": "..."}
/auth/*, /api/auth/*       sign-in through the insurer's OpenID Connect provider (web/api/oidc.py)

Without demo mode the demo routes answer 404 in French. With APP_ENV=production the server refuses to
start on unsafe settings (bot/startup.py).

Blocking store access runs in a thread. Malformed requests get a 4xx with a French message.
The APIs of the agent desk, referral links and pairing live in web/api/, with what every API shares
(errors, bearer authentication, rate limits, store access, JSON bodies).
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.auth import issue_policyholder_token  # noqa: E402
from bot.settings import get_settings  # noqa: E402
from bot.store import queries  # noqa: E402
from web.api import db, errors, jsonbody, limits  # noqa: E402

logger = logging.getLogger("web")
WEB = Path(__file__).resolve().parent
WEBCHAT_JS = WEB / "node_modules" / "rasa-webchat" / "lib" / "index.js"

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def _demo_accounts(session) -> list:
    return [
        {"policyholder_id": a.policyholder_id, "name": a.name, "description": a.note}
        for a in queries.demo_accounts(session)
    ]


def _login(policyholder_id: int):
    settings = get_settings()
    account = next((a for a in db.run(queries.demo_accounts) if a.policyholder_id == policyholder_id), None)
    if account is None:
        return None
    token = issue_policyholder_token(settings, account.policyholder_id, user_id=account.user_id, name=account.name)
    return {"token": token, "expires_in": settings.auth.token_ttl_seconds, "name": account.name,
            "policyholder_id": account.policyholder_id}


def page_policy() -> str:
    """Content-Security-Policy of the customer page: scripts and everything else from this server only, the
    socket to the configured Rasa address (PUBLIC_BASE_URL / RASA_PUBLIC_URL). No inline script, so a
    ``javascript:`` link that reached the page could not run either. Styles may be inline: rasa-webchat's
    bundle injects its stylesheet at run time."""
    socket = urlsplit(get_settings().public_socket_url)
    origin = f"{socket.scheme}://{socket.netloc}"
    ws_origin = f"{'wss' if socket.scheme == 'https' else 'ws'}://{socket.netloc}"
    return ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            f"connect-src 'self' {origin} {ws_origin}; object-src 'none'; frame-ancestors 'none'; "
            "base-uri 'none'; form-action 'none'")


async def index(_: web.Request) -> web.StreamResponse:
    return web.FileResponse(WEB / "index.html", headers={**SECURITY_HEADERS, "Content-Security-Policy": page_policy()})


async def webchat_js(_: web.Request) -> web.StreamResponse:
    if not WEBCHAT_JS.exists():
        return errors.error(503, "Le composant de discussion n'est pas installé : lancez « make run ».")
    return web.FileResponse(WEBCHAT_JS, headers={"Cache-Control": "max-age=3600"})


async def config(_: web.Request) -> web.Response:
    settings = get_settings()
    # from the configuration only (PUBLIC_BASE_URL / RASA_PUBLIC_URL), never from the request's Host header
    return web.json_response({"socket_url": settings.public_socket_url,
                              "token_ttl_seconds": settings.auth.token_ttl_seconds,
                              "demo_mode": settings.runtime.demo_mode, "oidc": settings.oidc.enabled})


DEMO_OFF = "La connexion de démonstration n’est pas disponible sur ce service."


async def demo_accounts(_: web.Request) -> web.Response:
    if not get_settings().runtime.demo_mode:
        return errors.error(404, DEMO_OFF)
    try:
        accounts = await db.call(_demo_accounts)
    except Exception:
        logger.exception("demo accounts unavailable")
        return errors.error(503, "Les comptes de démonstration sont indisponibles pour le moment.")
    return web.json_response({"accounts": accounts})


# sign-in endpoints limited per client IP (the agent desk's demo sign-in too), before the body is read
SIGN_IN_PATHS = frozenset({"/api/demo-login", "/api/agent/demo-login"})
sign_in_rate_limit = limits.per_ip_middleware(SIGN_IN_PATHS, "login_ip")


async def demo_login(request: web.Request) -> web.Response:
    if not get_settings().runtime.demo_mode:
        return errors.error(404, DEMO_OFF)
    payload, problem = await jsonbody.read_object(request, 4096, {
        "not_object": "Indiquez « policyholder_id », un nombre entier."})
    if problem is not None:
        return problem
    ph = payload.get("policyholder_id")
    if isinstance(ph, bool) or not isinstance(ph, int):
        return errors.error(400, "Indiquez « policyholder_id », un nombre entier.")
    limited = await limits.refused(("login_account", ph))
    if limited is not None:
        return limited
    try:
        result = await asyncio.to_thread(_login, ph)
    except Exception:
        logger.exception("demo login failed")
        return errors.error(503, "La connexion est indisponible pour le moment.")
    if result is None:
        return errors.error(404, "Ce compte de démonstration n'existe pas.")
    return web.json_response(result, headers={"Cache-Control": "no-store"})


async def _no_server_banner(_request: web.Request, response: web.StreamResponse) -> None:
    response.headers["Server"] = "assistant"  # aiohttp would announce its and Python's versions


def make_app() -> web.Application:
    app = web.Application(client_max_size=64 * 1024, middlewares=[errors.malformed_json_guard, sign_in_rate_limit])
    app.on_response_prepare.append(_no_server_banner)
    app.router.add_get("/", index)
    app.router.add_get("/static/webchat.js", webchat_js)
    app.router.add_static("/static/", WEB / "static")
    app.router.add_get("/api/config", config)
    app.router.add_get("/api/demo-accounts", demo_accounts)
    app.router.add_post("/api/demo-login", demo_login)
    from web.api.pairing import add_routes as add_pairing_routes  # messaging-account pairing

    add_pairing_routes(app)
    from web.api.agent import add_routes as add_agent_routes  # the agent desk (/agent/, /api/agent/*)

    add_agent_routes(app)
    from web.api.referral import add_routes as add_referral_routes  # agent → bot referral links

    add_referral_routes(app)
    from web.api.insights import add_routes as add_insights_routes  # the desk's insights page (supervisors)

    add_insights_routes(app)
    from web.api.oidc import add_routes as add_oidc_routes  # sign-in through the insurer's provider

    add_oidc_routes(app)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the chat page.")
    parser.add_argument("--host", default=get_settings().web.host)
    parser.add_argument("--port", type=int, default=get_settings().web.port)
    args = parser.parse_args()
    from bot import logmask, startup

    logmask.configure("web")  # masked records (tokens, phones, e-mails, IBANs...), LOG_FORMAT=json for JSON lines
    startup.refuse_unsafe_start(get_settings(), "web server")
    web.run_app(make_app(), host=args.host, port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
