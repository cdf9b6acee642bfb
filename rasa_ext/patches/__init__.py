"""Changes to Rasa's own behaviour, for the one Rasa version they were written and measured against.

- :mod:`rasa_ext.patches.fast_paths`: the action server's answer validated with a schema checked once, event
  classes looked up once per type name;
- :mod:`rasa_ext.patches.incremental_states`: dialogue states computed once per event;
- :mod:`rasa_ext.patches.memory_trim`: memory freed after the model load given back to the system, then periodically;
- :mod:`rasa_ext.patches.multi_question`: several questions in one message answered one after the other (the split
  step in front of ``MessageProcessor.handle_message``).

Nothing is installed by an import. :func:`install` installs all four, explicitly: the server launcher
(``scripts/rasa_server.py``) calls it before handing over to Rasa's command line, and so does any process that
runs our channels or tracker store without that launcher (some tests). The patches replace Rasa internals, so
:func:`install` refuses any Rasa version other than :data:`PINNED_RASA` (the pin of ``requirements/rasa.txt``, checked
by a test): after an upgrade, check each patch against the new Rasa, then update both pins.
"""
from __future__ import annotations

import threading
from typing import Optional

PINNED_RASA = "3.6.21"

_lock = threading.Lock()


def check_rasa_version(found: Optional[str] = None) -> None:
    """Raises ``RuntimeError`` unless the installed Rasa (or ``found``) is :data:`PINNED_RASA`."""
    if found is None:
        import rasa

        found = getattr(rasa, "__version__", "unknown")
    if found != PINNED_RASA:
        raise RuntimeError(
            f"rasa_ext.patches are written for Rasa {PINNED_RASA} (requirements/rasa.txt) but Rasa {found} is installed: "
            f"install Rasa {PINNED_RASA}, or check every patch in rasa_ext/patches/ against Rasa {found} and update "
            f"PINNED_RASA. / Les correctifs rasa_ext.patches sont écrits pour Rasa {PINNED_RASA} mais Rasa {found} "
            f"est installé : installez Rasa {PINNED_RASA}, ou vérifiez chaque correctif pour Rasa {found} avant de "
            f"changer PINNED_RASA."
        )


def install() -> None:
    """Checks the Rasa version, then installs the fast paths, the incremental states, the memory trim and the split
    step.

    Idempotent: a second call (or a patch already installed) changes nothing.
    """
    check_rasa_version()
    from rasa_ext.patches import fast_paths, incremental_states, memory_trim, multi_question

    with _lock:
        fast_paths.install()
        incremental_states.install()
        memory_trim.install()
        multi_question.install()
