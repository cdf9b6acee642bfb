"""APP_ENV=production: the servers refuse to start with demo mode, a generated / default / sample secret, no
public https address or no OpenID Connect provider (bot/startup.py), in process and as real processes."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from bot import startup
from bot.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]
STRONG = {
    "JWT_SECRET": "Zq3" + "kP9vL2xR7mN4tB8wC1yH6jD5fG0sA" * 2,
    "RASA_API_TOKEN": "r7T" + "uE2nW5qK8zX1cV4bM9lJ3hF6gD0pS" * 2,
    "ACTION_SERVER_TOKEN": "a4Y" + "oI7eU1rT3wQ9pL5kJ2hG8fD6sZ0xC" * 2,
}
PRODUCTION = {"APP_ENV": "production", "PUBLIC_BASE_URL": "https://assistant.assureur.example",
              "OIDC_ISSUER": "https://login.assureur.example/realms/clients", "OIDC_CLIENT_ID": "assistant",
              **STRONG}


def _problems(tmp_path, **env):
    return startup.problems(load_settings({"ASSISTANT_VAR_DIR": str(tmp_path), **PRODUCTION, **env}))


def test_a_sound_production_configuration_starts(tmp_path):
    assert _problems(tmp_path) == []


def test_outside_production_nothing_is_refused(tmp_path):
    assert startup.problems(load_settings({"ASSISTANT_VAR_DIR": str(tmp_path), "DEMO_MODE": "1"})) == []


@pytest.mark.parametrize("env, words", [
    ({"DEMO_MODE": "1"}, "DEMO_MODE"),
    ({"JWT_SECRET": ""}, "JWT_SECRET is not set"),                      # generated into var/: per replica
    ({"RASA_API_TOKEN": ""}, "RASA_API_TOKEN is not set"),
    ({"ACTION_SERVER_TOKEN": ""}, "ACTION_SERVER_TOKEN is not set"),
    ({"JWT_SECRET": "CHANGE_ME_64_RANDOM_CHARACTERS_CHANGE_ME_64_RANDOM_CHARACTERS"}, "JWT_SECRET looks like"),
    ({"JWT_SECRET": "laptop-only-secret-change-me-0123456789abcdef"}, "JWT_SECRET looks like"),
    ({"ACTION_SERVER_TOKEN": "short-token"}, "ACTION_SERVER_TOKEN looks like"),
    ({"RASA_API_TOKEN": "a" * 64}, "RASA_API_TOKEN looks like"),
    ({"IDENTITY_SECRET": "example-identity-secret-0123456789abcdefgh"}, "IDENTITY_SECRET looks like"),
    ({"JWT_PREVIOUS_SECRETS": "old-sample-secret"}, "JWT_PREVIOUS_SECRETS"),
    ({"OIDC_CLIENT_SECRET": "CHANGE_ME"}, "OIDC_CLIENT_SECRET looks like"),
    ({"PUBLIC_BASE_URL": ""}, "PUBLIC_BASE_URL"),
    ({"PUBLIC_BASE_URL": "http://assistant.assureur.example"}, "PUBLIC_BASE_URL"),
    ({"OIDC_ISSUER": ""}, "OIDC_ISSUER and OIDC_CLIENT_ID are not set"),
    ({"OIDC_CLIENT_ID": ""}, "OIDC_ISSUER and OIDC_CLIENT_ID are not set"),
    ({"OIDC_ISSUER": "http://login.assureur.example"}, "OIDC_ISSUER must be an https"),
])
def test_each_unsafe_setting_is_named(tmp_path, env, words):
    found = _problems(tmp_path, **env)
    assert len(found) == 1 and words in found[0], found


def test_refusal_exits_with_status_2_and_says_why(tmp_path, capsys):
    settings = load_settings({"ASSISTANT_VAR_DIR": str(tmp_path), **PRODUCTION, "DEMO_MODE": "1"})
    with pytest.raises(SystemExit) as stopped:
        startup.refuse_unsafe_start(settings, "web server")
    assert stopped.value.code == 2 and "DEMO_MODE" in capsys.readouterr().err
    startup.refuse_unsafe_start(load_settings({"ASSISTANT_VAR_DIR": str(tmp_path), **PRODUCTION}), "web server")


@pytest.mark.parametrize("server", [["web/server.py", "--port", "1"], ["scripts/action_server.py", "--port", "1"]])
def test_the_real_servers_refuse_to_start(tmp_path, server):
    pytest.importorskip("aiohttp")
    python = ROOT / ".venv-app" / "bin" / "python"
    if not python.exists():
        pytest.skip(".venv-app is missing (make bootstrap)")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT), "ASSISTANT_VAR_DIR": str(tmp_path),
           **PRODUCTION, "DEMO_MODE": "1", "JWT_SECRET": "laptop-only-secret-change-me-0123456789abcdef"}
    done = subprocess.run([str(python), *server], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr[-2000:]
    assert "refusing to start with APP_ENV=production" in done.stderr
    assert "DEMO_MODE is on" in done.stderr and "JWT_SECRET looks like" in done.stderr
    assert "laptop-only-secret" not in done.stderr  # the reason, never the secret
