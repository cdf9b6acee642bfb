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

The Rasa HTTP API token is never on the command line (any local user reads ``/proc/<pid>/cmdline``): with
``--enable-api`` the launcher gives Rasa ``RASA_API_TOKEN`` from the environment (or ``var/rasa_api_token``, 0600)
inside the process (:func:`api_token_arguments`); an ``--auth-token`` given on the command line is refused.

Then it installs the project's Rasa patches (:func:`rasa_ext.patches.install`: fast paths, incremental dialogue
states, memory trim), which refuse to start on a Rasa version other than the pinned one, and hands over to Rasa.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import List

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


def api_token_arguments(argv: List[str], settings=None) -> List[str]:
    """Rasa's arguments with the HTTP API token added in the process (never seen in ``/proc/<pid>/cmdline``).

    Raises SystemExit when the token is on the command line: that would publish it to every local user."""
    if any(arg == "--auth-token" or arg.startswith("--auth-token=") for arg in argv):
        raise SystemExit("refusing --auth-token on the command line (readable in /proc by any local user): "
                         "give RASA_API_TOKEN in the environment instead")
    if "--enable-api" not in argv:
        return list(argv)
    from bot.settings import get_settings

    return [*argv, "--auth-token", (settings or get_settings()).rasa.api_token]


def main() -> None:
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)  # written for TensorFlow, not read here
    if str(ROOT) not in sys.path:
        sys.path.insert(1, str(ROOT))
    from bot import startup
    from bot.settings import get_settings

    startup.refuse_unsafe_start(get_settings(), "Rasa server")  # APP_ENV=production: no demo mode, no sample secret...
    arguments = api_token_arguments(sys.argv[1:])
    limit_malloc_arenas()
    from rasa_ext import patches

    patches.install()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *arguments]
    rasa_main()


if __name__ == "__main__":
    main()
