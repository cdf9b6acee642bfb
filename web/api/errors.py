"""The JSON error response of every web API: one shape for every 4xx and 5xx.

``{"error": "<a French sentence for the person>"}`` plus the fields an API documents (e.g. ``reason``),
with ``Cache-Control: no-store``. :func:`malformed_json_guard` turns an absurdly nested body that
escaped a handler into the usual 400.
"""
from __future__ import annotations

import logging
from typing import Any, Mapping, Optional

from aiohttp import web

logger = logging.getLogger("web.api")
NO_STORE = {"Cache-Control": "no-store"}
BAD_JSON = "Le corps de la requête n'est pas du JSON valide."


def error(status: int, message: str, *, headers: Optional[Mapping[str, str]] = None, **extra: Any) -> web.Response:
    """``{"error": message, **extra}`` with HTTP ``status``, never cached."""
    return web.json_response({"error": message, **extra}, status=status, headers={**NO_STORE, **(headers or {})})


def ok(body: Any, *, status: int = 200) -> web.Response:
    """A JSON answer that holds personal data or a token: never cached."""
    return web.json_response(body, status=status, headers=NO_STORE)


@web.middleware
async def malformed_json_guard(request: web.Request, handler):
    """A JSON body nested thousands of levels deep makes ``json.loads`` raise RecursionError (not
    ValueError) in whichever handler parses it: answer 400 like any malformed body, never 500."""
    try:
        return await handler(request)
    except RecursionError:
        logger.info("absurdly nested request body refused on %s", request.path)
        return error(400, BAD_JSON)
