"""Resident memory (RSS) of the servers under test, read from /proc (Linux), no extra dependency.

- :func:`rss_mib` is the RSS of one process plus all its descendants (a server that forks workers
  is counted whole).
- :class:`RssSampler` samples a set of named processes in a background thread while a load runs
  and keeps, per name, the value at rest (first sample) and the peak.

Used by ``bench/latency.py`` (``memory`` section of ``bench/results/latency.json``).
"""
from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Dict, Iterable, List, Optional

PROC = Path("/proc")


def _children(pid: int) -> List[int]:
    """Direct children of ``pid`` (every thread's children file, as the kernel splits them)."""
    out: List[int] = []
    task_dir = PROC / str(pid) / "task"
    try:
        tids = os.listdir(task_dir)
    except OSError:
        return out
    for tid in tids:
        try:
            out.extend(int(x) for x in (task_dir / tid / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return out


def process_tree(pid: int) -> List[int]:
    seen: List[int] = []
    todo = [pid]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.append(current)
        todo.extend(_children(current))
    return seen


def _rss_kib(pid: int) -> Optional[int]:
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return 0  # a zombie has no VmRSS line


def rss_mib(pid: int) -> Optional[float]:
    """RSS of ``pid`` and its descendants in MiB, or None when the process is gone."""
    values = [_rss_kib(p) for p in process_tree(pid)]
    if not values or values[0] is None:
        return None
    return round(sum(v or 0 for v in values) / 1024.0, 1)


class RssSampler:
    """Sample the RSS of named processes every ``interval`` seconds until :meth:`stop`.

    ``pids`` maps a name (``rasa-1``, ``actions``...) to a pid; names sharing a prefix before the
    last ``-`` (``rasa-1``, ``rasa-2``) are also reported summed under that prefix (``rasa``).
    """

    def __init__(self, pids: Dict[str, int], interval: float = 0.5) -> None:
        self.pids = dict(pids)
        self.interval = interval
        self.samples: Dict[str, List[float]] = {name: [] for name in self.pids}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def sample_once(self) -> Dict[str, Optional[float]]:
        now = {name: rss_mib(pid) for name, pid in self.pids.items()}
        for name, value in now.items():
            if value is not None:
                self.samples[name].append(value)
        return now

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample_once()
            self._stop.wait(self.interval)

    def __enter__(self) -> "RssSampler":
        self.sample_once()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        self.sample_once()

    def peaks(self) -> Dict[str, float]:
        return {name: max(values) for name, values in self.samples.items() if values}


def group_total(values: Dict[str, float], names: Iterable[str]) -> Dict[str, float]:
    """Sum ``rasa-1``, ``rasa-2``... into ``rasa`` (keeps the per-process values too)."""
    out = dict(values)
    groups: Dict[str, float] = {}
    for name in names:
        if name in values and "-" in name:
            prefix = name.rsplit("-", 1)[0]
            groups[prefix] = round(groups.get(prefix, 0.0) + values[name], 1)
    for prefix, total in groups.items():
        out.setdefault(prefix, total)
    return out
