"""Rate limits of the web APIs (``bot/ratelimit.py``): past an allowance, 429 with a French message and
``Retry-After`` (the :mod:`web.api.errors` shape), before the handler does any work.

- :func:`refused` — count one request in each ``(scope, key)``; the 429 answer or None;
- :func:`per_ip` — a handler decorator: the per-IP allowance of web API calls (``api_ip``);
- :func:`per_ip_middleware` — the same for some paths, before the body is even read (sign-in).
"""
from __future__ import annotations

import functools
from typing import Any, Awaitable, Callable, Iterable, Optional, Tuple

from aiohttp import web

from bot import ratelimit

from web.api import errors


def client_ip(request: web.Request) -> str:
    """The client address (the proxy's ``X-Forwarded-For`` entry only when ``RATE_LIMIT_TRUST_PROXY``)."""
    return ratelimit.client_ip(request.remote, request.headers.get("X-Forwarded-For"))


def too_many(decision: ratelimit.Decision) -> web.Response:
    body, headers = ratelimit.http_refusal(decision)
    return web.json_response(body, status=429, headers={**headers, **errors.NO_STORE})


async def refused(*hits: Tuple[str, Any]) -> Optional[web.Response]:
    """Count one request in each ``(scope, key)`` (a None key is not counted): the 429 answer, or None."""
    decision = await ratelimit.get_limiter().acheck(*hits)
    return None if decision else too_many(decision)


def per_ip(scope: str = "api_ip"):
    """Decorate a handler: refused (429) past the client IP's allowance in ``scope``."""
    def decorate(handler: Callable[..., Awaitable[web.StreamResponse]]):
        @functools.wraps(handler)
        async def limited(request: web.Request, *args: Any) -> web.StreamResponse:
            refusal = await refused((scope, client_ip(request)))
            if refusal is not None:
                return refusal
            return await handler(request, *args)
        return limited
    return decorate


def per_ip_middleware(paths: Iterable[str], scope: str, method: str = "POST"):
    """A middleware limiting ``method`` requests to ``paths`` per client IP in ``scope``, before any handler."""
    limited_paths = frozenset(paths)

    @web.middleware
    async def rate_limit(request: web.Request, handler):
        if request.method == method and request.path in limited_paths:
            refusal = await refused((scope, client_ip(request)))
            if refusal is not None:
                return refusal
        return await handler(request)
    return rate_limit
