"""The production start-up check, in one place for every server.

With ``APP_ENV=production`` the web server, the action server and the Rasa server refuse to start
(exit status 2, one line per problem on stderr) when:

- demo mode is on (``DEMO_MODE``): demo sign-in gives anyone a company's or an agent's token;
- a secret was generated into ``var/`` instead of given (each replica would have its own), is
  missing (``ACTION_SERVER_TOKEN``), or looks like a default or sample value (``CHANGE_ME``,
  ``laptop-only…``, ``example``, a short one...);
- ``PUBLIC_BASE_URL`` is not an absolute ``https://`` address (links and sign-in redirects are
  built from it, never from the request's ``Host`` header);
- OpenID Connect is not configured (``OIDC_ISSUER`` over https, ``OIDC_CLIENT_ID``): without it
  nobody could sign in.

Outside production the same problems are allowed (``make run`` on a laptop). No Rasa import.
"""
from __future__ import annotations

import logging
import re
import sys
from typing import List
from urllib.parse import urlsplit

from bot.settings import Settings

logger = logging.getLogger("bot.startup")

MIN_SECRET_LENGTH = 32
# words found in the templates, documentation and former fallbacks: never a real secret
_SAMPLE = re.compile(r"change[_-]?me|changeit|laptop[_-]only|example|sample|placeholder|default|secret|password"
                     r"|dummy|xxxx", re.IGNORECASE)


def _looks_like_sample(value: str) -> bool:
    value = value.strip()
    return len(value) < MIN_SECRET_LENGTH or bool(_SAMPLE.search(value)) or len(set(value)) < 8


def _https(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "https" and bool(parts.hostname)


def problems(settings: Settings) -> List[str]:
    """What makes these settings unsafe in production (empty outside production)."""
    if not settings.runtime.production:
        return []
    found: List[str] = []
    if settings.runtime.demo_mode:
        found.append("DEMO_MODE is on: demo sign-in must never run in production")
    for name in settings.runtime.generated_secrets:
        found.append(f"{name} is not set: a secret generated into var/ differs on every replica")
    secrets = {
        "JWT_SECRET": settings.auth.jwt_secret,
        "RASA_API_TOKEN": settings.rasa.api_token,
        "ACTION_SERVER_TOKEN": settings.actions.token,
    }
    if settings.auth.identity_secret != "identity:" + settings.auth.jwt_secret:  # given, not derived
        secrets["IDENTITY_SECRET"] = settings.auth.identity_secret
    for number, previous in enumerate(settings.auth.jwt_previous_secrets, 1):
        secrets[f"JWT_PREVIOUS_SECRETS (#{number})"] = previous
    if settings.oidc.client_secret:
        secrets["OIDC_CLIENT_SECRET"] = settings.oidc.client_secret
    for name, value in secrets.items():
        if name in settings.runtime.generated_secrets:
            continue
        if not value:
            found.append(f"{name} is not set")
        elif _looks_like_sample(value):
            found.append(f"{name} looks like a default or sample value (at least {MIN_SECRET_LENGTH} random "
                         "characters, e.g. `openssl rand -hex 32`)")
    if not _https(settings.web.public_base_url):
        found.append("PUBLIC_BASE_URL must be the page's public https:// address (links and sign-in redirects)")
    if not settings.oidc.enabled:
        found.append("OIDC_ISSUER and OIDC_CLIENT_ID are not set: nobody could sign in")
    elif not _https(settings.oidc.issuer):
        found.append("OIDC_ISSUER must be an https:// address")
    return found


def refuse_unsafe_start(settings: Settings, server: str) -> None:
    """Exit (status 2) before serving anything when :func:`problems` finds any."""
    found = problems(settings)
    if not found:
        return
    lines = [f"{server}: refusing to start with APP_ENV=production:"] + [f"  - {p}" for p in found]
    for line in lines:
        logger.error(line)
    print("\n".join(lines), file=sys.stderr, flush=True)
    raise SystemExit(2)
