"""bot/voice/speech.py: replies said in French (figures in words, references group by group, options spoken)."""
from __future__ import annotations

from datetime import date

import pytest

from bot.voice import speech
from bot.wording.format import day, money, money_words, percent


@pytest.mark.parametrize("written, said", [
    (money(18400), "dix-huit mille quatre cents euros"),
    (money(1234.5), "mille deux cent trente-quatre euros et cinquante centimes"),
    (money(1), "un euro"),
    (money_words(1_500_000_000), "un milliard cinq cents millions d’euros"),
    (money_words(2_000_000), "deux millions d’euros"),
    (percent(0.9), "quatre-vingt-dix pour cent"),
    (percent(0.025), "deux virgule cinq pour cent"),
    (day(date(2021, 6, 10)), "dix juin deux mille vingt et un"),
    (day(date(2021, 3, 1)), "premier mars deux mille vingt et un"),
    ("SIN-2021-000123", "S I N, deux mille vingt et un, cent vingt-trois"),
    ("01 99 00 41 23", "zéro un, quatre-vingt-dix-neuf, zéro zéro, quarante et un, vingt-trois"),
    ("de 9 h à 18 h 30", "de neuf heures à dix-huit heures trente"),
    ("le 2e dossier", "le deuxième dossier"),
    ("CAP+ Francexport", "CAP plus Francexport"),
    ("partage 20/80", "partage vingt sur quatre-vingts"),
    ("relevé REL-2026-T3", "relevé R E L, deux mille vingt-six, T trois"),
    ("demande DEM-12", "demande D E M, douze"),
    ("lun. 7 déc., 9 h", "lundi sept décembre, neuf heures"),
])
def test_figures_are_said_in_words(written, said):
    assert speech.spoken(written) == said


def test_no_symbol_or_markup_is_read_out():
    text = ("**Votre dossier SIN-2021-000123** : 18\u202f400\u00a0€ payés, quotité 90\u00a0% "
            "(voir [le détail](https://assurance.example/d)) « ici » — *fin* & suite")
    said = speech.spoken(text)
    for bad in ("€", "%", "*", "[", "](", "http", "«", "»", "&", "SIN-", "—"):
        assert bad not in said, (bad, said)
    assert "dix-huit mille quatre cents euros" in said and "la page" not in said


def test_chunks_have_at_most_25_words_and_cut_at_a_sentence():
    long = " ".join(["Nous avons reçu votre déclaration et nous la lisons avec soin."] * 6)
    said = speech.render([{"text": long}])
    assert len(said.chunks) >= 3
    assert all(len(c.split()) <= speech.MAX_CHUNK_WORDS for c in said.chunks)
    assert all(c.endswith(".") for c in said.chunks)


def test_a_very_long_sentence_is_cut_at_a_comma():
    sentence = ("Pour une vente du 10 juin 2021, nous couvrions 200 000 € sur les 600 000 € demandés, "
                "et le complément public pouvait ajouter 400 000 €, soit la totalité de la vente que vous aviez faite.")
    said = speech.render([{"text": sentence}])
    assert all(len(c.split()) <= speech.MAX_CHUNK_WORDS for c in said.chunks)
    assert said.chunks[0].endswith(",")


def test_buttons_become_spoken_options_with_their_payloads():
    said = speech.render([{"text": "Vouliez-vous parler de l’un de ces sujets ?",
                           "buttons": [{"title": "Mes dossiers", "payload": "/list_claims"},
                                       {"title": "Parler à un conseiller", "payload": "/request_human"}]}])
    assert said.options == (speech.Option("mes dossiers", "/list_claims"),
                            speech.Option("parler à un conseiller", "/request_human"))
    assert said.chunks[-1] == "Vous pouvez dire : mes dossiers, ou : parler à un conseiller."


def test_many_options_are_numbered_for_voice_and_keypad():
    buttons = [{"title": f"SIN-2021-00012{i}", "payload": f"/ask_claim_status{{\"claim_ref\":\"SIN-2021-00012{i}\"}}"}
               for i in range(1, 6)]
    said = speech.render([{"text": "Lequel ?", "buttons": buttons}])
    assert len(said.options) == 5
    assert "Dites le numéro de votre choix, ou tapez-le." in said.text
    assert "un : S I N, deux mille vingt et un, cent vingt et un" in said.text


def test_say_digits_for_confirmation():
    assert speech.say_digits("0612345678") == "zéro, six, un, deux, trois, quatre, cinq, six, sept, huit"
    assert speech.say_digits("0612345678", pairs=True) == "zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit"
