"""French wording: every sentence the assistant says is built here, from templates.

Convention: each module of this package exposes ``TEMPLATES: dict[str, str]`` (``str.format``
placeholders). ``all_templates()`` gathers them so a test can score every template for plain
French (Kandel-Moles reading ease >= 60) and check vouvoiement.
"""
from __future__ import annotations

import importlib
import pkgutil
from typing import Dict

from bot.wording.format import typo  # noqa: F401  (re-exported)
from bot.wording.reply import Button, Reply  # noqa: F401


def all_templates() -> Dict[str, str]:
    templates: Dict[str, str] = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for key, text in getattr(module, "TEMPLATES", {}).items():
            templates[f"{info.name}.{key}"] = text
    return templates
