"""Two-stage fallback: first offer the likely topics as buttons, then a person."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import say
from bot.wording import core
from bot.wording.topics import suggestions_for


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
        if consecutive_fallbacks(tracker) >= 2:
            say(dispatcher, core.fallback_human())
        else:
            ranking = tracker.latest_message.get("intent_ranking") or []
            say(dispatcher, core.fallback_rephrase(suggestions_for([r.get("name") for r in ranking])))
        return []
