"""Practical help: how to sign in, the advisers' opening hours."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import audited_call, identity, say
from bot import claim_filters, glossary, process_intent
from bot.guarantee_intent import fold
from bot.handoff.hours import load_calendar
from bot.store import queries
from bot.wording import help as wording
from bot.wording import process as process_wording

LOST = re.compile(r"mot de passe|mdp|identifiant|perdu|oubli|incorrect|bloque|marche pas|pas de compte|cree")


LATER = re.compile(r"\bplus tard\b|\bje reviens\b|\bje reviendrai\b|\bce soir\b|\bdemain\b|\ben rentrant\b")


class ActionSignInHelp(Action):
    def name(self) -> Text:
        return "action_sign_in_help"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        text = fold(tracker.latest_message.get("text"))
        if LATER.search(text) and not LOST.search(text) and "?" not in text:
            # « je me connecte plus tard, merci »: a goodbye, not a question on how to sign in
            say(dispatcher, wording.sign_in_later())
            return []
        say(dispatcher, wording.sign_in(identity(tracker) is not None, lost=bool(LOST.search(text))))
        return []


async def process_answer(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[List[Dict]]:
    """One general process question answered on its own, from any topic it was asked in: what receivership
    changes, what to have at hand to declare, declaring before the due date. None when it is none of them."""
    text = tracker.latest_message.get("text") or ""
    if text.startswith("/"):
        return None
    who = identity(tracker)
    if process_intent.asks_about_insolvency(text):
        ref = tracker.get_slot("claim_ref") if who is not None and claim_filters.points_at_focus(text) else None
        asks_cover = bool(re.search(r"\bpay\w*|\bcouvert\w*|\bindemnis\w*|\brembours\w*", fold(text)))
        for reply in process_wording.insolvency(ref, asks_cover=asks_cover):
            say(dispatcher, reply)
        return []
    from actions.guarantee import _last_bot_action
    declaring = _last_bot_action(tracker) in ("action_declare_start", "action_claim_process")
    if process_intent.asks_what_to_prepare(text, after_declaring=declaring):
        for reply in process_wording.prepare(who is not None):
            say(dispatcher, reply)
        return []
    if process_intent.asks_definition(text) and glossary.find_terms(text):  # « c quoi un débiteur ? »
        from actions.glossary import ActionGlossary
        return await ActionGlossary().run(dispatcher, tracker, {})
    if process_intent.asks_if_too_late(text):
        terms = await audited_call(dispatcher, who, queries.contract_terms) if who is not None else None
        say(dispatcher, process_wording.too_late(terms, signed_in=who is not None))
        return []
    if process_intent.due_date_ahead(text):
        terms = await audited_call(dispatcher, who, queries.contract_terms) if who is not None else None
        say(dispatcher, process_wording.not_yet_due(terms))
        return []
    return None


class ActionOpeningHours(Action):
    def name(self) -> Text:
        return "action_opening_hours"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        say(dispatcher, wording.opening_hours(load_calendar().week))
        return []
