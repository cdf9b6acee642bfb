"""Start the Rasa server: ``python scripts/rasa_server.py run --model … --endpoints …`` (the ``rasa`` CLI's arguments).

Every launcher of the project's Rasa server goes through here (``scripts/run.sh``, the container's
entrypoint, the e2e / scale-out test stacks, ``bench/latency.py``), so that the process settings
chosen by measurement apply everywhere. They must be in the environment before TensorFlow is
imported, which ``rasa``'s own entry point does first; each is a default that the environment can
override:

- ``TF_ENABLE_ONEDNN_OPTS=0``: TensorFlow's oneDNN kernels are made for large tensors; the NLU and
  dialogue models here run tiny batches. Measured with ``bench/latency.py`` (30 x 30 messages,
  single topology, same machine, README "Benchmarks"): Rasa server RSS 1 102 -> 1 072 MiB after
  start and 1 122 -> 1 094 MiB at peak; saturation 37.2 -> 40.4 messages/s.
"""
from __future__ import annotations

import os
import sys

DEFAULTS = {"TF_ENABLE_ONEDNN_OPTS": "0"}


def main() -> None:
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
