"""Hand the conversation to a person.

- During business hours: a handoff ticket (who, why, summary, transcript, claims discussed) is
  stored, the person is told a claims agent takes over, and the bot pauses itself for this
  conversation with Rasa's ``ConversationPaused`` (the agent desk resumes it with
  ``ConversationResumed``).
- Outside business hours: ``callback_form`` (:mod:`actions.callback`) asks a French phone number
  and a slot among the next opening slots, then stores the callback request.

Business rules (hours, holidays, phone numbers, summary) live in :mod:`bot.handoff`.
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import identity, off_loop, say
from bot.handoff import tickets
from bot.handoff.hours import Calendar, load_calendar
from bot.handoff.summary import build_summary, infer_reason, transcript
from bot.settings import get_settings
from bot.wording import handoff as wording

logger = logging.getLogger(__name__)

FORM = "callback_form"
SLOT_CHOICES = 4
# intents that are not an answer to the form's question
DIGRESSIONS = {
    "ask_fees", "ask_guarantee", "ask_cap", "ask_advance_indemnification", "ask_claim_process", "ask_claim_status",
    "list_claims", "declare_unpaid", "express_worry", "request_human", "complain", "bot_challenge", "deny",
    "greet", "goodbye", "thank",
}


def now() -> datetime:
    """The clock (patched by tests)."""
    return datetime.now(timezone.utc)


def calendar() -> Calendar:
    return load_calendar()


async def in_store(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``func(session, *args)`` in a unit of work, in a worker thread. Raises on failure."""
    from bot.store.db import get_engine, session_scope

    def work():
        with session_scope(get_engine(get_settings().database.url)) as session:
            return func(session, *args, **kwargs)

    return await off_loop(work)


def _intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def _text(tracker: Tracker) -> str:
    text = tracker.latest_message.get("text") or ""
    return "" if text.startswith("/") else text.strip()


def _active_loop(tracker: Tracker) -> Optional[str]:
    return (tracker.active_loop or {}).get("name")


class ActionHandoff(Action):
    def name(self) -> Text:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        if _active_loop(tracker) == FORM:  # asked again while we take the callback details
            say(dispatcher, wording.callback_in_progress())
            return []
        who = identity(tracker)
        events = list(tracker.events)
        reason = infer_reason(events)
        cal, current = calendar(), now()
        if not cal.is_open(current):
            for reply in wording.closed(cal.next_opening(current)):
                say(dispatcher, reply)
            return [SlotSet("handoff_reason", reason), SlotSet("callback_phone", None),
                    SlotSet("callback_slot", None), SlotSet("handoff_outcome", "callback")]
        summary = build_summary(events, reason=reason)
        try:
            ticket = await in_store(tickets.create_ticket, who.policyholder_id if who else None, tracker.sender_id,
                                    reason, summary, transcript(events), now=current)
        except Exception:  # noqa: BLE001 - never crash, never pretend a transfer happened
            logger.exception("handoff ticket for %s failed", tracker.sender_id)
            say(dispatcher, wording.handoff_failed())
            return [SlotSet("handoff_reason", reason), SlotSet("handoff_outcome", "failed")]
        for reply in wording.ticket_created(ticket.reference, ticket.claim_refs, who is not None):
            say(dispatcher, reply)
        return [SlotSet("handoff_reason", reason), SlotSet("handoff_outcome", "ticket"), ConversationPaused()]
