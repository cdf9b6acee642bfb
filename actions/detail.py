"""« Voir le détail »: the part of the previous answer that did not fit in a short reply.

``actions.common.say`` keeps each answer within ``bot.wording.reply.MAX_WORDS`` words and sends the
rest with the message (key ``detail``, kept by Rasa in the bot event's metadata, never shown by the
channels). This action reads it back from the conversation and says it, a page at a time.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.wording import core


def previous_detail(events: List[Dict[str, Any]]) -> List[str]:
    """The detail paragraphs of the answer before the latest message of the person, in order (all the answers to a
    message that held several questions)."""
    users_seen = 0
    found: List[List[str]] = []
    for event in reversed(events):
        kind = event.get("event")
        if kind == "user":
            if ((event.get("parse_data") or {}).get("split") or {}).get("part", 1) > 1:
                continue  # a later question of the same message (rasa_ext.patches.multi_question): same answer
            users_seen += 1
            if users_seen == 2:
                break
        elif kind == "bot" and users_seen == 1:
            detail = (event.get("metadata") or {}).get("detail")
            if isinstance(detail, list):
                found.append([str(p) for p in detail if isinstance(p, str)])
    return [p for chunk in reversed(found) for p in chunk]


class ActionShowDetail(Action):
    def name(self) -> Text:
        return "action_show_detail"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        # the page is already shortened: sent as it is (say() would cut it again with its own button)
        dispatcher.utter_message(**core.detail_page(previous_detail(tracker.events)).as_message())
        return []
