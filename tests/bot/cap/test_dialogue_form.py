"""The CAP form's pure helpers: leaving it ("stop") and telling an answer from a side question."""
from datetime import date

import pytest

from bot.cap import dialogue

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize("text", [
    "stop", "STOP", "Stop !", "stop svp", "arrêtez", "on arrête", "on arrête là", "j'arrête", "annuler", "annulez",
    "annule tout", "laissez tomber", "laisse tomber", "non laisse tomber merci", "bon, laissez tomber la question",
    "abandonner", "oubliez", "oubliez ça", "tant pis", "pas maintenant", "plus tard", "c'est bon merci",
    "je ne veux plus", "finalement on arrête", "quitter", "ok stop",
])
def test_stop_words(text):
    assert dialogue.wants_to_stop(text)


@pytest.mark.parametrize("text", [
    "", None, "non", "annulé", "refusé", "ils ont annulé", "stop ou encore, je ne sais pas quoi répondre à mon client "
    "qui m'a dit qu'il arrêtait de payer toutes ses factures depuis mars", "600 000 €", "en France",
    "l'assureur a arrêté la garantie", "aujourd'hui", "Menuiserie Stop SARL facture 12",
])
def test_not_stop(text):
    assert not dialogue.wants_to_stop(text)


@pytest.mark.parametrize("slot, text, expected", [
    ("cap_requested", "600 000 €", True),
    ("cap_requested", "c'est quoi le CAP+ ?", False),
    ("cap_granted", "refusé", True),
    ("cap_granted", "200k", True),
    ("cap_granted", "le cap+ sert à quoi ?", False),
    ("cap_country", "en Allemagne", True),
    ("cap_country", "c'est quoi cap francexport ?", False),
    ("cap_transaction_date", "31/03/2021", True),
    ("cap_transaction_date", "le cap relais existe encore ?", False),
    ("cap_buyer", "Hôtel du Port SAS", True),
    ("cap_buyer", "et le CAP+ c'est quoi ?", False),
    ("unknown_slot", "600 000 €", False),
])
def test_answers(slot, text, expected):
    assert dialogue.answers(slot, text, TODAY) is expected


@pytest.mark.parametrize("text", ["600,000", "600,000 €", "on m'a accordé 200,000 €"])
def test_an_ambiguous_amount_is_never_prefilled_nor_guessed(text):
    """Issue 18, item 14: "600,000" is 600 € in French, 600 000 € in English: the form asks."""
    assert dialogue.amounts_in(text) == ()
    assert dialogue.ambiguous_amount(text)[1] in (600000, 200000)
    assert "cap_requested" not in dialogue.prefill(text, {}, TODAY)
    assert dialogue.answers("cap_requested", text, TODAY)  # an answer (to be asked about), not a side question
    assert dialogue.ambiguous_amount("600 000 €") is None and dialogue.ambiguous_amount("600,50 €") is None


@pytest.mark.parametrize("text", [
    "pour Dubreuil on avait eu le CAP en 2020, il couvrait combien ?",
    "sur Garage Fabre je vois une ligne Cap Relais, c'est quoi ?",
    "on a eu le cap+ derrière leur refus ? combien ?",
])
def test_a_question_on_a_stored_top_up_is_not_a_new_sale(text):
    assert dialogue.asks_about_record(text)


@pytest.mark.parametrize("text", [
    "je peux compenser avec Cap Francexport pour une commande le mois prochain ?",
    "on avait eu le CAP, ça marcherait aujourd'hui pour une nouvelle vente ?",
    "suis-je éligible au CAP+ ?",
])
def test_a_sale_to_come_is_not_a_record_question(text):
    assert not dialogue.asks_about_record(text)


def test_a_sale_to_come_is_dated_today():
    today = date(2026, 12, 4)
    assert dialogue.prefill("une commande de 90 000 le mois prochain", {}, today)["cap_transaction_date"] == \
        "2026-12-04"


@pytest.mark.parametrize("text, named", [
    ("et le complément de l'État ?", True), ("cap francexport", True), ("l'aide publique", True),
    ("je suis Claire Durand de la Menuiserie Durand, ça ne suffit pas ?", False),
])
def test_mentions_cap(text, named):
    assert dialogue.mentions_cap(text) is named
