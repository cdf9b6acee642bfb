"""bot/voice/hearing.py: what a caller says, read as a person would have typed it."""
from __future__ import annotations

import pytest

from bot.store.refs import parse_ref
from bot.voice import hearing, speech


@pytest.mark.parametrize("said, typed", [
    ("euh S I N deux mille vingt et un, cent vingt-trois", "SIN-2021-000123"),
    ("où en est mon dossier S I N deux mille vingt et un cent vingt-trois ?",
     "où en est mon dossier SIN-2021-000123 ?"),
    ("le dossier s.i.n. 2021 123", "le dossier SIN-2021-000123"),
    ("sinistre numéro deux mille vingt-deux quarante-cinq", "SIN-2022-000045"),
    ("dix-huit mille quatre cents euros", "18400 euros"),
    ("deux millions cinq cent mille euros", "2500000 euros"),
    ("quatre-vingt-dix-huit", "98"),
    ("soixante et onze mille", "71000"),
    ("mille neuf cent quatre-vingt-dix-neuf", "1999"),
    ("le premier juin deux mille vingt-quatre", "le 1er juin 2024"),
    ("vingt et une factures", "21 factures"),
    ("je veux parler à un conseiller", "je veux parler à un conseiller"),
    ("euh... bah je voudrais mes dossiers", "je voudrais mes dossiers"),
])
def test_normalise(said, typed):
    assert hearing.normalise(said) == typed


@pytest.mark.parametrize("ref", ["SIN-2021-000123", "SIN-2024-004567", "SIN-2019-120001", "SIN-2025-000101"])
def test_what_the_assistant_says_it_reads_back(ref):
    assert parse_ref(hearing.normalise(speech.say_reference(ref))).ref == ref


@pytest.mark.parametrize("amount", [18400, 1234, 980, 71000, 2500000, 99999, 100000])
def test_amounts_said_in_words_come_back(amount):
    words = speech.say_amount(__import__("decimal").Decimal(amount))
    assert hearing.normalise(words).split()[0] == str(amount)


def test_phone_numbers():
    assert hearing.phone_number("zéro six douze trente-quatre cinquante-six soixante-dix-huit") == "0612345678"
    assert hearing.phone_number("zéro, six, un, deux, trois, quatre, cinq, six, sept, huit") == "0612345678"
    assert hearing.phone_number("06 12 34 56 78") == "0612345678"
    assert hearing.phone_number("+33 6 12 34 56 78") == "0612345678"
    assert hearing.phone_number("douze trente-quatre") is None


@pytest.mark.parametrize("text, expected", [
    ("pouvez-vous répéter ?", True), ("répétez", True), ("euh pardon ?", True), ("je n'ai pas compris", True),
    ("répétez-moi le montant de ma franchise sur le dossier Dupuis s'il vous plaît", False),
    ("où en est mon dossier", False), ("c'est quoi le CAP plus ?", False), ("comment ça marche ?", False),
    ("comment ?", True),
])
def test_wants_repeat(text, expected):
    assert hearing.wants_repeat(hearing.normalise(text)) is expected


@pytest.mark.parametrize("text, expected", [
    ("0", True), ("zéro", True), ("un conseiller", True), ("je veux un humain", True),
    ("passez-moi quelqu'un", True), ("mes dossiers", False), ("le dossier zéro", False),
])
def test_wants_person(text, expected):
    assert hearing.wants_person(hearing.normalise(text)) is expected


@pytest.mark.parametrize("text, expected", [
    ("oui", True), ("oui c'est ça", True), ("exactement", True), ("non", False), ("non merci", False),
    ("mes dossiers", None),
])
def test_yes_no(text, expected):
    assert hearing.yes_no(text) is expected


def test_choose_an_option():
    options = ["mes dossiers", "parler à un conseiller"]
    assert hearing.choose("mes dossiers", options) == 0
    assert hearing.choose("le deuxième", options) == 1
    assert hearing.choose("2", options) == 1
    assert hearing.choose("deux", options) == 1
    assert hearing.choose("conseiller", options) == 1
    assert hearing.choose("quel temps fait-il", options) is None
    assert hearing.choose("7", options) is None
