"""Process settings of the Rasa server chosen by measurement (issue #10): the launcher and the memory trim."""
from __future__ import annotations

import asyncio
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import REGISTRY, load_settings
from rasa_ext.patches import memory_trim

ROOT = Path(__file__).resolve().parents[3]


def settings_of(env):
    """The settings of ``env`` (secrets given: nothing is written under var/)."""
    return load_settings({"JWT_SECRET": "j" * 40, "RASA_API_TOKEN": "t" * 40, **env})


def use_settings(monkeypatch, **env):
    """This process's settings for one test: those of ``env`` (settings are read once per process)."""
    monkeypatch.setattr("bot.settings._cached", settings_of(env))


def _launcher():
    spec = importlib.util.spec_from_file_location("rasa_server_launcher", ROOT / "scripts" / "rasa_server.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("preset, expected", [(None, "0"), ("1", "1")])
def test_the_launcher_sets_its_defaults_before_rasa_starts_and_the_environment_wins(monkeypatch, preset, expected):
    import rasa.__main__

    seen = {}
    if preset is None:
        monkeypatch.delenv("TF_ENABLE_ONEDNN_OPTS", raising=False)
    else:
        monkeypatch.setenv("TF_ENABLE_ONEDNN_OPTS", preset)
    monkeypatch.setattr(rasa.__main__, "main", lambda: seen.update(argv=list(sys.argv), env=dict(os.environ)))
    monkeypatch.setattr(sys, "argv", ["scripts/rasa_server.py", "run", "--model", "m.tar.gz"])
    _launcher().main()
    assert seen["argv"] == ["rasa", "run", "--model", "m.tar.gz"]
    assert seen["env"]["TF_ENABLE_ONEDNN_OPTS"] == expected


def test_the_launcher_installs_the_rasa_patches_before_rasa_starts(monkeypatch):
    import rasa.__main__

    from rasa_ext import patches

    calls = []
    monkeypatch.setattr(patches, "install", lambda: calls.append("patches"))
    monkeypatch.setattr(rasa.__main__, "main", lambda: calls.append("rasa"))
    monkeypatch.setattr(sys, "argv", ["scripts/rasa_server.py", "run"])
    _launcher().main()
    assert calls == ["patches", "rasa"]


def test_the_launcher_does_not_start_rasa_on_another_version(monkeypatch):
    import rasa
    import rasa.__main__

    started = []
    monkeypatch.setattr(rasa, "__version__", "3.6.20")
    monkeypatch.setattr(rasa.__main__, "main", lambda: started.append("rasa"))
    monkeypatch.setattr(sys, "argv", ["scripts/rasa_server.py", "run"])
    with pytest.raises(RuntimeError, match="3.6.20"):
        _launcher().main()
    assert started == []


def test_the_launcher_limits_malloc_arenas_unless_the_environment_says(monkeypatch):
    launcher = _launcher()
    use_settings(monkeypatch, MALLOC_ARENA_MAX="4")
    assert launcher.limit_malloc_arenas() is False  # the operator's setting stays
    use_settings(monkeypatch)
    if memory_trim._libc() is None:
        pytest.skip("not glibc: no mallopt")
    assert launcher.limit_malloc_arenas() is True


def test_every_launcher_of_the_rasa_server_goes_through_it():
    for path in ("scripts/run.sh", "deploy/docker/rasa-entrypoint.sh", "tests/e2e/stack.py", "tests/scale/cluster.py",
                 "bench/latency_stacks.py"):
        text = (ROOT / path).read_text()
        assert "scripts/rasa_server.py" in text and "rasa run" not in text.replace("rasa_server.py run", ""), path
    assert "scripts/rasa_server.py" in (ROOT / "deploy" / "docker" / "Dockerfile.rasa").read_text()


def test_a_trim_gives_freed_heap_memory_back_on_glibc():
    if memory_trim._libc() is None or not Path("/proc/self/status").exists():
        pytest.skip("not glibc on Linux: malloc_trim does not exist here")
    # In a fresh interpreter: what a trim gives back depends on the heap's history, and the heap of a test run that
    # has already run thousands of tests is not the Rasa server's after its model load.
    probe = subprocess.run([sys.executable, "-c", TRIM_PROBE, memory_trim.__name__], cwd=ROOT, capture_output=True,
                           text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert probe.returncode == 0, probe.stderr[-2000:]
    released, freed_mib = probe.stdout.split()
    assert released == "True"
    assert float(freed_mib) > 80, "malloc_trim returned the freed blocks to the system"


TRIM_PROBE = """
import importlib, sys
memory_trim = importlib.import_module(sys.argv[1])
def rss_mib():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
blocks, pins = [], []
for _ in range(3000):  # ~140 MiB of heap blocks (below the mmap threshold), each followed by a
    blocks.append(bytearray(48 * 1024))  # small block that stays: the freed ones are holes that
    pins.append(bytearray(700))          # glibc keeps, like the model load's temporary buffers
del blocks
before = rss_mib()
released = memory_trim.release()
print(released, before - rss_mib())
"""


def test_the_trim_interval_comes_from_the_environment(monkeypatch):
    assert memory_trim.interval_seconds(settings_of({})) == REGISTRY["MALLOC_TRIM_SECONDS"].default == 15
    assert memory_trim.interval_seconds(settings_of({"MALLOC_TRIM_SECONDS": "0"})) == 0
    with pytest.raises(ValueError, match="MALLOC_TRIM_SECONDS"):
        settings_of({"MALLOC_TRIM_SECONDS": "-5"})
    use_settings(monkeypatch, MALLOC_TRIM_SECONDS="30")
    assert memory_trim.interval_seconds() == 30  # the process's settings by default


def test_the_first_channel_started_trims_once_then_periodically(monkeypatch):
    calls, tasks, listeners = [], [], []

    class Blueprint:
        def listener(self, event):
            def register(fn):
                listeners.append((event, fn))
                return fn
            return register

    class App:
        def add_task(self, coro):
            tasks.append(coro)
            coro.close()

    monkeypatch.setattr(memory_trim, "_started", False)
    monkeypatch.setattr(memory_trim, "_installed", True)  # rasa_ext.patches.install() (the server launcher)
    monkeypatch.setattr(memory_trim, "release", lambda: calls.append("trim") or True)
    use_settings(monkeypatch, MALLOC_TRIM_SECONDS="60")
    memory_trim.attach(Blueprint())
    memory_trim.attach(Blueprint())  # a second channel in the same process
    assert [event for event, _ in listeners] == ["after_server_start"] * 2
    for _event, fn in listeners:
        asyncio.run(fn(App(), None))
    assert calls == ["trim"] and len(tasks) == 1


def test_no_trim_unless_installed(monkeypatch):
    calls, listeners = [], []

    class Blueprint:
        def listener(self, event):
            def register(fn):
                listeners.append(fn)
                return fn
            return register

    class App:
        def add_task(self, coro):
            calls.append("task")
            coro.close()

    monkeypatch.setattr(memory_trim, "_started", False)
    monkeypatch.setattr(memory_trim, "_installed", False)
    monkeypatch.setattr(memory_trim, "release", lambda: calls.append("trim") or True)
    use_settings(monkeypatch, MALLOC_TRIM_SECONDS="0")
    memory_trim.attach(Blueprint())  # a channel imported and started without the launcher
    asyncio.run(listeners[0](App(), None))
    assert calls == []
    memory_trim.install()  # monkeypatch puts _installed back afterwards
    asyncio.run(listeners[0](App(), None))
    assert calls == ["trim"]
