"""Actions of the conversation and the declaration, run with rasa_sdk's Tracker and CollectingDispatcher."""
import asyncio
from datetime import date, timedelta

import pytest

pytest.importorskip("rasa_sdk")
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from tests.actions.support import run_action as _run
from tests.actions.support import said


def _tracker(text="", intent="greet", *, signed=True, slots=None, entities=None, sender="conv-1", pid=1):
    from bot.auth import Identity, sign_identity
    from bot.settings import get_settings
    metadata = {}
    if signed:
        metadata = {"identity": sign_identity(get_settings(), Identity(policyholder_id=pid, channel="socketio"), sender),
                    "auth_status": "verified"}
    message = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": entities or [],
               "metadata": metadata}
    events = [{"event": "user", "text": text, "parse_data": message, "metadata": metadata}]
    return Tracker(sender, slots or {}, message, events, False, None, {}, "action_listen")


def _texts(messages):
    return " ".join(said(m) for m in messages)


def _buttons(messages):
    return [b["payload"] for m in messages for b in (m.get("buttons") or [])]


def _rows(url, model):
    from sqlalchemy import func, select
    from bot.store.db import get_engine, session_scope
    with session_scope(get_engine(url)) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_worry_empathy_first_then_a_step_then_a_person(store):
    from actions.conversation import ActionExpressWorry
    messages, _ = _run(ActionExpressWorry(), _tracker("j'ai peur de couler", "express_worry"))
    assert "inquiétude" in messages[0]["text"]
    assert "/request_human" in _buttons(messages)
    assert "/list_claims" in _buttons(messages)


def test_complaint_is_recorded_when_signed_in(store):
    from actions.conversation import ActionLogComplaint
    from bot.store.models import Complaint
    messages, _ = _run(ActionLogComplaint(), _tracker("Personne ne me rappelle, c'est inadmissible", "complain"))
    assert "REC-" in _texts(messages)
    assert _rows(store, Complaint) == 1
    assert "/request_human" in _buttons(messages)


def test_complaint_of_a_visitor_is_not_recorded_but_explained(store):
    from actions.conversation import ActionLogComplaint
    from bot.store.models import Complaint
    messages, _ = _run(ActionLogComplaint(), _tracker("c'est nul", "complain", signed=False))
    assert _rows(store, Complaint) == 0
    assert "service réclamations" in _texts(messages) and "médiateur" in _texts(messages)


def test_forged_identity_is_a_visitor(store):
    from actions.conversation import ActionLogComplaint
    from bot.store.models import Complaint
    tracker = _tracker("plainte", "complain")
    tracker.latest_message["metadata"]["identity"]["policyholder_id"] = 2
    tracker.events[-1]["metadata"]["identity"]["policyholder_id"] = 2
    _run(ActionLogComplaint(), tracker)
    assert _rows(store, Complaint) == 0


def test_request_human_is_handled_by_the_handoff(store):
    # the "cannot transfer yet" answer was replaced by action_handoff (tests/actions/test_handoff.py)
    import actions.conversation
    assert not hasattr(actions.conversation, "ActionRequestHuman")


def test_process_uses_the_contract_terms_when_signed_in(store):
    from actions.conversation import ActionClaimProcess
    text = _texts(_run(ActionClaimProcess(), _tracker("comment ça marche", "ask_claim_process"))[0])
    assert "30 jours" in text and "150 jours" in text and "90" in text and "BODACC" in text
    visitor = _texts(_run(ActionClaimProcess(), _tracker("comment", "ask_claim_process", signed=False))[0])
    assert "150 jours" not in visitor and "3 à 6 mois" in visitor and "5 à 6 mois" not in visitor  # issue 18, item 11


def test_csat_recorded_with_hashed_sender(store):
    from actions.conversation import ActionAskCsat, ActionRecordCsat
    from bot.store.models import CsatAnswer
    messages, _ = _run(ActionAskCsat(), _tracker("merci", "thank"))
    assert len(_buttons(messages)) == 5
    tracker = _tracker("/affirm", "affirm", entities=[{"entity": "csat_score", "value": "4"}])
    messages, _ = _run(ActionRecordCsat(), tracker)
    assert _rows(store, CsatAnswer) == 1
    from sqlalchemy import select
    from bot.store.db import get_engine, session_scope
    with session_scope(get_engine(store)) as session:
        row = session.execute(select(CsatAnswer)).scalar_one()
        assert row.score == 4 and row.sender_hash != "conv-1" and len(row.sender_hash) == 64


def test_declare_visitor_gets_explanation_and_no_form(store):
    from actions.declare import ActionDeclareStart
    messages, events = _run(ActionDeclareStart(), _tracker("j'ai un impayé", "declare_unpaid", signed=False))
    assert {"event": "slot", "timestamp": None, "name": "declaration_allowed", "value": False} in events
    assert "Connectez-vous" in _texts(messages)


def _validate(slot, text, intent="out_of_scope", slots=None):
    return _validate_as(1, slot, text, slots=slots, intent=intent)


def test_form_parses_amounts_and_rejects_nonsense(store):
    assert _validate("amount", "12 300 €")[0]["amount"] == "12300"
    assert _validate("amount", "80k€")[0]["amount"] == "80000"
    slots, messages = _validate("amount", "beaucoup")
    assert slots["amount"] is None and "chiffres" in _texts(messages)


def test_form_accepts_a_correction(store):
    slots, messages = _validate("due_date", "non, c'est 12 300", intent="deny", slots={"amount": "12000"})
    assert slots.get("amount") == "12300"
    assert "due_date" not in slots or slots["due_date"] is None


def test_form_digression_is_not_an_answer(store):
    slots, _ = _validate("invoice_number", "combien coûtent les frais ?", intent="ask_fees")
    assert "invoice_number" not in slots


def test_form_dates_deadline_and_not_yet_due(store):
    late = date.today() - timedelta(days=120)
    slots, messages = _validate("due_date", late.strftime("%d/%m/%Y"))
    assert slots["due_date"] == late.isoformat() and "a pris fin le" in _texts(messages)
    recent = date.today() - timedelta(days=3)
    slots, messages = _validate("due_date", recent.strftime("%d/%m/%Y"))
    assert "dans les temps" in _texts(messages)
    future = date.today() + timedelta(days=20)
    slots, messages = _validate("due_date", future.strftime("%d/%m/%Y"))
    assert slots["due_date"] is None and "pas encore échue" in _texts(messages)
    assert _validate("due_date", "n'importe quoi")[0]["due_date"] is None


def test_form_buyer_is_matched_in_the_contract(store):
    slots, _ = _validate("buyer", "Lefèvre")
    assert slots["buyer"] == "Bâtiments Lefèvre SAS"
    slots, messages = _validate("buyer", "Société Inconnue Totale")
    assert slots["buyer"] is None and "/request_human" in _buttons(messages)


def test_submit_creates_the_claim_once(store):
    from actions.declare import ActionDeclarationSummary, ActionSubmitDeclaration
    from bot.store.models import Claim
    due = date.today() - timedelta(days=10)
    slots = {"buyer": "Bâtiments Lefèvre SAS", "invoice_number": "FA-TEST-1", "amount": "12300",
             "due_date": due.isoformat()}
    messages, _ = _run(ActionDeclarationSummary(), _tracker("", "out_of_scope", slots=slots))
    assert "/affirm" in _buttons(messages) and "/deny" in _buttons(messages)
    before = _rows(store, Claim)
    messages, events = _run(ActionSubmitDeclaration(), _tracker("oui", "affirm", slots=slots))
    assert "SIN-" in _texts(messages) and "délai de carence" in _texts(messages)
    assert _rows(store, Claim) == before + 1
    messages, _ = _run(ActionSubmitDeclaration(), _tracker("oui", "affirm", slots=slots))
    assert _rows(store, Claim) == before + 1  # same key: replayed, not a second claim


def test_summary_correction_and_cancel(store):
    from actions.declare import ActionCorrectOrCancelDeclaration
    due = date.today() - timedelta(days=10)
    slots = {"buyer": "Bâtiments Lefèvre SAS", "invoice_number": "FA-TEST-2", "amount": "12000",
             "due_date": due.isoformat()}
    messages, events = _run(ActionCorrectOrCancelDeclaration(), _tracker("non, c'est 12 300", "deny", slots=slots))
    assert any(e.get("name") == "amount" and e.get("value") == "12300" for e in events)
    messages, events = _run(ActionCorrectOrCancelDeclaration(), _tracker("non", "deny", slots=slots))
    assert "annulé" in _texts(messages)
    assert any(e.get("name") == "buyer" and e.get("value") is None for e in events)


def test_submit_when_the_store_fails_apologises(store, monkeypatch):
    from actions.declare import ActionSubmitDeclaration
    from bot.store import queries

    def broken(*args, **kwargs):
        raise RuntimeError("down")

    monkeypatch.setattr(queries, "declare_unpaid", broken)
    slots = {"buyer": "Bâtiments Lefèvre SAS", "invoice_number": "FA-TEST-3", "amount": "500",
             "due_date": (date.today() - timedelta(days=5)).isoformat()}
    messages, events = _run(ActionSubmitDeclaration(), _tracker("oui", "affirm", slots=slots))
    assert "désolé" in _texts(messages) and events == []


def test_form_start_resets_slots_without_complaining(store):
    """Starting the form clears its slots; clearing is not an answer and must not be re-asked as an error."""
    from rasa_sdk.events import SlotSet
    from actions.declare_form import ValidateDeclareUnpaidForm
    tracker = _tracker("j'ai une facture impayée a declarer", "declare_unpaid")
    tracker.events.extend(SlotSet(slot, None) for slot in ("buyer", "invoice_number", "amount", "due_date"))
    import asyncio
    from rasa_sdk.executor import CollectingDispatcher
    domain = {"forms": {"declare_unpaid_form": {"required_slots": ["buyer", "invoice_number", "amount", "due_date"]}}}
    dispatcher = CollectingDispatcher()
    asyncio.run(ValidateDeclareUnpaidForm().run(dispatcher, tracker, domain))
    assert dispatcher.messages == []


def test_a_buyer_named_in_words_becomes_the_focus_without_a_form(store):
    from actions.declare import ActionDeclareStart
    messages, events = _run(ActionDeclareStart(), _tracker(
        "charpentes giraud est en redressement judiciaire, je fais quoi ?", "declare_unpaid"))
    assert {"event": "slot", "timestamp": None, "name": "buyer", "value": "Charpentes Giraud"} in events
    assert {"event": "slot", "timestamp": None, "name": "declaration_allowed", "value": False} in events


# --- issue 16: the declaration starts only on a wish, reads several answers, takes corrections ------

def _validate_as(pid, slot, text, slots=None, intent="out_of_scope", entities=None):
    from actions.declare_form import ValidateDeclareUnpaidForm
    tracker = _tracker(text, intent, pid=pid, slots={"requested_slot": slot, **(slots or {})}, entities=entities)
    dispatcher = CollectingDispatcher()
    domain = {"forms": {"declare_unpaid_form": {"required_slots": ["buyer", "invoice_number", "amount", "due_date"]}},
              "slots": {}}
    events = asyncio.run(ValidateDeclareUnpaidForm().run(dispatcher, tracker, domain))
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}, dispatcher.messages


def _followups(events):
    return [e.get("name") for e in events if e.get("event") == "followup"]


def test_an_ambiguous_buyer_in_the_wish_is_asked_by_name(store):
    from actions.declare import ActionDeclareStart
    messages, events = _run(ActionDeclareStart(), _tracker("declarer impayé martin", "declare_unpaid", pid=2,
                                                           entities=[{"entity": "buyer", "value": "martin"}]))
    text = _texts(messages)
    assert "Martin Logistique" in text and "Garage Martin" in text and "Lequel" in text
    assert "declare_unpaid_form" in _followups(events)


def test_a_payout_question_with_an_amount_is_an_estimate_not_a_declaration(store):
    from actions.declare import ActionDeclareStart
    messages, events = _run(ActionDeclareStart(), _tracker(
        "la facture fait 1 840 euros, échéance il y a dix jours. vous me rembourserez combien ?", "declare_unpaid"))
    assert "1\u202f656" in _texts(messages) and "declare_unpaid_form" not in _followups(events)
    assert {"event": "slot", "name": "declaration_allowed", "value": False} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events]
    messages, events = _run(ActionDeclareStart(), _tracker(
        "j'ai d'autres factures chez eux pas encore déclarées, je suis encore couverte ?", "declare_unpaid"))
    assert "agrément" in _texts(messages) and "declare_unpaid_form" not in _followups(events)


def test_an_invoice_not_yet_due_is_not_declared(store):
    from actions.declare import ActionDeclareStart
    messages, events = _run(ActionDeclareStart(), _tracker(
        "lefevre me doit 8 000 mais l'échéance c'est dans 3 semaines, je peux déjà déclarer ?", "declare_unpaid"))
    assert "pas encore échue" in _texts(messages) and "declare_unpaid_form" not in _followups(events)


def test_a_buyer_correction_while_the_invoice_number_is_asked(store):
    slots, messages = _validate_as(2, "invoice_number",
                                   "ah non je me suis trompé c'est pas garage martin c'est martin logistique",
                                   slots={"buyer": "Garage Martin"})
    assert slots.get("buyer") == "Martin Logistique SAS" and "invoice_number" not in slots
    assert "Martin Logistique" in _texts(messages)


def test_several_answers_at_once_and_the_contract_minimum(store):
    slots, messages = _validate_as(1, "invoice_number", "facture FA-2026-0901 de 250 €, échéance il y a deux semaines",
                                   slots={"buyer": "Agencement Perrin"})
    assert slots.get("invoice_number") == "FA-2026-0901" and slots.get("due_date")
    assert slots.get("amount") is None and "minimum" in _texts(messages)
