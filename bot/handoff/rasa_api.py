"""A small blocking client of Rasa's HTTP API (``rasa run --enable-api --auth-token``), for the agent desk.

Only ``requests`` (imported when first used) and the standard library: no Rasa import.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional
from urllib.parse import quote

from bot.settings import Settings

logger = logging.getLogger(__name__)

REQUEST_TIMEOUT = 10.0


class RasaApiError(Exception):
    """Rasa's API could not be reached or refused the call (the message never holds the token)."""

    def __init__(self, message: str, status: Optional[int] = None):
        super().__init__(message)
        self.status = status


class RasaApi:
    """A small blocking client of Rasa's HTTP API (``rasa run --enable-api --auth-token``).

    Blocking (``requests``): async callers run it in a worker thread. The token goes in the
    ``token`` query parameter, the only way Rasa's token auth reads it; errors are re-raised
    without the URL so the token never reaches a log.
    """

    def __init__(self, base_url: str, token: str, *, timeout: float = REQUEST_TIMEOUT, session: Any = None):
        if not token:
            raise ValueError("the Rasa API token is required")
        self.base_url = base_url.rstrip("/")
        self._token = token
        self.timeout = timeout
        self._session = session

    @classmethod
    def from_settings(cls, settings: Settings) -> "RasaApi":
        return cls(settings.rasa.api_url, settings.rasa.api_token)

    def _http(self):
        if self._session is None:
            import requests

            self._session = requests.Session()
        return self._session

    def _call(self, method: str, sender_id: str, suffix: str, params: Dict[str, str], body: Any = None) -> Any:
        import requests

        if not isinstance(sender_id, str) or not sender_id or len(sender_id) > 255:
            raise RasaApiError("bad conversation id")
        url = f"{self.base_url}/conversations/{quote(sender_id, safe='')}/{suffix}"
        try:
            response = self._http().request(method, url, params={**params, "token": self._token}, json=body,
                                            timeout=self.timeout)
        except requests.RequestException as exc:
            logger.warning("Rasa API %s %s failed: %s", method, suffix, type(exc).__name__)
            raise RasaApiError(f"Rasa API unreachable ({type(exc).__name__})") from None
        if response.status_code >= 400:
            logger.warning("Rasa API %s %s answered %s", method, suffix, response.status_code)
            raise RasaApiError(f"Rasa API answered {response.status_code}", response.status_code)
        try:
            return response.json()
        except ValueError:
            raise RasaApiError("Rasa API answered something that is not JSON") from None

    def tracker(self, sender_id: str) -> Dict[str, Any]:
        """The conversation's tracker with all its events."""
        return self._call("GET", sender_id, "tracker", {"include_events": "ALL"})

    def append(self, sender_id: str, events: List[Dict[str, Any]], *, output_channel: str = "latest") -> Dict[str, Any]:
        """Append events; bot messages among them are sent to the person (``execute_side_effects``)
        through the channel they last wrote from."""
        return self._call("POST", sender_id, "tracker/events",
                          {"output_channel": output_channel, "execute_side_effects": "true",
                           "include_events": "NONE"}, events)
