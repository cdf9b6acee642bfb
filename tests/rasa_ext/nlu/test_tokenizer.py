"""Tests of rasa_ext.nlu.tokenizer.FrenchTokenizer (run: pytest tests/rasa_ext/nlu)."""
import pytest
from rasa.shared.nlu.training_data.message import Message

from rasa_ext.nlu.tokenizer import FrenchTokenizer


@pytest.fixture(scope="module")
def tokenizer():
    return FrenchTokenizer(FrenchTokenizer.get_default_config())


def words(tokenizer, text):
    return [t.text for t in tokenizer.tokenize(Message(data={"text": text}), "text")]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("le CAP+ est-il ouvert ?", ["le", "CAP+", "est-il", "ouvert"]),
        ("cap + francexport", ["cap", "+", "francexport"]),
        ("CAP+ Francexport", ["CAP+", "Francexport"]),
        ("80k€ impayés", ["80k", "€", "impayés"]),
        ("45 000 € chez Dupont SAS", ["45", "000", "€", "chez", "Dupont", "SAS"]),
        ("1,5 M€", ["1,5", "M", "€"]),
        ("12 k€", ["12", "k", "€"]),
        ("quotité de 90%", ["quotité", "de", "90", "%"]),
        ("SIN-2021-000123 svp", ["SIN-2021-000123", "svp"]),
        ("sin2021000123", ["sin2021000123"]),
        ("dossier sin-2022-010203.", ["dossier", "sin-2022-010203"]),
        ("sin 2021 000123", ["sin", "2021", "000123"]),
        ("l'indemnité d'un client", ["l'", "indemnité", "d'", "un", "client"]),
        ("qu'il m'a dit", ["qu'", "il", "m'", "a", "dit"]),
        ("jusqu'au 30 juin", ["jusqu'", "au", "30", "juin"]),
        ("j’ai déclaré", ["j’", "ai", "déclaré"]),
        ("aujourd'hui", ["aujourd'hui"]),
        ("L'acheteur", ["L'", "acheteur"]),
        ("Rossi S.p.A. et Bati-Nord SA", ["Rossi", "S.p.A.", "et", "Bati-Nord", "SA"]),
        ("écrivez à jean.dupont@exemple.fr", ["écrivez", "à", "jean.dupont@exemple.fr"]),
        ("le 31/12/2021", ["le", "31/12/2021"]),
        ("ça va ?!", ["ça", "va"]),
        ("?", ["?"]),
    ],
)
def test_tokens(tokenizer, text, expected):
    assert words(tokenizer, text) == expected


def test_offsets_point_into_the_text(tokenizer):
    text = "Bonjour, l'acheteur Müller GmbH doit 80k€ (SIN-2021-000123)."
    for token in tokenizer.tokenize(Message(data={"text": text}), "text"):
        assert text[token.start : token.end] == token.text


def test_lemma_folds_accents_and_apostrophe(tokenizer):
    tokens = tokenizer.tokenize(Message(data={"text": "l’indemnité réglée"}), "text")
    assert [t.lemma for t in tokens] == ["l'", "indemnite", "reglee"]


def test_fold_accents_can_be_switched_off():
    config = {**FrenchTokenizer.get_default_config(), "fold_accents": False}
    tokens = FrenchTokenizer(config).tokenize(Message(data={"text": "réglée"}), "text")
    assert tokens[0].lemma == "réglée"


def test_intent_names_are_not_split(tokenizer):
    message = Message(data={"text": "bonjour", "intent": "ask_claim_status"})
    tokenizer.process([message])
    assert [t.text for t in message.get("intent_tokens")] == ["ask_claim_status"]


def test_registered_for_config_yml():
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe

    registered = DefaultV1Recipe._from_registry("rasa_ext.nlu.tokenizer.FrenchTokenizer")
    assert registered.clazz is FrenchTokenizer
