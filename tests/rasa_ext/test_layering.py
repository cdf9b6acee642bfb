"""Layers: ``bot/`` imports no framework (no Rasa, no rasa_sdk, no rasa_ext); ``actions/`` imports rasa_sdk, never Rasa.

Checked on the source parsed with ``ast`` (every ``import``, ``from … import``, ``importlib.import_module("…")``
and ``__import__("…")`` with a literal name), anywhere in a module, including imports inside functions.
"""
from __future__ import annotations

import ast
from pathlib import Path
from typing import Iterable, List, Tuple

import pytest

ROOT = Path(__file__).resolve().parents[2]

FORBIDDEN = {
    "bot": ("rasa", "rasa_sdk", "rasa_ext"),
    "actions": ("rasa", "rasa_ext"),
}


def imported_modules(source: str, filename: str = "<source>") -> List[Tuple[int, str]]:
    """(line, absolute module name) for every import in ``source``; relative imports stay in their package."""
    found: List[Tuple[int, str]] = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name in ("import_module", "__import__"):
                found.append((node.lineno, node.args[0].value))
    return found


def violations(source: str, forbidden: Iterable[str], filename: str = "<source>") -> List[str]:
    return [f"{filename}:{line}: imports {module}" for line, module in imported_modules(source, filename)
            if any(module == top or module.startswith(top + ".") for top in forbidden)]


def _modules(package: str) -> List[Path]:
    return sorted(p for p in (ROOT / package).rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_does_not_import_the_layers_above(package):
    files = _modules(package)
    assert len(files) > 5, f"{package}/ has no modules to check"
    found = [v for path in files
             for v in violations(path.read_text(encoding="utf-8"), FORBIDDEN[package], str(path.relative_to(ROOT)))]
    assert found == [], "\n".join(found)


def test_no_channels_left_in_the_domain_library():
    assert not list((ROOT / "bot").glob("channels/*.py")), "Rasa channels live in rasa_ext/channels/"


@pytest.mark.parametrize("source, bad_for_bot, bad_for_actions", [
    ("import rasa", True, True),
    ("import os, rasa.core.agent as agent", True, True),
    ("from rasa.shared.core.events import SlotSet", True, True),
    ("def f():\n    from rasa.core.channels.channel import UserMessage\n", True, True),
    ("from rasa_ext.channels import secure_rest", True, True),
    ("import importlib\nimportlib.import_module('rasa.core.agent')", True, True),
    ("__import__('rasa_ext.tracker_store')", True, True),
    ("from rasa_sdk import Action", True, False),
    ("import rasa_sdk.events", True, False),
    ("from . import rasa", False, False),  # a sibling module that happens to be called rasa
    ("import rasa_extras\nimport rasas", False, False),
    ("from bot.wording import faults", False, False),
])
def test_the_check_sees_every_kind_of_import(source, bad_for_bot, bad_for_actions):
    assert bool(violations(source, FORBIDDEN["bot"])) is bad_for_bot
    assert bool(violations(source, FORBIDDEN["actions"])) is bad_for_actions
