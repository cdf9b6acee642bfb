"""The conversation itself: worry, complaints, asking for a person, how it works, yes/no, satisfaction."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import audited_call, identity, say, store_call
from bot import dialogue
from bot.settings import get_settings
from bot.store import queries
from bot.wording import conversation as wording
from bot.wording import core as core_wording
from bot.wording import dialogue as dialogue_wording
from bot.wording import process as process_wording


def _say_all(dispatcher: CollectingDispatcher, replies) -> None:
    for reply in replies:
        say(dispatcher, reply)


class ActionExpressWorry(Action):
    def name(self) -> Text:
        return "action_express_worry"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        _say_all(dispatcher, wording.worry(identity(tracker) is not None))
        return []


class ActionLogComplaint(Action):
    def name(self) -> Text:
        return "action_log_complaint"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        who = identity(tracker)
        if who is None:
            _say_all(dispatcher, wording.complaint_visitor())
            return []
        text = (tracker.latest_message.get("text") or "").strip()
        if not text or text.startswith("/"):
            _say_all(dispatcher, wording.complaint_empty())
            return []
        if not dialogue.wants_to_complain(text):  # a question or a what-if is never filed as a complaint
            from actions.declare import after_summary
            pending = after_summary(tracker)
            if pending:  # « bon, envoyez-la » to a summarised declaration
                return pending
            from actions.claims import claim_followup
            followup = await claim_followup(dispatcher, tracker, domain)  # « vous avez récupéré quelque chose ? »
            if followup is not None:
                return followup
            from bot.wording.topics import suggestions_for
            ranking = [r.get("name") for r in tracker.latest_message.get("intent_ranking") or []
                       if r.get("name") != "complain"]
            say(dispatcher, core_wording.fallback_rephrase(suggestions_for(ranking)))
            say(dispatcher, dialogue_wording.complaint_offer())
            return []
        receipt = await store_call(dispatcher, queries.record_complaint, who.policyholder_id, text, who.channel or "chat")
        if receipt is None:  # the store apologised already
            return []
        _say_all(dispatcher, wording.complaint_recorded(receipt.reference))
        return []


# asking for a person: action_handoff in actions/handoff.py


class ActionClaimProcess(Action):
    def name(self) -> Text:
        return "action_claim_process"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        from actions.help import process_answer
        answered = await process_answer(dispatcher, tracker)  # one process question: its own short answer
        if answered is not None:
            return answered
        from actions.claims import claim_followup
        followup = await claim_followup(dispatcher, tracker, domain)  # « et les 2 300 récupérés ? »
        if followup is not None:
            return followup
        who = identity(tracker)
        terms = None
        if who is not None:
            terms = await audited_call(dispatcher, who, queries.contract_terms)
        _say_all(dispatcher, process_wording.process(terms))
        return []


class ActionAffirmNoContext(Action):
    def name(self) -> Text:
        return "action_affirm_no_context"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        from actions.declare import after_summary
        pending = after_summary(tracker)  # "oui" to a declaration summarised just before a side question
        if pending:
            return pending
        from actions.guarantee import answer_pending
        review = await answer_pending(dispatcher, tracker, yes=True)  # "oui" to a limit review just proposed
        if review is not None:
            return review
        say(dispatcher, wording.affirm_no_context())
        return []


class ActionDenyNoContext(Action):
    def name(self) -> Text:
        return "action_deny_no_context"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        from actions.guarantee import answer_pending
        review = await answer_pending(dispatcher, tracker, yes=False)  # "non" to a limit review just proposed
        if review is not None:
            return review
        from actions.cap import cap_followup
        if (cap := await cap_followup(dispatcher, tracker, domain)) is not None:  # the CAP talk goes on
            return cap
        say(dispatcher, wording.deny_no_context())
        return []


class ActionAskCsat(Action):
    def name(self) -> Text:
        return "action_ask_csat"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        say(dispatcher, wording.csat_ask(after_goodbye=intent == "goodbye"))
        return [SlotSet("csat_score", None)]


_SCORE = re.compile(r"^\s*([1-5])(?:\s*(?:/\s*5|sur\s*5|etoiles?|étoiles?))?\s*$", re.IGNORECASE)


def csat_score(tracker: Tracker) -> Optional[int]:
    """The 1-5 score: from the button's entity, else from a bare digit typed by the person."""
    candidates = [next(tracker.get_latest_entity_values("csat_score"), None), tracker.get_slot("csat_score")]
    for value in candidates:
        if value is not None and str(value).strip() in {"1", "2", "3", "4", "5"}:
            return int(str(value).strip())
    match = _SCORE.match(tracker.latest_message.get("text") or "")
    return int(match.group(1)) if match else None


class ActionRecordCsat(Action):
    def name(self) -> Text:
        return "action_record_csat"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        score = csat_score(tracker)
        if score is not None:
            who = identity(tracker)
            sender_hash = queries.hash_sender(tracker.sender_id, get_settings().auth.identity_secret)
            await store_call(dispatcher, queries.record_csat, who.policyholder_id if who else None, sender_hash, score,
                             (who.channel if who else None) or "chat")
        say(dispatcher, wording.csat_thanks(score))
        return [SlotSet("csat_score", None)]


class ActionGreet(Action):
    """« bonjour » gets a greeting; « bonjour, healthline nous a été réduit ? » gets the answer to the question
    (the greeting is not the point of the message); « bon, envoyez » read as a greeting right after a
    declaration's summary sends it."""

    def name(self) -> Text:
        return "action_greet"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        from actions.common import QUESTION_ANSWERS, action_named
        from actions.declare import after_summary
        text = tracker.latest_message.get("text") or ""
        for event in after_summary(tracker):
            if isinstance(event, dict) and event.get("event") == "followup":
                action = action_named(event.get("name"))
                if action is not None:
                    return await action.run(dispatcher, tracker, domain)
        rest = dialogue.after_greeting(text)
        if len(rest.split()) >= 3:
            ranking = [r.get("name") for r in tracker.latest_message.get("intent_ranking") or []]
            for intent in [r for r in ranking if r not in ("greet", "nlu_fallback")][:2]:
                action = action_named(QUESTION_ANSWERS.get(intent, ""))
                if action is not None:
                    return await action.run(dispatcher, tracker, domain)
        dispatcher.utter_message(response="utter_greet")
        return []
