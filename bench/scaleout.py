"""Messages per second with one and with two Rasa replicas (issue #10 "Scale-out").

Starts the production layout on this machine (``tests/scale/cluster.py``): two Rasa servers and
two action servers sharing a fresh PostgreSQL tracker database, the local Redis as lock store
(own key prefix) and a fresh PostgreSQL claims database with the demo data. Then, for each phase
(1 replica, then 2 replicas), ``--concurrency`` conversations send messages without pause for
``--duration`` seconds through the secure REST channel, round-robin over the phase's replicas
(client-side balancing); the first ``--warmup`` seconds are not counted.

Writes bench/results/scaleout.json and bench/results/scaleout.png.

    .venv/bin/python bench/scaleout.py                          # 8 conversations, 40 s per phase
    .venv/bin/python bench/scaleout.py --concurrency 16 --duration 60
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from tqdm import tqdm  # noqa: E402

from tests.scale import cluster as cl  # noqa: E402

RESULTS = ROOT / "bench" / "results"
MESSAGES = ["bonjour", "Où en est mon dossier SIN-2021-000123 ?", "quels sont vos frais ?",
            "comment se passe une indemnisation ?", "merci"]


def _percentile(values: List[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run_phase(cluster: cl.Cluster, replicas: int, concurrency: int, duration: float, warmup: float) -> Dict:
    from bot.wording import faults

    fault_texts = {faults.unavailable().as_message()["text"], faults.too_slow().as_message()["text"]}
    urls = [server.url for server in cluster.rasa[:replicas]]
    token = cluster.token(1)
    start = time.monotonic()
    counted_from, stop_at = start + warmup, start + warmup + duration
    latencies: List[float] = []
    errors = {"http": 0, "exception": 0, "apology": 0}
    lock = threading.Lock()
    bar = tqdm(total=int(warmup + duration), desc=f"{replicas} replica(s)", unit="s")

    def worker(n: int) -> None:
        sender = f"bench-{replicas}-{n}-{uuid.uuid4().hex[:6]}"
        i = n
        while time.monotonic() < stop_at:
            url = urls[i % len(urls)]
            text = MESSAGES[i % len(MESSAGES)]
            i += 1
            sent = time.monotonic()
            try:
                status, messages, elapsed = cl.say(url, sender, text, token=token, timeout=60)
            except Exception:  # noqa: BLE001 - counted, the load goes on
                with lock:
                    errors["exception"] += 1
                continue
            if sent < counted_from or time.monotonic() > stop_at:
                continue
            with lock:
                if status != 200:
                    errors["http"] += 1
                elif any(m.get("text") in fault_texts for m in messages):
                    errors["apology"] += 1
                else:
                    latencies.append(elapsed)

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(concurrency)]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        time.sleep(1)
        bar.n = min(int(time.monotonic() - start), bar.total)
        bar.set_postfix(answered=len(latencies))
        bar.refresh()
    bar.close()
    return {
        "replicas": replicas,
        "load_average_1m_at_end": round(os.getloadavg()[0], 2),  # other jobs on the machine show here
        "concurrency": concurrency,
        "duration_s": duration,
        "answered": len(latencies),
        "messages_per_s": round(len(latencies) / duration, 2),
        "latency_p50_ms": round(1000 * _percentile(latencies, 0.5), 1),
        "latency_p95_ms": round(1000 * _percentile(latencies, 0.95), 1),
        "latency_mean_ms": round(1000 * statistics.fmean(latencies), 1) if latencies else None,
        "errors": errors,
    }


def plot(result: Dict, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    phases = result["phases"]
    labels = [f"{p['replicas']} réplique(s)" for p in phases]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.bar(labels, [p["messages_per_s"] for p in phases], color=["#8da0cb", "#66c2a5"])
    left.set_ylabel("messages / s")
    left.set_title(f"Débit ({phases[0]['concurrency']} conversations en parallèle)")
    for i, p in enumerate(phases):
        left.text(i, p["messages_per_s"], f"{p['messages_per_s']:.1f}", ha="center", va="bottom")
    width = 0.35
    xs = range(len(phases))
    right.bar([x - width / 2 for x in xs], [p["latency_p50_ms"] for p in phases], width, label="p50")
    right.bar([x + width / 2 for x in xs], [p["latency_p95_ms"] for p in phases], width, label="p95")
    right.set_xticks(list(xs))
    right.set_xticklabels(labels)
    right.set_ylabel("ms")
    right.set_title("Latence par message")
    right.legend()
    fig.suptitle(f"Rasa 3.6, tracker PostgreSQL, verrous Redis — {result['machine']['cpus']} cœurs")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=40.0)
    parser.add_argument("--warmup", type=float, default=8.0)
    parser.add_argument("--out", type=Path, default=RESULTS / "scaleout.json")
    args = parser.parse_args()
    reason = cl.unavailable()
    if reason:
        print(f"cannot run: {reason}", file=sys.stderr)
        return 2
    var_dir = Path(tempfile.mkdtemp(prefix="scaleout-"))
    print(f">> starting 2 Rasa + 2 action servers (logs in {var_dir})…", flush=True)
    started = time.monotonic()
    cluster = cl.start_cluster(var_dir, rasa_replicas=2, action_replicas=2, prefix="bench")
    try:
        print(f">> ready in {time.monotonic() - started:.0f} s", flush=True)
        phases = [run_phase(cluster, replicas, args.concurrency, args.duration, args.warmup) for replicas in (1, 2)]
    finally:
        cluster.stop()
    result = {
        "what": "secure REST channel, one signed-in policyholder per conversation, messages without pause",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "setup": "2 action servers behind a TCP round-robin; PostgreSQL tracker and claims store; Redis lock store",
        "phases": phases,
        "speedup": round(phases[1]["messages_per_s"] / phases[0]["messages_per_s"], 2)
        if phases[0]["messages_per_s"] else None,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    plot(result, args.out.with_suffix(".png"))
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
