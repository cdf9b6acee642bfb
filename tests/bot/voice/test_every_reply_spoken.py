"""Every reply that can be said on the phone renders as speech (issue 20: "a spoken-French rendering test").

Each template of the wording layer (``bot.wording.all_templates()``) and each response of domain.yml is
filled with realistic values formatted as the wording does it (Babel amounts, percentages and dates,
claim references, phone numbers), rendered by :func:`bot.voice.speech.render` with its buttons, and
must come out with no button, no markdown and nothing a voice would read out: no "€", "%", "SIN-",
URL, guillemets, asterisks, and no digit at all (every figure in words); chunks of at most 25 words.
Texts never said on the phone are listed in NOT_SAID with the reason.
"""
from __future__ import annotations

import re
import string
from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.voice import speech
from bot.wording import all_templates
from bot.wording.format import day, money, money_words, percent

ROOT = Path(__file__).resolve().parents[3]
# key prefixes of texts that are not said on the phone: SMS / e-mail bodies, the agent desk's and the web
# API's error messages, the messaging pairing answers (a phone call is verified by a code, not a pairing)
NOT_SAID = ("referral.sms", "referral.email", "referral.agent_", "referral.request_", "referral.redeem_",
            "pairing.", "core.too_many_requests", "voice.code_sms")
FORBIDDEN = re.compile(r"[€%*_\[\]«»<>#&+/\\|{}]|SIN-|https?:|www\.|\d")
# the page and typing are not things a caller can use (bot.wording.voice.PHONE_REWORDING says them otherwise)
WEB_ONLY = re.compile(r"(?i)\b(cette page|en haut de la page|écrivez|tapez votre|affiche[rz]? ici)\b")


class _Values(dict):
    """A realistic value for each placeholder, formatted as bot/wording formats it."""

    def __missing__(self, key: str) -> str:
        k = key.lower()
        if k in ("refs",):
            return "SIN-2021-000123, SIN-2022-000045"
        if "ref" in k:
            return "SIN-2021-000123"
        if k in ("phone",):
            return "06 12 34 56 78"
        if k in ("link",):
            return "https://assistance.example.fr/#referral=abc"
        if any(w in k for w in ("quotite", "taux", "share", "ratio", "min_share")):
            return percent(0.9)
        if any(w in k for w in ("amount", "montant", "plafond", "franchise", "reste", "total", "couvert")):
            return money(18400.5) if "reste" in k else money(18400)
        if any(w in k for w in ("date", "debut", "fin", "relais_end", "when")):
            return day(date(2021, 6, 10))
        if k in ("ceilings",):
            return f"{money_words(1_500_000_000)} ou {money(500000)}"
        if k in ("days", "jours", "max_days", "minutes", "seconds", "years", "nombre", "number", "numero", "category"):
            return "30"
        if k in ("horaires",):
            return "du lundi au vendredi, de 9 h à 18 h"
        if k in ("items", "names", "noms", "text"):
            return "Bâtiments Lefèvre, Martin Frères"
        return "Bâtiments Lefèvre"


def _fill(template: str) -> str:
    names = [f for _, f, _, _ in string.Formatter().parse(template) if f]
    return template.format_map(_Values()) if names else template


def _domain_responses():
    data = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8")) or {}
    out = {}
    for name, variants in (data.get("responses") or {}).items():
        for i, variant in enumerate(variants):
            if variant.get("text"):
                out[f"domain.yml:{name}[{i}]"] = {"text": variant["text"], "buttons": variant.get("buttons") or []}
    return out


REPLIES = {**{k: {"text": _fill(v)} for k, v in all_templates().items() if not k.startswith(NOT_SAID)},
           **_domain_responses()}


def test_there_are_replies_to_say():
    assert len(REPLIES) > 400


@pytest.mark.parametrize("key", sorted(REPLIES))
def test_reply_is_said_in_plain_spoken_french(key):
    said = speech.render([REPLIES[key]])
    text = said.text
    assert text.strip(), key
    bad = FORBIDDEN.findall(text) + WEB_ONLY.findall(text)
    assert not bad, f"{key}: {bad} in {text!r}"
    assert all(len(c.split()) <= speech.MAX_CHUNK_WORDS for c in said.chunks), said.chunks


def test_buttons_of_domain_responses_are_spoken():
    said = speech.render([REPLIES["domain.yml:utter_iamabot[0]"]])
    assert said.options and said.options[0].payload == "/request_human"
    assert "parler à un conseiller" in said.text
