"""Sign-in through the insurer's OpenID Connect provider (registered by web/server.py; bot/oidc.py does the
checks). The web server exchanges a verified provider token for this product's own short session token,
so the channels keep one verification path (docs/security.md, "Sign-in").

- ``GET  /auth/login?for=page|desk``  Authorization Code + PKCE (S256), the web server being the client:
  a random ``state``, ``nonce`` and code verifier travel in a signed, HttpOnly, 10-minute cookie
  (``Path=/auth/callback``, ``SameSite=Lax``) — nothing is kept in memory, any replica finishes the flow —
  then 302 to the provider.
- ``GET  /auth/callback``   state checked (cookie vs query, constant time), code exchanged with its
  verifier (and the client secret when there is one), ID token verified (issuer, audience, nonce, keys).
  The page: the subject is looked up in the store (unknown: the anonymous page, with a French notice);
  the desk: the agent role is required. The session token is handed over in an HttpOnly, ``SameSite=Strict``,
  2-minute cookie scoped to ``/api/auth/session`` (never in a URL), then 302 to ``/#signin`` or
  ``/agent/#signin`` (``#signin-error=<reason>`` when refused).
- ``POST /api/auth/session``  the page or the desk picks its token up once: ``{"kind", "token", "name",
  "expires_in"}``; the cookie is cleared.
- ``POST /api/auth/exchange`` ``{"token": "<access or ID token of the provider>"}``: for the widget embedded
  in the insurer's customer area (already signed in there). 200 ``{"token", "name", "expires_in",
  "policyholder_id"}``, or 200 ``{"token": null, "anonymous": true, "message"}`` for a subject the store does
  not know; 401 for a token that does not verify; 404 when OIDC is not configured; 503 when the provider
  cannot be reached.
"""
from __future__ import annotations

import asyncio
import hmac
import logging
import time
from typing import Any, Dict, Optional
from urllib.parse import urlsplit

import jwt
from aiohttp import web

from bot import oidc
from bot.auth import AUD_POLICYHOLDER, AuthError, issue_policyholder_token, verify_token
from bot.handoff import desk
from bot.settings import Settings, get_settings
from bot.store import queries
from bot.wording import typo
from web.api import db, errors, jsonbody, limits

logger = logging.getLogger("web.oidc")

STATE_COOKIE, SESSION_COOKIE = "ai_oidc", "ai_signin"
CALLBACK_PATH, SESSION_PATH = "/auth/callback", "/api/auth/session"
STATE_AUDIENCE = "assistant-indemnisation/oidc-state"
STATE_TTL, SESSION_TTL = 600, 120
TARGETS = {"page": "/", "desk": "/agent/"}

NOT_CONFIGURED = typo("La connexion par votre espace client n’est pas configurée sur ce service.")
UNAVAILABLE = typo("Le service de connexion ne répond pas. Réessayez dans quelques minutes.")
INVALID = typo("Votre session n’a pas pu être vérifiée. Reconnectez-vous depuis votre espace client.")
NO_SESSION = typo("Aucune connexion en attente. Cliquez sur « Se connecter ».")
UNKNOWN_ACCOUNT = typo("Votre compte n’est pas encore relié à un contrat chez nous : l’assistant répond "
                       "aux questions générales. Un conseiller peut relier votre compte.")
BAD_TARGET = typo("Indiquez « for=page » ou « for=desk ».")
BAD_BODY = typo("Envoyez {\"token\": \"…\"}, le jeton de votre espace client.")


def _base(settings: Settings) -> str:
    return settings.web_url.rstrip("/")


def _secure(settings: Settings) -> bool:
    return urlsplit(_base(settings)).scheme == "https"


def _redirect_uri(settings: Settings) -> str:
    return _base(settings) + CALLBACK_PATH


def _back(target: str, fragment: str) -> web.HTTPFound:
    response = web.HTTPFound(f"{TARGETS.get(target, '/')}#{fragment}")
    response.headers.update(errors.NO_STORE)
    return response


def _sign_state(settings: Settings, values: Dict[str, str]) -> str:
    now = int(time.time())
    return jwt.encode({**values, "aud": STATE_AUDIENCE, "iss": settings.auth.jwt_issuer, "iat": now,
                       "exp": now + STATE_TTL}, settings.auth.jwt_secret, algorithm="HS256")


def _read_state(settings: Settings, cookie: Optional[str]) -> Optional[Dict[str, Any]]:
    if not cookie or len(cookie) > 4096 or not cookie.isascii():
        return None
    try:
        return jwt.decode(cookie, settings.auth.jwt_secret, algorithms=["HS256"], audience=STATE_AUDIENCE,
                          issuer=settings.auth.jwt_issuer, options={"require": ["exp", "aud", "iss"]})
    except jwt.PyJWTError:
        return None


async def login(request: web.Request) -> web.StreamResponse:
    settings = get_settings()
    provider = oidc.provider(settings.oidc)
    target = request.query.get("for", "page")
    if provider is None:
        return errors.error(404, NOT_CONFIGURED)
    if target not in TARGETS:
        return errors.error(400, BAD_TARGET)
    state, nonce, verifier = oidc.new_pkce()
    try:
        url = await asyncio.to_thread(provider.authorization_url, _redirect_uri(settings), state=state, nonce=nonce,
                                      code_verifier=verifier)
    except oidc.OidcError as exc:
        logger.warning("sign-in unavailable: %s", exc.reason)
        raise _back(target, "signin-error=unavailable") from None
    response = web.HTTPFound(url)
    response.headers.update(errors.NO_STORE)
    response.set_cookie(STATE_COOKIE, _sign_state(settings, {"state": state, "nonce": nonce, "cv": verifier,
                                                             "for": target}),
                        max_age=STATE_TTL, path=CALLBACK_PATH, httponly=True, samesite="Lax",
                        secure=_secure(settings))
    raise response


def _session_for_page(settings: Settings, provider: oidc.Provider, claims) -> Optional[str]:
    subject = provider.subject_of(claims)
    found = db.run(queries.user_by_oidc_subject, subject) if subject else None
    if found is None:
        return None
    policyholder_id, user_id, name = found
    return issue_policyholder_token(settings, policyholder_id, user_id=user_id, name=name)


@limits.per_ip("login_ip")  # each callback may cost a call to the provider's token endpoint
async def callback(request: web.Request) -> web.StreamResponse:
    settings = get_settings()
    provider = oidc.provider(settings.oidc)
    if provider is None:
        return errors.error(404, NOT_CONFIGURED)
    saved = _read_state(settings, request.cookies.get(STATE_COOKIE))
    target = saved.get("for", "page") if saved else "page"
    state, code = request.query.get("state", ""), request.query.get("code", "")
    if saved is None or not state or not hmac.compare_digest(state.encode(), str(saved.get("state", "")).encode()):
        raise _clear_state(_back(target, "signin-error=expired"))
    if request.query.get("error") or not code or len(code) > 2048:
        raise _clear_state(_back(target, "signin-error=denied"))
    try:
        claims = await asyncio.to_thread(provider.exchange_code, _redirect_uri(settings), code=code,
                                         code_verifier=str(saved.get("cv", "")), nonce=str(saved.get("nonce", "")))
    except oidc.ProviderUnavailableError as exc:
        logger.warning("sign-in: provider unavailable (%s)", exc.reason)
        raise _clear_state(_back(target, "signin-error=unavailable")) from None
    except oidc.OidcError as exc:
        logger.warning("sign-in refused: %s", exc.reason)
        raise _clear_state(_back(target, "signin-error=invalid")) from None
    if target == "desk":
        agent = provider.agent_of(claims)
        if agent is None:
            logger.info("desk sign-in refused: no agent role")
            raise _clear_state(_back(target, "signin-error=no_role"))
        token = desk.issue_agent_token(settings, agent)
    else:
        token = await asyncio.to_thread(_session_for_page, settings, provider, claims)
        if token is None:
            logger.info("sign-in: subject unknown to the store (anonymous page)")
            raise _clear_state(_back(target, "signin-error=unknown_account"))
    response = _clear_state(_back(target, "signin"))
    response.set_cookie(SESSION_COOKIE, token, max_age=SESSION_TTL, path=SESSION_PATH, httponly=True,
                        samesite="Strict", secure=_secure(settings))
    raise response


def _clear_state(response: web.HTTPFound) -> web.HTTPFound:
    response.del_cookie(STATE_COOKIE, path=CALLBACK_PATH)
    return response


async def session(request: web.Request) -> web.Response:
    settings = get_settings()
    token = request.cookies.get(SESSION_COOKIE, "")
    answer: Optional[web.Response] = None
    if token and token.isascii():
        try:
            who = verify_token(settings, token, audience=AUD_POLICYHOLDER)
            answer = errors.ok({"kind": "policyholder", "token": token, "name": who.name,
                                "expires_in": settings.auth.token_ttl_seconds})
        except AuthError:
            agent = desk.verify_agent(settings, token)
            if agent is not None:
                answer = errors.ok({"kind": "agent", "token": token, "name": desk.display_name(agent),
                                    "expires_in": settings.auth.agent_token_ttl_seconds})
    if answer is None:
        answer = errors.error(401, NO_SESSION)
    answer.del_cookie(SESSION_COOKIE, path=SESSION_PATH)
    return answer


def _exchange(settings: Settings, provider: oidc.Provider, token: Any):
    claims = provider.verify(token, audience=settings.oidc.expected_audience)
    subject = provider.subject_of(claims)
    found = db.run(queries.user_by_oidc_subject, subject) if subject else None
    if found is None:
        return None
    policyholder_id, user_id, name = found
    return {"token": issue_policyholder_token(settings, policyholder_id, user_id=user_id, name=name),
            "name": name, "expires_in": settings.auth.token_ttl_seconds, "policyholder_id": policyholder_id}


@limits.per_ip("login_ip")
async def exchange(request: web.Request) -> web.Response:
    settings = get_settings()
    provider = oidc.provider(settings.oidc)
    if provider is None:
        return errors.error(404, NOT_CONFIGURED)
    payload, problem = await jsonbody.read_object(request, 20 * 1024, {
        "not_object": BAD_BODY})
    if problem is not None:
        return problem
    try:
        result = await asyncio.to_thread(_exchange, settings, provider, payload.get("token"))
    except oidc.ProviderUnavailableError as exc:
        logger.warning("token exchange: provider unavailable (%s)", exc.reason)
        return errors.error(503, UNAVAILABLE)
    except oidc.OidcError as exc:
        logger.info("token exchange refused: %s", exc.reason)
        return errors.error(401, INVALID)
    if result is None:
        return errors.ok({"token": None, "anonymous": True, "message": UNKNOWN_ACCOUNT})
    return errors.ok(result)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/auth/login", login)
    app.router.add_get(CALLBACK_PATH, callback)
    app.router.add_post(SESSION_PATH, session)
    app.router.add_post("/api/auth/exchange", exchange)
