"""bot/settings.py is the only reader of the environment in bot/, actions/, web/, rasa_ext/ and scripts/.

Read by parsing each module (ast), not by importing it. Writing the environment is allowed (a default
for TensorFlow before it is imported, the environment of a child process); reading it anywhere else
than bot/settings.py fails this test: add the variable to the registry of bot/settings.py and read
``get_settings().<concern>.<name>`` instead.
"""
import ast
from pathlib import Path
from typing import Iterator, List, Tuple

import pytest

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("bot", "actions", "web", "rasa_ext", "scripts")
THE_READER = "bot/settings.py"
# path -> why it may read the environment. Keep it empty unless there is no other way.
ALLOWED: dict = {
    # a developer tool run by `make audit`, never by a server: it reads only the tooling variables
    # ASSISTANT_CACHE and AUDIT_STRICT, both documented in the registry (bot/settings.py, EXTERNAL)
    "scripts/audit.py": "build-time tool, tooling variables only",
}

_ENV_NAMES = {"environ", "environb", "getenv", "getenvb"}
_WRITES = {"setdefault", "update", "pop", "popitem", "clear", "__setitem__", "__delitem__"}


def env_reads(source: str) -> List[Tuple[int, str]]:
    """(line, what) of every read of the environment in ``source``."""
    tree = ast.parse(source)
    os_names = {"os"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            os_names |= {a.asname or a.name for a in node.names if a.name == "os"}
    parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "os":
            found += [(node.lineno, f"from os import {a.name}") for a in node.names if a.name in _ENV_NAMES]
        if not (isinstance(node, ast.Attribute) and node.attr in _ENV_NAMES
                and isinstance(node.value, ast.Name) and node.value.id in os_names):
            continue
        parent = parents.get(node)
        if isinstance(parent, ast.Subscript) and isinstance(parent.ctx, (ast.Store, ast.Del)):
            continue  # os.environ["X"] = ... / del os.environ["X"]
        if isinstance(parent, ast.Attribute) and parent.attr in _WRITES:
            continue  # os.environ.setdefault(...), .update(...), .pop(...)
        found.append((node.lineno, f"os.{node.attr}"))
    return found


def modules() -> Iterator[Path]:
    for folder in FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "node_modules" not in path.parts:
                yield path


@pytest.mark.parametrize("source, reads", [
    ("import os\nx = os.environ.get('A')", 1),
    ("import os\nx = os.environ['A']", 1),
    ("import os\nx = os.getenv('A', 'b')", 1),
    ("import os\ndef f(env=os.environ): pass", 1),
    ("import os\nenv = {**os.environ, 'A': '1'}", 1),
    ("import os as system\nx = system.environ.get('A')", 1),
    ("from os import environ", 1),
    ("from os import getenv as g", 1),
    ("import os\nos.environ['A'] = '1'", 0),
    ("import os\nos.environ.setdefault('A', '1')", 0),
    ("import os\ndel os.environ['A']", 0),
    ("import os\nos.environ.update(A='1')", 0),
    ("def f(environ): return environ.get('QUERY_STRING')", 0),  # a WSGI/engineio environ, not os.environ
])
def test_the_checker_tells_reads_from_writes(source, reads):
    assert len(env_reads(source)) == reads


def test_only_bot_settings_reads_the_environment():
    offenders = []
    for path in modules():
        rel = path.relative_to(ROOT).as_posix()
        if rel == THE_READER or rel in ALLOWED:
            continue
        offenders += [f"{rel}:{line}: {what}" for line, what in env_reads(path.read_text(encoding="utf-8"))]
    assert offenders == [], "read the environment through bot.settings:\n" + "\n".join(offenders)


def test_the_checker_sees_the_reader():
    assert env_reads((ROOT / THE_READER).read_text(encoding="utf-8")), "bot/settings.py reads os.environ"
    assert all((ROOT / path).exists() for path in ALLOWED)
