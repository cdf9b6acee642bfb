"""Start the whole product (action server + Rasa + web page) for end-to-end tests.

Each test session gets its own var/ directory (SQLite store, tracker, JWT secret), free ports
and the demo data, so tests never touch a developer's running instance. Each server runs on its
own environment (tests/runtimes.py): Rasa on .venv (Python 3.10), the action server and the web
server on .venv-app (Python 3.12), whatever interpreter runs the tests.
"""
from __future__ import annotations

import os
import secrets
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List

import requests

from tests.runtimes import python_for

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "assistant.tar.gz"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Stack:
    env: Dict[str, str]
    rasa_port: int
    action_port: int
    web_port: int
    var_dir: Path
    procs: List[subprocess.Popen] = field(default_factory=list)

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def settings(self):
        from bot.settings import load_settings
        return load_settings(self.env)

    def logs(self) -> str:
        out = []
        for name in ("actions", "rasa", "web"):
            path = self.var_dir / f"{name}.log"
            if path.exists():
                out.append(f"--- {name}.log (tail) ---\n" + "\n".join(path.read_text(errors="replace").splitlines()[-40:]))
        return "\n".join(out)

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def start_stack(var_dir: Path, extra_env: Dict[str, str] = None, timeout: float = 600) -> Stack:
    if not MODEL.exists():
        raise RuntimeError(f"{MODEL} is missing: run `make train` (make test does it) before the end-to-end tests")
    ports = [free_port() for _ in range(3)]
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "ASSISTANT_VAR_DIR": str(var_dir),
        "JWT_SECRET": "e2e-" + "x" * 44,
        "RASA_PORT": str(ports[0]), "ACTION_PORT": str(ports[1]), "WEB_PORT": str(ports[2]),
        "PUBLIC_HOST": "127.0.0.1",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        # Rasa's HTTP API (agent desk), behind its token; a person can always be reached in tests
        "RASA_API_TOKEN": "e2e-api-" + secrets.token_urlsafe(24),
        "HANDOFF_HOURS": "mon-sun 00:00-24:00",
        # the suites sign in as the demo companies and demo agents (off by default; tests/e2e/test_oidc_signin.py
        # starts a stack without it)
        "DEMO_MODE": "1",
        **(extra_env or {}),
    }
    if "DATABASE_URL" not in (extra_env or {}):
        env.pop("DATABASE_URL", None)  # the stack uses its own SQLite store unless told otherwise
    rasa_py, app_py = python_for("rasa"), python_for("actions")
    subprocess.run([python_for("domain"), "-m", "bot.store.seed", "--demo"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    endpoints = var_dir / "endpoints.yml"
    subprocess.run([rasa_py, "scripts/render_endpoints.py", str(endpoints)], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    credentials = var_dir / "credentials.yml"
    subprocess.run([rasa_py, "scripts/render_credentials.py", str(credentials)], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    stack = Stack(env=env, rasa_port=ports[0], action_port=ports[1], web_port=ports[2], var_dir=var_dir)
    commands = {
        "actions": [app_py, "scripts/action_server.py", "--host", "127.0.0.1", "--port", str(ports[1])],
        "rasa": [rasa_py, "scripts/rasa_server.py", "run", "--model", str(MODEL), "--endpoints", str(endpoints),
                 "--credentials", str(credentials), "--port", str(ports[0]), "--interface", "127.0.0.1",
                 "--cors", f"http://127.0.0.1:{ports[2]}", "--enable-api",
                 "--logging-config-file", "scripts/logging.yml"],
        "web": [python_for("web"), "web/server.py", "--host", "127.0.0.1", "--port", str(ports[2])],
    }
    for name, cmd in commands.items():
        log = open(var_dir / f"{name}.log", "w")
        stack.procs.append(subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
    checks = [f"{stack.rasa_url}/", f"http://127.0.0.1:{ports[1]}/health", f"{stack.web_url}/"]
    deadline = time.time() + timeout
    while time.time() < deadline:
        if any(p.poll() is not None for p in stack.procs):
            stack.stop()
            raise RuntimeError("a server exited during start-up\n" + stack.logs())
        try:
            if all(requests.get(url, timeout=2).status_code == 200 for url in checks):
                return stack
        except requests.RequestException:
            pass
        time.sleep(1)
    stack.stop()
    raise RuntimeError("the stack did not start in time\n" + stack.logs())
