"""The page-latency benchmark's figures (bench/page_latency.py): percentiles and the target, on made-up sends."""
from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("bench_page_latency", ROOT / "bench" / "page_latency.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


def _send(kind, last, frame=0.1, complete=True):
    return {"kind": kind, "complete": complete, "bubbles": 2, "first_bubble_s": 0.2, "last_bubble_s": last,
            "last_frame_s": frame}


def test_nearest_rank_percentile():
    values = [float(v) for v in range(1, 21)]  # 1..20
    assert bench.percentile(values, 95) == 19.0
    assert bench.percentile(values, 50) == 10.0
    assert bench.percentile([3.0], 95) == 3.0
    assert bench.percentile([], 95) is None


def test_p95_is_over_every_send_and_decides_the_target():
    fast = [_send("list", 0.5) for _ in range(19)]
    assert bench.summarise(fast + [_send("status", 1.4)])["target_met"] is True
    slow = bench.summarise(fast[:18] + [_send("status", 1.6), _send("status", 18.0)])
    assert slow["last_bubble_s"]["p95"] == 1.6 and slow["last_bubble_s"]["max"] == 18.0
    assert slow["target_met"] is False
    assert slow["last_bubble_s_by_kind"]["status"]["n"] == 2
    assert slow["page_pacing_after_last_frame_s"]["max"] == 17.9


def test_an_answer_that_never_came_counts_as_incomplete_and_not_as_fast():
    summary = bench.summarise([_send("cap", None, frame=None, complete=False), _send("list", 0.4)])
    assert summary["incomplete"] == 1 and summary["last_bubble_s"]["n"] == 1
    assert summary["target_met"] is False  # 0.4 s for the one that came is not a pass
