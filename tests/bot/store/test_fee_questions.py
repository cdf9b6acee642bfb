"""Fees asked one line at a time: by amount, the statement before the last one, the fees of one claim."""
from __future__ import annotations

from decimal import Decimal

from bot.fee_questions import lines_with_amount, read_fee_question
from bot.store import queries as q
from bot.wording import fees
from bot.wording.format import NBSP, NNBSP


def _text(reply) -> str:
    return reply.text.replace(NBSP, " ").replace(NNBSP, " ")


def test_reading_the_question():
    assert read_fee_question("Les 150 €, ils correspondent à quoi ?").amount == Decimal("150")
    assert read_fee_question("Et la ligne à 180 ?").kind == "amount"
    assert read_fee_question("et le relevé du trimestre d'avant, il était de combien ?").kind == "previous"
    assert read_fee_question("le relevé précédent svp").kind == "previous"
    assert read_fee_question("et celui d'avant ?").kind == "previous"
    # a calendar period stays a period (actions/fees.py reads it)
    assert read_fee_question("mes frais du trimestre précédent").kind == "statement"
    assert read_fee_question("ça m'a coûté des frais ce dossier ?", claim_focus="SIN-2024-000104").kind == "claim"
    assert read_fee_question("et dessus, vous avez pris des frais ?", claim_focus="SIN-2024-000104").claim_ref \
        == "SIN-2024-000104"
    # no claim in focus: not a claim question; no amount: the usual answer
    assert read_fee_question("ça m'a coûté des frais ce dossier ?").kind == "statement"
    assert read_fee_question("c'est quoi les frais de surveillance ?").kind == "statement"
    assert read_fee_question("/ask_fees").kind == "statement"


def test_a_line_by_its_amount_on_the_latest_statement_that_has_it(session):
    lines = q.all_fee_lines(session, 1)
    found = lines_with_amount(lines, Decimal("180"))
    assert {l.statement_ref for l in found} == {"REL-2025-T1"} and found[0].kind == "investigation"
    text = _text(fees.fee_lines_by_amount(found, Decimal("180")))
    assert text.startswith("Sur votre relevé REL-2025-T1 du 15 avril 2025")
    assert "Frais d’enquête : 180 €" in text and "2 études" in text and "90 €" in text
    # a unit price finds its line too (« les 90 € ? »)
    assert lines_with_amount(lines, Decimal("90"))[0].kind == "investigation"
    # a collection fee names its claim
    text = _text(fees.fee_lines_by_amount(lines_with_amount(lines, Decimal("238.40")), Decimal("238.40")))
    assert "SIN-2024-000104" in text and "recouvrement" in text
    # nothing billed for that amount: said plainly, no invented line
    assert lines_with_amount(lines, Decimal("151")) == []
    assert "Je ne trouve pas de frais de 151 €" in _text(fees.fee_lines_by_amount([], Decimal("151")))


def test_the_statement_before_the_last_one(session):
    latest = q.last_statement(session, 1)
    before = q.last_statement(session, 1, before=latest.statement_date)
    assert before.statement_ref == "REL-2024-T4"
    text = _text(fees.previous_statement(before))
    assert text.startswith("Le relevé d’avant, REL-2024-T4 du 15 janvier 2025")
    assert "Je ne trouve pas de relevé plus ancien" in _text(fees.previous_statement(None))


def test_fees_of_one_claim_only_the_policyholders_own(session):
    mine = [l for l in q.all_fee_lines(session, 1) if l.claim_ref == "SIN-2024-000104"]
    text = _text(fees.claim_fees("SIN-2024-000104", mine))
    assert "Sur le dossier SIN-2024-000104, nous vous avons facturé 238,40 €" in text and "8 %" in text
    assert "aucun frais" in _text(fees.claim_fees("SIN-2024-000101", []))
    # another policyholder's lines never come back
    assert all(l.claim_ref != "SIN-2024-000104" for l in q.all_fee_lines(session, 2))
