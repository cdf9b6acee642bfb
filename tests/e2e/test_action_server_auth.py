"""The action server refuses webhook calls without the shared token when one is configured."""
import subprocess
import time

import requests

from tests.e2e.stack import ROOT, free_port
from tests.runtimes import python_for


def test_action_server_requires_its_token_and_binds_localhost(tmp_path):
    port = free_port()
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "ACTION_SERVER_TOKEN": "s3cret-token",
           "ASSISTANT_VAR_DIR": str(tmp_path), "JWT_SECRET": "x" * 48}
    proc = subprocess.Popen([python_for("actions"), "scripts/action_server.py", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                if requests.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.5)
        body = {"next_action": "action_claim_status", "sender_id": "x",
                "tracker": {"sender_id": "x", "slots": {}, "latest_message": {}, "events": []}, "domain": {}}
        assert requests.post(f"{url}/webhook", json=body, timeout=10).status_code == 401
        assert requests.post(f"{url}/webhook?token=wrong", json=body, timeout=10).status_code == 401
        assert requests.post(f"{url}/webhook?token=s3cret-token", json=body, timeout=30).status_code == 200
        listening = subprocess.run(["ss", "-ltn"], capture_output=True, text=True).stdout
        assert f"127.0.0.1:{port}" in listening and f"0.0.0.0:{port}" not in listening
    finally:
        proc.terminate()
        proc.wait(timeout=20)
