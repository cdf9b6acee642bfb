"""var/ is 0700, its databases and secrets 0600 (issue #17, finding 2): bot.files and its callers."""
from __future__ import annotations

import os
import stat

from pathlib import Path

from bot import files
from bot.settings import load_settings


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_settings_create_var_0700_and_secrets_0600(tmp_path):
    old = os.umask(0o022)  # the usual umask: what made var/ 0755 and the databases 0644
    try:
        var = tmp_path / "deep" / "var"
        settings = load_settings({"ASSISTANT_VAR_DIR": str(var)})
        assert _mode(var) == 0o700
        assert _mode(var / "jwt_secret") == 0o600 and _mode(var / "rasa_api_token") == 0o600
        assert settings.rasa.api_token == (var / "rasa_api_token").read_text()
    finally:
        os.umask(old)


def test_an_existing_open_var_dir_is_tightened(tmp_path):
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    os.chmod(var, 0o755)
    load_settings({"ASSISTANT_VAR_DIR": str(var)})
    assert _mode(var) == 0o700


def test_sqlite_claims_store_is_created_0600_with_its_journal(tmp_path):
    from sqlalchemy import text

    from bot.store.db import get_engine

    old = os.umask(0o022)
    try:
        path = tmp_path / "var" / "claims.db"
        engine = get_engine(f"sqlite:///{path}")
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (x INTEGER)"))
            conn.execute(text("INSERT INTO t VALUES (1)"))
        assert _mode(path.parent) == 0o700 and _mode(path) == 0o600
        for extra in path.parent.glob("claims.db-*"):  # WAL / shared memory follow the database's mode
            assert _mode(extra) == 0o600, extra
        engine.dispose()
    finally:
        os.umask(old)


def test_an_existing_world_readable_database_is_tightened(tmp_path):
    db = tmp_path / "tracker.db"
    db.write_bytes(b"")
    os.chmod(db, 0o644)
    files.private_file(db)
    assert _mode(db) == 0o600
    # a folder that merely holds a database is not changed (only var/ itself is tightened)
    assert _mode(tmp_path) == stat.S_IMODE(os.stat(tmp_path).st_mode)


def test_rendered_endpoints_holding_the_action_token_are_0600(tmp_path, monkeypatch):
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "ASSISTANT_VAR_DIR": str(tmp_path / "var"), "ACTION_SERVER_TOKEN": "t" * 40,
           "JWT_SECRET": "j" * 48, "RASA_API_TOKEN": "r" * 40, "PYTHONPATH": str(root)}
    env.pop("DATABASE_URL", None)
    out = tmp_path / "var" / "endpoints.yml"
    subprocess.run([sys.executable, "scripts/render_endpoints.py", str(out)], cwd=root, env=env, check=True,
                   capture_output=True)
    assert _mode(tmp_path / "var") == 0o700 and _mode(out) == 0o600 and "t" * 40 in out.read_text()


def test_the_rasa_launcher_takes_the_api_token_from_the_environment_only():
    import importlib.util
    from pathlib import Path

    import pytest

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location("rasa_launcher_under_test", root / "scripts" / "rasa_server.py")
    launcher = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(launcher)
    settings = load_settings({"RASA_API_TOKEN": "secret-" + "k" * 30, "JWT_SECRET": "j" * 48})
    argv = ["run", "--enable-api", "--port", "5005"]
    assert launcher.api_token_arguments(argv, settings) == [*argv, "--auth-token", "secret-" + "k" * 30]
    assert launcher.api_token_arguments(["run", "--port", "5005"], settings) == ["run", "--port", "5005"]
    for leaked in (["run", "--enable-api", "--auth-token", "x"], ["run", "--auth-token=x"]):
        with pytest.raises(SystemExit, match="environment"):
            launcher.api_token_arguments(leaked, settings)


def test_a_shared_directory_given_as_var_dir_is_never_changed(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)  # like /tmp
    load_settings({"ASSISTANT_VAR_DIR": str(shared)})
    assert stat.S_IMODE(os.stat(shared).st_mode) == 0o1777
    assert _mode(shared / "rasa_api_token") == 0o600  # the secret itself is still private
    files.private_dir(Path("/tmp"))
    assert stat.S_IMODE(os.stat("/tmp").st_mode) & 0o1777 == 0o1777
