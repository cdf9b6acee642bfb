"""Start N action servers and M Rasa servers sharing one PostgreSQL tracker store and one Redis lock store.

The production layout of the architecture notes ("Scale-out"), on one machine:

    client ──► Rasa replica 1 ─┐                 ┌─► action server 1
           ──► Rasa replica 2 ─┴─► action LB ────┴─► action server 2     (tests.scale.netproxy)
                 │   │
                 │   └─ Redis lock store (one conversation handled by one replica at a time)
                 └───── PostgreSQL tracker store (fresh database per run, dropped after)
    actions ──► PostgreSQL claims store (fresh database per run, demo data)

Each run creates its own databases (``<prefix>_<pid>_<random>_{trk,clm}``) on the local PostgreSQL
and its own Redis key prefix, so parallel runs never collide, and drops the databases at the end.
Dependencies can be reached through :class:`~tests.scale.netproxy.NetProxy` (``via``) so a test can
cut them without touching the machine's shared services.

Used by ``tests/scale`` (two replicas of each), ``tests/reliability`` (one of each, every dependency
behind a proxy) and ``bench/scaleout.py``. Rasa runs on .venv (Python 3.10), the action servers and the
seed on .venv-app (Python 3.12): see tests/runtimes.py.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import requests

from tests.pgadmin import run_admin_sql
from tests.runtimes import python_for

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "assistant.tar.gz"
PG = {"host": os.environ.get("SCALE_PG_HOST", "127.0.0.1"), "port": int(os.environ.get("SCALE_PG_PORT", "5432")),
      "user": os.environ.get("SCALE_PG_USER", "postgres"), "password": os.environ.get("SCALE_PG_PASSWORD", "")}
REDIS = (os.environ.get("SCALE_REDIS_HOST", "127.0.0.1"), int(os.environ.get("SCALE_REDIS_PORT", "6379")))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- services availability and throw-away databases -------------------------------------------------

def unavailable() -> str:
    """'' when the model, PostgreSQL and Redis are there; else why not (a clear skip reason)."""
    if not MODEL.exists():
        return f"{MODEL} is missing: run `make train`"
    try:
        import psycopg2
        psycopg2.connect(dbname="postgres", connect_timeout=3, **PG).close()
    except Exception as exc:  # noqa: BLE001
        return f"PostgreSQL unreachable at {PG['host']}:{PG['port']}: {exc}"
    try:
        with socket.create_connection(REDIS, timeout=3) as s:
            s.sendall(b"PING\r\n")
            if not s.recv(16).startswith(b"+PONG"):
                return "Redis did not answer PING"
    except OSError as exc:
        return f"Redis unreachable at {REDIS[0]}:{REDIS[1]}: {exc}"
    return ""


def _admin(sql: str) -> None:
    from sqlalchemy.engine import URL

    run_admin_sql(sql, URL.create("postgresql", username=PG["user"], password=PG["password"] or None,
                                  host=PG["host"], port=PG["port"], database="postgres"))


def create_database(name: str) -> None:
    _admin(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pg_url(db: str, port: Optional[int] = None, driver: str = "postgresql+psycopg2") -> str:
    auth = PG["user"] + (f":{PG['password']}" if PG["password"] else "")
    return f"{driver}://{auth}@{PG['host']}:{port or PG['port']}/{db}"


def tracker_events(db: str, sender_id: str) -> List[Tuple[str, Optional[str], Optional[str], dict]]:
    """(type_name, intent or action name, text, data) of a conversation, in stored order (read directly)."""
    import json

    import psycopg2

    conn = psycopg2.connect(dbname=db, connect_timeout=5, **PG)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT type_name, intent_name, action_name, data FROM events WHERE sender_id = %s "
                        "ORDER BY id", (sender_id,))
            rows = cur.fetchall()
    finally:
        conn.close()
    out = []
    for type_name, intent, action, data in rows:
        payload = json.loads(data)
        out.append((type_name, intent or action, payload.get("text"), payload))
    return out


def user_texts(db: str, sender_id: str) -> List[str]:
    return [text for type_name, _name, text, _ in tracker_events(db, sender_id) if type_name == "user"]


# --- processes ----------------------------------------------------------------------------------------

@dataclass
class Server:
    name: str
    cmd: List[str]
    env: Dict[str, str]
    port: int
    health: str
    log_path: Path
    proc: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Server":
        log = open(self.log_path, "a")
        self.proc = subprocess.Popen(self.cmd, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        return self

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def ready(self) -> bool:
        try:
            return requests.get(self.url + self.health, timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.alive():
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return f"--- {self.name} ({self.log_path.name}) ---\n" + "\n".join(text.splitlines()[-lines:])


def wait_ready(servers: List[Server], timeout: float = 480) -> None:
    deadline = time.time() + timeout
    pending = list(servers)
    while pending and time.time() < deadline:
        for server in list(pending):
            if not server.alive():
                raise RuntimeError(f"{server.name} exited during start-up\n{server.tail()}")
            if server.ready():
                pending.remove(server)
        time.sleep(0.5)
    if pending:
        raise RuntimeError("not ready in time: " + ", ".join(s.name for s in pending) + "\n"
                           + "\n".join(s.tail() for s in pending))


@dataclass
class Cluster:
    var_dir: Path
    env: Dict[str, str]
    tracker_db: str
    claims_db: str
    actions: List[Server] = field(default_factory=list)
    rasa: List[Server] = field(default_factory=list)
    action_lb: Optional[object] = None

    def settings(self):
        from bot.settings import load_settings
        return load_settings(self.env)

    def token(self, policyholder_id: int) -> str:
        from bot.auth import issue_policyholder_token
        return issue_policyholder_token(self.settings(), policyholder_id)

    def sender_id(self, sender: str, policyholder_id: Optional[int]) -> str:
        """The conversation id the REST channel derives for ``sender`` (see rasa_ext.channels.secure_socketio)."""
        import hashlib
        digest = hashlib.sha256(sender.encode()).hexdigest()[:24]
        return f"rest-ph{policyholder_id}-{digest}" if policyholder_id else f"rest-anon-{digest}"

    def restart_rasa(self, index: int, sig: int = signal.SIGTERM, timeout: float = 480) -> None:
        self.rasa[index].kill(sig)
        self.rasa[index].start()
        wait_ready([self.rasa[index]], timeout)

    def logs(self) -> str:
        return "\n".join(s.tail() for s in self.actions + self.rasa)

    def stop(self, drop: bool = True) -> None:
        try:
            for server in self.rasa + self.actions:
                server.kill(signal.SIGTERM)
            if self.action_lb is not None:
                self.action_lb.close()
        finally:
            if drop:
                self._drop()

    def _drop(self) -> None:
        for db in (self.tracker_db, self.claims_db):
            try:
                drop_database(db)
            except Exception as exc:  # noqa: BLE001 - never hide the test's own failure
                print(f"could not drop database {db}: {exc}", file=sys.stderr)


def start_cluster(var_dir: Path, rasa_replicas: int = 2, action_replicas: int = 2, prefix: str = "scale",
                  extra_env: Optional[Dict[str, str]] = None, via: Optional[Dict[str, int]] = None,
                  timeout: float = 480) -> Cluster:
    """Start the cluster; ``via`` maps ``tracker``/``claims``/``redis``/``actions`` to a proxy port to
    reach that dependency through (``actions``: a proxy in front of the action LB)."""
    from tests.scale.netproxy import NetProxy

    if not MODEL.exists():
        raise RuntimeError(f"{MODEL} is missing: run `make train` before the scale tests")
    via = via or {}
    run_id = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    tracker_db, claims_db = f"{run_id}_trk", f"{run_id}_clm"
    create_database(tracker_db)
    create_database(claims_db)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "ASSISTANT_VAR_DIR": str(var_dir),
        "JWT_SECRET": "scale-" + "s" * 44,
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "PUBLIC_HOST": "127.0.0.1",
        "DATABASE_URL": pg_url(claims_db, via.get("claims")),
        "TRACKER_STORE_URL": pg_url(tracker_db, via.get("tracker"), driver="postgresql"),
        "REDIS_URL": f"redis://{REDIS[0]}:{via.get('redis', REDIS[1])}/0",
        "REDIS_KEY_PREFIX": run_id.replace("_", ""),
        "TICKET_LOCK_LIFETIME": "10",
        # the load comes from one IP and a few identities: the rate limits are not what is measured
        "RATE_LIMIT_MESSAGES_IP": "off", "RATE_LIMIT_MESSAGES_IDENTITY": "off",
        "RATE_LIMIT_LONG_MESSAGES_IP": "off", "RATE_LIMIT_LONG_MESSAGES_IDENTITY": "off",
        **(extra_env or {}),
    }
    cluster = Cluster(var_dir=var_dir, env=env, tracker_db=tracker_db, claims_db=claims_db)
    try:
        py = python_for("rasa")
        subprocess.run([python_for("domain"), "-m", "bot.store.seed", "--demo"], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for i in range(action_replicas):
            port = free_port()
            cmd = [python_for("actions"), "scripts/action_server.py", "--host", "127.0.0.1", "--port", str(port)]
            cluster.actions.append(Server(f"actions-{i + 1}", cmd, env, port, "/health",
                                          var_dir / f"actions-{i + 1}.log").start())
        cluster.action_lb = NetProxy([("127.0.0.1", s.port) for s in cluster.actions])
        action_port = via.get("actions", cluster.action_lb.port)
        rasa_env = {**env, "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook"}
        endpoints, credentials = var_dir / "endpoints.yml", var_dir / "credentials.yml"
        subprocess.run([py, "scripts/render_endpoints.py", str(endpoints)], cwd=ROOT, env=rasa_env, check=True,
                       stdout=subprocess.DEVNULL)
        subprocess.run([py, "scripts/render_credentials.py", str(credentials)], cwd=ROOT, env=rasa_env, check=True,
                       stdout=subprocess.DEVNULL)
        for i in range(rasa_replicas):
            port = free_port()
            cmd = [py, "scripts/rasa_server.py", "run", "--model", str(MODEL),
                   "--endpoints", str(endpoints), "--credentials", str(credentials), "--port", str(port),
                   "--interface", "127.0.0.1"]
            cluster.rasa.append(Server(f"rasa-{i + 1}", cmd, rasa_env, port, "/", var_dir / f"rasa-{i + 1}.log"))
        # all at once: Rasa's SQL tracker store retries when two replicas create its tables together
        for server in cluster.rasa:
            server.start()
        wait_ready(cluster.actions + cluster.rasa, timeout)
        return cluster
    except BaseException:
        cluster.stop()
        raise


def say(base_url: str, sender: str, text: str, token: Optional[str] = None,
        timeout: float = 60) -> Tuple[int, List[dict], float]:
    """POST one message to the secure REST channel: (HTTP status, bot messages, seconds)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    start = time.monotonic()
    response = requests.post(f"{base_url}/webhooks/secure_rest/webhook", json={"sender": sender, "message": text},
                             headers={**headers, "Connection": "close"}, timeout=timeout)
    elapsed = time.monotonic() - start
    body = response.json() if response.headers.get("content-type", "").startswith("application/json") else []
    return response.status_code, body if isinstance(body, list) else [], elapsed


def joined(messages: List[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)
