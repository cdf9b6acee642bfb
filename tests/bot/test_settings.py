"""bot/settings.py: one registry of variables, nested frozen sections, defaults, clear parsing errors."""
import dataclasses
import stat

import pytest

from bot import settings as settings_module
from bot.settings import (KINDS, REGISTRY, VARIABLES, HandoffSettings, RateLimitSettings, Settings, SettingsError,
                          load_settings, variable)

GIVEN = {"JWT_SECRET": "j" * 40, "RASA_API_TOKEN": "t" * 40}  # no secret file written


def settings_of(env, **more):
    return load_settings({**GIVEN, **env, **more})


def test_defaults_of_every_concern(tmp_path):
    s = load_settings({"ASSISTANT_VAR_DIR": str(tmp_path)})
    assert s.runtime.var_dir == tmp_path and s.runtime.timezone == "Europe/Paris" and s.runtime.bind_host == "127.0.0.1"
    assert s.database.url == f"sqlite:///{tmp_path / 'claims.db'}"
    assert (s.tracker.url, s.tracker.postgresql_schema, s.tracker.connect_timeout_seconds) == ("", "", 5)
    assert (s.tracker.retry_seconds, s.tracker.cache_size) == (8.0, 1000)
    assert (s.lock.redis_url, s.lock.socket_timeout_seconds, s.lock.key_prefix) == ("", 3.0, "")
    assert s.auth.jwt_previous_secrets == () and s.auth.jwt_issuer == "assistant-indemnisation"
    assert (s.auth.token_ttl_seconds, s.auth.agent_token_ttl_seconds, s.runtime.demo_mode) == (1800, 14400, False)
    assert s.runtime.app_env == "development" and not s.runtime.production
    assert s.runtime.generated_secrets == ("JWT_SECRET", "RASA_API_TOKEN")
    assert not s.oidc.enabled and s.oidc.algorithms == ("RS256", "ES256") and s.oidc.leeway_seconds == 30
    assert (s.oidc.subject_claim, s.oidc.roles_claim, s.oidc.agent_role) == ("sub", "roles", "claims_agent")
    assert s.auth.identity_secret == "identity:" + s.auth.jwt_secret
    assert (s.rasa.port, s.rasa.public_url, s.rasa.api_url) == (5005, "", "http://127.0.0.1:5005")
    assert (s.rasa.action_timeout_seconds, s.rasa.reply_deadline_seconds) == (10.0, 20.0)
    assert (s.actions.port, s.actions.url, s.actions.token, s.actions.store_timeout_seconds) == (5055, "", "", 5.0)
    assert (s.web.port, s.web.host, s.web.public_host) == (8080, "127.0.0.1", "localhost")
    assert s.handoff == HandoffSettings(hours="mon-fri 09:00-18:00", extra_closed_days=(), slot_minutes=60,
                                        callback_lead_minutes=60)
    assert (s.referral.ttl_seconds, s.referral.link_base) == (900, "")
    assert s.ratelimit == RateLimitSettings() and s.ratelimit.trust_proxy is False
    assert s.ratelimit.scopes()["login_ip"] == "30/60" and len(s.ratelimit.scopes()) == 13
    assert (s.ratelimit.pairing_redeem_code, s.ratelimit.handoff_anonymous) == ("5/600", "5/3600")
    assert (s.runtime.app_env, s.runtime.production, s.web.public_base_url) == ("development", False, "")
    assert (s.public_base_url, s.public_socket_url) == ("http://localhost:8080", "http://localhost:5005")
    assert (s.gdpr.retention_days, s.gdpr.audit_retention_days) == (90, 365)
    assert (s.gdpr.purge_interval_hours, s.gdpr.purge_first_delay_seconds) == (24.0, 60.0)
    assert s.channels.twilio.auth_token == "" and s.channels.slack.api_base == ""
    assert (s.process.malloc_trim_seconds, s.process.malloc_arena_max) == (15.0, "")
    assert (s.logging.format, s.logging.level) == ("text", "INFO")
    assert (s.rasa_url, s.web_url) == ("http://localhost:5005", "http://localhost:8080")


def test_values_from_the_environment_reach_their_section(tmp_path):
    s = load_settings({
        "ASSISTANT_VAR_DIR": str(tmp_path), "DATABASE_URL": "postgresql+psycopg2://u@h/db", "JWT_SECRET": "s" * 40,
        "JWT_PREVIOUS_SECRETS": "old1, old2,,", "IDENTITY_SECRET": "i" * 40, "RASA_PORT": "6005",
        "RASA_API_URL": "http://rasa:5005/", "REFERRAL_LINK_BASE": "https://a.example.fr/", "DEMO_MODE": "on",
        "APP_ENV": "Production", "PUBLIC_BASE_URL": "https://a.example.fr/", "OIDC_ISSUER": "https://idp.example.fr/",
        "OIDC_CLIENT_ID": "assistant",
        "RATE_LIMIT_LOGIN_IP": "2/10", "RATE_LIMIT_TRUST_PROXY": "yes",
        "HANDOFF_EXTRA_CLOSED_DAYS": "2026-12-24,2026-12-31",
        "TELEGRAM_TOKEN": "tg", "PURGE_INTERVAL_HOURS": "0.5", "TRACKER_CACHE_SIZE": " 0 ", "LOG_FORMAT": "json"})
    assert s.database.url == "postgresql+psycopg2://u@h/db"
    assert s.auth.jwt_secret == "s" * 40 and s.auth.jwt_previous_secrets == ("old1", "old2")
    assert s.auth.identity_secret == "i" * 40 and s.runtime.demo_mode is True and s.runtime.production
    assert s.web.public_base_url == "https://a.example.fr" and s.web_url == "https://a.example.fr"
    assert s.oidc.enabled and s.oidc.issuer == "https://idp.example.fr/"  # exactly as given: the iss compared
    assert s.oidc.expected_audience == "assistant" and s.runtime.generated_secrets == ("RASA_API_TOKEN",)
    assert s.rasa.port == 6005 and s.rasa.api_url == "http://rasa:5005" and s.rasa_url == "http://localhost:6005"
    assert s.referral.link_base == "https://a.example.fr"
    assert s.ratelimit.login_ip == "2/10" and s.ratelimit.trust_proxy is True
    assert s.handoff.extra_closed_days == ("2026-12-24", "2026-12-31")
    assert s.channels.telegram.token == "tg" and s.gdpr.purge_interval_hours == 0.5
    assert s.tracker.cache_size == 0 and s.logging.format == "json"
    assert not (tmp_path / "jwt_secret").exists()  # given: nothing generated


def test_the_api_url_follows_the_rasa_port():
    assert settings_of({"RASA_PORT": "6000"}).rasa.api_url == "http://127.0.0.1:6000"


def test_empty_values_take_the_default():
    s = settings_of({"TOKEN_TTL_SECONDS": "", "RETENTION_DAYS": "  ", "DEMO_MODE": "", "JWT_ISSUER": "",
                     "RATE_LIMIT_API_IP": "", "ACTION_TIMEOUT_SECONDS": " "})
    assert (s.auth.token_ttl_seconds, s.gdpr.retention_days, s.runtime.demo_mode) == (1800, 90, False)
    assert (s.auth.jwt_issuer, s.ratelimit.api_ip, s.rasa.action_timeout_seconds) == ("assistant-indemnisation",
                                                                                     "300/60", 10.0)


@pytest.mark.parametrize("raw, expected", [("1", True), ("true", True), ("YES", True), (" on ", True),
                                           ("0", False), ("False", False), ("no", False), ("off", False)])
def test_one_way_to_read_a_bool(raw, expected):
    assert settings_of({"RATE_LIMIT_TRUST_PROXY": raw}).ratelimit.trust_proxy is expected
    assert settings_of({"DEMO_MODE": raw}).runtime.demo_mode is expected


@pytest.mark.parametrize("name, raw, words", [
    ("TOKEN_TTL_SECONDS", "half an hour", "must be an integer"),
    ("RASA_PORT", "50.5", "must be an integer"),
    ("PURGE_INTERVAL_HOURS", "daily", "must be a number"),
    ("REPLY_DEADLINE_SECONDS", "20s", "must be a number of seconds"),
    ("REPLY_DEADLINE_SECONDS", "0", "must be positive"),
    ("ACTION_TIMEOUT_SECONDS", "-1", "must be positive"),
    ("TRACKER_CACHE_SIZE", "-1", "must be 0 or more"),
    ("MALLOC_TRIM_SECONDS", "-5", "must be 0 or more"),
    ("HANDOFF_SLOT_MINUTES", "-10", "must be 0 or more"),
    ("DEMO_MODE", "maybe", "must be 1 or 0"),
])
def test_parsing_errors_name_the_variable_and_the_value(name, raw, words):
    with pytest.raises(SettingsError) as error:
        settings_of({name: raw})
    assert str(error.value).startswith(f"{name} {words}") and repr(raw) in str(error.value)
    assert isinstance(error.value, ValueError)


def test_settings_are_frozen_at_every_level():
    s = settings_of({})
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.auth = s.auth
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.auth.jwt_secret = "x"
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.channels.twilio.auth_token = "x"
    assert dataclasses.replace(s, handoff=HandoffSettings(hours="mon 09:00-12:00")).handoff.hours == "mon 09:00-12:00"


def test_secrets_stay_out_of_the_repr():
    s = settings_of({"JWT_PREVIOUS_SECRETS": "previous-secret-1", "IDENTITY_SECRET": "identity-secret-1",
                     "TWILIO_AUTH_TOKEN": "twilio-secret-1", "ACTION_SERVER_TOKEN": "action-secret-1"})
    text = repr(s)
    for secret in ("j" * 40, "t" * 40, "previous-secret-1", "identity-secret-1", "twilio-secret-1", "action-secret-1"):
        assert secret not in text
    assert "mon-fri 09:00-18:00" in text  # the rest is shown


def test_missing_secrets_are_generated_once_into_the_var_dir(tmp_path):
    first = load_settings({"ASSISTANT_VAR_DIR": str(tmp_path)})
    again = load_settings({"ASSISTANT_VAR_DIR": str(tmp_path)})
    assert first.auth.jwt_secret == again.auth.jwt_secret and len(first.auth.jwt_secret) >= 40
    assert first.rasa.api_token == again.rasa.api_token != first.auth.jwt_secret
    for name in ("jwt_secret", "rasa_api_token"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600


def test_get_settings_reads_once(monkeypatch, tmp_path):
    monkeypatch.setattr(settings_module, "_cached", None)
    monkeypatch.setenv("ASSISTANT_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("WEB_PORT", "8181")
    first = settings_module.get_settings()
    monkeypatch.setenv("WEB_PORT", "8282")
    assert settings_module.get_settings() is first and first.web.port == 8181


def test_one_registry_entry_per_variable_and_per_field():
    names = [v.name for v in VARIABLES]
    assert len(names) == len(set(names)) == len(REGISTRY)
    python = [v for v in VARIABLES if v.reader == "python"]
    assert all(v.attr and v.concern for v in python) and len({v.attr for v in python}) == len(python)
    for var in VARIABLES:
        assert var.kind in KINDS and var.name.isupper() and var.concern, var
        assert var.doc and "\n" not in var.doc and var.doc.endswith("."), var.name
    for var in python:  # every declared field is reachable where the registry says
        section = settings_of({})
        for part in var.attr.split("."):
            section = getattr(section, part)
    assert all(v.reader != "python" and not v.attr for v in settings_module.EXTERNAL)


def test_every_field_of_every_section_is_a_variable():
    """... or a value computed while loading, marked as such (``runtime.generated_secrets``)."""
    def walk(cls):
        for f in dataclasses.fields(cls):
            if "var" in f.metadata:
                yield f.metadata["var"].name
            elif f.metadata.get("computed"):
                assert f.name == "generated_secrets"
            else:
                yield from walk(settings_module._SECTION_TYPES[f.type] if isinstance(f.type, str) else f.type)
    declared = list(walk(Settings))
    assert sorted(declared) == sorted(v.name for v in VARIABLES if v.reader == "python")


def test_a_variable_is_found_from_its_field():
    s = settings_of({})
    assert variable(s.ratelimit, "login_ip").name == "RATE_LIMIT_LOGIN_IP"
    assert variable(s.channels.twilio, "number").name == "TWILIO_NUMBER"
    assert variable(s.channels.twilio, "number").attr == "channels.twilio.number"
    with pytest.raises(KeyError):
        variable(s.ratelimit, "nothing")


def test_rate_limit_scopes_are_the_rate_limit_variables():
    scopes = RateLimitSettings().scopes()
    assert {f"RATE_LIMIT_{scope.upper()}" for scope in scopes} == {
        v.name for v in VARIABLES if v.concern == "ratelimit"} - {"RATE_LIMIT_REDIS_URL", "RATE_LIMIT_TRUST_PROXY"}
