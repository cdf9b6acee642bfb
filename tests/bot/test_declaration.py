"""bot.declaration: the decisions of the unpaid-invoice form, without Rasa (3.10 and 3.12)."""
from datetime import date, timedelta
from decimal import Decimal

import pytest

from bot import declaration as d


def test_button_payloads_are_not_text():
    assert d.user_text("/affirm") == "" and d.user_text("  ACME  ") == "ACME" and d.user_text(None) == ""


@pytest.mark.parametrize("intent, text, expected", [
    ("inform", "ACME", True), ("ask_fees", "ACME", False), ("deny", "ACME", False), ("inform", "stop", False),
    ("inform", "laissez tomber", False),
])
def test_answering_only_the_question_asked(intent, text, expected):
    assert d.answering("buyer", "buyer", intent, text) is expected
    assert d.answering("amount", "buyer", intent, text) is False


def test_amount_answer_and_correction():
    assert d.amount_answer("12 300", "inform", "amount", None) == "12 300"
    assert d.amount_answer("non, c'est 12 300", "deny", "due_date", "12000") == "non, c'est 12 300"
    assert d.amount_answer("12 300", "inform", "due_date", "12000") is None  # no correction word
    # a plain amount typed when the amount is asked is the answer, whatever intent NLU gave it;
    # a question on the side, a phone number or a date is never one
    assert d.amount_answer("12 300", "ask_fees", "amount", None) == "12 300"
    assert d.amount_answer("combien de frais sur 12 300 ?", "ask_fees", "amount", None) is None
    assert d.amount_answer("06 12 34 56 78", "inform", "amount", None) is None
    assert d.amount_answer("échéance le 25 novembre", "inform", "due_date", "7350") is None
    assert d.amount_answer("annulez", "inform", "amount", None) is None


def test_an_amount_correction_is_not_a_due_date():
    assert d.due_date_answer("non, c'est 12 300", "deny", "due_date", "12000") is None
    assert d.due_date_answer("15/01/2025", "inform", "due_date", "12000") == "15/01/2025"
    assert d.due_date_answer("15/01/2025", "inform", "amount", None) is None
    assert d.due_date_answer("elle était payable au 15 novembre", "ask_cap", "due_date", "12000") is not None
    assert d.due_date_answer("quelle date je mets ?", "ask_claim_process", "due_date", None) is None


def test_buyer_invoice_and_amount_checks():
    assert d.buyer_name("  Transports   Martin ") == "Transports Martin"
    assert d.buyer_name("A") is None and d.buyer_name("x" * 121) is None
    assert d.invoice_number_from("n° FA-2026-0042.") == "FA-2026-0042"
    assert d.invoice_number_from("aucune") is None
    assert d.amount_from("12 300 €") == Decimal("12300") and d.amount_from("0") is None
    assert d.below(Decimal("300")).outcome == "below_minimum"


def test_amount_was_corrected_only_outside_its_question():
    assert d.amount_was_corrected("12000", "due_date", Decimal("12300"))
    assert not d.amount_was_corrected("12000", "amount", Decimal("12300"))
    assert not d.amount_was_corrected(None, "due_date", Decimal("12300"))


def test_due_date_and_dms_deadline():
    assert d.due_date_from("2025-01-15") == date(2025, 1, 15)
    assert d.due_date_from("n'importe quoi") is None
    assert d.dms_deadline(date(2025, 1, 15), 30, date(2025, 3, 1)) == (date(2025, 2, 14), True)
    assert d.dms_deadline(date(2025, 1, 15), 30, date(2025, 2, 14)) == (date(2025, 2, 14), False)


def test_pending_and_corrections():
    values = {"buyer": "ACME", "invoice_number": "F1", "amount": "12000", "due_date": "2025-01-15"}
    pending = d.pending_from(values)
    assert pending == {"buyer": "ACME", "invoice": "F1", "amount": Decimal("12000"), "due": date(2025, 1, 15)}
    assert d.pending_from({**values, "amount": None}) is None
    assert d.pending_from({**values, "due_date": "bad"}) is None
    assert d.corrected(dict(pending), "non, 12 300")["amount"] == Decimal("12300")
    assert d.corrected(dict(pending), "non") is None and d.corrected(dict(pending), "stop") is None
    assert d.corrected(None, "12 300") is None
    future = (date.today() + timedelta(days=30)).strftime("%d/%m/%Y")
    assert d.corrected(dict(pending), future) is None


def test_idempotency_key_is_stable_and_normalised():
    a = d.idempotency_key("s1", " ACME ", "f1", "12000", "2025-01-15")
    assert a == d.idempotency_key("s1", "acme", "F1 ", "12000", "2025-01-15") and a.startswith("chat:")
    assert a != d.idempotency_key("s2", "acme", "F1", "12000", "2025-01-15") and len(a) == 5 + 48


def test_invoice_number_answer_is_taken_even_if_nlu_calls_it_a_side_question():
    from bot.declaration import answering
    assert answering("invoice_number", "invoice_number", "ask_claim_status", "FAC-2026-118")
    assert answering("invoice_number", "invoice_number", "list_claims", "n° 1187")
    # a real side question, a claim reference or a stop are still not answers
    assert not answering("invoice_number", "invoice_number", "ask_claim_status", "où en est mon dossier ?")
    assert not answering("invoice_number", "invoice_number", "ask_claim_status", "SIN-2026-000101")
    assert not answering("invoice_number", "invoice_number", "request_human", "un conseiller")
    assert not answering("invoice_number", "invoice_number", "deny", "stop")


def test_an_amount_is_not_an_invoice_number():
    from bot.declaration import invoice_number_from
    assert invoice_number_from("2 400 €") is None
    assert invoice_number_from("12300 euros") is None
    assert invoice_number_from("FA-2026-0042") == "FA-2026-0042"


def test_a_stored_amount_that_looks_like_a_year_is_still_an_amount():
    pending = d.pending_from({"buyer": "Agencement Perrin", "invoice_number": "PER-1", "amount": "1980",
                              "due_date": "2026-11-10"})
    assert pending is not None and pending["amount"] == Decimal("1980")


# --- issue 16: what a message asks besides the form's question ------------------------------------

def test_a_payout_or_coverage_question_is_not_a_declaration():
    from bot import declaration as d
    assert d.asks_payout("la facture fait 1 840 euros. vous me rembourserez combien ?")
    assert not d.asks_payout("vous me rembourserez combien ?")  # no amount: the claim's payout, elsewhere
    assert d.asks_coverage("j'ai d'autres factures chez eux, 20 000 €, je suis encore couverte ?")
    assert not d.asks_coverage("je veux déclarer une facture")


def test_a_late_declaration_question_and_a_due_date_to_come():
    from datetime import date as _date
    from bot import declaration as d
    assert d.asks_about_lateness("ah j'ai dépassé ?? c'est grave")
    assert not d.asks_about_lateness("oui envoyez")
    assert d.future_due("l'échéance c'est dans 3 semaines, je peux déjà déclarer ?", _date(2026, 12, 4)) \
        == _date(2026, 12, 25)
    assert d.future_due("échéance il y a 3 semaines", _date(2026, 12, 4)) is None


def test_a_buyer_correction_names_the_new_buyer_never_the_denied_one():
    from bot import declaration as d
    text = "ah non je me suis trompé c'est pas garage martin c'est martin logistique"
    assert d.corrected_buyer(text, ("garage martin", "martin logistique")) == "martin logistique"
    assert d.corrected_buyer(text, ()) == "martin logistique"
    assert d.corrected_buyer("FA-2026-12", ()) is None
    assert d.corrected_buyer("non c'est 12 300", ()) is None


def test_several_answers_in_one_message():
    from bot import declaration as d
    text = "facture FA-2026-0901 de 250 €, échéance il y a deux semaines"
    assert d.invoice_in(text) == "FA-2026-0901"
    assert d.parse_amount(d.amount_answer(text, "inform", "invoice_number", None)) == 250
    assert d.due_date_answer(text, "inform", "invoice_number", None) == "échéance il y a deux semaines"
    # an amount then a question: the amount is the answer, the question is answered on the side
    text = "le montant c'est 18 450 euros. au fait on a combien de temps pour déclarer ?"
    assert d.parse_amount(d.amount_answer(text, "ask_claim_process", "amount", None)) == 18450
    assert d.amount_answer("06 12 34 56 78", "inform", "amount", None) is None


def test_cents_kept_before_a_word_starting_with_j():
    from decimal import Decimal
    from bot.parsing import parse_amount
    assert parse_amount("le montant c'est 2 540,80 j'ai inversé les chiffres") == Decimal("2540.80")
    assert parse_amount("sous 30 j") is None


def test_the_buyer_guessed_at_the_end_of_a_wish_to_declare():
    from bot.declaration import buyer_guess
    assert buyer_guess("declarer impayé martin") == "martin"
    assert buyer_guess("je veux declarer une facture impayée de perrin") == "perrin"
    assert buyer_guess("je veux déclarer un impayé") is None
    assert buyer_guess("jdois declarer 1 facture impayee") is None
