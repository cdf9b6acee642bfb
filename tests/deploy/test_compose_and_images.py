"""deploy/compose.yml and deploy/docker/*: the checks `docker compose config` and a Dockerfile
review would make, without needing Docker (not usable on every machine that runs the tests)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
DOCKER = DEPLOY / "docker"
IMAGES = ("rasa", "actions", "web")
# Which base and which lock file each image uses (docs/runtimes.md): Rasa 3.6 on the distribution-maintained
# Python 3.10 of Ubuntu 22.04, the action server and the web server on the app environment's Python.
BASES = {"rasa": ("BASE_IMAGE", "ubuntu:22.04"), "actions": ("PYTHON_IMAGE", "python:3.12."),
         "web": ("PYTHON_IMAGE", "python:3.12.")}
LOCKS = {"rasa": "requirements/rasa.txt", "actions": "requirements/app.txt", "web": "requirements/app.txt"}
PINNED = re.compile(r"^[a-z0-9./-]+:\d+(\.\d+){1,2}(-[a-z0-9.-]+)?(@sha256:[0-9a-f]{64})?$")


def _compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yml").read_text(encoding="utf-8"))


def _instructions(path: Path):
    """(INSTRUCTION, arguments) with line continuations joined and comments dropped."""
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            yield word.upper(), rest.strip()


def _args(path: Path) -> dict:
    return {rest.split("=", 1)[0]: rest.split("=", 1)[1] for word, rest in _instructions(path)
            if word == "ARG" and "=" in rest}


def test_compose_services_dependencies_and_healthchecks():
    compose = _compose()
    services = compose["services"]
    assert {"postgres", "redis", "actions", "rasa", "web"} <= set(services)
    for name, service in services.items():
        for dep, cond in (service.get("depends_on") or {}).items():
            assert dep in services, f"{name} depends on unknown service {dep}"
            needed = cond["condition"]
            assert needed in {"service_healthy", "service_completed_successfully", "service_started"}
            if needed == "service_healthy":
                assert "healthcheck" in services[dep], f"{name} waits for {dep}, which has no healthcheck"
        if name != "migrate":
            assert "healthcheck" in service or "build" not in service, f"{name} has no healthcheck"
        image = service.get("image", "")
        if "build" not in service:
            assert PINNED.match(image), f"{name}: image {image!r} is not pinned to an exact version"
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} beyond the laptop"


def test_compose_wires_the_production_settings():
    services = _compose()["services"]
    for name in ("actions", "rasa", "web", "migrate"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgresql+psycopg2://") and "@postgres:5432/" in env["DATABASE_URL"]
        assert env["TRACKER_STORE_URL"].startswith("postgresql://")
        assert env["REDIS_URL"].startswith("redis://redis:6379")
        assert env["ACTION_SERVER_URL"] == "http://actions:5055/webhook"
    assert services["rasa"]["deploy"]["replicas"] >= 2
    for name in ("actions", "rasa", "web", "migrate"):
        build = services[name]["build"]
        dockerfile = (DEPLOY / build["context"] / build["dockerfile"]).resolve()
        assert dockerfile.exists(), dockerfile
    for volume in services["postgres"].get("volumes", []):
        source = volume.split(":")[0]
        if source.startswith("./"):
            assert (DEPLOY / source).exists(), source


def test_render_endpoints_accepts_the_compose_urls(monkeypatch):
    import importlib.util

    env = _compose()["services"]["rasa"]["environment"]
    spec = importlib.util.spec_from_file_location("render_endpoints", ROOT / "scripts" / "render_endpoints.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    from bot.settings import load_settings

    # the required values (${NAME:?message}) as an operator would give them
    values = {k: re.sub(r"\$\{(\w+):\?[^}]*\}", lambda m: f"given-{m.group(1).lower()}", str(v)) for k, v in env.items()}
    rendered = module.render(load_settings(values))
    assert rendered["tracker_store"]["dialect"] == "postgresql" and rendered["tracker_store"]["url"] == "postgres"
    lock = rendered["lock_store"]
    assert (lock["type"], lock["url"], lock["port"], lock["db"]) == ("redis", "redis", 6379, 0)
    assert rendered["action_endpoint"]["url"] == "http://actions:5055/webhook"
    assert rendered["action_endpoint"]["token"]


@pytest.mark.parametrize("image", IMAGES)
def test_dockerfile_is_pinned_non_root_with_a_healthcheck(image):
    path = DOCKER / f"Dockerfile.{image}"
    steps = list(_instructions(path))
    args = _args(path)
    for word, rest in steps:
        if word == "FROM":
            ref = rest.split()[0]
            ref = re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], ref)
            assert ref in {s.split()[-1] for w, s in steps if w == "FROM"} or PINNED.match(ref), ref
    arg, prefix = BASES[image]
    assert args[arg].startswith(prefix) and PINNED.match(args[arg]), args
    assert "python:3.10" not in path.read_text(), "the end-of-life python:3.10 images are not used"
    final = [i for i, (w, _) in enumerate(steps) if w == "FROM"][-1]
    users = [rest for w, rest in steps[final:] if w == "USER"]
    assert users and users[-1].split(":")[0] not in {"0", "root"}, "the final stage must not run as root"
    assert any(w == "HEALTHCHECK" for w, _ in steps[final:])
    assert any(w in {"CMD", "ENTRYPOINT"} for w, _ in steps[final:])


@pytest.mark.parametrize("image", IMAGES)
def test_dockerfile_installs_its_environments_lock_file(image):
    path = DOCKER / f"Dockerfile.{image}"
    copies = [rest for word, rest in _instructions(path) if word == "COPY"]
    assert any(rest.split()[0] == LOCKS[image] for rest in copies), copies
    installs = [rest for word, rest in _instructions(path) if word == "RUN" and "pip install" in rest]
    assert any("-r /tmp/requirements.txt" in rest and "pip check" in rest for rest in installs), installs
    versions = dict(line.split("=", 1) for line in (ROOT / "scripts" / "pythons.sh").read_text().splitlines()
                    if line.endswith(tuple("0123456789")) and "_PYTHON_VERSION=" in line)
    if image == "rasa":
        assert any("python3.10 python3.10-venv" in rest for word, rest in _instructions(path) if word == "RUN")
        assert versions["RASA_PYTHON_VERSION"] == "3.10"
    else:
        assert _args(path)["PYTHON_IMAGE"].startswith(f"python:{versions['APP_PYTHON_VERSION']}.")


def test_the_tests_run_the_pins_the_images_install():
    """.venv-app (requirements/app-dev.txt) = requirements/app.txt's pins + test and dev tools."""
    def pins(name):
        lines = (ROOT / "requirements" / name).read_text().splitlines()
        return {line.split("==")[0].lower(): line.split("==")[1] for line in lines if "==" in line}

    app, dev = pins("app.txt"), pins("app-dev.txt")
    assert app and {name: dev.get(name) for name in app} == app
    assert not {"pytest", "playwright", "ruff", "pip-audit"} & set(app), "no test or dev tool in the images"


@pytest.mark.parametrize("image", IMAGES)
def test_dockerfile_copies_only_what_exists_and_is_not_ignored(image):
    path = DOCKER / f"Dockerfile.{image}"
    ignore = (DOCKER / f"Dockerfile.{image}.dockerignore").read_text().splitlines()
    allowed = [line[1:] for line in ignore if line.startswith("!")]
    for word, rest in _instructions(path):
        if word != "COPY" or "--from=" in rest:
            continue
        parts = [p for p in rest.split() if not p.startswith("--")]
        for source in parts[:-1]:
            matches = list(ROOT.glob(source.rstrip("/"))) or ([ROOT / source] if (ROOT / source).exists() else [])
            if source == "models/assistant.tar.gz":
                matches = [ROOT / source]  # built by `make train`, not versioned
            assert matches, f"{path.name}: COPY {source} matches nothing"
            assert any(Path(source.rstrip("/")).match(a.rstrip("*").rstrip("/") or a) or
                       source.startswith(a.split("*")[0]) for a in allowed), f"{source} is excluded by .dockerignore"


def test_rasa_entrypoint_renders_the_endpoint_files():
    script = (DOCKER / "rasa-entrypoint.sh").read_text()
    assert "render_endpoints.py" in script and "render_credentials.py" in script
    assert "exec python /app/scripts/rasa_server.py run" in script
    assert "--endpoints" in script and "--credentials" in script


def test_rasa_image_runs_the_http_api_behind_its_token_with_masked_logs():
    entry = (DEPLOY / "docker" / "rasa-entrypoint.sh").read_text()
    assert "--enable-api" in entry and "--auth-token" not in entry  # the token stays in the environment
    assert "RASA_API_TOKEN:?" in entry  # refuses to start an open API
    assert "--logging-config-file /app/scripts/logging.yml" in entry
    assert "scripts/logging.yml" in (DEPLOY / "docker" / "Dockerfile.rasa").read_text()
    secret = yaml.safe_load((DEPLOY / "k8s" / "secret.example.yaml").read_text())
    config = yaml.safe_load((DEPLOY / "k8s" / "configmap.yaml").read_text())
    assert "RASA_API_TOKEN" in secret["stringData"] and config["data"]["PURGE_INTERVAL_HOURS"] == "0"
    compose = yaml.safe_load((DEPLOY / "compose.yml").read_text())
    assert "RASA_API_TOKEN" in compose["x-app-env"]


def test_web_image_copies_every_folder_the_web_server_serves():
    """The chat page (web/static), the agent desk (web/agent) and the APIs (web/api) are all in the web image."""
    copied = " ".join(args for op, args in _instructions(DOCKER / "Dockerfile.web") if op == "COPY")
    ignore = (DOCKER / "Dockerfile.web.dockerignore").read_text(encoding="utf-8")
    for folder in ("web/static/", "web/agent/", "web/api/"):
        assert folder in copied, f"Dockerfile.web does not copy {folder}"
        assert f"!{folder}**" in ignore, f"Dockerfile.web.dockerignore leaves {folder} out of the build context"
