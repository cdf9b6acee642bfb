"""Which claim a follow-up is about (focus, last list shown, filters) and what it asks about it."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot import claim_focus
from bot.claim_focus import Focus
from bot.store.views import ClaimSummary


def _claim(ref, buyer, stage, declared, *, country="FR", paid="0", recovered="0", cause="protracted_default"):
    return ClaimSummary(ref=ref, buyer_name=buyer, cause=cause, stage=stage, declared_on=declared,
                        amount_declared=Decimal("1000"), next_step_code=None, next_step_date=None,
                        buyer_country=country, amount_indemnified=Decimal(paid), amount_recovered=Decimal(recovered))


ITEMS = [
    _claim("SIN-2026-000010", "Martin Logistique SAS", "declared", date(2026, 11, 29)),
    _claim("SIN-2026-000011", "Martin Logistique SAS", "waiting_period", date(2026, 7, 29)),
    _claim("SIN-2022-000012", "Martin Logistique SAS", "closed", date(2022, 12, 17), recovered="1000"),
    _claim("SIN-2026-000013", "Garage Martin", "under_review", date(2026, 11, 18)),
    _claim("SIN-2026-000014", "Carrières Moreau SAS", "indemnified", date(2026, 7, 16), paid="800"),
    _claim("SIN-2023-000015", "Carrières Moreau SAS", "refused", date(2023, 1, 11)),
    _claim("SIN-2026-000016", "Transportes López SL", "declared", date(2026, 12, 3), country="ES"),
]
LOGISTIQUE = ("SIN-2026-000010", "SIN-2026-000011", "SIN-2022-000012")


def refs(resolution):
    return [c.ref for c in resolution.claims]


@pytest.mark.parametrize("text, kind", [
    ("si le recouvrement échoue vous payez quand ?", "if_fails"),
    ("et s'il ne paie jamais, c'est pour quand le paiement ?", "if_fails"),
    ("bon et s'ils règlent pas du tout, vous me versez quand ?", "if_fails"),
    ("je serai payé combien s'il ne paie jamais ?", "payout"),
    ("on peut être payés avant la fin du délai ?", "advance"),
    ("une avance sur l'indemnité c'est possible ?", "advance"),
    ("vous avez récupéré quelque chose auprès d'eux ?", "recovered"),
    ("le plus vieux il s'est terminé comment ?", "ending"),
    ("j'ai bien déclaré dans les temps ?", "in_time"),
    ("c'était combien déjà ?", "amount"),
    ("celui qui a été payé, combien ?", "payout"),
    ("il en est où ce dossier ?", None),
])
def test_question_kind(text, kind):
    assert claim_focus.question_kind(text) == kind


def test_superlatives_and_country():
    assert claim_focus.superlative("le plus récent c'est lequel ?") == "newest"
    assert claim_focus.superlative("le plus vieux des trois") == "oldest"
    assert claim_focus.superlative("il en est où ?") is None
    assert claim_focus.country_filter("et ceux sur l'Espagne ?") == "ES"
    assert claim_focus.country_filter("mes dossiers en cours") is None


def test_a_buyer_named_in_several_words_wins_over_a_shared_word():
    names = [c.buyer_name for c in ITEMS]
    assert claim_focus.buyer_named("et martin logistique ils ont combien de dossiers", names) == \
        ("match", ["Martin Logistique SAS"])
    assert claim_focus.buyer_named("et celui sur lopez", names) == ("match", ["Transportes López SL"])
    assert claim_focus.buyer_named("les dossiers de martin", names)[0] == "ambiguous"
    assert claim_focus.buyer_named("bon merci bien", names) == ("none", [])


def test_the_last_list_shown_is_where_superlatives_and_stages_pick():
    focus = Focus(shown=LOGISTIQUE)
    assert refs(claim_focus.resolve_one("le plus vieux des trois il s'est terminé comment ?", ITEMS, focus)) == \
        ["SIN-2022-000012"]
    assert refs(claim_focus.resolve_one("le plus récent c'est lequel ?", ITEMS, focus)) == ["SIN-2026-000010"]
    assert refs(claim_focus.resolve_one("celui en délai de carence, c'est pour combien ?", ITEMS, focus)) == \
        ["SIN-2026-000011"]


def test_the_claim_in_focus_answers_a_question_without_words_pointing_at_it():
    focus = Focus(claim_ref="SIN-2023-000015", buyer="Carrières Moreau SAS", latest="claim")
    assert refs(claim_focus.resolve_one("c'était combien déjà ?", ITEMS, focus)) == ["SIN-2023-000015"]
    # a filter word in a question about THIS claim does not filter (« ce dossier »)
    assert refs(claim_focus.resolve_one("le redressement change quoi pour ce dossier ?", ITEMS, focus)) == \
        ["SIN-2023-000015"]
    # « l'autre, celui payé »: the other claim of that buyer
    assert refs(claim_focus.resolve_one("et l'autre sur moreau, celui payé ?", ITEMS, focus)) == ["SIN-2026-000014"]
    # no focus at all: nothing guessed
    assert claim_focus.resolve_one("c'était combien déjà ?", ITEMS, Focus()).claims == ()


def test_a_payment_word_is_not_the_indemnified_filter():
    focus = Focus(claim_ref="SIN-2026-000011", latest="claim")
    assert refs(claim_focus.resolve_one("on peut être payés en avance ?", ITEMS, focus)) == ["SIN-2026-000011"]
    assert claim_focus.read_filter("les dossiers déjà payés").stages == {"indemnified"}


def test_how_it_ended_prefers_a_closed_claim_of_the_buyer():
    assert refs(claim_focus.resolve_one("celui sur martin logistique il s'est fini comment ?", ITEMS, Focus())) == \
        ["SIN-2022-000012"]


def test_list_filters_start_from_all_claims():
    focus = Focus(shown=LOGISTIQUE, buyer="Martin Logistique SAS")
    assert refs(claim_focus.resolve_list("et ceux sur l'espagne ?", ITEMS, focus)) == ["SIN-2026-000016"]
    assert refs(claim_focus.resolve_list("lesquels sont refusés ?", ITEMS, focus)) == ["SIN-2023-000015"]
    assert set(refs(claim_focus.resolve_list("et les dossiers sur eux ?", ITEMS, focus))) == set(LOGISTIQUE)
    assert claim_focus.resolve_list("mes dossiers", ITEMS, focus).scope == "none"


def test_totals_come_from_the_store_figures():
    assert claim_focus.asks_total("vous m'avez payé combien en tout ?") == "indemnified"
    assert claim_focus.asks_total("au total vous avez récupéré combien ?") == "recovered"
    assert claim_focus.asks_total("combien de dossiers ?") is None
    assert claim_focus.total(ITEMS, "indemnified") == Decimal("800")
    assert claim_focus.total(ITEMS, "recovered") == Decimal("1000")


def test_shown_refs_reads_the_claim_buttons_of_a_recent_answer():
    buttons = [{"payload": '/ask_claim_status{"claim_ref":"%s"}' % r} for r in LOGISTIQUE]
    events = [{"event": "user"}, {"event": "bot", "data": {"buttons": buttons}}, {"event": "user"}]
    assert claim_focus.shown_refs(events) == LOGISTIQUE
    assert claim_focus.shown_refs(events + [{"event": "user"}] * 5) == ()


@pytest.mark.parametrize("text, which", [
    ("la semaine dernière on leur a livré du bois", None),
    ("c'est la première fois que ça arrive", None),
    ("mon dernier sinistre il en est où ?", "newest"),
    ("le premier de la liste", "oldest"),
])
def test_time_words_are_not_superlatives(text, which):
    assert claim_focus.superlative(text) == which


@pytest.mark.parametrize("text, kind, stages", [
    ("combien j'avais déclaré sur ce dossier ?", "amount", set()),
    ("la carence se termine quand pour lui ?", "if_fails", {"waiting_period"}),
    ("il finit quand ce délai ?", "if_fails", set()),
    ("il y a eu d'autres versements depuis ?", "recovered", set()),
    ("mes dossiers clos", None, {"closed"}),
    ("ceux qui sont terminés", None, {"closed"}),
])
def test_when_words_are_questions_and_when_they_filter(text, kind, stages):
    assert claim_focus.question_kind(text) == kind
    assert set(claim_focus.read_filter(text).stages) == stages
