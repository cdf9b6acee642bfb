"""The systems ``bench/latency.py`` loads: our stack in a given topology, and a stock ``rasa init`` bot.

Topologies of our stack (all on 127.0.0.1, free ports, a throw-away var/ directory):

- ``single``: what ``make run`` starts: one Rasa server, SQLite tracker store, in-memory lock
  store, SQLite claims store, one action server.
- ``scaled``: ``--replicas`` Rasa servers (default 2, one per core) sharing a PostgreSQL tracker
  store (a throw-away database) and the Redis lock store, the claims store on PostgreSQL (a
  throw-away schema of database ``test``), one action server. The client spreads messages over
  the replicas round-robin, as a sticky-free load balancer would.

The stock bot is ``rasa init --no-prompt`` trained once into ``$ASSISTANT_CACHE/stock-bot`` with
the plain ``rest`` channel enabled, in-memory tracker and lock stores, no action server.

Rasa runs on .venv (Python 3.10), our action server and the seed on .venv-app (Python 3.12), as in
production (tests/runtimes.py), whatever interpreter runs the bench.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional

import requests

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "assistant.tar.gz"
CACHE = Path(os.environ.get("ASSISTANT_CACHE") or Path.home() / ".cache" / "assistant-indemnisation")
STOCK_DIR = CACHE / "stock-bot"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
POLICYHOLDERS = (1, 2, 3)
BENCH_RATE_LIMIT = "1000000/60"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class System:
    name: str
    webhooks: List[str]                       # one per Rasa replica
    procs: Dict[str, subprocess.Popen] = field(default_factory=dict)
    tokens: Dict[int, str] = field(default_factory=dict)  # policyholder id -> Bearer token
    log_dir: Optional[Path] = None
    config: Dict[str, object] = field(default_factory=dict)
    cleanups: List[Callable[[], None]] = field(default_factory=list)

    @property
    def pids(self) -> Dict[str, int]:
        return {name: proc.pid for name, proc in self.procs.items()}

    def logs(self, lines: int = 30) -> str:
        out = []
        for path in sorted((self.log_dir or Path("/nonexistent")).glob("*.log")):
            tail = path.read_text(errors="replace").splitlines()[-lines:]
            out.append(f"--- {path.name} ---\n" + "\n".join(tail))
        return "\n".join(out)

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        for cleanup in reversed(self.cleanups):
            try:
                cleanup()
            except Exception as exc:  # noqa: BLE001 - cleanup must not hide the results
                print(f"warning: cleanup of {self.name} failed: {exc}", file=sys.stderr)


def _base_env(**extra: str) -> Dict[str, str]:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "RASA_TELEMETRY_ENABLED": "false",
           "PYTHONUNBUFFERED": "1", **extra}
    return env


def _spawn(system: System, name: str, cmd: List[str], env: Dict[str, str], cwd: Path) -> None:
    assert system.log_dir is not None
    log = open(system.log_dir / f"{name}.log", "w")
    system.procs[name] = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)


def _wait(system: System, urls: List[str], timeout: float) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        dead = [n for n, p in system.procs.items() if p.poll() is not None]
        if dead:
            raise RuntimeError(f"{system.name}: {dead} exited during start-up\n{system.logs()}")
        try:
            if all(requests.get(url, timeout=2).status_code == 200 for url in urls):
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise RuntimeError(f"{system.name}: not ready after {timeout:.0f} s\n{system.logs()}")


def _bin(role: str) -> Path:
    """bin/ of the environment that runs ``role`` ('rasa' or 'actions'): see tests/runtimes.py."""
    from tests.runtimes import venv_bin  # the test suites' helper (ROOT is on sys.path)

    return venv_bin(role)


def _python_version(python: str) -> str:
    return subprocess.run([python, "-c", "import platform; print(platform.python_version())"], capture_output=True,
                          text=True, check=True).stdout.strip()


def _pg(sql: str, dbname: str = "test") -> None:
    from tests.pgadmin import run_admin_sql  # the test suites' helper (ROOT is on sys.path)

    run_admin_sql(sql, PG_ADMIN_URL, dbname=dbname)


def start_ours(topology: str, work_dir: Path, replicas: int = 2, timeout: float = 600) -> System:
    if not MODEL.exists():
        raise SystemExit(f"{MODEL} is missing: run `make train` first")
    if topology not in ("single", "scaled"):
        raise ValueError(topology)
    replicas = 1 if topology == "single" else max(1, replicas)
    var_dir = work_dir / topology
    shutil.rmtree(var_dir, ignore_errors=True)
    var_dir.mkdir(parents=True)
    rasa_ports = [free_port() for _ in range(replicas)]
    action_port = free_port()
    system = System(name=topology, log_dir=var_dir,
                    webhooks=[f"http://127.0.0.1:{p}/webhooks/secure_rest/webhook" for p in rasa_ports])
    env = _base_env(PYTHONPATH=str(ROOT), ASSISTANT_VAR_DIR=str(var_dir), JWT_SECRET="bench-" + "y" * 43,
                    ACTION_PORT=str(action_port), RASA_PORT=str(rasa_ports[0]), PUBLIC_HOST="127.0.0.1",
                    TOKEN_TTL_SECONDS="14400",
                    # All the load comes from 127.0.0.1 and 3 companies: the per-IP / per-person message
                    # limits would refuse it (HTTP 429). They stay on (their cost is measured), just high.
                    RATE_LIMIT_MESSAGES_IP=BENCH_RATE_LIMIT, RATE_LIMIT_MESSAGES_IDENTITY=BENCH_RATE_LIMIT)
    for key in ("DATABASE_URL", "TRACKER_STORE_URL", "REDIS_URL", "ACTION_SERVER_URL", "ACTION_SERVER_TOKEN"):
        env.pop(key, None)
    tag = f"{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        if topology == "scaled":
            schema, tracker_db = f"bench_latency_{tag}", f"bench_tracker_{tag}"
            _pg(f'CREATE SCHEMA "{schema}"')
            system.cleanups.append(lambda: _pg(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            _pg(f'CREATE DATABASE "{tracker_db}"')
            system.cleanups.append(lambda: _pg(f'DROP DATABASE IF EXISTS "{tracker_db}" WITH (FORCE)'))
            env["DATABASE_URL"] = f"{PG_URL}?options=-csearch_path%3D{schema}"
            env["TRACKER_STORE_URL"] = f"postgresql://postgres@127.0.0.1:5432/{tracker_db}"
            env["REDIS_URL"] = REDIS_URL
        py, app_py = str(_bin("rasa") / "python"), str(_bin("actions") / "python")
        subprocess.run([app_py, "-m", "bot.store.seed", "--demo"], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        endpoints, credentials = var_dir / "endpoints.yml", var_dir / "credentials.yml"
        subprocess.run([py, "scripts/render_endpoints.py", str(endpoints)], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        subprocess.run([py, "scripts/render_credentials.py", str(credentials)], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        _spawn(system, "actions", [app_py, "scripts/action_server.py", "--host", "127.0.0.1", "--port",
                                   str(action_port)], env, ROOT)
        for i, port in enumerate(rasa_ports, start=1):
            # One after the other: the first one creates the tracker tables.
            _spawn(system, f"rasa-{i}", [py, "scripts/rasa_server.py", "run", "--model", str(MODEL), "--endpoints",
                                         str(endpoints), "--credentials", str(credentials), "--port", str(port),
                                         "--interface", "127.0.0.1"], env, ROOT)
            _wait(system, [f"http://127.0.0.1:{port}/", f"http://127.0.0.1:{action_port}/health"], timeout)
        from bot.auth import issue_policyholder_token
        from bot.settings import load_settings

        settings = load_settings(env)
        system.tokens = {ph: issue_policyholder_token(settings, ph, user_id=ph, ttl_seconds=14400)
                         for ph in POLICYHOLDERS}
        system.config = {"topology": topology, "rasa_replicas": replicas, "action_servers": 1,
                         "tracker_store": "postgresql" if topology == "scaled" else "sqlite",
                         "lock_store": "redis" if topology == "scaled" else "in_memory",
                         "claims_store": "postgresql" if topology == "scaled" else "sqlite",
                         "channel": "secure_rest (Bearer token)",
                         "rate_limits": f"messages_ip and messages_identity raised to {BENCH_RATE_LIMIT}",
                         "python": {"rasa": _python_version(py), "actions": _python_version(app_py)}}
        return system
    except BaseException:
        system.stop()
        raise


def ensure_stock_bot(progress: Callable[[str], None] = print) -> Path:
    """Create and train the stock bot once (cached); returns its directory."""
    models = sorted((STOCK_DIR / "models").glob("*.tar.gz")) if STOCK_DIR.exists() else []
    if not models:
        shutil.rmtree(STOCK_DIR, ignore_errors=True)
        STOCK_DIR.mkdir(parents=True)
        progress(f"training the stock `rasa init` bot into {STOCK_DIR} (once, a few minutes)…")
        with open(STOCK_DIR.parent / "stock-bot-init.log", "w") as log:
            subprocess.run([str(_bin("rasa") / "rasa"), "init", "--no-prompt", "--init-dir", str(STOCK_DIR)],
                           cwd=STOCK_DIR, env=_base_env(), check=True, stdout=log, stderr=subprocess.STDOUT)
        if not sorted((STOCK_DIR / "models").glob("*.tar.gz")):
            raise RuntimeError("rasa init did not produce a model")
    credentials = STOCK_DIR / "credentials.yml"
    text = credentials.read_text()
    if not any(line.strip() == "rest:" for line in text.splitlines()):
        credentials.write_text("rest:\n\n" + text)
    return STOCK_DIR


def start_stock(work_dir: Path, timeout: float = 600) -> System:
    bot_dir = ensure_stock_bot()
    model = sorted((bot_dir / "models").glob("*.tar.gz"))[-1]
    port = free_port()
    log_dir = work_dir / "stock"
    shutil.rmtree(log_dir, ignore_errors=True)
    log_dir.mkdir(parents=True)
    system = System(name="stock", webhooks=[f"http://127.0.0.1:{port}/webhooks/rest/webhook"], log_dir=log_dir)
    try:
        _spawn(system, "rasa-1", [str(_bin("rasa") / "rasa"), "run", "--model", str(model), "--credentials",
                                  str(bot_dir / "credentials.yml"), "--endpoints", str(bot_dir / "endpoints.yml"),
                                  "--port", str(port), "--interface", "127.0.0.1"], _base_env(), bot_dir)
        _wait(system, [f"http://127.0.0.1:{port}/"], timeout)
    except BaseException:
        system.stop()
        raise
    system.config = {"topology": "stock rasa init", "rasa_replicas": 1, "action_servers": 0,
                     "tracker_store": "in_memory", "lock_store": "in_memory", "claims_store": None,
                     "channel": "rest", "model": model.name}
    return system
