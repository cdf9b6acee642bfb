"""How to sign in and the advisers' opening hours, in words."""
from __future__ import annotations


from bot.handoff.hours import parse_hours
from bot.wording import help as wording


def test_week_in_words():
    assert wording.describe_week(parse_hours("mon-fri 09:00-18:00")) == "du lundi au vendredi de 9 h à 18 h"
    text = wording.describe_week(parse_hours("mon-thu 09:00-12:30,14:00-18:00; fri 09:00-17:00"))
    assert text.startswith("du lundi au jeudi de 9 h à 12 h 30 et de 14 h à 18 h")
    assert "le vendredi de 9 h à 17 h" in text


def test_opening_hours_reply():
    text = wording.opening_hours(parse_hours("mon-fri 09:00-18:00")).text
    assert "lundi" in text and "18 h" in text and "rappel" in text


def test_sign_in():
    assert "haut de la page" in wording.sign_in(False).text
    assert "mot de passe" in wording.sign_in(False, lost=True).text
    assert "déjà connecté" in wording.sign_in(True).text
