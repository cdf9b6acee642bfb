"""Finding 5 of issue #17: `make run` left the action server without a token (ACTION_SERVER_TOKEN unset: check
off, a direct call created a ticket). scripts/run.sh now generates it like the other local secrets and turns
demo mode on explicitly. The lines of run.sh that prepare the environment are executed as they are (bash),
then Rasa's endpoints are rendered from that environment and the action server is started with it."""
from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

import requests

from tests.e2e.stack import free_port
from tests.runtimes import python_for

ROOT = Path(__file__).resolve().parents[2]
RUN_SH = ROOT / "scripts" / "run.sh"


def _prepare_lines() -> str:
    """The part of run.sh between the var/ directory and the rendering of Rasa's files."""
    text = RUN_SH.read_text(encoding="utf-8")
    start, end = text.index("mkdir -p var/logs"), text.index("ENDPOINTS=$(")
    return text[start:end]


def _run_prepare(var_dir: Path, **env) -> dict:
    script = f'set -euo pipefail\n{_prepare_lines()}\necho "TOKEN=$ACTION_SERVER_TOKEN"\necho "DEMO=$DEMO_MODE"\n'
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT),
            "ASSISTANT_VAR_DIR": str(var_dir), **env}
    done = subprocess.run(["bash", "-c", script], cwd=ROOT, env=base, capture_output=True, text=True, timeout=60,
                          check=True)
    return dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)


def test_make_run_generates_the_action_server_token_once_and_turns_demo_mode_on(tmp_path):
    first = _run_prepare(tmp_path)
    again = _run_prepare(tmp_path)
    assert len(first["TOKEN"]) >= 40 and first["TOKEN"] == again["TOKEN"]
    assert (tmp_path / "action_server_token").stat().st_mode & 0o077 == 0
    assert first["DEMO"] == "1"
    given = _run_prepare(tmp_path, ACTION_SERVER_TOKEN="given-token-" + "g" * 30, DEMO_MODE="0")
    assert given["TOKEN"] == "given-token-" + "g" * 30 and given["DEMO"] == "0"
    # the rendering of Rasa's endpoints (next line of run.sh) and the action server get the same token
    assert re.search(r"ENDPOINTS=\$\(\.venv/bin/python scripts/render_endpoints\.py", RUN_SH.read_text())


def test_the_action_server_started_like_make_run_refuses_calls_without_the_token(tmp_path):
    prepared = _run_prepare(tmp_path)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT), "ASSISTANT_VAR_DIR": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'claims.db'}", "ACTION_SERVER_TOKEN": prepared["TOKEN"],
           "DEMO_MODE": prepared["DEMO"]}
    endpoints = tmp_path / "endpoints.yml"
    subprocess.run([python_for("rasa"), "scripts/render_endpoints.py", str(endpoints)], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    assert prepared["TOKEN"] in endpoints.read_text()  # Rasa sends it
    port = free_port()
    log = open(tmp_path / "actions.log", "w")
    proc = subprocess.Popen([python_for("actions"), "scripts/action_server.py", "--host", "127.0.0.1", "--port",
                             str(port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(240):
            try:
                if requests.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.25)
        body = {"next_action": "action_handoff", "sender_id": "attacker", "tracker": {"sender_id": "attacker",
                "slots": {}, "latest_message": {}, "events": []}, "domain": {}, "version": "3.6.21"}
        assert requests.post(f"{url}/webhook", json=body, timeout=10).status_code == 401
        assert requests.post(f"{url}/webhook?token={prepared['TOKEN']}x", json=body, timeout=10).status_code == 401
    finally:
        proc.terminate()
        proc.wait(timeout=20)
