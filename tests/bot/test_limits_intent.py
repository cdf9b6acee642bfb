"""Reading one-buyer agrément questions and general process questions (bot/guarantee_intent.py,
bot/process_intent.py): pure functions, no store, no Rasa."""
from datetime import date
from decimal import Decimal

import pytest

from bot.guarantee_intent import buyer_guess, delivery_when, is_clear_request, read
from bot.process_intent import asks_about_insolvency, asks_what_to_prepare, due_date_ahead


@pytest.mark.parametrize("text,kind", [
    ("il nous reste combien de marge chez Vidal ?", "headroom"),
    ("si je leur vends encore 12 000 € on est couverts ?", "headroom"),
    ("ce qu'on expédie cette semaine chez eux, c'est garanti ?", "deliveries"),
    ("vous avez baissé leur limite, ça change quoi ?", "deliveries"),
    ("pk vous avez coupé ma limite ?", "reason"),
    ("c'était quoi le motif du refus", "reason"),
    ("remontez-les à 30 000 svp", "increase"),
    ("on peut redemander un agrément ?", "increase"),
    ("liste de mes agréments", "overview"),
    ("mon encours total ?", "encours"),
])
def test_one_buyer_questions_are_sorted(text, kind):
    assert read(text).kind == kind


def test_a_year_is_not_the_amount_asked():
    assert read("on peut revoir le refus ? on a nos bilans 2025", amounts=["2025"]).amount is None
    assert read("faites une demande à 45 000", amounts=["45 000"]).amount == Decimal("45000")


def test_why_with_an_amount_is_a_reason_not_a_request():
    assert read("pourquoi seulement 3000 alors que j'avais demandé 5000 ?").kind == "reason"


@pytest.mark.parametrize("text,clear", [
    ("faites une demande pour 140 000 alors", True),
    ("pouvez-vous demander à les remonter à 70 000 ?", True),
    ("augmenter Lefèvre à 90 000 €", True),
    ("je voudrais passer à 60 000", True),
    ("on peut demander plus ? genre 5000", False),
    ("c'est possible de monter à 20 000 ?", False),
    ("est-ce qu'on peut redemander 8 000 ?", False),
])
def test_a_request_is_told_from_a_question(text, clear):
    assert is_clear_request(text) is clear


@pytest.mark.parametrize("text,when", [
    ("les livraisons d'avant la coupure restent couvertes ?", "before"),
    ("nos factures déjà livrées restent couvertes ?", "before"),
    ("ce qu'on livre en ce moment c'est couvert ?", "after"),
    ("on leur a livré la semaine dernière, c'est couvert ?", "after"),
    ("mes livraisons sont couvertes ?", None),
])
def test_which_deliveries(text, when):
    assert delivery_when(text) == when


def test_a_pronoun_or_an_article_is_not_a_buyer_name():
    assert buyer_guess("notre encours sur eux c'est combien") is None
    assert buyer_guess("couvert pour l'export ?") is None
    assert buyer_guess("le mien sur l'Hôtel du Port ?") == "Hôtel du Port"


def test_process_questions():
    assert asks_what_to_prepare("qu'est-ce qu'il me faut pour déclarer ?")
    assert asks_what_to_prepare("je dois avoir quoi sous la main")
    assert not asks_what_to_prepare("quels documents pour être indemnisé ?")
    assert asks_about_insolvency("il est en liquidation, vous payez quand même ?")
    assert not asks_about_insolvency("c'est quoi une liquidation judiciaire")
    assert not asks_about_insolvency("mon client est en redressement")  # said, not asked: the worry path
    today = date(2026, 12, 4)
    assert due_date_ahead("l'échéance c'est dans 3 semaines, je peux déjà déclarer ?", today)
    assert due_date_ahead("échéance le 20 décembre, je peux la déclarer ?", today)
    assert not due_date_ahead("échéance il y a deux semaines, je peux déclarer ?", today)
    assert not due_date_ahead("l'échéance est dans 3 semaines", today)  # no question on declaring


def test_a_definition_is_told_from_a_figure():
    from bot.process_intent import asks_definition
    assert asks_definition("c quoi un débiteur ? et un acheteur c pareil ?")
    assert asks_definition("subrogation ça veut dire quoi")
    assert not asks_definition("c quoi mon agrément sur martin")
    assert not asks_definition("quel est le délai pour déclarer")


def test_what_was_asked_before_is_not_a_new_request():
    assert read("notre agrément sur eux c'est toujours 200 000 sur 600 000 demandés ?").kind != "increase"
    assert read("j'avais demande 5000 et vous m'avez mis 3000").kind != "increase"


def test_too_late_question():
    from bot.process_intent import asks_if_too_late
    assert asks_if_too_late("l'échéance c'était il y a deux mois, c'est trop tard ?")
    assert asks_if_too_late("je peux encore la déclarer ?")
    assert not asks_if_too_late("je suis en retard")
