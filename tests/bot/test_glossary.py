"""The glossary (bot/glossary.yml), the terms read from a message, and this contract's values."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot import glossary
from bot.store.views import ContractTerms
from bot.wording import glossary as wording

TERMS = ContractTerms(number="POL-1", start_date=date(2020, 1, 1), end_date=None, quotite=Decimal("0.85"),
                      minimum_claim_amount=Decimal("500"), deductible=Decimal("1000"), dms_deadline_days=30,
                      waiting_period_days=180, payout_delay_days=30, max_credit_term_days=60,
                      territorial_scope="France", advance_indemnification=False, premium_rate=None)


def test_every_term_has_a_short_definition():
    for term in glossary.terms().values():
        sentences = [s for s in term.definition.replace("?", ".").split(".") if s.strip()]
        assert 1 <= len(sentences) <= 3, term.key
        assert len(term.definition.split()) <= 60, term.key


@pytest.mark.parametrize("text, keys", [
    ("c'est quoi la franchise", ["franchise"]),
    ("quotite ?", ["quotite"]),
    ("Quotité, franchise et délai de carence ?", ["quotite", "franchise", "carence"]),
    ("le delai de carence", ["carence"]),
    ("c koi le bodacc", ["bodacc"]),
    ("bonjour", []),
])
def test_find_terms(text, keys):
    assert glossary.find_terms(text) == keys


def test_entity_comes_first():
    assert glossary.find_terms("et ça ?", ["subrogation"]) == ["subrogation"]


def test_contract_value_first_then_definition():
    text = wording.definitions(["franchise"], TERMS, signed_in=True).text
    assert text.startswith("Dans votre contrat, la franchise est de 1")
    assert glossary.get("franchise").definition in text


def test_no_deductible_is_said():
    terms = ContractTerms(**{**TERMS.__dict__, "deductible": Decimal("0")})
    assert "pas de franchise" in wording.definitions(["franchise"], terms, signed_in=True).text


def test_several_values_stay_short():
    text = wording.definitions(["quotite", "franchise", "carence"], TERMS, signed_in=True).text
    assert "85" in text and "180 jours" in text and len(text.split()) <= 60


def test_visitor_gets_the_definition_and_the_sign_in():
    text = wording.definitions(["quotite"], None, signed_in=False).text
    assert glossary.get("quotite").definition in text and "connectez-vous" in text


def test_unknown_term():
    assert "définition" in wording.definitions([], None).text
