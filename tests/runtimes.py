"""Which Python runs which server: the stack launchers' one answer (see docs/runtimes.md).

- The Rasa server (NLU + dialogue, the channels) needs Rasa 3.6, so Python 3.10: ``.venv``
  (requirements/rasa.txt). Rasa's own command-line tools (``rasa init``, ``rasa train``) and the files it
  reads at start-up (``scripts/render_endpoints.py``, ``scripts/render_credentials.py``) run there too.
- The action server (rasa-sdk 3.21), the web server and the domain jobs (``python -m bot.store.seed``) run on
  a supported Python: ``.venv-app`` (requirements/app.txt).

Whatever interpreter a test or a bench runs on, the servers it starts get their own environment, so the
end-to-end suites prove the production layout: Rasa 3.6 on 3.10 calling an action server on 3.12.
``make bootstrap`` creates both environments.
"""
from __future__ import annotations

from pathlib import Path
from typing import Dict

ROOT = Path(__file__).resolve().parents[1]
RASA_VENV = ROOT / ".venv"
APP_VENV = ROOT / ".venv-app"
ROLES: Dict[str, Path] = {
    "rasa": RASA_VENV,     # scripts/rasa_server.py, rasa CLI, render_endpoints / render_credentials
    "actions": APP_VENV,   # scripts/action_server.py
    "web": APP_VENV,       # web/server.py
    "domain": APP_VENV,    # python -m bot.store.seed, python -m bot.gdpr ...
}


def venv_bin(role: str) -> Path:
    """The ``bin/`` directory of the environment that runs ``role`` (a key of ROLES)."""
    venv = ROLES[role]
    python = venv / "bin" / "python"
    if not python.exists():
        raise RuntimeError(f"{python} is missing: run `make bootstrap` (it creates .venv and .venv-app)")
    return venv / "bin"


def python_for(role: str) -> str:
    """The interpreter that runs ``role``: 'rasa', 'actions', 'web' or 'domain'."""
    return str(venv_bin(role) / "python")
