"""bot.clauses: where a message may hold several questions, and when to answer them one by one (no Rasa)."""
from __future__ import annotations

import pytest

from bot import clauses
from bot.clauses import Piece, Reading

SURE = 0.97


def texts(message):
    return [p.text for p in clauses.pieces(message)]


# --- where a message could be cut ---------------------------------------------------------------------------

@pytest.mark.parametrize("message,expected", [
    ("bjr, c koi la quotité ? et le délai pour déclarer c'est combien",
     ["bjr, c koi la quotité ?", "et le délai pour déclarer c'est combien"]),
    ("où en est le sinistre Dupont et aussi combien on a de garantie sur Leroy",
     ["où en est le sinistre Dupont", "et aussi combien on a de garantie sur Leroy"]),
    ("mon agrément sur Leroy c'est combien, et j'ai des impayés déclarés chez eux ?",
     ["mon agrément sur Leroy c'est combien", "et j'ai des impayés déclarés chez eux ?"]),
    ("la facture fait 2 300 €. au fait vous êtes ouverts le samedi ?",
     ["la facture fait 2 300 €.", "au fait vous êtes ouverts le samedi ?"]),
    ("vos frais c'est combien; et la franchise ?", ["vos frais c'est combien", "et la franchise ?"]),
    ("question 1 la carence\nquestion 2 les frais", ["question 1 la carence", "question 2 les frais"]),
    ("Où en est mon dossier ?? Autre question : vous payez quand ?",
     ["Où en est mon dossier ??", "Autre question : vous payez quand ?"]),
])
def test_cuts_at_the_marks_people_put_between_questions(message, expected):
    assert texts(message) == expected


@pytest.mark.parametrize("message", [
    "quelle différence entre le CAP et le CAP+ ?",
    "je voudrais le montant et la date du paiement",
    "vous couvrez aussi les ventes en Belgique ?",
    "M. Leroy ne m'a toujours pas payé",
    "le montant est de 18.450 euros",
    "est-ce que la franchise et la quotité s'additionnent ?",
    "Où en est mon dossier SIN-2021-000123 ?",
    "",
])
def test_one_question_with_et_or_a_dot_is_one_piece(message):
    assert len(clauses.pieces(message)) <= 1
    assert not clauses.may_hold_several(message)


def test_button_payloads_are_never_cut():
    assert clauses.pieces('/ask_cap{"cap_date": "2021-03-31"}') == []


def test_marks_are_read_without_accents_and_kept_in_the_text():
    found = clauses.pieces("c'est combien la franchise ? Également, vous êtes joignables à quelle heure ?")
    assert [p.mark for p in found] == ["", "egalement"]
    assert found[1].text.startswith("Également")


# --- whether to cut ---------------------------------------------------------------------------------------------

def reading(intent, confidence=SURE, **entities):
    return Reading(intent, confidence, {k: tuple(v) for k, v in entities.items()})


def test_two_different_questions_make_two_clauses():
    found = clauses.pieces("c'est combien mon agrément sur Leroy et j'ai des dossiers ouverts chez eux ?")
    chosen = clauses.plan(found, [reading("ask_guarantee"), reading("list_claims")])
    assert chosen is not None
    assert chosen.clauses == ("c'est combien mon agrément sur Leroy", "et j'ai des dossiers ouverts chez eux ?")
    assert chosen.merged == (False, False)


def test_a_request_carries_over_et_aussi():
    found = clauses.pieces("je voudrais savoir où en est le dossier Leroy et aussi le montant de notre garantie sur eux")
    assert clauses.plan(found, [reading("ask_claim_status"), reading("ask_guarantee")]) is not None


def test_the_same_question_twice_is_not_cut():
    found = clauses.pieces("c'est quoi la quotité ? et la franchise c'est quoi ?")
    assert clauses.plan(found, [reading("ask_term"), reading("ask_term")]) is None  # the glossary answers both


def test_the_same_intent_on_two_claims_is_cut():
    found = clauses.pieces("où en est le SIN-2026-000101 ? et où en est le SIN-2026-000102 ?")
    two = [reading("ask_claim_status", claim_ref=["sin-2026-000101"]),
           reading("ask_claim_status", claim_ref=["sin-2026-000102"])]
    assert clauses.plan(found, two) is not None


@pytest.mark.parametrize("second", [
    reading("ask_fees", 0.55),            # not confident
    reading("complain"),                  # a side effect: the whole message decides
    reading("request_human"),
    reading("declare_unpaid"),
    reading("thank"),
    reading("nlu_fallback", 0.3),
])
def test_only_confident_answerable_questions_are_cut(second):
    found = clauses.pieces("où en est mon dossier Leroy ? et vous pouvez me passer quelqu'un de chez vous ?")
    assert clauses.plan(found, [reading("ask_claim_status"), second]) is None


def test_a_statement_before_a_question_is_context_not_a_question():
    found = clauses.pieces("mon client Leroy est en liquidation et je voudrais savoir si je suis couvert")
    assert len(found) == 2
    assert clauses.plan(found, [reading("ask_claim_process"), reading("ask_guarantee")]) is None


def test_an_elliptic_second_question_shares_the_first_one():
    found = clauses.pieces("vous payez combien et quand ?")
    assert [p.text for p in found] == ["vous payez combien", "et quand ?"]
    assert clauses.plan(found, [reading("ask_claim_payout"), reading("ask_claim_status")]) is None


def test_courtesies_join_the_next_clause_or_the_last():
    found = clauses.pieces("Bonjour. Où en est le dossier Leroy ? Et c'est quoi la carence ? Merci d'avance.")
    assert len(found) == 4
    chosen = clauses.plan(found, [reading("greet"), reading("ask_claim_status"), reading("ask_term"),
                                  reading("thank")])
    assert chosen.clauses == ("Bonjour. Où en est le dossier Leroy ?", "Et c'est quoi la carence ? Merci d'avance.")
    assert chosen.anchors == (1, 2) and chosen.merged == (True, True)
    # the merged clauses must keep their question when parsed again
    same = [reading("ask_claim_status"), reading("ask_term")]
    assert clauses.confirm(chosen, same, same)
    assert not clauses.confirm(chosen, same, [reading("greet"), reading("ask_term")])
    assert not clauses.confirm(chosen, same, [reading("ask_claim_status", 0.5), reading("ask_term")])


# --- inside a form ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("slot,answer", [
    ("amount", "la facture fait 2 300 €."),
    ("amount", "c'est 12 400 euros"),
    ("due_date", "échéance le 30 novembre"),
    ("invoice_number", "FA-2026-0877"),
    ("buyer", "Leroy Bâtiment"),
    ("callback_phone", "06 12 34 56 78"),
])
def test_in_a_form_the_answer_and_a_question_make_two_clauses(slot, answer):
    found = clauses.pieces(f"{answer.rstrip('.')}. Au fait, vous êtes joignables le samedi ?")
    assert len(found) == 2, found
    chosen = clauses.plan(found, [reading("declare_unpaid", 0.6), reading("ask_opening_hours")], requested_slot=slot)
    assert chosen is not None and chosen.clauses[0].startswith(answer.rstrip("."))


@pytest.mark.parametrize("slot,first,intent", [
    ("amount", "je ne sais plus le montant.", "declare_unpaid"),  # no amount in it
    ("amount", "non.", "deny"),                                  # « non » in a form: the whole message decides
    ("amount", "laissez tomber.", "declare_unpaid"),               # a stop is not an answer
    ("due_date", "merci beaucoup.", "thank"),
    ("buyer", "mon client est en redressement judiciaire depuis hier.", "express_worry"),
    ("callback_slot", "demain matin.", "affirm"),                # a slot the split does not read
    (None, "la facture fait 2 300 €.", "declare_unpaid"),         # no form asking: a statement is context
])
def test_in_a_form_only_a_real_answer_is_split_off(slot, first, intent):
    found = clauses.pieces(f"{first} au fait, vous êtes joignables le samedi ?")
    assert len(found) == 2, found
    assert clauses.plan(found, [reading(intent, 0.9), reading("ask_opening_hours")], requested_slot=slot) is None


def test_answers_form_reads_the_slot_type():
    assert clauses.answers_form("amount", "4 320 €")
    assert not clauses.answers_form("amount", "06 12 34 56 78")  # a phone number is never an amount
    assert not clauses.answers_form("due_date", "4 320 €")
    assert not clauses.answers_form("invoice_number", "4 320 €")
    assert not clauses.answers_form("amount", "c'est combien le minimum ?")


def test_reading_from_rasa_parse_data():
    parse = {"intent": {"name": "ask_claim_status", "confidence": 0.91},
             "entities": [{"entity": "claim_ref", "value": "SIN-2021-000123"}, {"entity": "buyer", "value": "Durand"}]}
    got = Reading.from_parse(parse)
    assert got.intent == "ask_claim_status" and got.confidence == pytest.approx(0.91)
    assert got.entities == {"claim_ref": ("sin-2021-000123",), "buyer": ("durand",)}
    assert Reading.from_parse({}).intent is None


def test_asks():
    for text in ["c koi la franchise", "je voudrais savoir le délai", "dites-moi le montant", "on paie quand ?",
                 "le dossier Leroy il en est où"]:
        assert clauses.asks(text), text
    for text in ["la facture fait 2 300 €", "mon client est en liquidation", "merci"]:
        assert not clauses.asks(text), text


def test_pieces_of_unequal_length_or_a_single_piece_never_plan():
    one = [Piece("où en est mon dossier ?")]
    assert clauses.plan(one, [reading("ask_claim_status")]) is None
    assert clauses.plan(clauses.pieces("c'est quoi la carence ? et les frais c'est combien ?"),
                        [reading("ask_term")]) is None


def test_a_fact_checked_then_a_question_is_one_question():
    found = clauses.pieces("on a bien un dossier chez vous sur Leroy, non ? il en est où")
    assert len(found) == 2
    assert clauses.plan(found, [reading("ask_guarantee"), reading("ask_claim_status")]) is None
