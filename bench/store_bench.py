"""Benchmark of the claims store: bulk seeding, then the three lookups the assistant does most.

    DATABASE_URL=postgresql+psycopg2://postgres@127.0.0.1:5432/test .venv/bin/python bench/store_bench.py
    .venv/bin/python bench/store_bench.py --claims 50000            # SQLite under var/ by default

- PostgreSQL: everything happens in a dedicated schema (``store_bench_<pid>``), dropped at the
  end unless ``--keep``. SQLite: a dedicated file ``var/store_bench.db``, removed unless ``--keep``.
- Seeds the demo companies plus N synthetic claims (default 1 000 000 on PostgreSQL, 50 000 on
  SQLite), then measures p50/p95/p99 of ``claim_by_ref``, ``list_claims(status="open")`` and
  ``guarantee_on_buyer`` (fuzzy name), each in its own unit of work (``session_scope``), as an
  action would call them.
- Writes ``bench/results/store_bench.json`` and ``bench/results/store_bench.png``.
Targets: seeding 1 M claims <= 120 s; each lookup p95 <= 5 ms.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
import uuid
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from tqdm import tqdm  # noqa: E402

from bot.store import db, queries  # noqa: E402
from bot.store.seed import seed_bulk, seed_demo  # noqa: E402

RESULTS = ROOT / "bench" / "results"
SEED_TARGET_S = 120.0  # for 1 000 000 claims
LOOKUP_P95_TARGET_MS = 5.0


def _percentile(sorted_ms: Sequence[float], p: float) -> float:
    if not sorted_ms:
        return float("nan")
    k = (len(sorted_ms) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(sorted_ms) - 1)
    return sorted_ms[lo] + (sorted_ms[hi] - sorted_ms[lo]) * (k - lo)


def _summary(samples_ms: List[float]) -> Dict[str, float]:
    s = sorted(samples_ms)
    return {
        "n": len(s),
        "p50_ms": round(_percentile(s, 0.50), 3),
        "p95_ms": round(_percentile(s, 0.95), 3),
        "p99_ms": round(_percentile(s, 0.99), 3),
        "mean_ms": round(statistics.fmean(s), 3),
        "max_ms": round(s[-1], 3),
    }


def _loadavg() -> Optional[List[float]]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:  # pragma: no cover
        return None


def _prepare(url: str, keep: bool) -> Tuple[str, Callable[[], None]]:
    """A dedicated, empty place for the bench: (url, cleanup)."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        from tests.pgadmin import run_admin_sql  # the test suites' helper (ROOT is on sys.path)

        schema = f"store_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"

        def run(sql: str) -> None:
            run_admin_sql(sql, url)

        run(f'CREATE SCHEMA "{schema}"')
        sep = "&" if "?" in url else "?"
        bench_url = f"{url}{sep}options=-csearch_path%3D{schema}"

        def cleanup() -> None:
            db.dispose_engine(bench_url)
            if not keep:
                run(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

        return bench_url, cleanup
    if backend == "sqlite":
        path = ROOT / "var" / "store_bench.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        bench_url = f"sqlite:///{path}"

        def cleanup() -> None:
            db.dispose_engine(bench_url)
            if not keep:
                for suffix in ("", "-wal", "-shm"):
                    Path(str(path) + suffix).unlink(missing_ok=True)

        return bench_url, cleanup
    raise SystemExit(f"unsupported database: {backend}")


def _typo(name: str, rng: random.Random) -> str:
    """How people type a company name: lower case, no legal form, sometimes one letter off."""
    words = [w for w in name.split() if w.upper() not in {"SAS", "SARL", "SA", "EURL", "SNC"}]
    text_ = " ".join(words).lower()
    roll = rng.random()
    if roll < 0.3 and len(text_) > 8:
        i = rng.randrange(3, len(text_) - 1)
        text_ = text_[:i] + text_[i + 1:]  # one letter missing
    elif roll < 0.5:
        text_ = words[-1].upper() if words else text_  # only the family name, in capitals
    return text_


def _workloads(engine, samples: int, rng: random.Random):
    """(name, [(callable, args)]) for each lookup, from random rows of the seeded data."""
    with engine.connect() as conn:
        max_claim = conn.execute(text("SELECT MAX(id) FROM claims")).scalar()
        max_limit = conn.execute(text("SELECT MAX(id) FROM credit_limits")).scalar()
        claim_ids = [rng.randint(1, max_claim) for _ in range(samples)]
        limit_ids = [rng.randint(1, max_limit) for _ in range(samples)]
        claims = conn.execute(text("SELECT id, ref, policyholder_id FROM claims WHERE id IN (%s)"  # noqa: S608 (ids are integers generated here)
                                   % ",".join(str(i) for i in set(claim_ids)))).all()
        limits = conn.execute(text(
            "SELECT l.id, l.policyholder_id, b.name FROM credit_limits l JOIN buyers b ON b.id = l.buyer_id "  # noqa: S608 (fixed text, values bound)
            "WHERE l.id IN (%s)" % ",".join(str(i) for i in set(limit_ids)))).all()
        ph_ids = [r[0] for r in conn.execute(text("SELECT id FROM policyholders"))]
    claims = sorted(claims)
    limits = sorted(limits)
    known = set(ph_ids)
    by_ref = []
    for i, (_, ref, ph) in enumerate(claims[:samples]):
        if i % 10 == 9:  # one in ten: someone else's reference (must be as fast, and None)
            by_ref.append((ref, ph + 1 if ph + 1 in known else 1))
        else:
            by_ref.append((ref, ph))
    rng.shuffle(by_ref)
    lists = [rng.choice(ph_ids) for _ in range(samples)]
    buyers = [(ph, _typo(name, rng)) for _, ph, name in limits[:samples]]
    rng.shuffle(buyers)
    return [
        ("claim_by_ref", [(queries.claim_by_ref, (ph, ref)) for ref, ph in by_ref]),
        ("list_open_claims", [(queries.list_claims, (ph, "open", 1, 10)) for ph in lists]),
        ("guarantee_on_buyer", [(queries.guarantee_on_buyer, (ph, q)) for ph, q in buyers]),
    ]


def _outcome(result) -> str:
    """What a lookup found, to show the bench measured real answers."""
    if result is None:
        return "none"
    if hasattr(result, "outcome"):
        return result.outcome
    if hasattr(result, "total"):
        return "some open claims" if result.total else "no open claim"
    return "found"


def _measure(engine, workloads, warmup: int, progress: bool):
    """Wall-clock ms per call, this process's CPU ms per call (to tell our own cost from
    waiting for the database or for a busy machine), and what each call found."""
    timings: Dict[str, List[float]] = {name: [] for name, _ in workloads}
    cpu: Dict[str, List[float]] = {name: [] for name, _ in workloads}
    outcomes: Dict[str, Dict[str, int]] = {name: {} for name, _ in workloads}
    total = sum(len(calls) for _, calls in workloads)
    for _name, calls in workloads:  # warm the pool, the statement caches and the buffer cache a little
        for fn, args in calls[:warmup]:
            with db.session_scope(engine) as s:
                fn(s, *args)
    # interleave the lookups so that a burst of load on the machine hits all three alike
    order = [(name, call) for name, calls in workloads for call in calls]
    random.Random(1).shuffle(order)
    with tqdm(total=total, desc="lookups", unit="call", disable=not progress) as bar:
        for name, (fn, args) in order:
            start, start_cpu = time.perf_counter_ns(), time.thread_time_ns()
            with db.session_scope(engine) as s:
                result = fn(s, *args)
            timings[name].append((time.perf_counter_ns() - start) / 1e6)
            cpu[name].append((time.thread_time_ns() - start_cpu) / 1e6)
            key = _outcome(result)
            outcomes[name][key] = outcomes[name].get(key, 0) + 1
            bar.update(1)
    return timings, cpu, outcomes


def _plot(result: dict, timings: Dict[str, List[float]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(timings)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    x = range(len(names))
    p50 = [result["lookups"][n]["p50_ms"] for n in names]
    p95 = [result["lookups"][n]["p95_ms"] for n in names]
    left.bar([i - 0.2 for i in x], p50, width=0.4, label="p50")
    left.bar([i + 0.2 for i in x], p95, width=0.4, label="p95")
    left.axhline(LOOKUP_P95_TARGET_MS, color="red", linestyle="--", linewidth=1, label="target p95 = 5 ms")
    left.set_xticks(list(x))
    left.set_xticklabels(names, fontsize=8)
    left.set_ylabel("ms per call (own unit of work)")
    left.legend(fontsize=8)
    left.set_title("Lookup latency")
    for n in names:
        right.hist(timings[n], bins=60, histtype="step", label=n, range=(0, max(10.0, max(p95) * 3)))
    right.set_xlabel("ms")
    right.set_ylabel("calls")
    right.set_title("Distribution")
    right.legend(fontsize=8)
    fig.suptitle(f"{result['backend']}: {result['claims']:,} synthetic claims seeded in "
                 f"{result['seed_seconds']:.1f} s (load avg {result['machine']['loadavg_before']})", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help="default: DATABASE_URL, else bot.settings")
    parser.add_argument("--claims", type=int, default=None,
                        help="synthetic claims (default 1 000 000 on PostgreSQL, 50 000 on SQLite)")
    parser.add_argument("--samples", type=int, default=2000, help="calls measured per lookup")
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--as-of", type=date.fromisoformat, default=None)
    parser.add_argument("--out-dir", type=Path, default=RESULTS)
    parser.add_argument("--keep", action="store_true", help="keep the bench schema / file")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)

    url = args.database_url or os.environ.get("DATABASE_URL")
    if not url:
        from bot.settings import get_settings

        url = get_settings().database.url
    backend = make_url(url).get_backend_name()
    n_claims = args.claims if args.claims is not None else (1_000_000 if backend == "postgresql" else 50_000)
    as_of = args.as_of or date.today()
    progress = not args.no_progress
    rng = random.Random(20250630)

    bench_url, cleanup = _prepare(url, args.keep)
    try:
        load_before = _loadavg()
        db.migrate(bench_url)
        engine = db.get_engine(bench_url)
        seed_demo(engine, as_of)
        stats = seed_bulk(engine, n_claims, as_of, seed=7, progress=progress)
        print(f"seeded {n_claims:,} claims in {stats.seconds:.1f} s", file=sys.stderr)
        with engine.connect() as conn:
            server = conn.exec_driver_sql("SELECT version()").scalar() if backend == "postgresql" else \
                "SQLite " + conn.exec_driver_sql("SELECT sqlite_version()").scalar()
        workloads = _workloads(engine, args.samples, rng)
        timings, cpu, outcomes = _measure(engine, workloads, args.warmup, progress)
        lookups = {name: _summary(ms) for name, ms in timings.items()}
        for name, ms in cpu.items():
            c = _summary(ms)
            lookups[name]["client_cpu_p50_ms"], lookups[name]["client_cpu_p95_ms"] = c["p50_ms"], c["p95_ms"]
        seed_target = SEED_TARGET_S * n_claims / 1_000_000
        result = {
            "backend": backend,
            "database": repr(make_url(url)),
            "claims": n_claims,
            "policyholders": stats.policyholders,
            "buyers": stats.buyers,
            "seed_seconds": round(stats.seconds, 2),
            "seed_claims_per_second": round(n_claims / stats.seconds) if stats.seconds else None,
            "lookups": lookups,
            "outcomes": outcomes,
            "targets": {"seed_seconds_for_this_size": round(seed_target, 1), "lookup_p95_ms": LOOKUP_P95_TARGET_MS},
            "passed": {
                "seed": stats.seconds <= seed_target,
                **{name: s["p95_ms"] <= LOOKUP_P95_TARGET_MS for name, s in lookups.items()},
            },
            "machine": {
                "cpus": os.cpu_count(),
                "loadavg_before": load_before,
                "loadavg_after": _loadavg(),
                "python": platform.python_version(),
                "sqlalchemy": sqlalchemy.__version__,
                "server": server,
            },
            "as_of": as_of.isoformat(),
            "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "method": "each call in its own session_scope (checkout with pool_pre_ping, queries, commit); "
                      "1 in 10 claim_by_ref calls uses another policyholder's ref; buyer names typed in lower "
                      "case without legal form, sometimes one letter missing or family name only",
        }
        args.out_dir.mkdir(parents=True, exist_ok=True)
        (args.out_dir / "store_bench.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n",
                                                       encoding="utf-8")
        _plot(result, timings, args.out_dir / "store_bench.png")
        print(json.dumps({"seed_seconds": result["seed_seconds"], "lookups": lookups, "passed": result["passed"]},
                         indent=2))
        return 0
    finally:
        cleanup()


if __name__ == "__main__":
    sys.exit(main())
