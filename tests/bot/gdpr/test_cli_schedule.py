"""``python -m bot.gdpr`` and the in-process daily purge."""
from __future__ import annotations

import json
import threading

import pytest

from bot.gdpr import __main__ as cli
from bot.gdpr import schedule
from bot.settings import load_settings
from tests.bot.gdpr.conftest import NOW
from tests.bot.gdpr.data import populate


@pytest.fixture
def run(stores, monkeypatch, capsys):
    engine, tracker = stores
    populate(engine, tracker, NOW)
    monkeypatch.setattr(cli.logmask, "configure", lambda service: None)  # keep pytest's log capture
    base = ["--database-url", str(engine.url.render_as_string(hide_password=False)), "--tracker-url", tracker.url]

    def call(*args):
        code = cli.main([args[0], *base, *args[1:]])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return call


def test_cli_purge_dry_run_then_purge(run):
    code, out, _ = run("purge", "--dry-run", "--now", NOW.isoformat())
    assert code == 0
    report = json.loads(out)
    assert report["dry_run"] and report["counts"]["conversations_deleted"] == 2
    code, out, _ = run("purge", "--now", NOW.isoformat(), "--retention-days", "90")
    assert json.loads(out)["counts"]["tracker_events_deleted"] == 3
    code, out, _ = run("purge", "--now", NOW.isoformat())
    assert set(json.loads(out)["counts"].values()) == {0}


def test_cli_export_erase(run, tmp_path):
    out_file = tmp_path / "export.json"
    code, out, _ = run("export", "--policyholder", "1", "--out", str(out_file))
    assert code == 0 and json.loads(out_file.read_text())["account"]["id"] == 1
    assert oct(out_file.stat().st_mode & 0o777) == "0o600"
    code, _, err = run("erase", "--policyholder", "1")
    assert code == 2 and "--yes" in err
    code, out, _ = run("erase", "--policyholder", "1", "--yes", "--operator", "dpo")
    assert code == 0 and json.loads(out)["counts"]["tracker_events_deleted"] == 4
    code, _, err = run("export", "--policyholder", "999")
    assert code == 3


def test_scheduler_runs_first_soon_then_every_interval():
    done = threading.Event()
    calls = []

    def job():
        calls.append(1)
        if len(calls) == 3:
            done.set()
        return None

    scheduler = schedule.PurgeScheduler(interval_seconds=0.05, first_delay_seconds=0.01, job=job).start()
    try:
        assert done.wait(10), "the purge did not run three times"
    finally:
        scheduler.stop()
    assert scheduler.runs >= 3


def test_scheduler_survives_a_failing_run():
    done = threading.Event()
    calls = []

    def job():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database down")
        done.set()

    scheduler = schedule.PurgeScheduler(0.01, 0.01, job).start()
    try:
        assert done.wait(10)
    finally:
        scheduler.stop()


def test_scheduler_disabled_and_run_purge_uses_settings(stores, tmp_path):
    engine, tracker = stores
    populate(engine, tracker, NOW)
    env = {"ASSISTANT_VAR_DIR": str(tmp_path), "JWT_SECRET": "x" * 48, "PURGE_INTERVAL_HOURS": "0",
           "DATABASE_URL": engine.url.render_as_string(hide_password=False), "RETENTION_DAYS": "180"}
    settings = load_settings(env)
    assert schedule.start_from_settings(settings) is None
    report = schedule.run_purge(settings, now=NOW)  # tracker: <var>/tracker.db, not created by Rasa here
    assert report.notes and report.counts["complaints_masked"] == 0  # 100 days < 180
    assert load_settings({**env, "RETENTION_DAYS": ""}).gdpr.retention_days == 90
