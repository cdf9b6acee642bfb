"""deploy/ offline (issue #17): production settings everywhere, OpenID Connect configured (issuer, client id,
the client secret from the Secret), never demo mode, and no fallback or sample secret in any file of deploy/
nor in the settings' defaults (finding 11: the compose file fell back to a public sample JWT_SECRET)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.settings import REGISTRY, VARIABLES, load_settings
from bot.startup import problems

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
TEMPLATE = K8S / "secret.example.yaml"
FILES = sorted(p for p in DEPLOY.rglob("*") if p.is_file())
# a variable is secret when the settings registry says so, or by its name (the database password...)
SECRET_NAME = re.compile(r"(SECRET|TOKEN|PASSWORD|PASSWD|_KEY)$|^(POSTGRES_PASSWORD|DATABASE_URL|TRACKER_STORE_URL)$")


def _is_secret(name: str) -> bool:
    var = REGISTRY.get(name)
    return bool(var and var.secret) or bool(SECRET_NAME.search(name))


def _docs(path: Path):
    return [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]


def _config():
    return next(d for d in _docs(K8S / "configmap.yaml") if d["kind"] == "ConfigMap")["data"]


def _compose_env():
    compose = yaml.safe_load((DEPLOY / "compose.yml").read_text(encoding="utf-8"))
    return compose, compose["x-app-env"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(DEPLOY)))
def test_no_file_of_deploy_falls_back_to_a_secret(path):
    text = path.read_text(encoding="utf-8", errors="replace")
    for match in re.finditer(r"\$\{(\w+):?-([^}]*)\}", text):
        name, fallback = match.groups()
        assert not _is_secret(name), f"{path.name}: {name} falls back to {fallback!r}"
    for match in re.finditer(r"\$\{(\w+):?-[^}]*\$\{?(\w+)", text):  # a fallback naming another variable
        assert not _is_secret(match.group(1)), path.name
    if path != TEMPLATE and path.suffix != ".md":
        assert "CHANGE_ME" not in text, path.name
    if path != TEMPLATE:
        assert not re.search(r"laptop-only|change-me|sample-secret", text, re.IGNORECASE), path.name


def test_compose_requires_every_secret_and_the_provider_without_a_default():
    compose, env = _compose_env()
    for name in ("JWT_SECRET", "ACTION_SERVER_TOKEN", "RASA_API_TOKEN", "OIDC_CLIENT_SECRET", "OIDC_ISSUER",
                 "OIDC_CLIENT_ID", "PUBLIC_BASE_URL"):
        assert re.fullmatch(rf"\$\{{{name}:\?[^}}]+\}}", str(env[name])), (name, env[name])
    assert "${POSTGRES_PASSWORD:?" in env["DATABASE_URL"] and "${POSTGRES_PASSWORD:?" in env["TRACKER_STORE_URL"]
    assert "${POSTGRES_PASSWORD:?" in compose["services"]["postgres"]["environment"]["POSTGRES_PASSWORD"]
    assert env["APP_ENV"] == "production"
    for name, service in compose["services"].items():
        environment = service.get("environment") or {}
        assert "DEMO_MODE" not in environment and "AGENT_DEMO_LOGIN" not in environment, name


def test_kubernetes_configures_production_and_the_provider_and_never_demo_mode():
    config = _config()
    assert config["APP_ENV"] == "production"
    assert config["PUBLIC_BASE_URL"].startswith("https://")
    assert config["OIDC_ISSUER"].startswith("https://") and config["OIDC_CLIENT_ID"]
    assert not any(_is_secret(name) for name in config), "a secret in the ConfigMap"
    secret = next(d for d in _docs(TEMPLATE) if d["kind"] == "Secret")
    assert "OIDC_CLIENT_SECRET" in secret["stringData"]
    assert all(_is_secret(name) or name in ("REDIS_URL",) for name in secret["stringData"])
    for path in K8S.glob("*.yaml"):
        for doc in _docs(path):
            text = yaml.safe_dump(doc)
            assert "DEMO_MODE" not in text and "AGENT_DEMO_LOGIN" not in text, path.name
            for container in _containers(doc):
                for item in container.get("env", []):
                    assert not _is_secret(item["name"]) or "valueFrom" in item, (path.name, item["name"])


def _containers(doc):
    spec = doc.get("spec", {})
    template = spec.get("jobTemplate", {}).get("spec", spec).get("template", {})
    return template.get("spec", {}).get("containers", [])


def test_the_kubernetes_settings_pass_the_production_check_once_the_secret_is_filled(tmp_path):
    config = _config()
    strong = {name: f"Xk{n}pQ7rT2vW9yB4nM6cZ1sD8fG3hJ5kL0aE{name.lower()[:6]}"
              for n, name in enumerate(("JWT_SECRET", "RASA_API_TOKEN", "ACTION_SERVER_TOKEN", "OIDC_CLIENT_SECRET"))}
    assert problems(load_settings({**config, **strong, "ASSISTANT_VAR_DIR": str(tmp_path)})) == []
    # the template as it is (CHANGE_ME...) is refused: nobody can deploy the sample values
    secret = next(d for d in _docs(TEMPLATE) if d["kind"] == "Secret")["stringData"]
    found = problems(load_settings({**config, **secret, "ASSISTANT_VAR_DIR": str(tmp_path)}))
    assert {p.split()[0] for p in found} >= {"JWT_SECRET", "RASA_API_TOKEN", "ACTION_SERVER_TOKEN", "OIDC_CLIENT_SECRET"}


def test_no_setting_has_a_default_secret():
    for var in VARIABLES:
        if var.secret:
            assert var.default in (None, "", ()), f"{var.name} has a default value"
