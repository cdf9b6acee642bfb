"""Write the effective Rasa endpoints file from the settings (``bot.settings``: the environment).

Embedded default: SQLite tracker store under var/, in-memory lock store.
Production: TRACKER_STORE_URL=postgresql://user:pass@host:5432/db -> SQL tracker store on
PostgreSQL; REDIS_URL=redis://host:6379/0 -> Redis lock store (required with several Rasa
replicas). ACTION_SERVER_URL overrides the action server address.

The tracker store is Rasa's SQL store wrapped by ``rasa_ext.tracker_store`` (retries across a
database restart, never Rasa's silent fall-back to memory). Connections and Redis calls are time
bounded (DB_CONNECT_TIMEOUT_SECONDS, default 5; LOCK_SOCKET_TIMEOUT_SECONDS, default 3);
REDIS_KEY_PREFIX (letters and digits) separates several deployments sharing one Redis.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional
from urllib.parse import urlparse

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bot.files import private_dir, write_private
from bot.settings import Settings, load_settings

TRACKER_STORE_TYPE = "rasa_ext.tracker_store.ResilientSQLTrackerStore"


def render(settings: Optional[Settings] = None) -> dict:
    settings = settings or load_settings()
    actions, tracker, lock = settings.actions, settings.tracker, settings.lock
    endpoints: dict = {
        "action_endpoint": {"url": actions.url or f"http://localhost:{actions.port}/webhook"},
    }
    if actions.token:
        endpoints["action_endpoint"]["token"] = actions.token
    tracker_url = tracker.url
    if tracker_url:
        url = urlparse(tracker_url)
        endpoints["tracker_store"] = {
            "type": TRACKER_STORE_TYPE, "dialect": "postgresql", "url": url.hostname or "localhost",
            "port": url.port or 5432, "db": (url.path or "/rasa").lstrip("/"),
            "username": url.username or "postgres", "password": url.password or "",
            "query": {"connect_timeout": str(tracker.connect_timeout_seconds)},
        }
    else:
        endpoints["tracker_store"] = {"type": TRACKER_STORE_TYPE, "dialect": "sqlite",
                                      "db": str(settings.runtime.var_dir / "tracker.db")}
    redis_url = lock.redis_url
    if redis_url:
        url = urlparse(redis_url)
        endpoints["lock_store"] = {"type": "redis", "url": url.hostname or "localhost",
                                   "port": url.port or 6379, "db": int((url.path or "/0").lstrip("/") or 0),
                                   "socket_timeout": float(lock.socket_timeout_seconds)}
        if lock.key_prefix:
            endpoints["lock_store"]["key_prefix"] = lock.key_prefix
        if url.password:
            endpoints["lock_store"]["password"] = url.password
    else:
        endpoints["lock_store"] = {"type": "in_memory"}
    return endpoints


def main() -> None:
    settings = load_settings()
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else settings.runtime.var_dir / "endpoints.yml"
    private_dir(settings.runtime.var_dir)  # var/ holds the databases and secrets: 0700
    write_private(out, yaml.safe_dump(render(settings), sort_keys=False))  # holds the action-server token
    print(out)


if __name__ == "__main__":
    main()
