"""One settings object, built from environment variables with embedded defaults.

Every variable is documented in ``.env.example`` and docs/configuration.md.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Optional

ROOT = Path(__file__).resolve().parent.parent


def env_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from exc


def env_float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a number, got {raw!r}") from exc


def _secret_from_file(path: Path) -> str:
    """Read a local secret (JWT secret, Rasa API token), generating it once (untracked file, mode 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        value = path.read_text(encoding="utf-8").strip()
        if value:
            return value
    value = secrets.token_urlsafe(48)
    fd = os.open(str(path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(value)
    return value


@dataclass(frozen=True)
class Settings:
    var_dir: Path
    database_url: str
    jwt_secret: str = field(repr=False)
    jwt_previous_secrets: tuple = field(default=(), repr=False)
    jwt_issuer: str = "assistant-indemnisation"
    token_ttl_seconds: int = 1800
    identity_secret: str = field(default="", repr=False)
    rasa_port: int = 5005
    action_port: int = 5055
    web_port: int = 8080
    public_host: str = "localhost"
    timezone: str = "Europe/Paris"
    # Rasa's HTTP API (enabled with --enable-api --auth-token): only server-side code uses it
    # (the agent desk); the browser never sees the token.
    rasa_api_token: str = field(default="", repr=False)
    rasa_api_url: str = ""
    agent_token_ttl_seconds: int = 14400
    agent_demo_login: bool = True
    referral_ttl_seconds: int = 900
    referral_link_base: str = ""
    retention_days: int = 90
    audit_retention_days: int = 365
    purge_interval_hours: float = 24.0
    purge_first_delay_seconds: float = 60.0

    @property
    def rasa_url(self) -> str:
        return f"http://{self.public_host}:{self.rasa_port}"

    @property
    def web_url(self) -> str:
        return f"http://{self.public_host}:{self.web_port}"


def load_settings(env: Optional[Mapping[str, str]] = None) -> Settings:
    env = os.environ if env is None else env
    var_dir = Path(env.get("ASSISTANT_VAR_DIR") or (ROOT / "var"))
    database_url = env.get("DATABASE_URL") or f"sqlite:///{var_dir / 'claims.db'}"
    jwt_secret = env.get("JWT_SECRET") or _secret_from_file(var_dir / "jwt_secret")
    previous = tuple(s for s in (env.get("JWT_PREVIOUS_SECRETS") or "").split(",") if s.strip())
    # The identity assertion that channels put in message metadata is signed with a key
    # derived from the JWT secret unless one is given explicitly.
    identity_secret = env.get("IDENTITY_SECRET") or ("identity:" + jwt_secret)
    return Settings(
        var_dir=var_dir,
        database_url=database_url,
        jwt_secret=jwt_secret,
        jwt_previous_secrets=previous,
        jwt_issuer=env.get("JWT_ISSUER") or "assistant-indemnisation",
        token_ttl_seconds=env_int(env, "TOKEN_TTL_SECONDS", 1800),
        identity_secret=identity_secret,
        rasa_port=env_int(env, "RASA_PORT", 5005),
        action_port=env_int(env, "ACTION_PORT", 5055),
        web_port=env_int(env, "WEB_PORT", 8080),
        public_host=env.get("PUBLIC_HOST") or "localhost",
        timezone=env.get("ASSISTANT_TZ") or "Europe/Paris",
        rasa_api_token=env.get("RASA_API_TOKEN") or _secret_from_file(var_dir / "rasa_api_token"),
        rasa_api_url=(env.get("RASA_API_URL") or f"http://127.0.0.1:{env_int(env, 'RASA_PORT', 5005)}").rstrip("/"),
        agent_token_ttl_seconds=env_int(env, "AGENT_TOKEN_TTL_SECONDS", 14400),
        agent_demo_login=(env.get("AGENT_DEMO_LOGIN") or "1").strip().lower() not in ("0", "false", "no", "off"),
        referral_ttl_seconds=env_int(env, "REFERRAL_TTL_SECONDS", 900),
        referral_link_base=(env.get("REFERRAL_LINK_BASE") or "").rstrip("/"),
        retention_days=env_int(env, "RETENTION_DAYS", 90),
        audit_retention_days=env_int(env, "AUDIT_RETENTION_DAYS", 365),
        purge_interval_hours=env_float(env, "PURGE_INTERVAL_HOURS", 24.0),
        purge_first_delay_seconds=env_float(env, "PURGE_FIRST_DELAY_SECONDS", 60.0),
    )


_cached: Optional[Settings] = None


def get_settings() -> Settings:
    """Process-wide settings, read once."""
    global _cached
    if _cached is None:
        _cached = load_settings()
    return _cached
