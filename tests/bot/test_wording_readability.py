"""Plain French is checked, not hoped for.

Every reply template (bot/wording/*.py TEMPLATES and the static responses in domain.yml)
is scored with the French Flesch reading ease (Kandel & Moles, textstat lang "fr") and must
reach 60. Templates must also address the person with "vous", never "tu".
"""
import re
import string
from pathlib import Path

import pytest
import textstat
import yaml

from bot.wording import all_templates

ROOT = Path(__file__).resolve().parents[2]
MIN_READING_EASE = 60
TU_WORDS = re.compile(r"\b(tu|toi|ton|ta|tes|t'as|t'es)\b", re.IGNORECASE)


class _Sample(dict):
    """Fills any placeholder with a plausible short value."""

    def __missing__(self, key):
        if any(k in key for k in ("amount", "montant", "total", "cover", "limit", "fee", "indemn")):
            return "12 500 €"
        if "date" in key or key.endswith("_on") or "day" in key:
            return "31 mars 2026"
        if "ref" in key:
            return "SIN-2026-000123"
        return "Bâtiments Lefèvre"


def _fill(template: str) -> str:
    names = [f for _, f, _, _ in string.Formatter().parse(template) if f]
    sample = _Sample()
    return template.format_map(sample) if names else template


def _domain_responses():
    out = {}
    data = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8")) or {}
    for name, variants in (data.get("responses") or {}).items():
        for i, variant in enumerate(variants):
            if variant.get("text"):
                out[f"domain.yml:{name}[{i}]"] = variant["text"]
    return out


TEMPLATES = {**{f"wording:{k}": v for k, v in all_templates().items()}, **_domain_responses()}


def test_there_are_templates_to_check():
    assert len(TEMPLATES) >= 10


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_template_is_plain_french(key):
    text = _fill(TEMPLATES[key])
    textstat.set_lang("fr")
    score = textstat.flesch_reading_ease(text)
    assert score >= MIN_READING_EASE, f"{key}: reading ease {score:.0f} < {MIN_READING_EASE}: {text!r}"


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_template_says_vous(key):
    assert not TU_WORDS.search(TEMPLATES[key]), f"{key} says 'tu': {TEMPLATES[key]!r}"
