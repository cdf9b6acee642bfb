"""Side effects only on a clear wish, forms that let go, never silent (actions against a seeded store)."""
import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

pytest.importorskip("rasa_sdk")
from rasa_sdk.executor import CollectingDispatcher

from tests.actions.support import make_tracker, payloads, run_action, texts

MONDAY_10 = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))


def _slot(events, name):
    return next((e["value"] for e in events if e.get("event") == "slot" and e.get("name") == name), "unset")


def _rows(url, model):
    from sqlalchemy import func, select
    from bot.store.db import get_engine, session_scope
    with session_scope(get_engine(url)) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.fixture()
def clock(monkeypatch):
    import actions.handoff as module
    monkeypatch.setattr(module, "now", lambda: MONDAY_10)


# --- declaration: the form starts only on a clear wish ---------------------------------------------

def test_clear_wish_starts_the_form(store):
    from actions.declare import ActionDeclareStart
    messages, events = run_action(ActionDeclareStart(), make_tracker("je veux déclarer un impayé", "declare_unpaid"))
    assert _slot(events, "declaration_allowed") is True and "quatre questions" in texts(messages)


def test_buyer_in_insolvency_is_told_what_to_do_and_asked_first(store):
    from actions.declare import ActionDeclareStart
    messages, events = run_action(ActionDeclareStart(), make_tracker(
        "Dupuis est en liquidation judiciaire, je fais quoi ?", "declare_unpaid"))
    assert _slot(events, "declaration_allowed") is False
    assert "mandataire" in texts(messages) and "BODACC" in texts(messages)
    assert "/declare_unpaid" in payloads(messages)


def test_inferred_declaration_is_offered_and_yes_starts_it(store):
    from rasa_sdk import Tracker
    from actions.declare import ActionDeclareStart
    messages, events = run_action(ActionDeclareStart(), make_tracker("Dupuis ne m'a pas payé", "declare_unpaid"))
    assert _slot(events, "declaration_allowed") is False and "/declare_unpaid" in payloads(messages)
    base = make_tracker("oui", "affirm")
    history = [{"event": "user", "text": "Dupuis ne m'a pas payé", "parse_data": {"intent": {"name": "declare_unpaid"}}},
               {"event": "action", "name": "action_declare_start"},
               {"event": "bot", "text": messages[-1]["text"]}, {"event": "action", "name": "action_listen"}]
    tracker = Tracker(base.sender_id, {}, base.latest_message, history + base.events, False, None, {}, "action_listen")
    _, events = run_action(ActionDeclareStart(), tracker)
    assert _slot(events, "declaration_allowed") is True
    # the same yes after an answer that offered nothing (a CAP question, an estimate) starts no declaration
    tracker = Tracker(base.sender_id, {}, base.latest_message, [h for h in history if h["event"] != "bot"] + base.events,
                      False, None, {}, "action_listen")
    _, events = run_action(ActionDeclareStart(), tracker)
    assert _slot(events, "declaration_allowed") is not True


def _validate(form, slot, text, intent, slots=None):
    tracker = make_tracker(text, intent, slots={"requested_slot": slot, **(slots or {})})
    dispatcher = CollectingDispatcher()
    forms = {"declare_unpaid_form": {"required_slots": ["buyer", "invoice_number", "amount", "due_date"]},
             "callback_form": {"required_slots": ["callback_phone", "callback_slot"]}}
    events = asyncio.run(form.run(dispatcher, tracker, {"forms": forms, "slots": {}}))
    return events, dispatcher.messages


@pytest.mark.parametrize("text,intent", [("laissez tomber", "deny"), ("on verra plus tard", "goodbye"),
                                         ("merci, bonne soirée", "thank"), ("stop", "out_of_scope")])
def test_declaration_form_lets_go(store, text, intent):
    from actions.declare_form import ValidateDeclareUnpaidForm
    events, messages = _validate(ValidateDeclareUnpaidForm(), "buyer", text, intent)
    assert _slot(events, "requested_slot") is None and _slot(events, "buyer") is None
    assert "Rien" in texts(messages) or "rien" in texts(messages)
    assert "Je ne trouve pas" not in texts(messages)


@pytest.mark.parametrize("text,intent,said", [("merci", "thank", "plaisir"), ("vous êtes un robot ?", "request_human",
                                                                                "assistant automatique")])
def test_declaration_form_answers_small_talk_and_goes_on(store, text, intent, said):
    from actions.declare_form import ValidateDeclareUnpaidForm
    events, messages = _validate(ValidateDeclareUnpaidForm(), "buyer", text, intent)
    assert said in texts(messages) and _slot(events, "requested_slot") == "unset"
    assert _slot(events, "buyer") == "unset"  # never taken as a buyer's name


def test_a_question_is_never_a_slot_value(store):
    from actions.declare_form import ValidateDeclareUnpaidForm
    events, messages = _validate(ValidateDeclareUnpaidForm(), "buyer", "c'est quoi la quotité ?", "out_of_scope")
    assert _slot(events, "buyer") == "unset" and "Je ne trouve pas" not in texts(messages)


def test_callback_form_reads_a_phone_whatever_the_intent(store):
    from actions.callback import ValidateCallbackForm
    events, messages = _validate(ValidateCallbackForm(), "callback_phone", "pardon : 06 12 34 56 78", "declare_unpaid")
    assert _slot(events, "callback_phone") == "+33612345678"


def test_callback_form_lets_go(store):
    from actions.callback import ValidateCallbackForm
    events, messages = _validate(ValidateCallbackForm(), "callback_phone", "non laissez tomber", "deny")
    assert _slot(events, "requested_slot") is None and "Rien" in texts(messages)


# --- a person: only on a clear wish; never silent while waiting --------------------------------------

def test_machine_question_is_answered_without_a_ticket(store, clock):
    from actions.handoff import ActionHandoff
    from bot.store.models import HandoffTicket
    messages, events = run_action(ActionHandoff(), make_tracker("y a un humain derrière qui lit ?", "request_human"))
    assert "assistant automatique" in texts(messages) and _rows(store, HandoffTicket) == 0
    assert _slot(events, "handoff_outcome") == "offered"


def test_an_inferred_request_for_a_person_is_asked_first(store, clock):
    from actions.handoff import ActionHandoff
    from bot.store.models import HandoffTicket
    messages, events = run_action(ActionHandoff(), make_tracker("ok merci, je vais appeler mon comptable",
                                                                "request_human"))
    assert _rows(store, HandoffTicket) == 0 and "/request_human" in payloads(messages)


def test_waiting_for_a_person_every_message_is_acknowledged_and_answered(store):
    from actions.handoff import ActionHandoffWaiting
    messages, events = run_action(ActionHandoffWaiting(), make_tracker(
        "où en est SIN-2021-000123 ?", "ask_claim_status", slots={"handoff_outcome": "ticket"},
        entities=[{"entity": "claim_ref", "value": "SIN-2021-000123"}]))
    assert "transmis au conseiller" in messages[0]["text"]
    assert "SIN-2021-000123" in texts(messages[1:])
    assert not any(e.get("event") == "pause" for e in events)
    messages, _ = run_action(ActionHandoffWaiting(), make_tracker("merci", "thank", slots={"handoff_outcome": "ticket"}))
    assert "transmis au conseiller" in texts(messages) and any(m.get("response") for m in messages)


# --- complaints: only when said ----------------------------------------------------------------------

@pytest.mark.parametrize("text", ["c'est quoi le médiateur ?", "et si l'assureur avait tout refusé ?"])
def test_a_question_is_never_filed_as_a_complaint(store, text):
    from actions.conversation import ActionLogComplaint
    from bot.store.models import Complaint
    messages, _ = run_action(ActionLogComplaint(), make_tracker(text, "complain"))
    assert _rows(store, Complaint) == 0 and "REC-" not in texts(messages) and messages


@pytest.mark.parametrize("text,place", [("le premier créneau", 0), ("le 2e svp", 1), ("le dernier", 3)])
def test_a_callback_slot_chosen_by_its_place(text, place):
    from actions.callback import parse_slot
    from actions.handoff import calendar
    cal = calendar()
    slots = cal.callback_slots(MONDAY_10, 4)
    assert parse_slot(text, MONDAY_10, cal) == slots[place]


def test_a_wish_to_declare_inside_the_cap_form_leaves_it_for_the_declaration(store):
    from actions.cap_form import ValidateCapForm
    tracker = make_tracker("ok allons-y pour la déclaration", "ask_cap", slots={"requested_slot": "cap_buyer"})
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateCapForm().run(dispatcher, tracker, {"forms": {}, "slots": {}}))
    assert {"event": "active_loop", "timestamp": None, "name": None} in events
    assert any(e.get("event") == "followup" and e.get("name") == "action_declare_start" for e in events)


def test_declaring_again_inside_the_declaration_asks_the_question_again(store):
    from rasa_sdk import Tracker
    from actions.declare import ActionDeclareStart
    base = make_tracker("il faut la déclarer aussi ?", "declare_unpaid", slots={"requested_slot": "due_date"})
    tracker = Tracker(base.sender_id, base.slots, base.latest_message, base.events, False, None,
                      {"name": "declare_unpaid_form"}, "action_listen")
    messages, events = run_action(ActionDeclareStart(), tracker)
    assert events == [{"event": "followup", "timestamp": None, "name": "declare_unpaid_form"}]
    assert "délai" in texts(messages)


def test_an_amount_read_in_a_date_is_set_back(store):
    """« échéance le 25 novembre » while the due date is asked: Rasa's entity mapping proposed 25 as
    the amount; the form keeps the amount given before."""
    from rasa_sdk import Tracker
    from actions.declare_form import ValidateDeclareUnpaidForm
    base = make_tracker("échéance le 25 novembre", "inform", slots={"requested_slot": "due_date", "amount": "25"})
    history = [{"event": "slot", "name": "amount", "value": "7350"}]
    events = history + base.events + [{"event": "slot", "name": "amount", "value": "25"}]
    tracker = Tracker(base.sender_id, dict(base.slots), base.latest_message, events, False, None,
                      {"name": "declare_unpaid_form"}, "action_listen")
    forms = {"declare_unpaid_form": {"required_slots": ["buyer", "invoice_number", "amount", "due_date"]}}
    dispatcher = CollectingDispatcher()
    out = asyncio.run(ValidateDeclareUnpaidForm().run(dispatcher, tracker, {"forms": forms, "slots": {}}))
    assert _slot(out, "amount") == "7350" and _slot(out, "due_date") != "unset"
    assert "minimum" not in texts(dispatcher.messages)


def test_a_date_taken_for_a_goodbye_is_still_the_answer(store):
    from actions.declare_form import ValidateDeclareUnpaidForm
    events, messages = _validate(ValidateDeclareUnpaidForm(), "due_date", "fin octobre", "goodbye")
    assert _slot(events, "due_date") not in ("unset", None) and "rien" not in texts(messages)


def test_leaving_a_form_with_a_question_answers_it(store):
    from actions.callback import ValidateCallbackForm
    events, messages = _validate(ValidateCallbackForm(), "callback_phone",
                                 "non laissez tomber. mon dossier SIN-2021-000123 il en est où ?", "ask_claim_status")
    assert _slot(events, "requested_slot") is None and "Rien" in texts(messages)
    assert any(e.get("event") == "followup" and e.get("name") == "action_claim_status" for e in events)


def test_an_unclear_declaration_inside_another_form_asks_that_form_again(store):
    from rasa_sdk import Tracker
    from actions.declare import ActionDeclareStart
    base = make_tracker("c'était pour des ventes du 15/03/2021", "declare_unpaid",
                        slots={"requested_slot": "cap_requested"})
    tracker = Tracker(base.sender_id, base.slots, base.latest_message, base.events, False, None,
                      {"name": "cap_form"}, "action_listen")
    messages, events = run_action(ActionDeclareStart(), tracker)
    assert events == [{"event": "followup", "timestamp": None, "name": "cap_form"}] and messages == []


@pytest.mark.parametrize("slot", ["cap_buyer", "cap_transaction_date"])
def test_the_cap_form_lets_go(store, slot):
    from actions.cap_form import ValidateCapForm
    tracker = make_tracker("ok on verra plus tard", "goodbye", slots={"requested_slot": slot})
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateCapForm().run(dispatcher, tracker, {"forms": {}, "slots": {}}))
    assert {"event": "active_loop", "timestamp": None, "name": None} in events


def test_a_typed_cap_answer_is_the_answer_whatever_the_intent(store):
    from actions.cap_form import ValidateCapForm
    tracker = make_tracker("31/03/2021", "declare_unpaid", slots={"requested_slot": "cap_transaction_date"})
    forms = {"cap_form": {"required_slots": ["cap_buyer", "cap_requested", "cap_granted", "cap_country",
                                             "cap_transaction_date"]}}
    events = asyncio.run(ValidateCapForm().run(CollectingDispatcher(), tracker, {"forms": forms, "slots": {}}))
    assert _slot(events, "cap_transaction_date") == "2021-03-31"


def _after_summary_tracker(text, intent):
    from rasa_sdk import Tracker
    slots = {"buyer": "Bâtiments Lefèvre SAS", "invoice_number": "FA-1", "amount": "1980", "due_date": "2026-10-15"}
    base = make_tracker(text, intent, slots=slots)
    history = [{"event": "action", "name": "declare_unpaid_form"},
               {"event": "action", "name": "action_declaration_summary"},
               {"event": "action", "name": "action_listen"}]
    return Tracker(base.sender_id, slots, base.latest_message, history + base.events, False, None, {}, "action_listen")


@pytest.mark.parametrize("text,intent,then", [
    ("bon, envoyez-la", "complain", "action_submit_declaration"),
    ("oui", "affirm", "action_submit_declaration"),
    ("le 31/10", "declare_unpaid", "action_correct_or_cancel_declaration"),
    ("c'est grave ?", "declare_unpaid", "action_declaration_summary"),
])
def test_a_summarised_declaration_waits_for_its_yes(store, text, intent, then):
    from actions.conversation import ActionAffirmNoContext, ActionLogComplaint
    from actions.declare import ActionDeclareStart
    action = {"complain": ActionLogComplaint(), "affirm": ActionAffirmNoContext()}.get(intent, ActionDeclareStart())
    _, events = run_action(action, _after_summary_tracker(text, intent))
    assert any(e.get("event") == "followup" and e.get("name") == then for e in events)


@pytest.mark.parametrize("text,said", [("ok bye", "utter_goodbye"), ("merci bcp", "utter_you_are_welcome")])
def test_the_fallback_reads_thanks_and_goodbye(store, text, said):
    from actions.fallback import ActionFallback
    messages, _ = run_action(ActionFallback(), make_tracker(text, "nlu_fallback"))
    assert [m.get("response") for m in messages] == [said]


def test_the_fallback_tells_what_to_do_for_a_buyer_in_insolvency(store):
    from actions.fallback import ActionFallback
    messages, _ = run_action(ActionFallback(), make_tracker("le mandataire je dois le joindre comment", "nlu_fallback"))
    assert "BODACC" in texts(messages) and "2 mois" in texts(messages)


@pytest.mark.parametrize("text, pid, fact", [
    ("Et Primeurs Robert ?", 2, "Primeurs Robert"), ("et lopes ?", 2, "Transportes López SL"),
    ("et le mien sur l'hotel du port c'est combien ?", 4, "5"),
])
def test_a_buyer_named_in_a_message_the_nlu_did_not_place_is_answered_about(store, text, pid, fact):
    """A bare buyer's name (typos, part of it) is a follow-up about that buyer: its agrément, not "not understood"."""
    from actions.fallback import ActionFallback
    messages, events = run_action(ActionFallback(), make_tracker(text, "nlu_fallback", pid=pid))
    assert fact in texts(messages) and "pas sûr d’avoir compris" not in texts(messages)
    assert any(e.get("name") == "buyer" for e in events)


def test_a_buyer_after_a_claim_answer_gets_its_claims_and_close_names_are_asked_about(store):
    from actions.fallback import ActionFallback
    tracker = make_tracker("et celui sur giraud", "nlu_fallback", pid=1)
    tracker.events[:0] = [{"event": "action", "name": "action_claim_status"}, {"event": "user", "text": "x"}]
    messages, _ = run_action(ActionFallback(), tracker)
    assert "SIN-" in texts(messages) and "Charpentes Giraud" in texts(messages)
    messages, _ = run_action(ActionFallback(), make_tracker("Et Martin ?", "nlu_fallback", pid=2))
    assert all(n in texts(messages) for n in ("Garage Martin", "Martin Distribution SARL", "Martin Logistique SAS"))
    messages, _ = run_action(ActionFallback(), make_tracker("Et Martin ?", "nlu_fallback", pid=1))  # not a buyer of 1
    assert "Martin" not in texts(messages)


def test_every_question_intent_of_the_domain_is_answered_while_waiting_for_a_person():
    """A question asked while a ticket waits gets its answer: every asking intent maps to an action."""
    from pathlib import Path

    import yaml

    from actions.handoff import WAITING_ANSWERS

    domain = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text(encoding="utf-8"))
    asking = {i for i in domain["intents"] if isinstance(i, str) and i.startswith(("ask_", "list_"))}
    assert asking <= set(WAITING_ANSWERS), sorted(asking - set(WAITING_ANSWERS))
    rules = yaml.safe_load((Path(__file__).resolve().parents[2] / "data/rules/handoff.yml").read_text(encoding="utf-8"))
    waiting = next(r for r in rules["rules"] if r["rule"].startswith("waiting for a person"))
    in_rule = {step["intent"] for step in waiting["steps"][0]["or"]}
    assert asking <= in_rule, sorted(asking - in_rule)
