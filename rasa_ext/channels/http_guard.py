"""HTTP rules of the Rasa server that the channels install once per process (:func:`attach`).

- **Request size**: Sanic reads bodies up to 100 MB by default (the REST channel took 30–90 MB bodies).
  Every request of the Rasa server is capped at :data:`bot.inbound.MAX_BODY_BYTES` (64 KiB): larger
  bodies are refused with 413 and a French JSON message as soon as their ``Content-Length`` is read
  (the agent desk's calls to the HTTP API are a few KiB).
- **Version banners**: with ``APP_ENV=production``, Rasa's ``GET /version`` answers 404 and ``GET /``
  (the health probe) says ``ok`` instead of ``Hello from Rasa: 3.6.x``; no ``Server`` header is sent.
"""
from __future__ import annotations

import logging
from typing import Any, Optional

from sanic import response
from sanic.exceptions import PayloadTooLarge

from bot.inbound import MAX_BODY_BYTES
from bot.settings import get_settings
from bot.wording.format import typo

logger = logging.getLogger(__name__)

TOO_LARGE = typo("La requête est trop volumineuse : 64 Kio au plus.")
NOT_FOUND = typo("Cette adresse n’existe pas.")
_ATTACHED = "_assistant_http_guard"


async def _too_large(_request: Any, _exception: Exception) -> Any:
    return response.json({"error": TOO_LARGE}, status=413)


async def _hide_versions(request: Any) -> Optional[Any]:
    if request.method in ("GET", "HEAD") and request.path == "/version":
        return response.json({"error": NOT_FOUND}, status=404)
    if request.method in ("GET", "HEAD") and request.path == "/":
        return response.text("ok")
    return None


async def _no_server_header(_request: Any, resp: Any) -> None:
    if resp is not None and getattr(resp, "headers", None) is not None and "server" in resp.headers:
        del resp.headers["server"]


def install(app: Any, production: Optional[bool] = None) -> bool:
    """Apply the rules to a Sanic app (idempotent); True the first time."""
    if getattr(app.ctx, _ATTACHED, False):
        return False
    setattr(app.ctx, _ATTACHED, True)
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES  # read by each new connection
    app.error_handler.add(PayloadTooLarge, _too_large)
    if get_settings().runtime.production if production is None else production:
        app.register_middleware(_hide_versions, "request")
        app.register_middleware(_no_server_header, "response")
    logger.debug("HTTP guard installed (max body %d bytes)", MAX_BODY_BYTES)
    return True


def attach(blueprint: Any) -> None:
    """Install the rules on the app that registers ``blueprint``, before it accepts connections."""

    @blueprint.listener("before_server_start")
    async def _install(app: Any, _loop: Any) -> None:
        install(app)
