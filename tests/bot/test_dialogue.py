"""bot.dialogue: what a message is for, read before anything happens (no Rasa)."""
from datetime import date

import pytest

from bot import dialogue
from bot.parsing.dates import parse_date


@pytest.mark.parametrize("text", ["stop", "annuler", "Annulez", "laissez tomber", "en fait non laissez tomber, il paie",
                                  "ok on verra plus tard", "je reviens plus tard", "pas maintenant", "on arrête"])
def test_cancel(text):
    assert dialogue.is_cancel(text)


@pytest.mark.parametrize("text", ["annulé", "refusé, ils ont tout annulé", "FAC-2026-118", "12 300 €", "/deny", ""])
def test_not_cancel(text):
    assert not dialogue.is_cancel(text)


@pytest.mark.parametrize("text,expected", [
    ("je veux déclarer un impayé", True), ("bon ok on déclare", True), ("déclarer une facture", True),
    ("allons-y pour la déclaration", True),
    ("il faut que je la déclare aussi ?", False), ("je peux déjà déclarer ?", False),
    ("mon client est en liquidation, je fais quoi ?", False), ("Dupont ne m'a pas payé", False),
    ("et si je déclarais plus tard ?", False), ("/declare_unpaid", False),
])
def test_wish_to_declare(text, expected):
    assert dialogue.wants_to_declare(text) is expected


@pytest.mark.parametrize("text", ["vous êtes un robot ?", "c'est une IA qui répond ?", "vous etes humain ?",
                                  "y a quelqu'un derrière qui lit ?", "t'es un bot ou pas", "je parle à une machine ?",
                                  "je cause avec un algo là, non ?"])
def test_machine_question(text):
    assert dialogue.asks_if_machine(text)
    assert not dialogue.wants_a_person(text)


@pytest.mark.parametrize("text,expected", [
    ("je veux parler à un conseiller", True), ("un conseiller", True), ("passez-moi quelqu'un svp", True),
    ("rappelez-moi demain", True), ("ok merci, je vais appeler mon comptable", False),
    ("je dois contacter le mandataire moi-même ?", False), ("c'est quoi une DMS ?", False),
    ("à quelle heure vos conseillers sont-ils joignables ?", False),
])
def test_wish_for_a_person(text, expected):
    assert dialogue.wants_a_person(text) is expected


@pytest.mark.parametrize("text,expected", [
    ("je veux faire une réclamation", True), ("c'est inadmissible, personne ne répond", True),
    ("c'est quoi le médiateur ?", False), ("et si vous aviez tout refusé ?", False), ("et ceux de Dupont ?", False),
])
def test_wish_to_complain(text, expected):
    assert dialogue.wants_to_complain(text) is expected


def test_phone_numbers_are_phone_numbers():
    assert dialogue.phone_in("pardon : 07 11 22 33 44, merci") == "07 11 22 33 44"
    assert dialogue.looks_like_phone("07 11 22 33 4") and dialogue.looks_like_phone("+44 7700 900123")
    assert not dialogue.looks_like_phone("1 840 €") and not dialogue.looks_like_phone("FAC-2026-118")


def test_questions_and_small_talk():
    assert dialogue.is_question("quel est le délai ?") and dialogue.is_question("et pour Dupont")
    assert not dialogue.is_question("Bâtiments Lefèvre") and not dialogue.is_question("/ask_fees")
    assert dialogue.is_goodbye("merci, bonne soirée") and dialogue.is_thanks("merci bcp")
    assert dialogue.mentions_insolvency("il est en redressement judiciaire")


TODAY = date(2026, 12, 4)


@pytest.mark.parametrize("text,expected", [
    ("payable au 30 novembre", date(2026, 11, 30)), ("fin novembre", date(2026, 11, 30)),
    ("fin février 2024", date(2024, 2, 29)), ("début octobre", date(2026, 10, 1)), ("mi-octobre", date(2026, 10, 15)),
    ("le 30", date(2026, 11, 30)), ("c'était le 2", date(2026, 12, 2)), ("il y a deux mois", date(2026, 10, 4)),
    ("le 30 000 €", None), ("le 3 factures", None),
])
def test_dates_in_words(text, expected):
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize("text, cancel, question", [
    ("non finalement laissez, je vais d'abord regarder par moi-même", True, False),
    ("Non, oubliez, je rappellerai moi-même demain.", True, False),
    ("laissez-moi réfléchir", False, False),
    ("au fait une prorogation c'est quoi, mon comptable m'en a parlé", False, True),
    ("FA-2026-0977", False, False), ("2 540,80", False, False), ("martin logistique", False, False),
])
def test_changes_of_mind_and_questions_inside_a_form(text, cancel, question):
    assert dialogue.is_cancel(text) is cancel
    assert dialogue.is_question(text) is question
