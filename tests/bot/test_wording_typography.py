"""One voice and French typography in every sentence the assistant says (issue 18, items 24 and 25).

Every template of bot/wording (``all_templates()``) and every button title or label of the wording
modules is scanned:

- the insurer speaks as "nous": never "votre assureur" (or "l’assureur") in the third person;
- the typographic apostrophe (’, U+2019) in French text, never the straight one (');
- amounts with no-break spaces: a narrow no-break space between thousands ("600 000") and a no-break
  space before "€" and "%", including hard-coded examples; no long figures such as "1 500 000 000 €".

Placeholders are filled by bot.wording.format (Babel), which already uses those spaces
(tests/bot/test_format.py). The static responses of domain/*.yml are outside bot/wording.
"""
from __future__ import annotations

import importlib
import pkgutil
import re

import pytest

import bot.wording
from bot.wording import all_templates
from bot.wording.format import NBSP, NNBSP, money_words
from bot.wording.reply import Button

TEMPLATES = all_templates()
THIRD_PERSON_INSURER = re.compile(r"\b(?:votre|vos|l['’]\s?)\s*assureurs?\b(?!-crédit| privés)", re.IGNORECASE)
STRAIGHT_APOSTROPHE = re.compile(r"[A-Za-zÀ-ÿœ]'[A-Za-zÀ-ÿœ]")
PLAIN_THOUSANDS = re.compile(r"\d[ \u00a0]\d{3}(?!\d)")          # must be a narrow no-break space
UNIT_WITHOUT_NBSP = re.compile(r"\d(?:[ \u202f]?)(?=[€%])")       # must be a no-break space
LONG_FIGURE = re.compile(r"\d{1,3}(?:[\s\u202f\u00a0]\d{3}){3,}")  # a billion written out


def _labels():
    """Button titles and short labels of every wording module (the person reads them too)."""
    out = {}
    for info in pkgutil.walk_packages(bot.wording.__path__, bot.wording.__name__ + "."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, Button):
                out[f"{info.name}.{name}"] = value.title
            elif isinstance(value, dict) and name.isupper() and name != "TEMPLATES":
                for key, item in value.items():
                    if isinstance(item, str):
                        out[f"{info.name}.{name}.{key}"] = item
                    elif isinstance(item, tuple) and item and isinstance(item[0], str):
                        out[f"{info.name}.{name}.{key}"] = item[0]  # (title, payload): the title
    return out


LABELS = _labels()
TEXTS = {**TEMPLATES, **LABELS}


def test_there_is_text_to_check():
    assert len(TEMPLATES) > 300 and len(LABELS) > 20


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_the_insurer_speaks_as_nous(key):
    assert not THIRD_PERSON_INSURER.search(TEMPLATES[key]), f"{key}: {TEMPLATES[key]!r}"


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_typographic_apostrophe(key):
    assert not STRAIGHT_APOSTROPHE.search(TEXTS[key]), f"{key}: {TEXTS[key]!r}"


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_amounts_have_no_break_spaces(key):
    text = TEMPLATES[key]
    assert not PLAIN_THOUSANDS.search(text), f"{key}: thousands need a narrow no-break space: {text!r}"
    assert not UNIT_WITHOUT_NBSP.search(text), f"{key}: € and % need a no-break space before: {text!r}"
    assert not LONG_FIGURE.search(text), f"{key}: write a long figure in words (1,5 milliard d’euros): {text!r}"


def test_hard_coded_examples_of_the_forms():
    assert f"600{NNBSP}000{NBSP}€" in TEMPLATES["cap.ask_cap_requested"]
    assert f"12{NNBSP}300{NBSP}€" in TEMPLATES["declare.bad_amount"]


def test_big_amounts_in_words():
    assert money_words(1_500_000_000) == f"1,5{NBSP}milliard d’euros"
    assert money_words(2_000_000) == f"2{NBSP}millions d’euros"
    assert money_words(500_000) == f"500{NNBSP}000{NBSP}€"


def test_the_checks_catch_what_the_issue_reported():
    assert THIRD_PERSON_INSURER.search("Votre assureur vous le dira.")
    assert THIRD_PERSON_INSURER.search("ce que l’assureur vous paie")
    assert not THIRD_PERSON_INSURER.search("entre l’État et les assureurs-crédit")
    assert STRAIGHT_APOSTROPHE.search("l'État")
    assert PLAIN_THOUSANDS.search("Par exemple : 600 000 €.") and UNIT_WITHOUT_NBSP.search("600 000 €")
    assert LONG_FIGURE.search(f"1{NNBSP}500{NNBSP}000{NNBSP}000{NBSP}€")
