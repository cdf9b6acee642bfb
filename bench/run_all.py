"""Run the benchmarks one after the other (`make bench`); each writes its JSON + PNG under bench/results/.

    .venv/bin/python bench/run_all.py                 # the default set below
    .venv/bin/python bench/run_all.py --quick         # smoke versions where a bench has one
    .venv/bin/python bench/run_all.py --only latency  # one bench by name
    .venv/bin/python bench/run_all.py --with nlu      # add a long one (retrains models)

They run sequentially on purpose: the machine has 2 cores, and each bench records the load average
next to its numbers. A bench that fails is reported and the others still run; the exit code is 1
when any failed.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, NamedTuple

ROOT = Path(__file__).resolve().parent.parent


class Bench(NamedTuple):
    command: List[str]
    quick: List[str]          # extra arguments for --quick
    default: bool             # part of the default set


BENCHES: Dict[str, Bench] = {
    # quick store run: small and written aside, so it never replaces the published numbers
    "store": Bench(["bench/store_bench.py"], ["--claims", "5000", "--samples", "300", "--out-dir",
                                              str(Path(tempfile.gettempdir()) / "bench-quick")], True),
    "latency": Bench(["bench/latency.py"], ["--quick"], True),
    # quick insights run: 20 000 events on SQLite, written aside like the store's
    "insights": Bench(["bench/insights.py"], ["--events", "20000", "--samples", "5", "--database-url",
                                              f"sqlite:///{ROOT / 'var' / 'insights_bench.db'}", "--out-dir",
                                              str(Path(tempfile.gettempdir()) / "bench-quick")], True),
    "nlu": Bench(["bench/nlu.py", "--folds", "0"], [], False),
    "train": Bench(["bench/train.py"], [], False),
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", nargs="*", choices=sorted(BENCHES), default=None)
    parser.add_argument("--with", dest="extra", nargs="*", choices=sorted(BENCHES), default=[])
    args = parser.parse_args(argv)
    names = args.only or [n for n, b in BENCHES.items() if b.default] + args.extra
    failed = []
    for name in dict.fromkeys(names):
        bench = BENCHES[name]
        cmd = [sys.executable, *bench.command, *(bench.quick if args.quick else [])]
        print(f"\n=== {name}: {' '.join(cmd[1:])}", flush=True)
        start = time.time()
        code = subprocess.call(cmd, cwd=ROOT)
        print(f"=== {name}: {'ok' if code == 0 else f'FAILED ({code})'} in {time.time() - start:.0f} s", flush=True)
        if code:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
