"""Claim filters read from the words, and claims picked by buyer."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot import claim_filters
from bot.store.views import ClaimSummary
from bot.wording import focus


def _claim(ref, buyer, stage, cause="protracted_default"):
    return ClaimSummary(ref=ref, buyer_name=buyer, cause=cause, stage=stage, declared_on=date(2026, 1, 1),
                        amount_declared=Decimal("1000"), next_step_code=None, next_step_date=None)


ITEMS = [
    _claim("SIN-2026-000001", "Garage Martin", "collection"),
    _claim("SIN-2026-000002", "Martin Distribution SARL", "refused"),
    _claim("SIN-2021-000003", "Laiterie Girard SA", "indemnified", "insolvency"),
]


@pytest.mark.parametrize("text, stages, insolvency, year", [
    ("mes dossiers refusés", {"refused"}, False, None),
    ("lesquels sont en recouvrement", {"collection"}, False, None),
    ("les faillites", set(), True, None),
    ("mes dossiers 2021", set(), False, 2021),
    ("celui qui est a l'etude", {"under_review"}, False, None),
    ("mes dossiers", set(), False, None),
    ("celui sur perrin il s'est fini comment ?", {"closed"}, False, None),
])
def test_read_filter(text, stages, insolvency, year):
    flt = claim_filters.read_filter(text)
    assert (set(flt.stages), flt.insolvency, flt.year) == (stages, insolvency, year)


def test_apply():
    assert [i.ref for i in claim_filters.apply(ITEMS, claim_filters.read_filter("refusés"))] == ["SIN-2026-000002"]
    assert [i.ref for i in claim_filters.apply(ITEMS, claim_filters.read_filter("2021"))] == ["SIN-2021-000003"]
    assert [i.ref for i in claim_filters.apply(ITEMS, claim_filters.ClaimFilter(), "Garage Martin")] == ["SIN-2026-000001"]


def test_match_buyer_typos_and_partial_names():
    names = [i.buyer_name for i in ITEMS]
    assert claim_filters.match_buyer("laiterie girar", names) == ("match", ["Laiterie Girard SA"])
    assert claim_filters.match_buyer("martin", names)[0] == "ambiguous"
    assert claim_filters.match_buyer("boulangerie", names) == ("none", [])


def test_points_at_focus():
    assert claim_filters.points_at_focus("combien vous allez me payer dessus")
    assert claim_filters.points_at_focus("et ce dossier ?")
    assert claim_filters.asks_other("et l'autre ?")
    assert not claim_filters.points_at_focus("mes dossiers")


def test_focus_wording_lists_references_first():
    text = focus.claims(ITEMS[:2]).text
    assert "SIN-2026-000001" in text and "SIN-2026-000002" in text
    assert "aucun" in focus.claims([], "Garage Martin").text.lower()
    assert "délai" in focus.refusal_reason("declared_late")


@pytest.mark.parametrize("text", ["ils ne nous ont pas payés, c'est reçu ?", "il se termine quand ?",
                                  "le redressement change quoi ?"])
def test_words_read_as_a_filter_never_hide_the_buyers_claims(text):
    """A buyer who has claims never gets "no claim on this buyer" because a word of the question read as a filter."""
    flt = claim_filters.read_filter(text)
    assert not flt.empty and not claim_filters.apply(ITEMS, flt, "Garage Martin")
    assert [i.ref for i in claim_filters.for_buyer(ITEMS, flt, "Garage Martin")] == ["SIN-2026-000001"]
    assert [i.ref for i in claim_filters.for_buyer(ITEMS, claim_filters.read_filter("refusés"),
                                                   "Martin Distribution SARL")] == ["SIN-2026-000002"]
    assert claim_filters.for_buyer(ITEMS, flt, "Charpentes Giraud") == []


def test_one_close_name_is_asked_about_not_called_several():
    one = focus.which_buyer(["Holzbau Schneider GmbH"]).text
    assert "Holzbau Schneider GmbH" in one and "Plusieurs" not in one
    several = focus.which_buyer(["Garage Martin", "Martin Distribution SARL"]).text
    assert "Plusieurs" in several and "Garage Martin" in several


def test_buyer_named_in_a_message():
    names = [i.buyer_name for i in ITEMS] + ["Martin Logistique SAS"]
    assert claim_filters.buyer_named("c quoi mon agrement sur martin et mes dossiers ?", names)[:2] == (
        "ambiguous", ["Garage Martin", "Martin Distribution SARL", "Martin Logistique SAS"])
    assert claim_filters.buyer_named("et martin logistique ils ont combien de dossiers", names)[:2] == (
        "match", ["Martin Logistique SAS"])
    assert claim_filters.buyer_named("et laiterie girar ?", names, ["laiterie girar"])[:2] == ("match", ["Laiterie Girard SA"])
    assert claim_filters.buyer_named("merci, bonne soirée", names, ["merci, bonne soirée"]) == ("none", [], None)
    faure = ["Immobilière Faure SA", "Charpentes Giraud"]
    assert claim_filters.buyer_named("si je continue à leur livrer du mobilier, je suis couvert ?", faure)[0] == "none"
