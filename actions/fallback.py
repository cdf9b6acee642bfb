"""Two-stage fallback: first offer the likely topics as buttons, then a person."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import audited_call, identity, say
from bot.wording import core
from bot.wording.topics import suggestions_for

CLAIM_ACTIONS = ("action_claim_status", "action_list_claims", "action_claim_payout", "action_advance_indemnification")
LIMIT_WORDS = ("agrement", "couvert", "couvre", "garanti", "plafond", "limite")


def consecutive_fallbacks(tracker: Tracker) -> int:
    """How many user messages in a row (including the latest) were not understood."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        intent = (event.get("parse_data") or {}).get("intent", {}).get("name")
        if intent != "nlu_fallback":
            break
        count += 1
    return count


class ActionFallback(Action):
    def name(self) -> Text:
        return "action_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        from actions.cap import cap_followup
        if (cap := await cap_followup(dispatcher, tracker, domain)) is not None:  # the CAP talk goes on
            return cap
        from actions.declare import after_summary
        from bot import dialogue
        from bot.wording import dialogue as dialogue_wording
        pending = after_summary(tracker)  # a go or a correction to a declaration summarised just before
        if pending:
            return pending
        text = tracker.latest_message.get("text") or ""
        from actions.guarantee import ActionGuarantee, about_limits
        from actions.help import process_answer
        answered = await process_answer(dispatcher, tracker)
        if answered is not None:
            return answered
        if about_limits(tracker):  # « et le mien sur l'hôtel du port c'est combien ? »
            return await ActionGuarantee().run(dispatcher, tracker, domain)
        from bot import glossary
        if glossary.find_terms(text) and len(text.split()) <= 12 and "?" in text:  # « subrogation ?? »
            from actions.glossary import ActionGlossary
            return await ActionGlossary().run(dispatcher, tracker, domain)
        if dialogue.mentions_insolvency(text):  # a buyer in insolvency proceedings: what to do first
            for reply in dialogue_wording.insolvency():
                say(dispatcher, reply)
            return []
        if dialogue.is_goodbye(text) and len(text.split()) <= 6:
            dispatcher.utter_message(response="utter_goodbye")
            return []
        if dialogue.is_thanks(text) and len(text.split()) <= 6:
            dispatcher.utter_message(response="utter_you_are_welcome")
            return []
        from actions.claims import claim_followup
        followup = await claim_followup(dispatcher, tracker, domain)  # « et garcia ? » after a claim
        if followup is not None:
            return followup
        about_buyer = await _about_a_buyer(dispatcher, tracker, domain)
        if about_buyer is not None:
            return about_buyer
        if consecutive_fallbacks(tracker) >= 2:
            say(dispatcher, core.fallback_human())
        else:
            ranking = tracker.latest_message.get("intent_ranking") or []
            say(dispatcher, core.fallback_rephrase(suggestions_for([r.get("name") for r in ranking])))
        return []


def _previous_action(tracker: Tracker) -> str:
    """The last answer given before this message (the topic a bare buyer's name follows up on)."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user:
                continue
            seen_user = True
        elif event.get("event") == "action" and seen_user and event.get("name") not in (
                "action_listen", "action_fallback", "action_session_start"):
            return event.get("name") or ""
    return ""


async def _about_a_buyer(dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
    """A message the NLU did not place that names one of the person's buyers ("et garcia ?", "Et Primeurs
    Robert ?", "celui sur lopes"): the question goes on about that buyer, on the topic of the previous answer
    (its claims, or its agrément); several close names are asked about. None when no buyer is named."""
    from bot import claim_filters
    from bot.store import queries

    who = identity(tracker)
    text = tracker.latest_message.get("text") or ""
    if who is None or not text.strip():
        return None
    limits = await audited_call(dispatcher, who, queries.limits)
    if not limits:
        return None
    entities = [e for e in tracker.get_latest_entity_values("buyer") if isinstance(e, str)]
    outcome, found, query = claim_filters.buyer_named(text, sorted({v.buyer_name for v in limits}), entities + [text])
    if outcome == "none":
        return None
    # the action of the topic reads the buyer from the entity: the name found, or the words naming several
    tracker.latest_message["entities"] = [e for e in tracker.latest_message.get("entities") or []
                                          if e.get("entity") != "buyer"] + [
        {"entity": "buyer", "value": found[0] if outcome == "match" else query}]
    folded = claim_filters.fold(text)
    if _previous_action(tracker) in CLAIM_ACTIONS and not any(w in folded for w in LIMIT_WORDS):
        from actions.claims import ActionClaimStatus
        return await ActionClaimStatus().run(dispatcher, tracker, domain)
    from actions.guarantee import ActionGuarantee
    return await ActionGuarantee().run(dispatcher, tracker, domain)
