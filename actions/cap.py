"""Public top-up schemes (CAP, CAP+, Cap Francexport, Cap Relais): explanation, eligibility form, decision.

Understanding in :mod:`bot.cap.dialogue` (pure), rules in :mod:`bot.cap.engine`, sentences in
:mod:`bot.wording.cap`. Visitors use it all with typed figures; a signed-in person may name a buyer
and the form takes the figures from their agrément.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import audited_call, identity, parse, say
from bot.cap import dialogue
from bot.cap.engine import FAMILY, evaluate
from bot.cap.questions import is_hypothetical_refusal, schemes_in
from bot.store import queries
from bot.wording import cap as wording
from bot.wording import guarantee as guarantee_wording

FORM_SLOTS = ("cap_buyer", "cap_requested", "cap_granted", "cap_country", "cap_transaction_date")
ALL_SLOTS = FORM_SLOTS + ("cap_refused",)
DIGRESSIONS = {
    "ask_fees", "ask_guarantee", "ask_advance_indemnification", "ask_claim_process", "ask_claim_status",
    "list_claims", "express_worry", "request_human", "complain", "bot_challenge", "greet", "goodbye", "thank",
    "declare_unpaid",
}


def _today() -> date:
    return date.today()


def _text(tracker: Tracker) -> str:
    return (tracker.latest_message.get("text") or "").strip()


def _intent(tracker: Tracker) -> str:
    return (tracker.latest_message.get("intent") or {}).get("name") or ""


def _entities(tracker: Tracker) -> Dict[str, List[str]]:
    out: Dict[str, List[str]] = {}
    for e in tracker.latest_message.get("entities") or []:
        out.setdefault(e.get("entity"), []).append(str(e.get("value")))
    return out


def _previous_request(tracker: Tracker, today: date):
    try:
        return dialogue.build_request({s: tracker.get_slot(s) for s in ALL_SLOTS}, today)
    except ValueError:
        return None


def _say_decision(dispatcher: CollectingDispatcher, request, today: date) -> None:
    decision = evaluate(request, as_of=today)
    say(dispatcher, wording.decision_reply(decision))
    extra = wording.what_then(decision)  # closed at the sale date: ask for the date and the limit then
    if extra is not None:
        say(dispatcher, extra)


async def limit_on(dispatcher: CollectingDispatcher, tracker: Tracker, day: date):
    """The agrément's figures on ``day`` (slot values) when the form's figures came from the store;
    {} when they were typed; None when no decision was in force that day (to be asked)."""
    buyer, who = tracker.get_slot("cap_buyer"), identity(tracker)
    if who is None or not dialogue.from_store(buyer):
        return {}
    found = await audited_call(dispatcher, who, queries.guarantee_on_buyer, buyer)
    if found is None or found.outcome != "match":
        return None
    return dialogue.limit_slots(found.limit, on=day)


def _date_alone(text: str, today):
    """The date of "et pour une vente du 31/03/2021 ?" or "et en mars 2021 ?", unless the text gives
    amounts (then it is a new question)."""
    return None if dialogue.amounts_in(text) else dialogue.sale_date(text, today)


async def cap_followup(dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> Optional[List[Dict]]:
    """The CAP answer's events when the latest message goes on with the CAP talk just had, whatever
    intent the NLU gave it (other actions call this first and return these events); None otherwise.
    Run here, not as a FollowupAction: the calling action's rule then ends the turn as usual."""
    if not _continues_cap_talk(tracker):
        return None
    return await ActionCap().run(dispatcher, tracker, domain)


def _continues_cap_talk(tracker: Tracker) -> bool:
    text = (tracker.latest_message.get("text") or "").strip()
    this_turn = []
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            break
        this_turn.append(event.get("name"))
    if "action_cap" in this_turn:  # already there this turn: never a loop
        return False
    return dialogue.is_followup(text, dialogue.last_answer(tracker.events), _today()) or (
        dialogue.mentions_cap(text) and dialogue.asks_about_record(text))  # « on avait eu un complément de l'État »


def focus_schemes(tracker: Tracker, text: str, entities: Dict[str, List[str]]) -> List[str]:
    """The schemes the question is about: those it names, else the one of the figures being
    discussed (a buyer abroad -> Cap Francexport...), else the last one named."""
    named = schemes_in(text) or [s for s in (dialogue.scheme_from(None, e) for e in entities.get("cap_scheme") or ())
                                 if s]
    if named:
        return named
    request = _previous_request(tracker, _today())
    if request is not None and request.insurer_decision != "full":
        family = "partial" if request.insurer_decision == "partial" else "refused"
        return [FAMILY[(family, request.buyer_country != "FR")]]
    focus = dialogue.scheme_from(tracker.get_slot("cap_scheme"))
    return [focus] if focus else []


async def _focus_country(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[str]:
    """The country of the buyer being discussed (the CAP talk's, else the conversation's focus), or None."""
    if tracker.get_slot("cap_country") not in (None, "FR"):
        return tracker.get_slot("cap_country")
    who, focus = identity(tracker), tracker.get_slot("buyer")
    if who is None or not focus:
        return None
    found = await audited_call(dispatcher, who, queries.guarantee_on_buyer, focus)
    return found.limit.buyer_country if found is not None and found.outcome == "match" else None


def _to_the_form(tracker: Tracker, text: str, entities: Dict[str, List[str]], today: date) -> bool:
    """An eligibility question on a sale ("Medisupply : 400 000 voulus, 250 000 couverts, Cap
    Francexport pourrait compléter aujourd'hui ?") goes to the form, even with "aujourd'hui" in it,
    unless the scheme is closed (then that is the answer)."""
    from bot.cap.questions import kind
    from bot.cap.rules import get_rules

    if not text or dialogue.classify(text, entities) != "eligibility" or kind(text) not in (None, "still_open"):
        return False
    schemes = focus_schemes(tracker, text, entities)
    return not schemes or not get_rules().scheme(schemes[0]).closed_at(today)


def knowledge(tracker: Tracker, text: str, entities: Dict[str, List[str]], today: date):
    """The short answer to a question on a scheme (price, difference, dates, conditions...), or None."""
    country = dialogue.parse_country(text, (entities.get("country") or [None])[0]) if text else None
    country = country if country and country != "FR" else tracker.get_slot("cap_country")
    return wording.knowledge_reply(text, focus_schemes(tracker, text, entities), today,
                                   sale=dialogue.sale_date(text, today), country=country)


class ActionCap(Action):
    """A question on the schemes: explain, re-evaluate at another date, or start the eligibility form."""

    def name(self) -> Text:
        return "action_cap"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        from actions.guarantee import ActionGuarantee, country_follow_up
        if country_follow_up(tracker):  # « et en Suisse ? » after « on est couverts en Allemagne ? »
            return await ActionGuarantee().run(dispatcher, tracker, domain)
        text, entities, today = _text(tracker), _entities(tracker), _today()
        in_form = (tracker.active_loop or {}).get("name") == "cap_form"
        after = dialogue.after_decision(tracker.events)
        if after and is_hypothetical_refusal(text):  # "et si l'assureur avait tout refusé ?": the same sale, refused
            request = _previous_request(tracker, today)
            if request is not None:
                _say_decision(dispatcher, replace(request, refused=True, granted=None), today)
                return [SlotSet("cap_granted", "0"), SlotSet("cap_refused", True), SlotSet("cap_mode", "explain")]
        new_date = dialogue.parse_tx_date((entities.get("cap_date") or [None])[0], today) \
            or (await parse(_date_alone, text, today) if after else None)
        request = _previous_request(tracker, today) if new_date else None
        if request is not None:  # "et pour une vente du 31/03/2021 ?" after a decision
            then = await limit_on(dispatcher, tracker, new_date)  # the agrément as it stood that day
            if then is None:  # no limit known at that date: the form asks for the figures of then
                say(dispatcher, wording.limit_unknown_then(tracker.get_slot("cap_buyer"), new_date))
                return [SlotSet("cap_buyer", dialogue.NO_BUYER), SlotSet("cap_requested", None),
                        SlotSet("cap_granted", None), SlotSet("cap_refused", None),
                        SlotSet("cap_transaction_date", new_date.isoformat()), SlotSet("cap_mode", "eligibility")]
            if then:
                request = dialogue.build_request({**{s: tracker.get_slot(s) for s in ALL_SLOTS}, **then}, today)
            _say_decision(dispatcher, replace(request, transaction_date=new_date), today)
            return [SlotSet(k, v) for k, v in then.items()] + [
                SlotSet("cap_transaction_date", new_date.isoformat()), SlotSet("cap_mode", "explain")]
        buyer = (entities.get("buyer") or [None])[0]
        who = identity(tracker)
        if who is not None and buyer and dialogue.asks_about_record(text):  # the top-up stored on that buyer
            found = await audited_call(dispatcher, who, queries.guarantee_on_buyer, buyer)
            if found is not None and found.outcome == "match" and found.limit is not None:
                scheme = dialogue.scheme_from(text, (entities.get("cap_scheme") or [None])[0])
                say(dispatcher, guarantee_wording.cap_records(found.limit, scheme, today=today))
                if not found.limit.cap_covers and scheme:
                    say(dispatcher, wording.scheme_reply(scheme, as_of=today))
                return [SlotSet("cap_mode", "explain"), SlotSet("buyer", found.limit.buyer_name)]
        if (text and not text.startswith("/") and not tracker.get_slot("cap_mode")
                and dialogue.last_answer(tracker.events) not in dialogue.CAP_ACTIONS
                and not dialogue.mentions_cap(text)):  # no word of the schemes, no CAP talk yet: not understood
            return [FollowupAction("action_fallback")]
        prefilled = dialogue.prefill(text, entities, today) if text and not text.startswith("/") else {}
        typed = bool(prefilled.get("cap_requested")) and not buyer
        answer = None if typed or await parse(_to_the_form, tracker, text, entities, today) \
            else await parse(knowledge, tracker, text, entities, today)
        if answer is not None:  # a question on a scheme: its fact first (never the form's questions)
            say(dispatcher, answer)
            return [] if in_form else [SlotSet("cap_mode", "explain")]
        mode = "eligibility" if text == "/ask_cap" else await parse(dialogue.classify, text, entities)
        if mode == "explain" or in_form:
            scheme = dialogue.scheme_from(text, (entities.get("cap_scheme") or [None])[0])
            if dialogue.is_price_question(text):
                say(dispatcher, wording.price_reply())
            say(dispatcher, wording.scheme_reply(scheme, as_of=today) if scheme else wording.overview_reply(today))
            return [] if in_form else [SlotSet("cap_mode", "explain")]
        values: Dict[str, Any] = {slot: None for slot in ALL_SLOTS}
        values.update(prefilled)
        figures = bool(prefilled.get("cap_requested") and (prefilled.get("cap_granted") or prefilled.get("cap_refused")))
        # the figures typed in the question are the sale's: they win over the agrément's (kept for "et en 2021 ?")
        values["cap_buyer"] = dialogue.NO_BUYER if identity(tracker) is None or typed or figures else buyer
        if not values.get("cap_country") and any("Francexport" in s for s in schemes_in(text)):
            # "on voudrait leur revendre..., ça passerait en cap+ francexport ?": the buyer being discussed
            values["cap_country"] = await _focus_country(dispatcher, tracker)
        if dialogue.complete(values):  # every figure given ("mars 2021, client français, 600 000 / 200 000"): answer
            request = dialogue.build_request(values, today)
            if request is not None:
                _say_decision(dispatcher, request, today)
                return [SlotSet(k, v) for k, v in values.items()] + [SlotSet("cap_mode", "explain")]
        events = [SlotSet(k, v) for k, v in values.items()] + [SlotSet("cap_mode", "eligibility")]
        if _intent(tracker) != "ask_cap":  # reached from another action: no rule opens the form
            events.append(FollowupAction("cap_form"))
        return events


class ActionCapEvaluate(Action):
    """The form is complete: which scheme, how much, at which date, and whether it is still open."""

    def name(self) -> Text:
        return "action_cap_evaluate"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        if tracker.get_slot("cap_mode") == "stopped":  # the person said "stop": already answered
            return []
        today = _today()
        request = _previous_request(tracker, today)
        if request is None:
            say(dispatcher, wording.problem("bad_cap_amount"))
            return [SlotSet(s, None) for s in ALL_SLOTS]
        _say_decision(dispatcher, request, today)
        return []
