"""action_handoff and the callback form, with a fixed clock, against a seeded SQLite store."""
import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

pytest.importorskip("rasa_sdk")
from rasa_sdk import Tracker

from tests.actions.support import make_tracker, payloads, run_action, texts

PARIS = ZoneInfo("Europe/Paris")
MONDAY_10 = datetime(2026, 3, 2, 10, 0, tzinfo=PARIS)
FRIDAY_EVENING = datetime(2026, 3, 6, 19, 30, tzinfo=PARIS)
BASTILLE_DAY = datetime(2026, 7, 14, 11, 0, tzinfo=PARIS)


@pytest.fixture()
def clock(monkeypatch):
    import actions.handoff as module

    def set_clock(value):
        monkeypatch.setattr(module, "now", lambda: value)
    return set_clock


def _conversation_tracker(*, signed=True, pid=1, sender="conv-1", slots=None, active_loop=None, text="un conseiller",
                          intent="request_human", entities=None):
    """A tracker with some history (claim status asked, an answer given), then ``text``."""
    base = make_tracker(text, intent, signed=signed, pid=pid, sender=sender, entities=entities)
    history = [
        {"event": "action", "name": "action_listen", "timestamp": 1772442000.0},
        {"event": "user", "text": "où en est SIN-2021-000123 ?", "timestamp": 1772442010.0,
         "parse_data": {"intent": {"name": "ask_claim_status"},
                        "entities": [{"entity": "claim_ref", "value": "SIN-2021-000123"}]}},
        {"event": "action", "name": "action_claim_status", "timestamp": 1772442011.0},
        {"event": "bot", "text": "Votre dossier SIN-2021-000123 est indemnisé.", "timestamp": 1772442011.5},
        {"event": "user", "text": "et SIN-2021-000456 ?", "timestamp": 1772442020.0,
         "parse_data": {"intent": {"name": "ask_claim_status"}, "entities": []}},
        {"event": "action", "name": "action_claim_status", "timestamp": 1772442021.0},
        {"event": "bot", "text": "Je ne trouve pas ce dossier parmi les vôtres.", "timestamp": 1772442021.5},
        {"event": "action", "name": "action_listen", "timestamp": 1772442021.6},
    ]
    last = {**base.events[-1], "timestamp": 1772442030.0}
    return Tracker(base.sender_id, slots or {}, base.latest_message, history + [last], False, None,
                   active_loop or {}, "action_listen")


def _tickets(url):
    from bot.store.queries.handoff import open_tickets
    from bot.store.db import get_engine, session_scope
    with session_scope(get_engine(url)) as session:
        return open_tickets(session)


def _callbacks(url):
    from bot.store.queries.handoff import pending_callbacks
    from bot.store.db import get_engine, session_scope
    with session_scope(get_engine(url)) as session:
        return pending_callbacks(session)


def test_during_hours_a_ticket_is_stored_and_the_bot_keeps_answering(seeded_store, clock):
    from rasa_sdk.events import ConversationPaused

    from actions.handoff import ActionHandoff
    clock(MONDAY_10)
    messages, events = run_action(ActionHandoff(), _conversation_tracker())
    [ticket] = _tickets(seeded_store)
    assert ticket.policyholder_id == 1 and ticket.sender_id == "conv-1" and ticket.reason == "request"
    assert ticket.claim_refs == ("SIN-2021-000123",)          # the other company's claim is not attached
    assert ticket.summary["intents"] == ["ask_claim_status", "request_human"]
    assert ticket.summary["last_answers"][-1] == "Je ne trouve pas ce dossier parmi les vôtres."
    assert [l["who"] for l in ticket.transcript] == ["user", "bot", "user", "bot", "user"]
    assert "sig" not in repr(ticket.transcript)
    text = texts(messages)
    assert "conseiller" in text and ticket.reference in text and "SIN-2021-000123" in text
    assert "minute" not in text                               # no invented waiting time
    assert ConversationPaused() not in events  # the desk pauses the bot when an agent takes the ticket
    assert {"event": "slot", "timestamp": None, "name": "handoff_outcome", "value": "ticket"} in events


def _visitor(sender="visitor", origin="ip:0123456789abcdef0123", confirmed=True):
    tracker = _conversation_tracker(signed=False, sender=sender, text="/request_human",
                                    slots={"handoff_outcome": "offered"} if confirmed else None)
    tracker.latest_message["metadata"] = {"auth_status": "none", "origin": origin}
    return tracker


def test_visitor_gets_a_ticket_without_policyholder_once_confirmed(seeded_store, clock):
    from actions.handoff import ActionHandoff
    clock(MONDAY_10)
    # the first request of a visitor (even a button payload sent straight away) only asks for confirmation
    messages, events = run_action(ActionHandoff(), _visitor(confirmed=False))
    assert _tickets(seeded_store) == []
    assert "confirmez" in texts(messages) and "/request_human" in payloads(messages)
    assert {"event": "slot", "timestamp": None, "name": "handoff_outcome", "value": "offered"} in events
    messages, events = run_action(ActionHandoff(), _visitor())
    [ticket] = _tickets(seeded_store)
    assert ticket.policyholder_id is None and ticket.claim_refs == ()
    assert ticket.summary["origin"] == "ip:0123456789abcdef0123"
    assert "pas connecté" in texts(messages)


def test_visitor_requests_are_limited_per_address_not_for_others(seeded_store, clock, monkeypatch):
    """Issue #17, finding 8: one anonymous message per new conversation opened a ticket (~600/min per address)."""
    from actions.handoff import ActionHandoff
    from bot import ratelimit
    clock(MONDAY_10)
    limiter = ratelimit.RateLimiter({"handoff_anonymous": ratelimit.Limit(5, 3600)})
    monkeypatch.setattr(ratelimit, "get_limiter", lambda: limiter)
    for i in range(20):  # a script: a new conversation each time, confirmed each time
        run_action(ActionHandoff(), _visitor(sender=f"visitor-{i}"))
    assert len(_tickets(seeded_store)) == 5
    messages, events = run_action(ActionHandoff(), _visitor(sender="visitor-last"))
    assert "plusieurs demandes" in texts(messages) and len(_tickets(seeded_store)) == 5
    assert {"event": "slot", "timestamp": None, "name": "handoff_outcome", "value": "failed"} in events
    # another address and a signed-in customer are not affected
    run_action(ActionHandoff(), _visitor(sender="elsewhere", origin="ip:ffffffffffffffffffff"))
    run_action(ActionHandoff(), _conversation_tracker(sender="customer"))
    assert len(_tickets(seeded_store)) == 7


def test_a_complaint_is_the_reason(seeded_store, clock):
    from actions.handoff import ActionHandoff
    clock(MONDAY_10)
    tracker = _conversation_tracker()
    tracker.events.insert(-1, {"event": "action", "name": "action_log_complaint"})
    run_action(ActionHandoff(), tracker)
    assert _tickets(seeded_store)[0].reason == "complaint"


@pytest.mark.parametrize("when", [FRIDAY_EVENING, BASTILLE_DAY])
def test_outside_hours_the_callback_form_starts(seeded_store, clock, when):
    from actions.handoff import ActionHandoff
    clock(when)
    messages, events = run_action(ActionHandoff(), _conversation_tracker())
    assert _tickets(seeded_store) == []
    assert not any(e.get("event") == "pause" for e in events)
    assert {"event": "slot", "timestamp": None, "name": "handoff_outcome", "value": "callback"} in events
    text = texts(messages)
    assert "rappeler" in text
    assert ("lundi 9 mars 2026 à 9 h" if when == FRIDAY_EVENING else "mercredi 15 juillet 2026 à 9 h") in text


def test_store_failure_is_an_apology_not_a_pause(seeded_store, clock, monkeypatch):
    import actions.handoff as module
    from bot.handoff import tickets

    def boom(*args, **kwargs):
        raise RuntimeError("database down")
    monkeypatch.setattr(tickets, "create_ticket", boom)
    clock(MONDAY_10)
    messages, events = run_action(module.ActionHandoff(), _conversation_tracker())
    assert "désolé" in texts(messages) and "contrat" in texts(messages)
    assert not any(e.get("event") == "pause" for e in events)
    assert {"event": "slot", "timestamp": None, "name": "handoff_outcome", "value": "failed"} in events


def _domain():
    import yaml
    from pathlib import Path
    domain = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text("utf-8"))
    return {"forms": domain["forms"], "slots": domain["slots"]}


def _validate(slot, value_text, *, entities=None, intent="nlu_fallback", slots=None):
    from rasa_sdk.executor import CollectingDispatcher

    from actions.callback import ValidateCallbackForm
    all_slots = {"requested_slot": slot, **(slots or {})}
    tracker = make_tracker(value_text, intent, slots=all_slots, entities=entities)
    tracker.active_loop = {"name": "callback_form"}
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateCallbackForm().run(dispatcher, tracker, _domain()))
    return dispatcher.messages, events


def _slot_values(events):
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


@pytest.mark.parametrize("typed, stored, problem_word", [
    ("06 12 34 56 78", "+33612345678", None),
    ("+33 7 81 22 33 44", "+33781223344", None),
    ("06 12 34", None, "10"),
    ("08 00 12 34 56", None, "08"),
    ("+44 20 7946 0958", None, "France"),
    ("plutôt demain", None, "numéro"),
])
def test_callback_phone_validation(seeded_store, clock, typed, stored, problem_word):
    clock(FRIDAY_EVENING)
    messages, events = _validate("callback_phone", typed)
    assert _slot_values(events).get("callback_phone", "missing") == stored
    if problem_word:
        assert problem_word in texts(messages)
    else:
        assert texts(messages) == ""


def test_digressions_are_not_taken_as_a_phone(seeded_store, clock):
    clock(FRIDAY_EVENING)
    _, events = _validate("callback_phone", "non", intent="deny")
    assert "callback_phone" not in _slot_values(events)


def test_callback_slot_buttons_and_validation(seeded_store, clock):
    from actions.callback import ActionAskCallbackSlot
    clock(FRIDAY_EVENING)
    messages, _ = run_action(ActionAskCallbackSlot(), make_tracker("", "affirm"))
    assert payloads(messages) == ['/affirm{"callback_slot":"2026-03-09T%02d:00"}' % h for h in (9, 10, 11, 12)]
    # the button
    _, events = _validate("callback_slot", '/affirm{"callback_slot":"2026-03-09T10:00"}',
                          entities=[{"entity": "callback_slot", "value": "2026-03-09T10:00"}], intent="affirm")
    assert _slot_values(events)["callback_slot"] == "2026-03-09T10:00:00+01:00"
    # the number in the list
    _, events = _validate("callback_slot", "2")
    assert _slot_values(events)["callback_slot"] == "2026-03-09T10:00:00+01:00"
    # a Saturday, or a slot in the past: refused with an explanation
    for bad in ("2026-03-07T10:00", "2026-03-06T10:00", "9"):
        messages, events = _validate("callback_slot", bad, entities=[{"entity": "callback_slot", "value": bad}])
        assert _slot_values(events)["callback_slot"] is None and "pas possible" in texts(messages)


def test_callback_submit_stores_and_says_when(seeded_store, clock):
    from actions.callback import ActionCallbackSubmit
    clock(FRIDAY_EVENING)
    tracker = _conversation_tracker(slots={"callback_phone": "+33612345678",
                                           "callback_slot": "2026-03-09T10:00:00+01:00",
                                           "handoff_reason": "fallback"}, text="2", intent="nlu_fallback")
    messages, events = run_action(ActionCallbackSubmit(), tracker)
    [callback] = _callbacks(seeded_store)
    assert callback.policyholder_id == 1 and callback.phone == "+33612345678" and callback.reason == "fallback"
    assert callback.slot_start == datetime(2026, 3, 9, 10, 0, tzinfo=PARIS)
    text = texts(messages)
    assert "lundi 9 mars 2026 à 10 h" in text and "06 12 34 56 78" in text and "SIN-2021-000123" in text
    assert "SIN-2021-000456" not in text
    assert _slot_values(events)["callback_phone"] is None


def test_callback_submit_store_failure(seeded_store, clock, monkeypatch):
    from actions.callback import ActionCallbackSubmit
    from bot.handoff import tickets

    def boom(*args, **kwargs):
        raise RuntimeError("database down")
    monkeypatch.setattr(tickets, "create_callback", boom)
    clock(FRIDAY_EVENING)
    tracker = _conversation_tracker(slots={"callback_phone": "+33612345678",
                                           "callback_slot": "2026-03-09T10:00:00+01:00"})
    messages, _ = run_action(ActionCallbackSubmit(), tracker)
    assert "désolé" in texts(messages)
    assert _callbacks(seeded_store) == []


def test_asking_again_during_the_callback_form(seeded_store, clock):
    from actions.handoff import ActionHandoff
    clock(MONDAY_10)
    messages, events = run_action(ActionHandoff(), _conversation_tracker(active_loop={"name": "callback_form"}))
    assert events == [] and "rappelle" in texts(messages)
    assert _tickets(seeded_store) == []
