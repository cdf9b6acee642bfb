"""action_guarantee and action_fees, run with rasa_sdk's Tracker and CollectingDispatcher on a seeded SQLite store."""
import re
from datetime import date
from decimal import Decimal

import pytest

pytest.importorskip("rasa_sdk")
from rasa_sdk import Tracker

from tests.actions.support import run_action as _run
from tests.actions.support import said


def _tracker(text="", intent="ask_guarantee", *, signed=True, entities=None, sender="conv-g", pid=1, status=None):
    from bot.auth import Identity, sign_identity
    from bot.settings import get_settings
    metadata = {}
    if signed:
        metadata = {"identity": sign_identity(get_settings(), Identity(policyholder_id=pid, channel="socketio"), sender),
                    "auth_status": "verified"}
    elif status:
        metadata = {"auth_status": status}
    ents = [{"entity": k, "value": v} for k, v in (entities or [])]
    message = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": ents, "metadata": metadata}
    events = [{"event": "user", "text": text, "parse_data": message, "metadata": metadata}]
    return Tracker(sender, {}, message, events, False, None, {}, "action_listen")


def _guarantee(text, **kwargs):
    from actions.guarantee import ActionGuarantee
    return _run(ActionGuarantee(), _tracker(text, **kwargs))


def _fees(text, **kwargs):
    from actions.fees import ActionFees
    return _run(ActionFees(), _tracker(text, "ask_fees", **kwargs))


def _texts(messages):
    return " ".join(said(m) for m in messages)


def _buttons(messages):
    return [b["payload"] for m in messages for b in (m.get("buttons") or [])]


def _limit_requests(url):
    from sqlalchemy import select
    from bot.store.db import get_engine, session_scope
    from bot.store.models import LimitIncreaseRequest
    with session_scope(get_engine(url)) as session:
        return [(r.policyholder_id, r.buyer_name, Decimal(r.requested_amount), r.status)
                for r in session.execute(select(LimitIncreaseRequest)).scalars()]


def _broken(*args, **kwargs):
    raise RuntimeError("store down")


# --- action_guarantee -----------------------------------------------------------------------------

def test_guarantee_needs_sign_in(store):
    messages, events = _guarantee("suis-je couvert sur Lefèvre ?", signed=False, entities=[("buyer", "Lefèvre")])
    assert "Connectez-vous" in _texts(messages) and "Lefèvre" not in _texts(messages) and events == []
    messages, _ = _guarantee("mes agréments", signed=False, status="expired")
    assert "expiré" in _texts(messages)


def test_forged_identity_gets_no_data(store):
    tracker = _tracker("mes agréments")
    tracker.events[-1]["metadata"]["identity"]["policyholder_id"] = 2
    from actions.guarantee import ActionGuarantee
    messages, _ = _run(ActionGuarantee(), tracker)
    assert "Connectez-vous" in _texts(messages) and "Martin" not in _texts(messages)


def test_buyer_granted_limit(store):
    messages, events = _guarantee("suis-je couvert sur Lefèvre ?", entities=[("buyer", "lefevre")])
    text = _texts(messages)
    assert "Bâtiments Lefèvre SAS" in text and "50\u202f000\u00a0€" in text
    assert {"event": "slot", "timestamp": None, "name": "buyer", "value": "Bâtiments Lefèvre SAS"} in events
    assert "/request_human" in _buttons(messages)


def test_reduction_is_explained_with_date_and_reason(store):
    text = _texts(_guarantee("pourquoi ma limite sur Giraud a baissé ?", entities=[("buyer", "Giraud")])[0])
    assert "réduit" in text and "15\u202f000\u00a0€" in text and "40\u202f000\u00a0€" in text
    assert "paie souvent en retard" in text and "restent couvertes" in text
    assert text.index("paie souvent en retard") < text.index("restent couvertes")  # the reason asked comes first
    assert re.search(r"\d{1,2}(er)? \w+ \d{4}", text)  # the date of the decision


def test_cancellation_is_explained(store):
    text = _texts(_guarantee("ma garantie sur Faure", entities=[("buyer", "Immobilière Faure")])[0])
    assert "mis fin" in text and "incidents de paiement" in text


def test_ambiguous_buyer_gives_buttons(store):
    messages, events = _guarantee("suis-je couvert sur Martin ?", pid=2, sender="conv-m",
                                  entities=[("buyer", "Martin")])
    payloads = _buttons(messages)
    assert '/ask_guarantee{"buyer":"Garage Martin"}' in payloads
    assert '/ask_guarantee{"buyer":"Martin Logistique SAS"}' in payloads
    assert "Duquel" in _texts(messages) and events == []


def test_button_payload_leads_to_the_buyer(store):
    text = _texts(_guarantee('/ask_guarantee{"buyer":"Garage Martin"}', pid=2, sender="conv-m",
                             entities=[("buyer", "Garage Martin")])[0])
    assert "Garage Martin" in text and "15\u202f000\u00a0€" in text


def test_foreign_buyer_answers_like_an_unknown_one(store):
    foreign, _ = _guarantee("suis-je couvert sur Garage Martin ?", entities=[("buyer", "Garage Martin")])
    unknown, _ = _guarantee("suis-je couvert sur Zorglub ?", entities=[("buyer", "Zorglub Industries")])
    assert foreign == unknown
    assert "Je ne trouve pas ce client" in _texts(foreign) and "Martin" not in _texts(foreign)


def test_limit_increase_is_recorded_never_granted(store):
    before = _texts(_guarantee("Lefèvre", entities=[("buyer", "Lefèvre")])[0])
    messages, _ = _guarantee("je voudrais augmenter ma limite sur Lefèvre à 80 000 €",
                             entities=[("buyer", "Lefèvre"), ("amount", "80 000 €")])
    text = _texts(messages)
    assert "enregistrée" in text and "80\u202f000\u00a0€" in text and "étudie" in text
    assert "50\u202f000\u00a0€" in text and "reste le même" in text
    assert "accordé" not in text
    assert _limit_requests(store) == [(1, "Bâtiments Lefèvre SAS", Decimal("80000.00"), "received")]
    after = _texts(_guarantee("Lefèvre", entities=[("buyer", "Lefèvre")])[0])
    assert after == before  # the agrément did not change


def test_limit_increase_amount_from_text_takes_the_target(store):
    _guarantee("Pouvez-vous relever notre agrément sur Perrin de 10 000 € à 25 000 € ?",
               entities=[("buyer", "Perrin")])
    assert _limit_requests(store)[0][1:3] == ("Agencement Perrin", Decimal("25000.00"))


def test_increase_without_amount_shows_the_limit_and_asks_the_amount(store):
    text = _texts(_guarantee("je veux augmenter ma limite sur Perrin", entities=[("buyer", "Perrin")])[0])
    assert "Agencement Perrin" in text and "Dites-moi le montant" in text
    assert _limit_requests(store) == []


def test_increase_on_a_foreign_buyer_is_a_first_request_like_any_unknown(store):
    messages, _ = _guarantee("augmenter ma limite sur Garage Martin à 20 000 €",
                             entities=[("buyer", "Garage Martin"), ("amount", "20 000 €")])
    text = _texts(messages)
    assert "première demande" in text and "15\u202f000" not in text  # nothing of policyholder 2 leaks
    assert _limit_requests(store)[0][0] == 1


def test_encours_overview(store):
    text = _texts(_guarantee("quel est mon encours garanti ?")[0])
    assert "encours garanti total" in text and "Bâtiments Lefèvre SAS" in text


def test_limits_overview_without_buyer(store):
    messages, _ = _guarantee("liste de mes agréments")
    assert "8 agréments" in _texts(messages)
    assert '/ask_guarantee{"buyer":"Charpentes Giraud"}' in _buttons(messages)


def test_territorial_scope_and_country(store):
    text = _texts(_guarantee("quels pays sont couverts par mon contrat ?")[0])
    assert "France et Union européenne" in text
    inside = _texts(_guarantee("mes clients en Italie sont couverts ?", entities=[("country", "Italie")])[0])
    assert "Italie" in inside and "fait partie de cette zone" in inside and "ne fait pas" not in inside
    outside = _texts(_guarantee("je vends au Brésil, suis-je couvert ?")[0])
    assert "Brésil" in outside and "ne fait pas partie" in outside


def test_territorial_scope_unknown_offers_a_person(store):
    messages, _ = _guarantee("je vends en Russie, c'est couvert à l'export ?", pid=3, sender="conv-a")
    text = _texts(messages)
    assert "Monde, hors pays sous sanctions" in text and "à coup sûr" in text
    assert "/request_human" in _buttons(messages)


@pytest.mark.parametrize("name,text,entities", [
    ("guarantee_on_buyer", "Lefèvre", [("buyer", "Lefèvre")]),
    ("record_limit_increase_request", "augmenter Lefèvre à 90 000 €", [("buyer", "Lefèvre"), ("amount", "90 000 €")]),
    ("encours", "mon encours", []),
    ("contract_terms", "quels pays ?", []),
    ("limits", "mes agréments", []),
])
def test_store_failure_apologises(store, monkeypatch, name, text, entities):
    from bot.store import queries
    monkeypatch.setattr(queries, name, _broken)
    messages, events = _guarantee(text, entities=entities)
    assert len(messages) == 1 and "désolé" in _texts(messages) and events == []
    assert "/request_human" in _buttons(messages)


# --- action_fees ----------------------------------------------------------------------------------

def test_fees_visitor_gets_the_kinds_of_fees_without_figures(store):
    messages, _ = _fees("combien coûte mon contrat ?", signed=False)
    text = _texts(messages)
    assert "prime" in text and "surveillance" in text and "enquête" in text and "recouvrement" in text
    assert "forfait" in text and "Connectez-vous" in text
    assert not re.search(r"\d", text)


def test_fees_signed_in_premium_rate_and_last_statement(store):
    text = _texts(_fees("comment est calculée ma prime ?")[0])
    assert "0,21\u00a0%" in text  # premium rate of the contract
    assert "dernier relevé" in text and "REL-" in text
    assert "Frais de surveillance" in text and "par client suivi" in text


def test_fees_of_a_year(store):
    year = date.today().year - 1
    text = _texts(_fees(f"mes frais de {year}")[0])
    assert f"1er janvier {year}" in text and f"31 décembre {year}" in text and "au total" in text


def test_fees_of_a_period_without_lines(store):
    text = _texts(_fees("mes frais de 2001")[0])
    assert "aucun frais sur cette période" in text


def test_fees_of_the_period_under_way_without_lines_show_the_last_statement(store):
    text = _texts(_fees("la prime de ce trimestre s'élève à combien ?")[0])  # not billed yet: the last statement
    assert "dernier relevé" in text and "aucun frais" not in text


def test_a_fee_line_by_its_amount(store):
    text = _texts(_fees("les 180 €, ils correspondent à quoi ?")[0])
    assert "Frais d’enquête" in text and "90" in text


def test_fees_new_client_has_no_statement_yet(store):
    text = _texts(_fees("ma dernière facture", pid=4, sender="conv-p")[0])
    assert "pas encore reçu de relevé" in text


def test_fees_store_failure_apologises(store, monkeypatch):
    from bot.store import queries
    monkeypatch.setattr(queries, "last_statement", _broken)
    messages, events = _fees("mes frais")
    assert len(messages) == 1 and "désolé" in _texts(messages) and events == []


# --- the pure parts ---------------------------------------------------------------------------------

def test_read_sorts_the_question():
    from bot.guarantee_intent import read
    assert read("suis-je couvert sur Dupont ?", buyers=["Dupont"]).kind == "buyer"
    ask = read("je voudrais augmenter ma limite sur Sahel à 150 000 €", buyers=["Sahel"], amounts=["150 000 €"])
    assert (ask.kind, ask.amount) == ("increase", Decimal("150000"))
    assert read("une hausse de ma garantie sur Roux", buyers=["Roux"]).kind == "buyer"  # no amount
    assert read("combien d'encours j'ai ?").kind == "encours"
    assert read("mon exposition totale").kind == "encours"
    assert read("vous couvrez l'étranger ?").kind == "scope"
    assert read("clients aux États-Unis couverts ?").country == "US"
    assert read("liste de mes agréments").kind == "overview"


@pytest.mark.parametrize("scope,code,expected", [
    ("France", "FR", True), ("France", "DE", False),
    ("France et Union européenne", "IT", True), ("France et Union européenne", "US", False),
    ("France et Espagne", "ES", True), ("France et Espagne", "PT", False),
    ("Monde, hors pays sous sanctions", "US", True), ("Monde, hors pays sous sanctions", "RU", None),
    ("Monde, sauf Brésil", "BR", False), ("Europe de l'Ouest", "FR", None), ("", "FR", None),
])
def test_country_in_scope(scope, code, expected):
    from bot.guarantee_intent import country_in_scope
    assert country_in_scope(scope, code) is expected


@pytest.mark.parametrize("text,expected", [
    ("mes frais 2025", (date(2025, 1, 1), date(2025, 12, 31))),
    ("ce trimestre", (date(2026, 4, 1), date(2026, 6, 30))),
    ("le trimestre dernier", (date(2026, 1, 1), date(2026, 3, 31))),
    ("T4 2025", (date(2025, 10, 1), date(2025, 12, 31))),
    ("l'année dernière", (date(2025, 1, 1), date(2025, 12, 31))),
    ("ce mois-ci", (date(2026, 5, 1), date(2026, 5, 31))),
    ("une facture de 1 250 €", None), ("le 12/03/2025", None), ("comment est calculée ma prime ?", None),
])
def test_period_from_text(text, expected):
    from actions.fees import period_from_text
    assert period_from_text(text, date(2026, 5, 10)) == expected


def test_buyer_named_without_entity_is_found_from_the_words(store):
    """"garantie sur martin": NLU found no buyer entity, the name after "sur" still leads to the buyers."""
    messages, _ = _guarantee("garantie sur martin", pid=2, sender="conv-m")
    payloads = _buttons(messages)
    assert '/ask_guarantee{"buyer":"Garage Martin"}' in payloads and "Duquel" in _texts(messages)
    one, events = _guarantee("limite pour garage martin ?", pid=2, sender="conv-m")
    assert "15\u202f000\u00a0€" in _texts(one) and events and events[0]["value"] == "Garage Martin"


def test_words_that_are_not_a_known_buyer_keep_the_usual_answer(store):
    """A guess unknown to the store (or a foreign company's buyer) falls back to the general answers."""
    overview, _ = _guarantee("quelles garanties pour mes clients ?")
    foreign, _ = _guarantee("garantie sur Garage Martin")          # a buyer of another company
    assert _texts(foreign) == _texts(overview)
    assert "Garage Martin" not in _texts(foreign)


def test_buyer_guess_reads_only_names():
    from bot.guarantee_intent import buyer_guess
    assert buyer_guess("garantie sur martin") == "martin"
    assert buyer_guess("quelle limite chez Bâtiments Lefèvre ?") == "Bâtiments Lefèvre"
    assert buyer_guess("garantie sur ce client") is None
    assert buyer_guess("couvert pour l'export ?") is None
    assert buyer_guess("combien de garantie") is None


def test_an_agrement_on_a_name_several_buyers_share_asks_which_one(store):
    """"c quoi mon agrement sur martin": the three Martins are named and asked about, not the whole list."""
    messages, events = _guarantee("slt, c quoi mon agrement sur martin et j'ai des dossiers ouverts sur eux ?", pid=2)
    text = _texts(messages)
    assert all(n in text for n in ("Garage Martin", "Martin Distribution SARL", "Martin Logistique SAS"))
    assert "Brasserie Fournier" not in text and events == []
