"""rasa_ext.patches.install(): explicit, idempotent, only on the pinned Rasa version; importing installs nothing."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import rasa
from rasa_ext import patches
from rasa_ext.patches import fast_paths, incremental_states, memory_trim, multi_question

ROOT = Path(__file__).resolve().parents[3]


def test_the_pinned_version_is_the_one_of_requirements_txt():
    pins = re.findall(r"^rasa==([^\s;#]+)", (ROOT / "requirements" / "rasa.txt").read_text(encoding="utf-8"), re.MULTILINE)
    assert pins == [patches.PINNED_RASA]
    assert rasa.__version__ == patches.PINNED_RASA, "the test environment runs another Rasa than requirements/rasa.txt"


@pytest.mark.parametrize("other", ["3.6.20", "3.7.0", "3.6.21rc1"])
def test_install_refuses_another_rasa_version_and_installs_nothing(monkeypatch, other):
    calls = []
    for module in (fast_paths, incremental_states, memory_trim, multi_question):
        monkeypatch.setattr(module, "install", lambda name=module.__name__: calls.append(name))
    monkeypatch.setattr(rasa, "__version__", other)
    with pytest.raises(RuntimeError) as refused:
        patches.install()
    message = str(refused.value)
    assert f"Rasa {other}" in message and f"Rasa {patches.PINNED_RASA}" in message
    assert "requirements/rasa.txt" in message and "installé" in message  # English, then French
    assert calls == []


def test_install_on_the_pinned_version_installs_every_patch(monkeypatch):
    calls = []
    for module in (fast_paths, incremental_states, memory_trim, multi_question):
        monkeypatch.setattr(module, "install", lambda name=module.__name__.rsplit(".", 1)[1]: calls.append(name))
    patches.install()
    assert calls == ["fast_paths", "incremental_states", "memory_trim", "multi_question"]


def test_install_is_idempotent():
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import Event

    patches.install()
    first = (RemoteAction._validate_action_result, Event.resolve_by_type, Domain.states_for_tracker_history)
    patches.install()
    again = (RemoteAction._validate_action_result, Event.resolve_by_type, Domain.states_for_tracker_history)
    assert again == first
    assert first[0].__module__ == fast_paths.__name__
    assert not hasattr(Event.resolve_by_type.__wrapped__, "__wrapped__")  # wrapped once, not twice
    assert Domain.states_for_tracker_history.__module__ == incremental_states.__name__
    assert not hasattr(Domain.states_for_tracker_history.__wrapped__, "__wrapped__")
    assert memory_trim._installed is True
    from rasa.core.processor import MessageProcessor

    assert MessageProcessor.handle_message.__module__ == multi_question.__name__
    assert not hasattr(MessageProcessor.handle_message.__wrapped__, "__wrapped__")


def test_importing_rasa_ext_installs_nothing():
    """Every module of rasa_ext imported in a fresh interpreter: Rasa is left as it is."""
    modules = sorted(
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for path in (ROOT / "rasa_ext").rglob("*.py")
    )
    code = f"""
import importlib
for name in {modules!r}:
    importlib.import_module(name)
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.core.processor import MessageProcessor
from rasa_ext.patches import memory_trim
patched = [name for name, fn in (("validate", RemoteAction._validate_action_result),
                                 ("resolve", Event.resolve_by_type),
                                 ("states", Domain.states_for_tracker_history),
                                 ("handle", MessageProcessor.handle_message))
           if not fn.__module__.startswith("rasa.") or hasattr(fn, "__wrapped__")]
assert not patched and not memory_trim._installed, patched
print("untouched", len({modules!r}))
"""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"untouched {len(modules)}" in done.stdout
    assert "rasa_ext.tracker_store" in modules and "rasa_ext.channels.secure_socketio" in modules
