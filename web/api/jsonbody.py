"""Reading a JSON object from a request body, the same way in every web API (sign-in, agent desk, referral links).

Content type ``application/json`` (else 415), declared size within the endpoint's bound (else 413; aiohttp's
``client_max_size`` bounds undeclared sizes), valid JSON (else 400; an absurdly nested body too), and an object
(else 400), without lone surrogates (else 400, like invalid JSON).
Each API keeps its own French wording of those refusals; the response is :func:`web.api.errors.error`.
"""
from __future__ import annotations

import json
from typing import Dict, Optional, Tuple

from aiohttp import web

from web.api import errors

DEFAULT_MESSAGES: Dict[str, str] = {
    "not_json": "Envoyez un corps JSON (Content-Type: application/json).",
    "too_large": "Requête trop volumineuse.",
    "bad_json": errors.BAD_JSON,
    "not_object": "Le corps de la requête doit être un objet JSON.",
}
STATUS = {"not_json": 415, "too_large": 413, "bad_json": 400, "not_object": 400}


async def read_object(request: web.Request, max_bytes: int,
                      messages: Optional[Dict[str, str]] = None) -> Tuple[Optional[dict], Optional[web.Response]]:
    """``(payload, None)``, or ``(None, error response)``."""
    texts = {**DEFAULT_MESSAGES, **(messages or {})}

    def problem(kind: str) -> Tuple[None, web.Response]:
        return None, errors.error(STATUS[kind], texts[kind])

    if request.content_type != "application/json":
        return problem("not_json")
    if request.content_length is not None and request.content_length > max_bytes:
        return problem("too_large")
    try:
        payload = json.loads(await request.text())
        # JSON may write a lone surrogate ("\ud800"), which no UTF-8 text can hold: a token or an id carrying
        # one made the JWT library or the database driver raise (HTTP 500 / 503). Refused here for every API.
        json.dumps(payload, ensure_ascii=False).encode("utf-8")
    except (ValueError, UnicodeDecodeError, UnicodeEncodeError, RecursionError):
        return problem("bad_json")
    if not isinstance(payload, dict):
        return problem("not_object")
    return payload, None
