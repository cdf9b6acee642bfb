"""Issue 18: what the assistant says must be true (wording outside the CAP), each item with a test
that would have caught it. The CAP items are in tests/bot/cap/; voice and typography in
tests/bot/test_wording_typography.py."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import textstat

from bot.store.views import ClaimView, DeclarationResult, EncoursLine, EncoursView, LimitView, StageEvent
from bot.wording import claims, conversation, declare, guarantee, process
from bot.wording.format import NBSP, NNBSP

D = Decimal


def _claim(**kw) -> ClaimView:
    values = dict(ref="SIN-2026-000200", buyer_name="Bâtiments Lefèvre SAS", buyer_country="FR",
                  cause="protracted_default", stage="declared", declared_on=date(2026, 3, 1),
                  due_date=date(2026, 1, 10), amount_declared=D("12300"), amount_admitted=None,
                  amount_recovered=D(0), amount_indemnified=D(0), next_step_code="waiting_period_end",
                  next_step_date=date(2026, 6, 9), contract_number="POL-2019-004512", quotite=D("0.9"),
                  advance_indemnification=False, history=(StageEvent("declared", date(2026, 3, 1)),))
    values.update(kw)
    return ClaimView(**values)


def _limit(**kw) -> LimitView:
    values = dict(buyer_name="Immobilière Faure SA", buyer_country="FR", buyer_siren=None, buyer_foreign_id=None,
                  contract_number="POL-2019-004512", status="cancelled", amount=D(0), requested_amount=D(25000),
                  decided_on=date(2026, 3, 1), reason_code="payment_incidents", previous_amount=D(25000),
                  outstanding=D(9800), outstanding_as_of=date(2026, 2, 28))
    values.update(kw)
    return LimitView(**values)


def _score(text: str) -> float:
    textstat.set_lang("fr")
    return textstat.flesch_reading_ease(text)


# --- item 10: the mediator ------------------------------------------------------------------------------

def test_mediation_is_not_said_to_be_free():
    text = conversation.TEMPLATES["complaint_mediation"]
    assert "gratuit" not in text and "médiateur" in text and "contrat" in text


# --- item 11: unsourced ranges ---------------------------------------------------------------------------

def test_generic_process_gives_sourced_ranges_and_the_contract_figure_first():
    generic = " ".join(r.text for r in process.process())
    assert "5 à 6 mois" not in generic and "70 à 95" not in generic
    assert "3 à 6 mois" in generic and f"60 à 95{NBSP}%" in generic

    class Terms:
        dms_deadline_days, waiting_period_days, quotite, payout_delay_days = 30, 150, D("0.9"), 30
    own = " ".join(r.text for r in process.process(Terms()))
    assert "150 jours" in own and "3 à 6 mois" not in own and "60 à 95" not in own


# --- item 18: a cancelled or reduced limit --------------------------------------------------------------

def test_cancelled_limit_says_what_stays_covered_with_the_stored_figures():
    text = guarantee.limit_detail(_limit(outstanding=D(0)), today=date(2026, 4, 1)).as_message()["text"]
    assert "Celles faites avant restent couvertes" in text and f"25{NNBSP}000{NBSP}€" in text
    text = guarantee.limit_detail(_limit(), today=date(2026, 4, 1)).as_message()["text"]
    assert "livraisons à venir" not in text
    assert f"9{NNBSP}800{NBSP}€" in text and f"25{NNBSP}000{NBSP}€" in text
    # the encours was declared before the cancellation: it stays covered, never "0 €"
    assert f"votre encours garanti est de 9{NNBSP}800{NBSP}€" in text
    assert not re.search(f"(?<![\\d{NNBSP}])0{NBSP}€", text)


def test_reduced_limit_with_encours_after_the_change_splits_before_and_after():
    limit = _limit(status="reduced", amount=D(15000), requested_amount=D(40000), previous_amount=D(40000),
                   outstanding=D(18000), outstanding_as_of=date(2026, 3, 31), decided_on=date(2026, 3, 1))
    text = guarantee.limit_detail(limit, today=date(2026, 4, 1)).as_message()["text"]
    assert "avant le 1er mars 2026 restent couvertes jusqu’à 40" in text and "jusqu’à 15" in text
    assert "encours garanti sur ce client est de 15" not in text


def test_encours_overview_does_not_contradict_a_cancelled_limit():
    view = EncoursView(lines=(EncoursLine("Immobilière Faure SA", "FR", D(0), D(9800), D(0), "cancelled"),
                              EncoursLine("Bâtiments Lefèvre SAS", "FR", D(50000), D(32400), D(32400), "granted")),
                       total_guaranteed=D(32400), total_outstanding=D(42200), total_limits=D(50000),
                       as_of=date(2026, 3, 31))
    text = guarantee.encours(view).as_message()["text"]
    assert "nous couvrons 0" not in text and "ancien agrément" in text


# --- item 19: a refused claim ---------------------------------------------------------------------------

def test_refused_claim_gives_the_refusal_reason_and_the_buyers_situation_apart():
    claim = _claim(stage="refused", cause="insolvency", next_step_code=None, next_step_date=None,
                   history=(StageEvent("declared", date(2026, 3, 1), "declared_late"),
                            StageEvent("refused", date(2026, 3, 20), "declared_late")))
    text = claims.claim_status(claim).as_message()["text"]
    assert "Motif : votre client est en procédure collective" not in text.replace(NNBSP, " ")
    assert "La raison" in text and "après le délai" in text
    reason, situation = text.index("La raison"), text.index("procédure collective")
    assert reason < situation and "Quant à votre client" in text
    unknown = claims.claim_status(_claim(stage="refused", next_step_code=None, next_step_date=None,
                                         history=(StageEvent("refused", date(2026, 3, 20)),))).text
    assert "expliquer la raison" in unknown


# --- item 20: a late declaration ------------------------------------------------------------------------

def test_late_declaration_never_promises_payment_and_says_the_last_day_included():
    claim = _claim(history=(StageEvent("declared", date(2026, 3, 1), "declared_late"),))
    result = DeclarationResult(outcome="created", claim=claim, late=True, dms_deadline=date(2026, 2, 9))
    text = claims.declaration(result).as_message()["text"]
    assert "au plus tard le 9 février 2026" in text and "avant le" not in text
    assert "payer" not in text and "voir si nous pouvons la prendre en charge" in text
    said = " ".join(r.text for r in declare.result(result))
    assert "payer" not in said and "sera alors reconnue" not in said
    status = claims.claim_status(claim).as_message()["text"]
    assert "payer" not in status and "voir si nous pouvons la prendre en charge" in status


def test_on_time_declaration_explains_the_waiting_period():
    result = DeclarationResult(outcome="created", claim=_claim(), late=False)
    text = claims.declaration(result).text
    assert "délai de carence" in text and "temps d’attente" in text  # item 23
    said = " ".join(r.text for r in declare.result(result))
    assert "temps d’attente" in said


def test_deadline_words_agree_with_the_check():
    """The deadline day is allowed (late only after it): "jusqu'au", and "a pris fin le"."""
    assert "jusqu’au" in declare.deadline(date(2026, 3, 1), passed=False).text
    passed = declare.deadline(date(2026, 3, 1), passed=True).text
    assert "a pris fin le 1er mars 2026" in passed and "dépassé depuis" not in passed


# --- item 21: the insolvency next step, one source of truth ---------------------------------------------
# (the action that builds the estimate from the claim: tests/actions/test_cap_indemnity.py)

# --- item 22 -------------------------------------------------------------------------------------------

def test_no_franchise_pun_and_no_unused_declaration_template():
    assert "franchise" not in conversation.TEMPLATES["csat_thanks_low"]
    assert "term_too_long" not in declare.TEMPLATES and not hasattr(declare, "term_too_long")


# --- item 14: the declaration form asks on an ambiguous amount ------------------------------------------

def test_declaration_ambiguity_question_offers_both_readings():
    reply = declare.amount_ambiguous((D("12.3"), D(12300)))
    assert f"12,30{NBSP}€ ou 12{NNBSP}300{NBSP}€ ?" in reply.text
    assert [b.payload for b in reply.buttons] == [f"12,30{NBSP}€", f"12{NNBSP}300{NBSP}€"]
    assert _score(reply.text) >= 60


# --- item 23: jargon explained in the same reply --------------------------------------------------------

JARGON = {  # term -> what must be in the same reply to explain it
    "franchise": r"reste toujours à votre charge",
    "mandataire judiciaire": r"nommée? par le tribunal",
    "délai de carence": r"temps d’attente|délai (d’attente )?fixé par votre contrat",
    "sinistre": r"le sinistre, c’est",
    "créance": r"créance, c’est-à-dire|créance \(ce qu",
    "SIREN": r"9 chiffres",
    "part française": r"valeur faite en France",
    "catégorie de risque": r"niveau de risque",
}


def _replies():
    """The replies that use the jargon of item 23 (rendered, one text per reply)."""
    from bot.cap import CapRequest, evaluate
    from bot.indemnity import IndemnityInputs, estimate
    from bot.wording import cap, indemnity
    as_of = date(2026, 4, 1)
    yield "estimate", indemnity.estimate_reply(estimate(IndemnityInputs(
        amount_owed=40000, credit_limit=30000, quotite="0.9", cause="liquidation",
        proceedings_published=date(2026, 3, 10), payout_delay_days=30), as_of)).text
    yield "estimate_late", indemnity.estimate_reply(estimate(IndemnityInputs(
        amount_owed=40000, credit_limit=30000, quotite="0.9", cause="liquidation",
        proceedings_published=date(2025, 3, 10)), as_of)).text
    yield "estimate_wait", indemnity.estimate_reply(estimate(IndemnityInputs(
        amount_owed=40000, credit_limit=30000, quotite="0.9", cause="liquidation"), as_of)).text
    yield "advance", indemnity.advance_general().text
    yield "declared", claims.declaration(DeclarationResult(outcome="created", claim=_claim())).text
    yield "declared_chat", " ".join(r.text for r in declare.result(DeclarationResult(outcome="created", claim=_claim())))
    yield "unknown_buyer", claims.declaration(DeclarationResult(outcome="buyer_unknown")).text
    yield "ask_buyer", declare.ask("buyer").text
    yield "visitor", " ".join(r.text for r in declare.visitor())
    yield "lookup_none", guarantee.TEMPLATES["lookup.none"]
    yield "process", " ".join(r.text for r in process.process())
    yield "list_none", claims.TEMPLATES["list.none_all"]
    for kw in (dict(buyer_country="CN", french_content_share="0.1"), dict(buyer_country="NP", refused=True),
               dict(buyer_country="MA", refused=True)):
        yield f"cap_{kw}", cap.decision_reply(evaluate(CapRequest(requested=600000, granted=None if kw.get("refused")
                                                                   else 200000, **kw), date(2021, 3, 31))).text


def test_jargon_is_explained_in_the_same_reply():
    for name, text in _replies():
        for term, explained in JARGON.items():
            if term in text:
                assert re.search(explained, text), f"{name}: « {term} » is not explained: {text}"


# --- item 8: Cap Relais on an agrément --------------------------------------------------------------------

def test_cap_relais_on_an_agrement_is_a_sharing_of_losses_and_premiums_not_a_guarantee():
    from bot.store.views import CapCoverView
    limit = _limit(status="granted", amount=D(120000), requested_amount=D(120000), previous_amount=None,
                   outstanding=D(64000), cap_covers=(CapCoverView("Cap Relais", D(120000), date(2020, 4, 1),
                                                                 date(2021, 6, 30)),))
    text = guarantee.limit_detail(limit, today=date(2026, 4, 1)).text
    assert "pertes et les primes" in text and "rien à demander" in text
    assert "ajouté une garantie sur ce client : Cap Relais" not in text and "fermé aux nouvelles demandes" not in text
