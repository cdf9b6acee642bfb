"""Which test module runs on which environment (see docs/runtimes.md).

Two environments run the tests (``make test`` runs ``pytest tests`` on each):

- the app environment (.venv-app, Python 3.12, no Rasa): every test module that needs no Rasa in
  process: the domain, the actions (rasa-sdk 3.21), the web server, deploy checks, and the end-to-end,
  security, reliability and scale suites (their servers each get their own environment: tests/runtimes.py);
- the Rasa environment (.venv, Python 3.10): the modules that import Rasa in process (``rasa``,
  the channels ``bot.channels`` / ``rasa_ext``, ``nlu_components``, or ``pytest.importorskip("rasa")``).

``tests/bot/`` (the domain library) runs on both: Rasa's channels import it too, on SQLAlchemy 1.4,
while the action and web servers run it on SQLAlchemy 2. A module is given to one side by what it
imports, read from its source, so a new test file lands on the right side without a list to update.
"""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
BOTH = (HERE / "bot",)
RASA_IN_PROCESS = re.compile(
    r"^\s*(?:from|import)\s+(?:rasa|rasa_ext|nlu_components|bot\.channels|tests\.security\.channel_app)(?:\.|\s|$)"
    r"|importorskip\(\s*[\"']rasa[\"'.]",
    re.MULTILINE,
)
ON_RASA = importlib.util.find_spec("rasa") is not None
_LEFT: list = []  # test modules given to the other environment in this run


def needs_rasa(path: Path) -> bool:
    """True when the test module imports Rasa (or the project's Rasa extensions) in process."""
    return bool(RASA_IN_PROCESS.search(path.read_text(encoding="utf-8", errors="replace")))


def pytest_ignore_collect(collection_path: Path, config):
    path = Path(collection_path)
    if path.suffix != ".py" or not path.name.startswith("test_"):
        return None
    if any(path.is_relative_to(both) for both in BOTH):
        return None
    if needs_rasa(path) == ON_RASA:
        return None
    root = config.invocation_params.dir
    if any(path.is_relative_to((root / arg.split("::")[0]).resolve()) for arg in config.args
           if (root / arg.split("::")[0]).is_dir()):
        _LEFT.append(path)  # a module the run asked for (through its directory) goes to the other side
    return True


def pytest_report_header(config):
    side = "Rasa environment: tests that need Rasa in process" if ON_RASA else \
        "app environment: tests that need no Rasa in process"
    return f"runtime split (tests/conftest.py): {side}, and tests/bot/"


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if _LEFT:
        other = ".venv-app (Python 3.12)" if ON_RASA else ".venv (Python 3.10, Rasa)"
        terminalreporter.write_line(f"runtime split: {len(_LEFT)} test module(s) not run here, they run on {other}: "
                                    f"{', '.join(sorted(str(p.relative_to(HERE.parent)) for p in _LEFT)[:6])}"
                                    f"{' …' if len(_LEFT) > 6 else ''}")
