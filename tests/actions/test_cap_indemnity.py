"""CAP explanation, eligibility form and decision; indemnisation avancée. Run with rasa_sdk's Tracker."""
import asyncio
from datetime import date

import pytest

pytest.importorskip("rasa_sdk")
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from tests.actions.support import run_action as _run
from tests.actions.support import said


FORM = ("cap_buyer", "cap_requested", "cap_granted", "cap_country", "cap_transaction_date")


def _tracker(text="", intent="ask_cap", *, signed=True, slots=None, entities=None, sender="conv-1", pid=1,
             previous_action=None):
    from bot.auth import Identity, sign_identity
    from bot.settings import get_settings
    metadata = {}
    if signed:
        metadata = {"identity": sign_identity(get_settings(), Identity(policyholder_id=pid, channel="socketio"), sender),
                    "auth_status": "verified"}
    message = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": entities or [],
               "metadata": metadata}
    events = [{"event": "action", "name": previous_action}] if previous_action else []
    events.append({"event": "user", "text": text, "parse_data": message, "metadata": metadata})
    return Tracker(sender, slots or {}, message, events, False, None, {}, "action_listen")


def _plain(text):
    """No-break spaces and the typographic apostrophe made plain (typography: tests/bot/test_wording_typography.py)."""
    return text.replace("\u202f", " ").replace("\u00a0", " ").replace("\u2019", "'")


def _texts(messages):
    return _plain(" ".join(said(m) for m in messages))


def _slots(events):
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def _validate(slot, text, *, signed=False, slots=None, intent="out_of_scope", pid=1):
    from actions.cap_form import ValidateCapForm
    tracker = _tracker(text, intent, signed=signed, pid=pid, slots={"requested_slot": slot, **(slots or {})})
    dispatcher = CollectingDispatcher()
    domain = {"forms": {"cap_form": {"required_slots": list(FORM)}}, "slots": {}}
    events = asyncio.run(ValidateCapForm().run(dispatcher, tracker, domain))
    return _slots(events), dispatcher.messages


def _fill_form(answers, *, signed=False, start=None, pid=1):
    """Answer the form's questions in order, as the form would ask them."""
    slots = dict(start or {})
    for slot in FORM:
        if slots.get(slot) is None and slot in answers:
            got, _ = _validate(slot, answers[slot], signed=signed, slots=slots, pid=pid)
            slots.update({k: v for k, v in got.items() if k != "requested_slot"})
    return slots


def _evaluate(slots, signed=False):
    from actions.cap import ActionCapEvaluate
    return _run(ActionCapEvaluate(), _tracker("", "out_of_scope", signed=signed, slots=slots))


# --- explanation ---------------------------------------------------------------------------------

@pytest.mark.parametrize("question, scheme, expected", [
    ("c'est quoi le CAP ?", "CAP", ["complément d'assurance-crédit public", "1er janvier 2022"]),
    ("c'est quoi le CAP+ ?", "CAP+", ["refusons ou retirons", "1er janvier 2022", "500 000 €", "exemple publié"]),
    ("qu'est-ce que Cap Francexport ?", "Cap Francexport", ["étranger", "Bpifrance"]),
    ("Cap+ Francexport, c'est quoi ?", "Cap+ Francexport", ["étranger", "plafond"]),
    ("le cap relais existe encore ?", "Cap Relais", ["Cap Relais", "30 juin 2021"]),
])
def test_each_scheme_is_explained_and_closed_ones_say_so(store, question, scheme, expected):
    from actions.cap import ActionCap
    messages, events = _run(ActionCap(), _tracker(question, signed=False,
                                                  entities=[{"entity": "cap_scheme", "value": scheme}]))
    text = _texts(messages)
    for piece in expected:
        assert piece in text
    assert _slots(events) == {"cap_mode": "explain"}
    assert "/request_human" in [b["payload"] for m in messages for b in m.get("buttons") or []]


def test_general_question_gives_an_overview_and_no_price(store):
    from actions.cap import ActionCap
    text = _texts(_run(ActionCap(), _tracker("les dispositifs covid pour l'assurance crédit sont finis ?"))[0])
    assert "réactivé" in text and "1er janvier 2022" in text and "30 juin 2021" in text
    price = _texts(_run(ActionCap(), _tracker("combien coûte le CAP ?", signed=False))[0])
    assert "il dépend de votre contrat" in price and "%" not in price
    assert "tarif public" not in price  # issue 18, item 9: never claim that no tariff exists


# --- eligibility: the form with typed figures ----------------------------------------------------------

def test_eligibility_question_starts_the_form_for_a_visitor_without_the_buyer_question(store):
    from actions.cap import ActionCap
    messages, events = _run(ActionCap(), _tracker("suis-je éligible au CAP+ ?", signed=False))
    slots = _slots(events)
    assert slots["cap_mode"] == "eligibility" and slots["cap_buyer"] == "aucun"
    assert slots["cap_requested"] is None and messages == []
    _, events = _run(ActionCap(), _tracker("l'assureur a refusé, l'État peut couvrir ?", signed=False))
    assert _slots(events)["cap_refused"] is True and _slots(events)["cap_granted"] == "0"


def test_source_article_example_cap_400k_as_of_march_2021(store):
    slots = _fill_form({"cap_requested": "600 000 €", "cap_granted": "200k€", "cap_country": "en France",
                        "cap_transaction_date": "31/03/2021"}, start={"cap_buyer": "aucun"})
    assert slots["cap_requested"] == "600000" and slots["cap_granted"] == "200000"
    assert slots["cap_country"] == "FR" and slots["cap_transaction_date"] == "2021-03-31"
    text = _texts(_evaluate(slots)[0])
    assert "31 mars 2021" in text and "400 000 €" in text and "600 000 €" in text
    assert "deux fois" in text and "1er janvier 2022" in text  # the rule applied, and closed today
    assert "tarif" not in text or "pas de tarif" in text


def test_amounts_in_words_and_first_message_figures(store):
    from actions.cap import ActionCap
    slots, _ = _validate("cap_granted", "deux cent mille euros")
    assert slots["cap_granted"] == "200000" and slots["cap_refused"] is False
    _, events = _run(ActionCap(), _tracker(
        "vous m'accordez 200 000 € mais j'ai besoin de 600 000 €, l'État peut couvrir le reste ?", signed=False))
    prefilled = _slots(events)
    assert prefilled["cap_requested"] == "600000" and prefilled["cap_granted"] == "200000"
    slots, messages = _validate("cap_requested", "beaucoup")
    assert slots["cap_requested"] is None and "en chiffres" in _texts(messages)


def test_refusal_gives_cap_plus_500k(store):
    slots = _fill_form({"cap_requested": "600 000 €", "cap_granted": "refusé", "cap_country": "France",
                        "cap_transaction_date": "31/03/2021"}, start={"cap_buyer": "aucun"})
    assert slots["cap_refused"] is True
    text = _texts(_evaluate(slots)[0])
    assert "CAP+" in text and "500 000 €" in text and "31 mars 2021" in text


def test_closed_today_says_so_and_asks_for_the_sale_date_and_the_limit_then(store):
    """Issue 18, figures on the wrong basis: no amount computed for a date nobody gave, nor on
    today's limit; the sale date and the limit at that time are asked."""
    slots = _fill_form({"cap_requested": "600 000", "cap_granted": "200 000", "cap_country": "en France",
                        "cap_transaction_date": "aujourd'hui"}, start={"cap_buyer": "aucun"})
    assert slots["cap_transaction_date"] == date.today().isoformat()
    messages, _ = _evaluate(slots)
    text = _texts(messages)
    assert "a pris fin le 31 décembre 2021" in text and "1er janvier 2022" in text
    assert "aurait pu" not in text and "31 décembre 2021, le CAP" not in text and "400 000" not in text
    assert "la date de la vente, et la limite que nous vous accordions alors" in text
    assert "31/03/2021" in text  # the offer of another date


def test_a_store_buyer_at_another_date_uses_the_limit_of_that_date(store):
    """Giraud: 40 000 € granted in 2020, reduced to 15 000 € recently. A sale of 2021 is evaluated on
    40 000 €, never on today's 15 000 €; a sale before the first decision asks for the figures."""
    from actions.cap import ActionCap
    slots, _ = _validate("cap_buyer", "Charpentes Giraud", signed=True)
    assert slots["cap_granted"] == "15000.00"
    slots.update(cap_transaction_date=date.today().isoformat(), cap_refused=False)
    messages, events = _run(ActionCap(), _tracker("et pour une vente du 31/03/2021 ?", slots=slots,
                                                  previous_action="action_cap_evaluate"))
    assert _slots(events)["cap_granted"] == "40000.00"
    text = _texts(messages)
    assert "40 000 €" in text and "15 000" not in text
    messages, events = _run(ActionCap(), _tracker("et pour une vente du 15/01/2019 ?", slots=slots,
                                                  previous_action="action_cap_evaluate"))
    assert "Je n'ai pas la limite que nous vous accordions" in _texts(messages)
    got = _slots(events)
    assert got["cap_mode"] == "eligibility" and got["cap_granted"] is None and got["cap_buyer"] == "aucun"


def test_the_sale_date_answer_takes_the_limit_of_that_date_from_the_store(store):
    slots, _ = _validate("cap_buyer", "Charpentes Giraud", signed=True)
    got, messages = _validate("cap_transaction_date", "31/03/2021", signed=True, slots=slots)
    assert got["cap_granted"] == "40000.00" and "Nous avions accordé 40 000 €" in _texts(messages)
    got, messages = _validate("cap_transaction_date", "15/01/2019", signed=True, slots=slots)
    assert got["cap_buyer"] == "aucun" and got["cap_granted"] is None and got["cap_requested"] is None
    assert "Je vais donc vous la demander" in _texts(messages)


@pytest.mark.parametrize("slot", ["cap_requested", "cap_granted"])
def test_an_ambiguous_amount_is_asked_not_guessed(store, slot):
    """Issue 18, item 14: "600,000" -> "600 € ou 600 000 € ?", with one button per reading."""
    slots, messages = _validate(slot, "600,000", slots={"cap_requested": "900000"} if slot == "cap_granted" else {})
    assert slots[slot] is None
    assert "600 € ou 600 000 € ?" in _texts(messages)
    assert [b["payload"] for m in messages for b in m.get("buttons") or []] == ["600\u00a0€", "600\u202f000\u00a0€"]
    slots, _ = _validate(slot, "600\u202f000\u00a0€")  # the second button, sent back as the answer
    assert slots[slot] == "600000"


def test_another_date_after_a_decision_is_evaluated_again(store):
    from actions.cap import ActionCap
    slots = {"cap_buyer": "aucun", "cap_requested": "600000", "cap_granted": "200000", "cap_refused": False,
             "cap_country": "FR", "cap_transaction_date": date.today().isoformat()}
    messages, events = _run(ActionCap(), _tracker("et pour une vente du 31/03/2021 ?", signed=False, slots=slots,
                                                  previous_action="action_cap_evaluate"))
    assert "400 000 €" in _texts(messages) and _slots(events)["cap_transaction_date"] == "2021-03-31"


def test_foreign_buyer_goes_to_cap_francexport(store):
    slots = _fill_form({"cap_requested": "600 000 €", "cap_granted": "200 000 €", "cap_country": "Allemagne",
                        "cap_transaction_date": "31/03/2021"}, start={"cap_buyer": "aucun"})
    assert slots["cap_country"] == "DE"
    assert "Cap Francexport" in _texts(_evaluate(slots)[0]) or "CAP Francexport" in _texts(_evaluate(slots)[0])


# --- eligibility: figures from the store --------------------------------------------------------------

def test_signed_in_buyer_fills_the_figures_from_the_agrement(store):
    from actions.cap import ActionCap
    _, events = _run(ActionCap(), _tracker("suis-je éligible au CAP pour Constructions Roussel ?",
                                           entities=[{"entity": "buyer", "value": "Constructions Roussel"}]))
    assert _slots(events)["cap_buyer"] == "Constructions Roussel"
    slots, messages = _validate("cap_buyer", "Constructions Roussel", signed=True)
    assert slots["cap_buyer"] == "Constructions Roussel SARL"
    assert slots["cap_requested"] == "80000.00" and slots["cap_granted"] == "30000.00"
    assert slots["cap_country"] == "FR" and slots["cap_refused"] is False
    assert "J'ai repris votre agrément" in _texts(messages) and "Nous avons accordé" in _texts(messages)
    slots["cap_transaction_date"] = "2020-10-01"
    text = _texts(_evaluate(slots, signed=True)[0])
    assert "30 000 €" in text and "60 000 €" in text and "1er octobre 2020" in text


def test_signed_in_refused_buyer_and_unknown_buyer(store):
    slots, _ = _validate("cap_buyer", "Promotion Lambert", signed=True)
    assert slots["cap_refused"] is True and slots["cap_granted"] == "0"
    slots, messages = _validate("cap_buyer", "Société Inconnue", signed=True)
    assert slots["cap_buyer"] == "aucun" and "Je ne trouve pas" in _texts(messages)
    slots, _ = _validate("cap_buyer", "aucun", signed=True)
    assert slots == {"cap_buyer": "aucun"}


def test_other_companys_buyer_is_not_found(store):
    slots, messages = _validate("cap_buyer", "Constructions Roussel", signed=True, pid=3)
    assert slots["cap_buyer"] == "aucun" and "cap_requested" not in slots


def test_cap_buyer_store_failure_apologises_and_goes_on(store, monkeypatch):
    from bot.store import queries

    def broken(*args, **kwargs):
        raise RuntimeError("database down")
    monkeypatch.setattr(queries, "guarantee_on_buyer", broken)
    slots, messages = _validate("cap_buyer", "Constructions Roussel", signed=True)
    assert slots["cap_buyer"] == "aucun" and "désolé" in _texts(messages)


# --- indemnisation avancée ----------------------------------------------------------------------------

def _open_claims(url, pid):
    from bot.store import queries
    from bot.store.db import get_engine, session_scope
    with session_scope(get_engine(url)) as session:
        return queries.list_claims(session, pid, status="open").items


def test_advance_not_signed_in_explains_and_asks_to_sign_in(store):
    from actions.indemnity import ActionAdvanceIndemnification
    text = _texts(_run(ActionAdvanceIndemnification(), _tracker("indemnisation avancée ?", "ask_advance_indemnification",
                                                                signed=False))[0])
    assert "plus tôt" in text and "délai de carence" in text and "Connectez-vous" in text


def test_advance_signed_in_without_ref_lists_the_open_claims(store):
    from actions.indemnity import ActionAdvanceIndemnification
    messages, _ = _run(ActionAdvanceIndemnification(), _tracker("je peux être payé plus tôt ?",
                                                                "ask_advance_indemnification"))
    text = _texts(messages)
    assert "POL-2019-004512" in text and "prévoit ce service" in text
    payloads = [b["payload"] for m in messages for b in m.get("buttons") or []]
    assert len([p for p in payloads if p.startswith("/ask_advance_indemnification")]) == len(_open_claims(store, 1))


def test_advance_signed_in_for_one_claim_gives_status_and_dates(store):
    from actions.indemnity import ActionAdvanceIndemnification
    from bot.wording.format import day
    waiting = next(c for c in _open_claims(store, 1) if c.stage == "waiting_period")
    messages, events = _run(ActionAdvanceIndemnification(), _tracker(
        f"indemnisation avancée pour {waiting.ref} ?", "ask_advance_indemnification",
        entities=[{"entity": "claim_ref", "value": waiting.ref}]))
    text = _texts(messages)
    assert waiting.ref in text and "payé plus tôt" in text and "délai de carence" in text
    # the short answer to the question asked (issue 16): the date the waiting period ends, not the whole estimate
    assert day(waiting.next_step_date) in text and "inquiète" not in text
    assert _slots(events) == {"claim_ref": waiting.ref, "buyer": waiting.buyer_name}


def test_insolvency_claim_status_and_estimate_give_the_same_date(store):
    """Issue 18, item 21: the decision date planned in the claim file is the one both replies give."""
    from actions.claims import ActionClaimStatus
    from actions.indemnity import ActionAdvanceIndemnification
    from bot.wording.format import day
    claim = next(c for c in _open_claims(store, 3) if c.cause == "insolvency")
    planned = day(claim.next_step_date)
    status = _texts(_run(ActionClaimStatus(), _tracker(claim.ref, "ask_claim_status", pid=3,
                                                       entities=[{"entity": "claim_ref", "value": claim.ref}]))[0])
    estimate = _texts(_run(ActionAdvanceIndemnification(), _tracker(
        claim.ref, "ask_advance_indemnification", pid=3, entities=[{"entity": "claim_ref", "value": claim.ref}]))[0])
    assert planned in status and planned in estimate
    assert "pas encore vous donner de date" not in estimate


def test_advance_contract_without_the_service(store):
    from actions.indemnity import ActionAdvanceIndemnification
    claim = _open_claims(store, 3)[0]
    text = _texts(_run(ActionAdvanceIndemnification(), _tracker(
        f"avance sur {claim.ref}", "ask_advance_indemnification", pid=3,
        entities=[{"entity": "claim_ref", "value": claim.ref}]))[0])
    assert "ne prévoit pas l'indemnisation avancée" in text


def test_advance_unknown_and_foreign_ref_answer_alike(store):
    from actions.indemnity import ActionAdvanceIndemnification
    for ref in ("SIN-2021-000456", "SIN-2020-999999"):  # the first is policyholder 3's
        text = _texts(_run(ActionAdvanceIndemnification(), _tracker(
            ref, "ask_advance_indemnification", entities=[{"entity": "claim_ref", "value": ref}]))[0])
        assert f"Je ne trouve pas le dossier {ref}" in text


def test_advance_store_failure_apologises(store, monkeypatch):
    from actions.indemnity import ActionAdvanceIndemnification
    from bot.store import queries

    def broken(*args, **kwargs):
        raise RuntimeError("database down")
    monkeypatch.setattr(queries, "contract_terms", broken)
    messages, events = _run(ActionAdvanceIndemnification(), _tracker("avance ?", "ask_advance_indemnification"))
    assert "désolé" in _texts(messages) and events == []


# --- understanding (pure) ---------------------------------------------------------------------------

@pytest.mark.parametrize("question, mode", [
    ("c'est quoi le CAP+ ?", "explain"),
    ("le cap relais existe encore ?", "explain"),
    ("combien coûte le CAP ?", "explain"),
    ("le cap est il encore valable en 2026 ?", "explain"),
    ("suis-je éligible au CAP+ ?", "eligibility"),
    ("l'assureur a refusé, l'État peut couvrir ?", "eligibility"),
    ("ma limite est insuffisante, l'état peut compléter ?", "eligibility"),
    ("vous m'accordez 200k€ mais j'ai besoin de 600k€", "eligibility"),
])
def test_classify_explanation_or_eligibility(question, mode):
    from bot.cap.dialogue import classify
    assert classify(question, {}) == mode


def test_answers_are_parsed():
    from decimal import Decimal
    from bot.cap import dialogue
    today = date(2026, 6, 1)
    assert dialogue.parse_granted("refusé") == (Decimal(0), True)
    assert dialogue.parse_granted("200 000 €") == (Decimal(200000), False)
    assert dialogue.parse_granted("je ne comprends pas") is None
    assert dialogue.parse_country("en France") == "FR" and dialogue.parse_country("au Maroc") == "MA"
    assert dialogue.parse_country("à l'étranger") is None
    assert dialogue.parse_tx_date("mars 2021", today) == date(2021, 3, 1)
    assert dialogue.parse_tx_date("je ne sais pas", today) == today
    assert dialogue.prefill("1,5 M€ demandés, 200k€ accordés au Maroc", {}, today) == {
        "cap_requested": "1500000", "cap_granted": "200000", "cap_refused": False, "cap_country": "MA"}


# --- the form's unhappy paths: "stop", a question on the schemes instead of an answer ------------

def _left_form(events):
    return any(e.get("event") == "active_loop" and e.get("name") is None for e in events)


def _run_form(slot, text, intent, slots=None):
    from actions.cap_form import ValidateCapForm
    tracker = _tracker(text, intent, signed=False, slots={"requested_slot": slot, **(slots or {})})
    dispatcher = CollectingDispatcher()
    domain = {"forms": {"cap_form": {"required_slots": list(FORM)}}, "slots": {}}
    events = asyncio.run(ValidateCapForm().run(dispatcher, tracker, domain))
    return events, dispatcher.messages


@pytest.mark.parametrize("text, intent", [
    ("stop", "deny"), ("Stop !", "out_of_scope"), ("laissez tomber", "deny"), ("non laisse tomber merci", "deny"),
    ("annuler", "out_of_scope"), ("on arrête là", "deny"), ("c'est bon merci", "thank"), ("tant pis", "deny"),
])
@pytest.mark.parametrize("slot", ["cap_requested", "cap_granted", "cap_country", "cap_transaction_date"])
def test_stop_leaves_the_form_and_forgets_the_answers(store, slot, text, intent):
    events, messages = _run_form(slot, text, intent, slots={"cap_requested": "600000"} if slot != "cap_requested" else {})
    assert _left_form(events)
    slots = _slots(events)
    assert slots["cap_mode"] == "stopped"
    assert all(slots.get(s) is None for s in FORM)
    assert "j'arrête là" in _texts(messages)
    assert "Je n'ai pas compris" not in _texts(messages)


@pytest.mark.parametrize("text", ["annulé", "refusé, ils ont tout annulé", "non"])
def test_a_refusal_answer_is_not_a_stop(store, text):
    events, messages = _run_form("cap_granted", text, "deny")
    assert not _left_form(events)
    assert _slots(events)["cap_granted"] == "0"
    assert _slots(events)["cap_refused"] is True


@pytest.mark.parametrize("slot, text, expected", [
    ("cap_requested", "c'est quoi le CAP+ au juste ?", "refusons ou retirons"),
    ("cap_country", "et le cap francexport c'est pour qui ?", "étranger"),
    ("cap_transaction_date", "le CAP existe encore ?", "CAP"),
])
def test_a_question_on_the_schemes_is_answered_and_the_question_comes_back(store, slot, text, expected):
    events, messages = _run_form(slot, text, "ask_cap", slots={"cap_requested": "600000"} if slot != "cap_requested" else {})
    said = _texts(messages)
    assert expected in said and "Revenons à votre question" in said
    assert not _left_form(events)
    assert _slots(events).get(slot, "absent") is None  # nothing taken: the form asks again
    assert "Je n'ai pas compris" not in said


def test_an_answer_classified_as_a_cap_question_is_still_an_answer(store):
    events, messages = _run_form("cap_granted", "le cap m'a été refusé, ils ont accordé 200 000 €", "ask_cap",
                                 slots={"cap_requested": "600000"})
    assert _slots(events)["cap_granted"] == "200000"
    assert "Revenons" not in _texts(messages)


def test_evaluation_after_stop_says_nothing(store):
    slots = {"cap_mode": "stopped", "cap_requested": None}
    messages, events = _evaluate(slots)
    assert messages == [] and events == []


@pytest.mark.parametrize("question, buyer, expected", [
    ("pour la pharmacie centrale leroy on avait eu le CAP en 2020, il couvrait combien ?", "pharmacie centrale leroy",
     ["Pharmacie Centrale Leroy", "CAP"]),
    ("sur Klinikbedarf Weber je vois une ligne Cap Relais, c'est quoi ?", "Klinikbedarf Weber",
     ["Cap Relais", "pertes"]),
])
def test_the_top_up_stored_on_a_buyer_is_answered_without_a_form(store, question, buyer, expected):
    from actions.cap import ActionCap
    messages, events = _run(ActionCap(), _tracker(question, pid=3, entities=[{"entity": "buyer", "value": buyer}]))
    text = _texts(messages)
    for piece in expected:
        assert piece in text
    assert {"event": "slot", "timestamp": None, "name": "cap_mode", "value": "explain"} in events
    assert not any(e.get("name") == "cap_requested" for e in events)  # no form started


def test_ask_cap_guessed_without_a_word_of_the_schemes_goes_to_the_fallback(store):
    from actions.cap import ActionCap
    _, events = _run(ActionCap(), _tracker("je suis Claire Durand de la Menuiserie Durand, ça ne suffit pas ?",
                                           signed=False, entities=[{"entity": "buyer", "value": "Menuiserie"}]))
    assert [e.get("name") for e in events] == ["action_fallback"]


# --- issue 16: knowledge questions, hypotheticals, follow-ups whatever the intent ---------------------

_MARCH_2021 = {"cap_buyer": "aucun", "cap_requested": "600000", "cap_granted": "200000", "cap_refused": False,
               "cap_country": "FR", "cap_transaction_date": "2021-03-01"}


def test_a_hypothetical_refusal_after_a_decision_is_evaluated_as_cap_plus(store):
    from actions.cap import ActionCap
    messages, events = _run(ActionCap(), _tracker("et si l'assureur avait tout refusé ?", intent="complain",
                                                  signed=False, slots=_MARCH_2021, previous_action="action_cap_evaluate"))
    assert "500 000 €" in _texts(messages) and "CAP+" in _texts(messages)
    assert _slots(events)["cap_mode"] == "explain" and not any(e.get("event") == "followup" for e in events)


def test_every_figure_given_is_answered_without_the_form(store):
    from actions.cap import ActionCap
    messages, events = _run(ActionCap(), _tracker(
        "exemple : mars 2021, client français, demandé 600 000, accordé 200 000 ?", intent="ask_cap",
        previous_action="action_cap"))
    assert "400 000 €" in _texts(messages)
    assert _slots(events)["cap_mode"] == "explain" and not any(e.get("name") == "cap_form" for e in events)


def test_a_knowledge_question_is_answered_not_sent_to_the_buyer_question(store):
    from actions.cap import ActionCap
    messages, events = _run(ActionCap(), _tracker("et le cap il joue encore ? ça ferait 60 000 couverts"))
    text = _texts(messages)
    assert "1er janvier 2022" in text and "Sur quel client" not in text
    assert _slots(events) == {"cap_mode": "explain"}
    messages, _ = _run(ActionCap(), _tracker("ça coûte combien ce cap+ ?"))
    assert "contrat" in _texts(messages)


def test_inside_the_form_a_question_is_answered_and_the_answers_kept(store):
    slots, messages = _validate("cap_buyer", "au fait c'est quoi la différence entre cap et cap+ ?", intent="ask_cap",
                                slots={"cap_requested": "600000"})
    text = _texts(messages)
    assert "refusons" in text and "partie" in text and slots.get("cap_requested", "600000") == "600000"


def test_thanks_lets_the_cap_form_go(store):
    slots, messages = _validate("cap_buyer", "merci c'est clair", intent="thank")
    assert slots.get("cap_mode") == "stopped" and messages


def test_a_cap_follow_up_reaches_the_cap_answer_whatever_the_intent(store):
    from actions.guarantee import ActionGuarantee
    slots = {"cap_buyer": "aucun", "cap_requested": "400000", "cap_granted": "250000", "cap_refused": False,
             "cap_country": "US", "cap_transaction_date": "2021-03-01"}
    messages, events = _run(ActionGuarantee(), _tracker("nos ventes sont en dollars ça pose problème ?",
                                                        intent="ask_guarantee", slots=slots, previous_action="action_cap"))
    assert "dollars ne posent pas de problème" in _texts(messages) and _slots(events) == {"cap_mode": "explain"}
    messages, _ = _run(ActionGuarantee(), _tracker("nos ventes sont en dollars ça pose problème ?", intent="ask_guarantee",
                                                   slots=slots, previous_action="action_claim_status"))
    assert "dollars" not in _texts(messages)


def test_a_stored_top_up_is_named_with_its_scheme_for_a_private_market_country_today(store):
    from actions.cap import ActionCap
    slots = {"cap_buyer": "aucun", "cap_requested": "400000", "cap_granted": "250000", "cap_refused": False,
             "cap_country": "US", "cap_transaction_date": date.today().isoformat()}
    messages, _ = _run(ActionCap(), _tracker("et si on avait fait la même vente en mars 2021 ?", intent="ask_claim_status",
                                             signed=False, slots=slots, previous_action="action_cap_evaluate"))
    assert "150 000 €" in _texts(messages)


def test_a_francexport_question_on_the_buyer_discussed_takes_its_country(store):
    from actions.cap import ActionCap
    messages, events = _run(ActionCap(), _tracker(
        "on voudrait leur revendre 150 000 en janvier, vous refusez toujours de les couvrir, ça passerait en "
        "cap+ francexport aujourd'hui ?", pid=3, slots={"buyer": "Pharma Maroc SARL", "cap_mode": "explain"},
        previous_action="action_cap"))
    assert _slots(events)["cap_country"] == "MA" and "catégorie" in _texts(messages)
    assert "Maroc est" not in _texts(messages)
