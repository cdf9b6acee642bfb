"""Practical help: how to sign in, the advisers' opening hours."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import identity, say
from bot.guarantee_intent import fold
from bot.handoff.hours import load_calendar
from bot.wording import help as wording

LOST = re.compile(r"mot de passe|mdp|identifiant|perdu|oubli|incorrect|bloque|marche pas|pas de compte|cree")


class ActionSignInHelp(Action):
    def name(self) -> Text:
        return "action_sign_in_help"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        text = fold(tracker.latest_message.get("text"))
        say(dispatcher, wording.sign_in(identity(tracker) is not None, lost=bool(LOST.search(text))))
        return []


class ActionOpeningHours(Action):
    def name(self) -> Text:
        return "action_opening_hours"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        say(dispatcher, wording.opening_hours(load_calendar().week))
        return []
