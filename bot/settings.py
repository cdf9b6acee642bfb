"""One settings object, built from environment variables with embedded defaults.

This module is the only reader of the environment (a test checks it). Every variable is declared
once, on the field that holds it (:func:`setting`: name, type, default, one-line description);
the fields are grouped per concern in nested frozen dataclasses::

    settings = get_settings()            # read once per process
    settings.auth.jwt_secret, settings.handoff.hours, settings.channels.twilio.auth_token

Variables read only by the shell scripts, Rasa, TensorFlow or glibc are declared in
:data:`EXTERNAL`, so that they are documented with the others. ``.env.example`` and the table of
docs/configuration.md are generated from this registry (a test keeps them in sync)::

    python -m bot.settings env-example > .env.example
    python -m bot.settings markdown          # rewrites the table of docs/configuration.md

Types: ``str``, ``int``, ``float``, ``bool`` (1/true/yes/on, 0/false/no/off), ``secret`` (a string
never shown in a repr), ``duration`` (seconds, a number), ``list`` (comma-separated), ``path``.
An unset or empty variable takes its default; a malformed one raises :class:`SettingsError`
naming the variable.
"""
from __future__ import annotations

import dataclasses
import os
import re
import secrets
import sys
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent
DOC_PAGE = ROOT / "docs" / "configuration.md"
ENV_EXAMPLE = ROOT / ".env.example"
BEGIN, END = "<!-- settings:begin -->", "<!-- settings:end -->"

STR, INT, FLOAT, BOOL, SECRET, DURATION, LIST, PATH = ("str", "int", "float", "bool", "secret", "duration", "list",
                                                      "path")
KINDS = (STR, INT, FLOAT, BOOL, SECRET, DURATION, LIST, PATH)
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


class SettingsError(ValueError):
    """A variable of the environment has a value that cannot be used (the message names it)."""


# --- the registry ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Var:
    """One environment variable: its name, type, default and what it does."""

    name: str
    kind: str
    default: Any
    doc: str
    shown_default: str = ""    # how the docs show a computed or unset default
    example: str = ""          # a value shown in .env.example when the default is empty
    minimum: Optional[float] = None
    positive: bool = False     # must be > 0
    secret: bool = False       # never in a repr; .env.example shows no value
    reader: str = "python"     # python (through this module), or who else reads it: shell, rasa, ...
    concern: str = ""          # the section (``handoff``, ``channels.twilio``...), set when collected
    attr: str = ""             # ``handoff.slot_minutes``; empty for external variables

    def parse(self, env: Mapping[str, str]) -> Any:
        """The value of this variable in ``env`` (its default when unset or empty)."""
        raw = env.get(self.name)
        if raw is None or raw == "" or (self.kind not in (STR, SECRET) and raw.strip() == ""):
            return self.default
        value = _PARSERS[self.kind](self.name, raw)
        if self.minimum is not None and value < self.minimum:
            raise SettingsError(f"{self.name} must be {_number(self.minimum)} or more, got {raw!r}")
        if self.positive and value <= 0:
            raise SettingsError(f"{self.name} must be positive, got {raw!r}")
        return value

    @property
    def default_text(self) -> str:
        if self.shown_default:
            return self.shown_default
        if self.default in (None, "", ()):
            return "unset"
        if isinstance(self.default, bool):
            return "1" if self.default else "0"
        if isinstance(self.default, float):
            return _number(self.default)
        if isinstance(self.default, tuple):
            return ",".join(self.default)
        return str(self.default)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _parse_int(name: str, raw: str) -> int:
    try:
        return int(raw.strip())
    except ValueError:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from None


def _parse_float(name: str, raw: str) -> float:
    try:
        return float(raw.strip())
    except ValueError:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from None


def _parse_duration(name: str, raw: str) -> float:
    try:
        return float(raw.strip())
    except ValueError:
        raise SettingsError(f"{name} must be a number of seconds, got {raw!r}") from None


def _parse_bool(name: str, raw: str) -> bool:
    text = raw.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise SettingsError(f"{name} must be 1 or 0 (true/false, yes/no, on/off), got {raw!r}")


def _parse_list(_name: str, raw: str) -> Tuple[str, ...]:
    return tuple(part.strip() for part in raw.split(",") if part.strip())


_PARSERS: Dict[str, Callable[[str, str], Any]] = {
    STR: lambda _name, raw: raw, SECRET: lambda _name, raw: raw, INT: _parse_int, FLOAT: _parse_float,
    BOOL: _parse_bool, DURATION: _parse_duration, LIST: _parse_list, PATH: lambda _name, raw: Path(raw),
}


def setting(name: str, kind: str, default: Any = None, doc: str = "", *, required: bool = False, **options: Any) -> Any:
    """A settings field bound to the environment variable ``name`` (the registry entry of that variable).

    ``required``: the field has no default in the dataclass; :func:`load_settings` computes it
    (a generated secret, a URL derived from another setting).
    """
    assert kind in KINDS, kind
    var = Var(name, kind, default, doc, secret=options.pop("secret", kind == SECRET), **options)
    metadata = {"var": var}
    if required:
        return field(repr=not var.secret, metadata=metadata)
    return field(default=default, repr=not var.secret, metadata=metadata)


def _section(cls: type) -> type:
    return dataclass(frozen=True, kw_only=True)(cls)


# --- the sections, one per concern ----------------------------------------------------------------

@_section
class RuntimeSettings:
    """Where the processes keep their state and which clock and interface they use."""

    var_dir: Path = setting("ASSISTANT_VAR_DIR", PATH, ROOT / "var",
                            "Local state: SQLite claims store and tracker, generated secrets, logs.",
                            shown_default="var/ (in the repository)", example="var")
    timezone: str = setting("ASSISTANT_TZ", STR, "Europe/Paris", "Time zone of dates and of the claims team's hours.")
    bind_host: str = setting("BIND_HOST", STR, "127.0.0.1",
                             "Interface the servers listen on (scripts/run.sh, the action server).")
    app_env: str = setting("APP_ENV", STR, "development",
                           "production: the servers refuse to start with demo mode, a generated, default or sample "
                           "secret, or without PUBLIC_BASE_URL and OIDC (bot/startup.py); version banners hidden "
                           "(Rasa ``/version``, ``/``).", example="production")
    demo_mode: bool = setting("DEMO_MODE", BOOL, False,
                              "Demo sign-in (demo companies on the page, demo agents on the desk); `make run` sets 1. "
                              "Never in production.")
    # names of the secrets generated into var/ because they were not given (bot/startup.py): computed, not a variable
    generated_secrets: Tuple[str, ...] = field(default=(), metadata={"computed": True})

    @property
    def production(self) -> bool:
        return self.app_env.strip().lower() == "production"


@_section
class DatabaseSettings:
    """The claims store."""

    url: str = setting("DATABASE_URL", STR, None, "Claims store (SQLAlchemy URL); PostgreSQL in production.",
                       required=True, shown_default="sqlite:///var/claims.db",
                       example="postgresql+psycopg2://postgres@127.0.0.1:5432/test")


@_section
class TrackerSettings:
    """Rasa's conversation store (tracker store) and its cache."""

    url: str = setting("TRACKER_STORE_URL", STR, "", "PostgreSQL tracker store shared by every Rasa replica.",
                       shown_default="SQLite var/tracker.db", example="postgresql://postgres@127.0.0.1:5432/test")
    postgresql_schema: str = setting("POSTGRESQL_SCHEMA", STR, "",
                                     "Schema of the PostgreSQL tracker store when not the default one "
                                     "(read by Rasa and by bot.gdpr).")
    connect_timeout_seconds: int = setting("DB_CONNECT_TIMEOUT_SECONDS", INT, 5,
                                           "Connection timeout of the PostgreSQL tracker store, in seconds.")
    retry_seconds: float = setting("TRACKER_RETRY_SECONDS", DURATION, 8.0,
                                   "Tracker reads and saves are retried this long across a database restart, "
                                   "then the person gets an apology.")
    cache_size: int = setting("TRACKER_CACHE_SIZE", INT, 1000,
                              "Conversations kept in memory by the tracker store, checked against the database "
                              "at every message (0 = off).", minimum=0)


@_section
class LockSettings:
    """Rasa's lock store (one conversation processed by one replica at a time)."""

    redis_url: str = setting("REDIS_URL", STR, "", "Redis lock store, required with several Rasa replicas "
                             "(also shares the rate limits).", shown_default="in-memory lock store",
                             example="redis://127.0.0.1:6379/0")
    socket_timeout_seconds: float = setting("LOCK_SOCKET_TIMEOUT_SECONDS", DURATION, 3.0,
                                            "Socket timeout of the Redis lock store, in seconds.")
    key_prefix: str = setting("REDIS_KEY_PREFIX", STR, "",
                              "Prefix of lock and rate-limit keys (letters, digits) when deployments share one Redis.")


@_section
class AuthSettings:
    """Sign-in tokens and the identity assertions the channels put in message metadata."""

    jwt_secret: str = setting("JWT_SECRET", SECRET, None, "Signs the sign-in tokens.", required=True,
                              shown_default="generated once into var/jwt_secret (0600, untracked)")
    jwt_previous_secrets: Tuple[str, ...] = setting("JWT_PREVIOUS_SECRETS", LIST, (),
                                                    "Comma-separated previous secrets still accepted during a key "
                                                    "rotation.", secret=True)
    jwt_issuer: str = setting("JWT_ISSUER", STR, "assistant-indemnisation", "Issuer (iss) of the tokens, checked.")
    token_ttl_seconds: int = setting("TOKEN_TTL_SECONDS", INT, 1800, "Lifetime of a sign-in token, in seconds.")
    identity_secret: str = setting("IDENTITY_SECRET", SECRET, None,
                                   "HMAC key of the identity assertions in message metadata.", required=True,
                                   shown_default="derived from JWT_SECRET")
    agent_token_ttl_seconds: int = setting("AGENT_TOKEN_TTL_SECONDS", INT, 14400,
                                           "Lifetime of an agent's sign-in token, in seconds (4 h).")


@_section
class OidcSettings:
    """Sign-in through the insurer's OpenID Connect provider (policyholders and agents); off when OIDC_ISSUER is unset."""

    issuer: str = setting("OIDC_ISSUER", STR, "", "The provider's issuer URL, exactly as in its tokens "
                          "(discovery: <issuer>/.well-known/openid-configuration).",
                          example="https://login.assureur.example/realms/clients")
    client_id: str = setting("OIDC_CLIENT_ID", STR, "", "This application's client id at the provider "
                             "(the audience of ID tokens).", example="assistant-indemnisation")
    client_secret: str = setting("OIDC_CLIENT_SECRET", SECRET, "", "Client secret when the provider registers the "
                                 "web server as a confidential client (PKCE is used either way).")
    audience: str = setting("OIDC_AUDIENCE", STR, "", "Audience required in the access tokens the customer area "
                            "hands to the widget.", shown_default="OIDC_CLIENT_ID")
    algorithms: Tuple[str, ...] = setting("OIDC_ALGORITHMS", LIST, ("RS256", "ES256"),
                                          "Signature algorithms accepted from the provider (asymmetric only: "
                                          "RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512).")
    leeway_seconds: int = setting("OIDC_LEEWAY_SECONDS", INT, 30, "Clock skew tolerated on exp / iat / nbf, "
                                  "in seconds (0 to 120).", minimum=0)
    scopes: str = setting("OIDC_SCOPES", STR, "openid profile email", "Scopes asked at sign-in (space-separated).")
    subject_claim: str = setting("OIDC_SUBJECT_CLAIM", STR, "sub", "Claim naming the customer; the store maps its "
                                 "value to a policyholder (users.oidc_subject).")
    roles_claim: str = setting("OIDC_ROLES_CLAIM", STR, "roles", "Claim holding the agent's roles or groups "
                               "(a dotted path such as realm_access.roles is followed).")
    agent_role: str = setting("OIDC_AGENT_ROLE", STR, "claims_agent", "Role (or group) that opens the agent desk.")
    supervisor_role: str = setting("OIDC_SUPERVISOR_ROLE", STR, "claims_supervisor",
                                   "Role (or group) of supervisors (desk, insights, links for any conversation).")
    name_claim: str = setting("OIDC_NAME_CLAIM", STR, "name", "Claim with the agent's name shown to customers.")
    jwks_cache_seconds: int = setting("OIDC_JWKS_CACHE_SECONDS", INT, 300, "The provider's discovery document and "
                                      "keys are kept this long; an unknown key id refreshes them at once.",
                                      minimum=0)
    http_timeout_seconds: float = setting("OIDC_HTTP_TIMEOUT_SECONDS", DURATION, 5.0,
                                          "Timeout of each call to the provider, in seconds.", positive=True)

    @property
    def enabled(self) -> bool:
        return bool(self.issuer and self.client_id)

    @property
    def expected_audience(self) -> str:
        return self.audience or self.client_id


@_section
class RasaSettings:
    """The Rasa server and its HTTP API."""

    port: int = setting("RASA_PORT", INT, 5005, "Port of the Rasa server.")
    public_url: str = setting("RASA_PUBLIC_URL", STR, "", "The Rasa server's URL as the browser sees it "
                              "(behind a proxy).", shown_default="PUBLIC_BASE_URL's scheme and host, RASA_PORT",
                              example="https://chat.example.fr")
    api_token: str = setting("RASA_API_TOKEN", SECRET, None,
                             "Token of Rasa's HTTP API (--enable-api), used by the web server only; given to Rasa in "
                             "the environment, never on a command line.",
                             required=True, shown_default="generated once into var/rasa_api_token (0600, untracked)")
    api_url: str = setting("RASA_API_URL", STR, None, "Where the web server reaches Rasa's HTTP API.",
                           required=True, shown_default="http://127.0.0.1:RASA_PORT", example="http://rasa:5005")
    action_timeout_seconds: float = setting("ACTION_TIMEOUT_SECONDS", DURATION, 10.0,
                                            "Bound of Rasa's call to the action server, in seconds "
                                            "(Rasa 3.6 alone waits 5 minutes).", positive=True)
    reply_deadline_seconds: float = setting("REPLY_DEADLINE_SECONDS", DURATION, 20.0,
                                            "Past this, the channel apologises and offers a person "
                                            "(the turn goes on and is recorded).", positive=True)
    split_questions: bool = setting("SPLIT_QUESTIONS", BOOL, True,
                                    "Several questions in one message are answered one after the other (the split "
                                    "step, docs/conversations.md); 0 answers each message as one question.")


@_section
class ActionServerSettings:
    """The action server."""

    port: int = setting("ACTION_PORT", INT, 5055, "Port of the action server.")
    url: str = setting("ACTION_SERVER_URL", STR, "", "Action server address given to Rasa "
                       "(e.g. behind a load balancer).", shown_default="http://localhost:ACTION_PORT/webhook",
                       example="http://localhost:5055/webhook")
    token: str = setting("ACTION_SERVER_TOKEN", SECRET, "", "Token Rasa sends to the action server "
                         "(when they are not on the same host).")
    store_timeout_seconds: float = setting("STORE_TIMEOUT_SECONDS", DURATION, 5.0,
                                           "Bound of one claims-store call from an action; past it, an apology.")


@_section
class WebSettings:
    """The web page server."""

    port: int = setting("WEB_PORT", INT, 8080, "Port of the web page server.")
    host: str = setting("WEB_HOST", STR, "127.0.0.1", "Interface of the web page server when started alone "
                        "(scripts/run.sh gives it BIND_HOST).")
    public_host: str = setting("PUBLIC_HOST", STR, "localhost",
                               "Host name printed in the URL and used by the page to reach Rasa.")
    public_base_url: str = setting("PUBLIC_BASE_URL", STR, "", "Public address of the servers as the outside world "
                                   "reaches them (behind the reverse proxy): links, sign-in redirects, the widget's "
                                   "socket address and the webhook URLs Twilio signs; never a request's Host header; "
                                   "required in production.",
                                   shown_default="http://PUBLIC_HOST:WEB_PORT", example="https://assistant.example.fr")


@_section
class HandoffSettings:
    """Handoff to a person: the claims team's hours and callback slots."""

    hours: str = setting("HANDOFF_HOURS", STR, "mon-fri 09:00-18:00",
                         "Weekly hours when claims agents take conversations (French public holidays are closed).")
    extra_closed_days: Tuple[str, ...] = setting("HANDOFF_EXTRA_CLOSED_DAYS", LIST, (),
                                                 "Extra closed days, comma-separated YYYY-MM-DD.",
                                                 example="2026-12-24,2026-12-31")
    slot_minutes: int = setting("HANDOFF_SLOT_MINUTES", INT, 60,
                                "Length of a callback slot offered outside opening hours, in minutes (5 at least).",
                                minimum=0)
    callback_lead_minutes: int = setting("HANDOFF_CALLBACK_LEAD_MINUTES", INT, 60,
                                         "The earliest callback slot starts this long after now, in minutes.",
                                         minimum=0)


@_section
class ReferralSettings:
    """Agent → assistant referral links."""

    ttl_seconds: int = setting("REFERRAL_TTL_SECONDS", INT, 900,
                               "Lifetime of a referral link, in seconds (single use, 30 at least).")
    link_base: str = setting("REFERRAL_LINK_BASE", STR, "", "Public address of the chat page used in referral links.",
                             shown_default="PUBLIC_BASE_URL",
                             example="https://assistant.example.fr")


@_section
class RateLimitSettings:
    """Rate limits: ``<count>/<seconds>`` token buckets (``off`` disables one), per scope."""

    login_ip: str = setting("RATE_LIMIT_LOGIN_IP", STR, "30/60", "Demo sign-ins per client IP.")
    login_account: str = setting("RATE_LIMIT_LOGIN_ACCOUNT", STR, "20/60", "Demo sign-ins per account asked for.")
    pairing_code_identity: str = setting("RATE_LIMIT_PAIRING_CODE_IDENTITY", STR, "10/600",
                                         "Pairing codes created per signed-in policyholder.")
    pairing_code_ip: str = setting("RATE_LIMIT_PAIRING_CODE_IP", STR, "60/600", "Pairing codes created per client IP.")
    pairing_redeem: str = setting("RATE_LIMIT_PAIRING_REDEEM", STR, "10/600",
                                  "Pairing codes typed on a messaging channel, per channel account.")
    pairing_redeem_code: str = setting("RATE_LIMIT_PAIRING_REDEEM_CODE", STR, "5/600",
                                       "Attempts with one same pairing code, whichever channel account types it.")
    messages_identity: str = setting("RATE_LIMIT_MESSAGES_IDENTITY", STR, "120/60",
                                     "Chat messages per policyholder / channel account / anonymous session.")
    messages_ip: str = setting("RATE_LIMIT_MESSAGES_IP", STR, "600/60",
                               "Chat messages per client IP (web socket, REST channel).")
    long_messages_identity: str = setting("RATE_LIMIT_LONG_MESSAGES_IDENTITY", STR, "6/60",
                                          "Messages over 300 characters per policyholder / channel account / "
                                          "anonymous session (each costs the NLU several usual messages).")
    long_messages_ip: str = setting("RATE_LIMIT_LONG_MESSAGES_IP", STR, "20/60",
                                    "Messages over 300 characters per client IP (web socket, REST channel).")
    handoff_anonymous: str = setting("RATE_LIMIT_HANDOFF_ANONYMOUS", STR, "5/3600",
                                     "Hand-over requests of visitors who are not signed in, per client address / "
                                     "messaging account (confirmed first; signed-in people are not limited).")
    api_ip: str = setting("RATE_LIMIT_API_IP", STR, "300/60",
                          "Other web API calls (pairings list, revoke, referrals) per client IP.")
    limit_notice: str = setting("RATE_LIMIT_LIMIT_NOTICE", STR, "1/60",
                                "'Please slow down' replies on messaging channels, per account (an SMS costs money).")
    redis_url: str = setting("RATE_LIMIT_REDIS_URL", STR, "", "Redis shared by every replica for the rate limits.",
                             shown_default="REDIS_URL, else in memory", example="redis://127.0.0.1:6379/1")
    trust_proxy: bool = setting("RATE_LIMIT_TRUST_PROXY", BOOL, False,
                                "Behind a reverse proxy: take the client IP from the last X-Forwarded-For entry.")

    def scopes(self) -> Dict[str, str]:
        """scope (``login_ip``...) -> limit spec (``"30/60"``), for every ``RATE_LIMIT_<SCOPE>`` variable."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("redis_url", "trust_proxy")}


@_section
class GdprSettings:
    """Data protection: retention and the in-process purge (python -m bot.gdpr)."""

    retention_days: int = setting("RETENTION_DAYS", INT, 90,
                                  "Conversations (tracker events, handoff transcripts, callback requests, closed "
                                  "pairings and referrals) are purged after this many days.")
    audit_retention_days: int = setting("AUDIT_RETENTION_DAYS", INT, 365,
                                        "The audit log is purged after this many days.")
    purge_interval_hours: float = setting("PURGE_INTERVAL_HOURS", FLOAT, 24.0,
                                          "In-process purge interval of the action server, in hours; 0 = off "
                                          "(a Kubernetes CronJob runs python -m bot.gdpr purge).")
    purge_first_delay_seconds: float = setting("PURGE_FIRST_DELAY_SECONDS", DURATION, 60.0,
                                               "First in-process purge this long after start, in seconds.")


@_section
class TwilioSettings:
    """SMS / WhatsApp through Twilio (enabled when its required variables are set; docs/channels.md)."""

    account_sid: str = setting("TWILIO_ACCOUNT_SID", STR, "", "Twilio account SID (required for the channel).")
    auth_token: str = setting("TWILIO_AUTH_TOKEN", SECRET, "", "Twilio auth token (required).")
    number: str = setting("TWILIO_NUMBER", STR, "", "The assistant's phone number (required).", example="+33...")
    webhook_url: str = setting("TWILIO_WEBHOOK_URL", STR, "", "Public URL of the webhook, checked in signatures "
                               "(required).", example="https://chat.example.fr/webhooks/twilio/webhook")
    whatsapp_number: str = setting("TWILIO_WHATSAPP_NUMBER", STR, "", "WhatsApp sender number.",
                                   shown_default="TWILIO_NUMBER")
    api_base: str = setting("TWILIO_API_BASE", STR, "", "Tests only: send outbound API calls to a local fake.",
                            shown_default="Twilio's API")


@_section
class VoiceSettings:
    """Phone calls through Twilio Programmable Voice (docs/voice.md); uses the TWILIO_* account and number.

    Enabled when TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_NUMBER and a webhook address (VOICE_WEBHOOK_URL or
    PUBLIC_BASE_URL) are set."""

    webhook_url: str = setting("VOICE_WEBHOOK_URL", STR, "", "Public URL of the voice webhook, checked in "
                               "signatures.", shown_default="PUBLIC_BASE_URL + /webhooks/twilio_voice/webhook",
                               example="https://assistant.example.fr/webhooks/twilio_voice/webhook")
    voice: str = setting("VOICE_NAME", STR, "Polly.Lea", "Text-to-speech voice (a French one: Polly.Lea, "
                         "Polly.Celine, Polly.Mathieu, Google.fr-FR-...).")
    desk_target: str = setting("VOICE_DESK_TARGET", STR, "queue:indemnisation",
                               "Where a call goes to a person: queue:<name> (Twilio <Enqueue>), or a number / "
                               "sip: / client: address (<Dial>).")
    min_confidence: float = setting("VOICE_MIN_CONFIDENCE", FLOAT, 0.5, "Below this speech-recognition "
                                    "confidence (0 to 1), the assistant repeats what it understood and asks for a "
                                    "yes before acting.", minimum=0)
    speech_timeout: str = setting("VOICE_SPEECH_TIMEOUT", STR, "auto", "Silence that ends the caller's turn: "
                                  "auto, or seconds.")
    gather_timeout: int = setting("VOICE_GATHER_TIMEOUT", INT, 6, "Seconds of silence before the assistant "
                                  "reprompts.", minimum=1)

    def effective_webhook_url(self, public_base_url: str) -> str:
        if self.webhook_url:
            return self.webhook_url
        return f"{public_base_url.rstrip('/')}/webhooks/twilio_voice/webhook" if public_base_url else ""


@_section
class TelegramSettings:
    """Telegram (enabled when its required variables are set)."""

    token: str = setting("TELEGRAM_TOKEN", SECRET, "", "Bot token (required for the channel).")
    secret_token: str = setting("TELEGRAM_SECRET_TOKEN", SECRET, "", "Secret token of the webhook (required).")
    bot_name: str = setting("TELEGRAM_BOT_NAME", STR, "", "The bot's user name.")
    webhook_url: str = setting("TELEGRAM_WEBHOOK_URL", STR, "", "Public URL of the webhook.")
    api_base: str = setting("TELEGRAM_API_BASE", STR, "", "Tests only: send outbound API calls to a local fake.",
                            shown_default="Telegram's API")


@_section
class MessengerSettings:
    """Facebook Messenger (enabled when its required variables are set)."""

    verify_token: str = setting("MESSENGER_VERIFY_TOKEN", SECRET, "",
                                "Webhook verify token (required for the channel).")
    app_secret: str = setting("MESSENGER_APP_SECRET", SECRET, "", "App secret, checks signatures (required).")
    page_access_token: str = setting("MESSENGER_PAGE_ACCESS_TOKEN", SECRET, "", "Page access token (required).")
    api_base: str = setting("MESSENGER_API_BASE", STR, "", "Tests only: send outbound API calls to a local fake.",
                            shown_default="Facebook's API")


@_section
class SlackSettings:
    """Slack (enabled when its required variables are set)."""

    bot_token: str = setting("SLACK_BOT_TOKEN", SECRET, "", "Bot token (required for the channel).")
    signing_secret: str = setting("SLACK_SIGNING_SECRET", SECRET, "", "Signing secret, checks requests (required).")
    api_base: str = setting("SLACK_API_BASE", STR, "", "Tests only: send outbound API calls to a local fake.",
                            shown_default="Slack's API")


@_section
class ChannelSettings:
    """Messaging channels: each one is enabled only when its required variables are set (docs/channels.md)."""

    twilio: TwilioSettings = field(default_factory=TwilioSettings)
    voice: VoiceSettings = field(default_factory=VoiceSettings)
    telegram: TelegramSettings = field(default_factory=TelegramSettings)
    messenger: MessengerSettings = field(default_factory=MessengerSettings)
    slack: SlackSettings = field(default_factory=SlackSettings)


@_section
class ProcessSettings:
    """Process settings of the Rasa server chosen by measurement (docs/benchmarks.md)."""

    malloc_trim_seconds: float = setting("MALLOC_TRIM_SECONDS", DURATION, 15.0,
                                         "Rasa server: freed memory given back to the system every N s "
                                         "(0 = once, after the model load).", minimum=0)
    malloc_arena_max: str = setting("MALLOC_ARENA_MAX", STR, "", "glibc malloc arenas (read by glibc); when set, "
                                    "scripts/rasa_server.py leaves them alone.",
                                    shown_default="2 arenas (scripts/rasa_server.py)")


@_section
class LoggingSettings:
    """Logs: every record is masked (tokens, pairing codes, phone numbers, e-mails, IBANs, card numbers)."""

    format: str = setting("LOG_FORMAT", STR, "text", "json: one JSON object per line (every process, same masking).")
    level: str = setting("LOG_LEVEL", STR, "INFO", "Log level of the servers.")


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Every setting of the project, per concern (see the module docstring)."""

    runtime: RuntimeSettings
    database: DatabaseSettings
    tracker: TrackerSettings
    lock: LockSettings
    auth: AuthSettings
    oidc: OidcSettings
    rasa: RasaSettings
    actions: ActionServerSettings
    web: WebSettings
    handoff: HandoffSettings
    referral: ReferralSettings
    ratelimit: RateLimitSettings
    gdpr: GdprSettings
    channels: ChannelSettings
    process: ProcessSettings
    logging: LoggingSettings

    @property
    def rasa_url(self) -> str:
        return f"http://{self.web.public_host}:{self.rasa.port}"

    @property
    def web_url(self) -> str:
        return self.web.public_base_url or f"http://{self.web.public_host}:{self.web.port}"

    @property
    def public_base_url(self) -> str:
        """The chat page's public address (``PUBLIC_BASE_URL``, else ``http://PUBLIC_HOST:WEB_PORT``)."""
        return self.web.public_base_url.strip().rstrip("/") or self.web_url

    @property
    def public_socket_url(self) -> str:
        """Where the browser reaches Rasa's socket: ``RASA_PUBLIC_URL``, else the public page's scheme and host
        with ``RASA_PORT``; never a request's ``Host`` header."""
        if self.rasa.public_url.strip():
            return self.rasa.public_url.strip().rstrip("/")
        from urllib.parse import urlsplit

        page = urlsplit(self.public_base_url)
        return f"{page.scheme or 'http'}://{page.hostname or self.web.public_host}:{self.rasa.port}"


def _external(concern: str, reader: str, name: str, doc: str, shown_default: str = "unset", kind: str = STR,
              example: str = "") -> Var:
    return Var(name, kind, None, doc, shown_default=shown_default, example=example, reader=reader, concern=concern)


# Variables the Python code does not read: documented here, read by the shell scripts, Rasa, TensorFlow.
EXTERNAL: Tuple[Var, ...] = (
    _external("rasa", "shell", "CORS_ORIGINS", "Browser origins allowed on the Rasa socket, space-separated "
              "(scripts/run.sh, the Rasa image).", "the web page's origins", example="http://localhost:8080"),
    _external("lock", "rasa", "TICKET_LOCK_LIFETIME", "How long a dead replica's conversation lock blocks the others, "
              "in seconds (read by Rasa).", "60 (Rasa)", kind=DURATION),
    _external("process", "tensorflow", "TF_ENABLE_ONEDNN_OPTS", "TensorFlow's oneDNN kernels; off is faster and "
              "smaller for these tiny models.", "0 (set by scripts/rasa_server.py)"),
    _external("tooling", "shell", "ASSISTANT_CACHE", "Where scripts/bootstrap.sh caches the virtual environments "
              "(keyed by the requirements hash).", "~/.cache/assistant-indemnisation", kind=PATH),
    _external("tooling", "shell", "PYTHON310", "The Python 3.10 interpreter, when it is not found automatically.",
              "auto-detected", kind=PATH, example="/usr/bin/python3.10"),
    _external("tooling", "shell", "PYTHON312", "The Python 3.12 interpreter (action server, web server, domain "
              "library, tests), when it is not found automatically.", "auto-detected", kind=PATH,
              example="/usr/bin/python3.12"),
    _external("tooling", "shell", "AUDIT_STRICT", "1: `make audit` also fails when a pinned package could not be "
              "checked against the vulnerability service (scripts/audit.py).", "0", kind=BOOL),
    _external("tooling", "shell", "SKIP_NPM", "1: scripts/bootstrap.sh does not install the web page's npm packages.",
              "0", kind=BOOL),
)

# Section attribute -> title, in the order of the docs.
CONCERNS: Dict[str, str] = {
    "runtime": "Runtime", "database": "Claims store", "tracker": "Conversation store",
    "lock": "Lock store", "auth": "Sign-in and identity", "oidc": "Sign-in: OpenID Connect provider",
    "rasa": "Rasa server", "actions": "Action server",
    "web": "Web page", "handoff": "Handoff to a person", "referral": "Referral links", "ratelimit": "Rate limits",
    "gdpr": "Data protection", "channels.twilio": "Channel: Twilio (SMS, WhatsApp)",
    "channels.voice": "Channel: phone (Twilio Voice)", "channels.telegram":
    "Channel: Telegram", "channels.messenger": "Channel: Messenger", "channels.slack": "Channel: Slack",
    "process": "Rasa server process", "logging": "Logs", "tooling": "Tooling (shell scripts)",
}


def _walk(cls: type, prefix: str = "") -> Iterator[Tuple[str, dataclasses.Field]]:
    """(dotted attribute, field) of every variable field under the dataclass ``cls``."""
    for f in fields(cls):
        path = f"{prefix}{f.name}"
        if "var" in f.metadata:
            yield path, f
        elif is_dataclass(f.type if isinstance(f.type, type) else _SECTION_TYPES.get(f.type)):
            yield from _walk(f.type if isinstance(f.type, type) else _SECTION_TYPES[f.type], path + ".")


_SECTION_TYPES: Dict[str, type] = {c.__name__: c for c in (
    RuntimeSettings, DatabaseSettings, TrackerSettings, LockSettings, AuthSettings, OidcSettings, RasaSettings,
    ActionServerSettings, WebSettings, HandoffSettings, ReferralSettings, RateLimitSettings, GdprSettings,
    TwilioSettings, VoiceSettings, TelegramSettings, MessengerSettings, SlackSettings, ChannelSettings, ProcessSettings,
    LoggingSettings)}


def _collect() -> Tuple[Var, ...]:
    found = []
    for path, f in _walk(Settings):
        concern, _, _ = path.rpartition(".")
        found.append(dataclasses.replace(f.metadata["var"], concern=concern, attr=path))
    return tuple(found)


# Every variable, once: the ones this module reads (in the order of the sections), then the external ones.
VARIABLES: Tuple[Var, ...] = _collect() + EXTERNAL
REGISTRY: Dict[str, Var] = {v.name: v for v in VARIABLES}
assert len(REGISTRY) == len(VARIABLES), "a variable is declared twice"


def variable(section: Any, attr: str) -> Var:
    """The registry entry of ``section.attr`` (e.g. ``variable(settings.ratelimit, "login_ip").name``)."""
    for f in fields(section):
        if f.name == attr and "var" in f.metadata:
            return REGISTRY[f.metadata["var"].name]
    raise KeyError(attr)


# --- loading --------------------------------------------------------------------------------------

def _secret_from_file(path: Path) -> str:
    """Read a local secret (JWT secret, Rasa API token), generating it once (untracked file, mode 0600,
    in the 0700 ``var/`` directory: :mod:`bot.files`)."""
    from bot.files import private_dir

    private_dir(path.parent)
    if path.exists():
        value = path.read_text(encoding="utf-8").strip()
        if value:
            return value
    value = secrets.token_urlsafe(48)
    fd = os.open(str(path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(value)
    return value


def _load_section(cls: type, env: Mapping[str, str], **computed: Any) -> Any:
    values: Dict[str, Any] = {}
    for f in fields(cls):
        if "var" in f.metadata:
            values[f.name] = f.metadata["var"].parse(env)
        elif f.name not in computed:
            values[f.name] = _load_section(_SECTION_TYPES[f.type] if isinstance(f.type, str) else f.type, env)
    values.update(computed)
    return cls(**values)


def _given(env: Mapping[str, str], name: str) -> str:
    return REGISTRY[name].parse(env) or ""


def load_settings(env: Optional[Mapping[str, str]] = None) -> Settings:
    """The settings of ``env`` (default: this process's environment), with embedded defaults.

    A secret that is not given is read from ``<ASSISTANT_VAR_DIR>/<name>``, generated there once.
    """
    env = os.environ if env is None else env
    generated = tuple(name for name in ("JWT_SECRET", "RASA_API_TOKEN") if not _given(env, name))
    runtime = _load_section(RuntimeSettings, env, generated_secrets=generated)
    var_dir = runtime.var_dir
    database_url = _given(env, "DATABASE_URL") or f"sqlite:///{var_dir / 'claims.db'}"
    jwt_secret = _given(env, "JWT_SECRET") or _secret_from_file(var_dir / "jwt_secret")
    # The identity assertion that channels put in message metadata is signed with a key
    # derived from the JWT secret unless one is given explicitly.
    identity_secret = _given(env, "IDENTITY_SECRET") or ("identity:" + jwt_secret)
    rasa_api_token = _given(env, "RASA_API_TOKEN") or _secret_from_file(var_dir / "rasa_api_token")
    rasa_port = REGISTRY["RASA_PORT"].parse(env)
    rasa_api_url = (_given(env, "RASA_API_URL") or f"http://127.0.0.1:{rasa_port}").rstrip("/")
    return Settings(
        runtime=runtime,
        database=_load_section(DatabaseSettings, env, url=database_url),
        tracker=_load_section(TrackerSettings, env),
        lock=_load_section(LockSettings, env),
        auth=_load_section(AuthSettings, env, jwt_secret=jwt_secret, identity_secret=identity_secret),
        oidc=_load_section(OidcSettings, env),
        rasa=_load_section(RasaSettings, env, api_token=rasa_api_token, api_url=rasa_api_url),
        actions=_load_section(ActionServerSettings, env),
        web=_load_section(WebSettings, env, public_base_url=_given(env, "PUBLIC_BASE_URL").rstrip("/")),
        handoff=_load_section(HandoffSettings, env),
        referral=_load_section(ReferralSettings, env, link_base=_given(env, "REFERRAL_LINK_BASE").rstrip("/")),
        ratelimit=_load_section(RateLimitSettings, env),
        gdpr=_load_section(GdprSettings, env),
        channels=_load_section(ChannelSettings, env),
        process=_load_section(ProcessSettings, env),
        logging=_load_section(LoggingSettings, env),
    )


_cached: Optional[Settings] = None


def get_settings() -> Settings:
    """Process-wide settings, read once (tests that change the environment set ``_cached`` to None)."""
    global _cached
    if _cached is None:
        _cached = load_settings()
    return _cached


# --- generated files ------------------------------------------------------------------------------

def _by_concern() -> Iterator[Tuple[str, List[Var]]]:
    for concern, _title in CONCERNS.items():
        members = [v for v in VARIABLES if v.concern == concern]
        if members:
            yield concern, members


def _env_value(var: Var) -> Tuple[str, bool]:
    """(value shown in .env.example, whether it is the default)."""
    if var.secret:
        return "", False
    if var.example and (var.default in (None, "", ()) or var.kind == PATH):
        value, is_default = var.example, var.kind == PATH and var.default is not None
    elif var.default in (None, "", ()) or var.shown_default:
        return "", False
    else:
        value, is_default = var.default_text, True
    return (f"'{value}'" if re.search(r"[\s#'\"$;&|<>()`]", value) else value), is_default


def env_example() -> str:
    """The text of ``.env.example``: every variable, commented out, with its default or an example."""
    lines = [
        "# Generated from bot/settings.py by `python -m bot.settings env-example > .env.example`: do not edit.",
        "# Every setting is optional: the defaults run everything on this machine (SQLite, in-memory lock store).",
        "# Copy to .env, uncomment what you change, and export it (`set -a; . ./.env; set +a`) before `make run`.",
        "# The values shown are the defaults, or examples where the default is computed or unset.",
    ]
    for concern, members in _by_concern():
        lines += ["", f"# --- {CONCERNS[concern]} ---"]
        for var in members:
            value, is_default = _env_value(var)
            default = "" if is_default or var.default_text == "unset" else f" Default: {var.default_text}."
            lines.append(f"# {var.doc}{default}")
            lines.append(f"# {var.name}={value}")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def markdown_table() -> str:
    """The configuration tables of docs/configuration.md (between the settings markers)."""
    out: List[str] = []
    for concern, members in _by_concern():
        where = "" if concern == "tooling" else f" (`settings.{concern}`)"
        out += [f"### {CONCERNS[concern]}{where}", "", "| variable | type | default | what it does |",
                "|---|---|---|---|"]
        for var in members:
            kind = var.kind + ("" if var.reader == "python" else f", read by {var.reader}")
            if var.secret and var.kind != SECRET:
                kind += ", secret"
            default = var.default_text
            literal = not var.shown_default and default != "unset"  # else "generated once into ...", not a value
            default_cell = f"`{_md(default)}`" if literal else _md(default)
            out.append(f"| `{var.name}` | {kind} | {default_cell} | {_md(var.doc)} |")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def documented_page(page: str) -> str:
    """``page`` with the text between the settings markers replaced by :func:`markdown_table`."""
    start, end = page.find(BEGIN), page.find(END)
    if start < 0 or end < start:
        raise SettingsError(f"{DOC_PAGE.name} has no {BEGIN} ... {END} markers")
    return page[: start + len(BEGIN)] + "\n" + markdown_table() + page[end:]


# secrets `make run` generates for a laptop when they are not given (scripts/run.sh)
LOCAL_SECRETS = ("ACTION_SERVER_TOKEN",)


def main(argv: Optional[List[str]] = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args == ["env-example"]:
        sys.stdout.write(env_example())
        return 0
    if len(args) == 2 and args[0] == "local-secret" and args[1] in LOCAL_SECRETS:
        # scripts/run.sh: a secret given in the environment, else generated once into <var>/<name> (0600)
        given = _given(os.environ, args[1])
        var_dir = REGISTRY["ASSISTANT_VAR_DIR"].parse(os.environ)
        print(given or _secret_from_file(Path(var_dir) / args[1].lower()))
        return 0
    if args == ["markdown"]:
        DOC_PAGE.write_text(documented_page(DOC_PAGE.read_text(encoding="utf-8")), encoding="utf-8")
        print(DOC_PAGE)
        return 0
    print("usage: python -m bot.settings env-example > .env.example | python -m bot.settings markdown"
          " | python -m bot.settings local-secret " + "|".join(LOCAL_SECRETS), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
