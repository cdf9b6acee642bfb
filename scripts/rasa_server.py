"""Start the Rasa server: ``python scripts/rasa_server.py run --model … --endpoints …`` (the ``rasa`` CLI's arguments).

Every launcher of the project's Rasa server goes through here (``scripts/run.sh``, the container's
entrypoint, the e2e / scale-out test stacks, ``bench/latency.py``), so that the process settings
chosen by measurement apply everywhere. They must be in the environment before TensorFlow is
imported, which ``rasa``'s own entry point does first; each is a default that the environment can
override:

- ``TF_ENABLE_ONEDNN_OPTS=0``: TensorFlow's oneDNN kernels are made for large tensors; the NLU and
  dialogue models here run tiny batches (measured: docs/benchmarks.md#rasa-server-process-settings).
- at most two glibc malloc arenas (``mallopt``, unless ``MALLOC_ARENA_MAX`` is set), with the trim every 15 s
  (:mod:`rasa_ext.patches.memory_trim`) (measured: docs/benchmarks.md#rasa-server-process-settings).

Then it installs the project's Rasa patches (:func:`rasa_ext.patches.install`: fast paths, incremental dialogue
states, memory trim), which refuse to start on a Rasa version other than the pinned one, and hands over to Rasa.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULTS = {"TF_ENABLE_ONEDNN_OPTS": "0"}
M_ARENA_MAX = -8  # glibc's mallopt parameter


def limit_malloc_arenas(count: int = 2, settings=None) -> bool:
    """At most ``count`` glibc malloc arenas (default: 8 per core), set before TensorFlow starts its threads:
    fewer half-empty arenas kept by the process (``MALLOC_ARENA_MAX`` in the environment still wins)."""
    from bot.settings import get_settings

    if (settings or get_settings()).process.malloc_arena_max:
        return False
    try:
        import ctypes
        import ctypes.util

        return bool(ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").mallopt(M_ARENA_MAX, count))
    except (OSError, AttributeError):  # not glibc
        return False


def main() -> None:
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)  # written for TensorFlow, not read here
    if str(ROOT) not in sys.path:
        sys.path.insert(1, str(ROOT))
    from bot import startup
    from bot.settings import get_settings

    startup.refuse_unsafe_start(get_settings(), "Rasa server")  # APP_ENV=production: no demo mode, no sample secret...
    limit_malloc_arenas()
    from rasa_ext import patches

    patches.install()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
