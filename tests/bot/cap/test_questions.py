"""One question on a scheme gets its fact first, from the rule data (issue 16: CAP knowledge)."""
from datetime import date

import pytest

from bot.cap.dialogue import is_followup, last_answer, sale_date
from bot.cap.questions import is_hypothetical_refusal, kind, schemes_in
from bot.wording.cap.knowledge import country_note, knowledge_reply

TODAY = date(2026, 12, 4)


def _plain(text):
    return text.replace("\u202f", " ").replace("\u00a0", " ").replace("\u2019", "'")


def _answer(text, schemes, **kw):
    reply = knowledge_reply(text, schemes, TODAY, **kw)
    assert reply is not None
    return _plain(reply.text)


@pytest.mark.parametrize("text, expected", [
    ("le cap+ ça coute cher ? c'est quoi le tarif", "price"),
    ("cap plus, ca coûtait combien déjà", "price"),
    ("quelle différence entre cap francexport et cap+ francexport", "difference"),
    ("il a été lancé quand ce dispositif, pendant le covid ?", "history"),
    ("on facture en USD, c'est accepté ?", "currency"),
    ("quels critères pour y avoir droit en général ?", "conditions"),
    ("le plafond c'est combien par acheteur", "ceiling"),
    ("c'était quoi la part de l'état", "state_share"),
    ("il reste quoi comme autres pistes", "alternatives"),
    ("on peut encore le demander ?", "still_open"),
    ("bonjour", None),
])
def test_kind_of_question(text, expected):
    assert kind(text) == expected


def test_schemes_named_in_order_and_a_denied_one_left_out():
    assert schemes_in("différence entre le cap et le cap+ ?") == ["CAP", "CAP+"]
    assert schemes_in("le cap (pas francexport) en 2020") == ["CAP"]
    assert schemes_in("rien à voir") == []


def test_price_is_never_quoted_nor_said_not_to_exist():
    text = _answer("ça coûte combien ?", ["CAP+"])
    assert "contrat" in text and "€" not in text and "pas de tarif" not in text


def test_difference_says_partial_versus_refused():
    text = _answer("c'est quoi la différence ?", ["CAP"])
    assert "partie" in text and "refusons" in text


def test_history_gives_2018_and_never_says_created_in_2020():
    text = _answer("ça a été créé pendant le covid ?", ["CAP Francexport"])
    assert "10 octobre 2018" in text and "renforcé" in text and "créé en 2020" not in text


def test_conditions_come_from_the_rule_data_with_their_source():
    reply = knowledge_reply("les conditions en général ?", ["CAP Francexport"], TODAY)
    text = _plain(reply.text)
    assert "360 jours" in text and "20 %" in text and "dollars" in text and "confirmer" in text
    assert any(d.startswith("Notre source est") for d in reply.detail)


def test_currency_answer_for_dollars():
    assert "dollars ne posent pas de problème" in _answer("nos ventes sont en dollars, un souci ?", ["CAP Francexport"])


def test_top_up_ratio_per_period_and_category_ceilings_without_a_country_category():
    text = _answer("jusqu'à combien par rapport à la garantie ?", ["CAP"])
    assert "En 2020 : jusqu'à la garantie" in text and "deux fois" in text
    text = _answer("le plafond pour le maroc c'était 500 000 ?", ["CAP+ Francexport"])
    assert "catégorie" in text and "500 000 €" in text and "Maroc" not in text


def test_cap_relais_ended_nothing_to_ask_and_state_shares():
    assert "30 juin 2021" in _answer("faut faire une demande pour en profiter ?", ["Cap Relais"])
    assert "30 juin 2021" in _answer("ça marchait encore ?", ["Cap Relais"], sale=date(2021, 7, 1))
    text = _answer("la part de l'état c'était combien ?", ["Cap Relais"])
    assert "75 %" in text and "20 %" in text


def test_closed_domestic_scheme_and_its_alternatives():
    text = _answer("on pourrait le redemander maintenant ?", ["CAP"])
    assert text.startswith("Non") and "1er janvier 2022" in text and "acompte" in text


def test_private_market_country_is_named_with_its_caveat():
    assert "Italie" in _plain(country_note("CAP Francexport", "IT", TODAY))
    assert "confirmer" in _plain(country_note("CAP Francexport", "US", TODAY))
    assert country_note("CAP Francexport", "MA", TODAY) is None  # not on the sourced list
    assert country_note("CAP Francexport", "US", date(2021, 3, 1)) is None  # not excluded in 2021
    assert country_note("CAP", "US", TODAY) is None


def test_a_general_question_is_left_to_the_presentation():
    assert knowledge_reply("c'est quoi le cap ?", ["CAP"], TODAY) is None


def test_follow_ups_of_the_cap_talk():
    assert is_hypothetical_refusal("et si l'assureur avait tout refusé ?")
    assert not is_hypothetical_refusal("vous avez refusé mon client")
    assert sale_date("et si on avait fait la même vente en mars 2021 ?", TODAY) == date(2021, 3, 1)
    assert is_followup("et si on avait fait la même vente en mars 2021 ?", "action_cap_evaluate", TODAY)
    assert is_followup("nos ventes sont en dollars ça pose problème ?", "action_cap", TODAY)
    assert is_followup("exemple : mars 2021, demandé 600 000, accordé 200 000", "action_cap", TODAY)
    assert not is_followup("nos ventes sont en dollars ça pose problème ?", "action_claim_status", TODAY)
    assert not is_followup("et le dossier sur eux, il en est où ?", "action_cap", TODAY)  # another topic
    assert not is_followup("merci", "action_cap", TODAY)


def test_last_answer_is_the_action_before_the_latest_message():
    events = [{"event": "action", "name": "action_cap"}, {"event": "action", "name": "action_listen"},
              {"event": "user", "text": "x"}]
    assert last_answer(events) == "action_cap"
    assert last_answer([{"event": "user", "text": "x"}]) is None


def test_a_cap_answer_given_inside_another_action_counts_as_the_last_answer():
    events = [{"event": "user", "text": "exemple"}, {"event": "action", "name": "action_declare_start"},
              {"event": "slot", "name": "cap_mode", "value": "explain"}, {"event": "action", "name": "action_listen"},
              {"event": "user", "text": "et si l'assureur avait tout refusé ?"}]
    assert last_answer(events) == "action_cap"
