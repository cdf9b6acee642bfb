"""Bearer authentication of the web APIs: who sends a request (``Authorization: Bearer <token>``).

A missing header, another scheme, or something that cannot be a token (empty, non-ASCII bytes,
malformed, forged, expired, meant for another audience) is nobody: the route answers 401 with its
French sentence, never 500. Policyholder tokens (``bot.auth.AUD_POLICYHOLDER``) and agent tokens
(``bot.auth.AUD_AGENT``, subject ``agent:<id>``: :func:`bot.handoff.desk.verify_agent`) are never
valid as one another.

:func:`policyholder_required` / :func:`agent_required` wrap a handler ``(request, principal)``.
"""
from __future__ import annotations

import functools
from typing import Awaitable, Callable, Optional

from aiohttp import web

from bot.auth import AUD_POLICYHOLDER, AuthError, Principal, verify_token
from bot.handoff import desk
from bot.settings import get_settings

from web.api import errors

Handler = Callable[[web.Request, Principal], Awaitable[web.StreamResponse]]


def bearer_token(request: web.Request) -> Optional[str]:
    """The token of an ``Authorization: Bearer`` header (scheme in any case), or None."""
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    token = header[7:].strip()
    # a token is ASCII (base64url and dots); undecodable header bytes would make the JWT library raise
    return token if token and token.isascii() else None


def policyholder(request: web.Request) -> Optional[Principal]:
    """The policyholder signed in (a policyholder token), or None."""
    token = bearer_token(request)
    if token is None:
        return None
    try:
        return verify_token(get_settings(), token, audience=AUD_POLICYHOLDER)
    except AuthError:
        return None


def agent(request: web.Request) -> Optional[Principal]:
    """The agent signed in (an agent token, the desk's rule), or None."""
    token = bearer_token(request)
    return None if token is None else desk.verify_agent(get_settings(), token)


def _required(identify: Callable[[web.Request], Optional[Principal]], message: str):
    def decorate(handler: Handler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        @functools.wraps(handler)
        async def checked(request: web.Request) -> web.StreamResponse:
            principal = identify(request)
            if principal is None:
                return errors.error(401, message)
            return await handler(request, principal)
        return checked
    return decorate


def policyholder_required(message: str):
    """Run ``handler(request, policyholder)``, or answer 401 with ``message``."""
    return _required(policyholder, message)


def agent_required(message: str):
    """Run ``handler(request, agent)``, or answer 401 with ``message``."""
    return _required(agent, message)
