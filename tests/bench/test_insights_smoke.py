"""bench/insights.py end to end on a small SQLite store: it loads Rasa-shaped events, builds the aggregate
tables, times the page's requests and writes its JSON and PNG. No speed is asserted: the machine is shared."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.runtimes import python_for

ROOT = Path(__file__).resolve().parents[2]


def test_insights_bench_smoke(tmp_path):
    run = subprocess.run([python_for("rasa"), "bench/insights.py", "--events", "4000", "--samples", "2", "--days", "10",
                          "--database-url", f"sqlite:///{tmp_path / 'bench.db'}", "--out-dir", str(tmp_path)],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode in (0, 1), run.stderr[-3000:]  # 1 = a p95 above the target, not a crash
    result = json.loads((tmp_path / "insights.json").read_text(encoding="utf-8"))
    assert result["events"] == 4000 and result["backend"] == "sqlite"
    assert result["first_build"]["conversations"] > 100
    assert set(result["requests"]) == {"figures_28_days_by_day", "figures_90_days_by_week",
                                       "figures_28_days_channel_sms", "review_queue_28_days", "review_queue_90_days"}
    assert result["incremental_refresh"]["new_events"] == 1000
    assert (tmp_path / "insights.png").stat().st_size > 10_000
    assert not list(tmp_path.glob("bench_*.db"))  # the bench removes its files
