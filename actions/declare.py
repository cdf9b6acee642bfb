"""Declaring an unpaid invoice (DMS) in the chat: start, summary, correction or cancel, then the store.
The form itself (questions, answers, checks) is in :mod:`actions.declare_form`.

Rasa adapters only: the decisions (answers, corrections, deadline, idempotency key) are in bot.declaration."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import audited_call, auth_status, identity, on_the_phone, say, store_call
from bot import declaration as decide
from bot import dialogue
from bot.declaration import FORM_SLOTS, idempotency_key
from bot.store import queries
from bot.store.views import DeclarationResult
from bot.wording import core
from bot.wording import declare as wording
from bot.wording import dialogue as dialogue_wording
from bot.wording import voice as voice_wording


FORM = "declare_unpaid_form"


def _intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def _text(tracker: Tracker) -> str:
    return decide.user_text(tracker.latest_message.get("text"))


def _reset() -> List[Dict]:
    return [SlotSet(slot, None) for slot in FORM_SLOTS] + [SlotSet("requested_slot", None)]


def _pending(tracker: Tracker) -> Optional[Dict[str, Any]]:
    return decide.pending_from({slot: tracker.get_slot(slot) for slot in FORM_SLOTS})


async def _terms(dispatcher: CollectingDispatcher, tracker: Tracker):
    """The contract terms of the signed-in person (None for a visitor, or when the store apologised)."""
    who = identity(tracker)
    return None if who is None else await audited_call(dispatcher, who, queries.contract_terms)


def _say_all(dispatcher: CollectingDispatcher, replies) -> None:
    for reply in replies:
        say(dispatcher, reply)


def _stopped(tracker: Tracker) -> bool:
    """The latest message left the form (« laissez tomber », « au revoir »)."""
    text = _text(tracker)
    return dialogue.is_cancel(text) or dialogue.is_goodbye(text)


class _Named:
    action = ""  # the Rasa action name

    def name(self) -> Text:
        return self.action


_SUMMARY_ACTIONS = ("action_declaration_summary", "action_correct_or_cancel_declaration")
_DECLARING_WORDS = re.compile(r"declar|impaye|factur|pas paye|paye pas|pas regle|regle pas|rembours|dms\b")
_GO = re.compile(r"\b(?:oui|ouais|ok|d'accord|envoy\w*|transm\w*|valid\w*|go|allez[- ]y|c'est bon|confirm\w*)\b")


def summary_pending(tracker: Tracker) -> bool:
    """A declaration is complete and was summarised a moment ago (not yet sent, not cancelled)."""
    if _pending(tracker) is None:
        return False
    recent = [e.get("name") for e in tracker.events if e.get("event") == "action"
              and e.get("name") not in ("action_listen", None)][-4:]
    return any(name in _SUMMARY_ACTIONS for name in recent)


def after_summary(tracker: Tracker) -> List[Dict]:
    """What a message means while a summarised declaration waits for a yes: a go sends it, a date or
    an amount corrects it. [] when nothing is pending or the message is something else."""
    text = _text(tracker)
    if not summary_pending(tracker) or dialogue.is_question(text) or dialogue.is_cancel(text):
        return []
    if decide.corrected(_pending(tracker), text) is not None:
        return [FollowupAction("action_correct_or_cancel_declaration")]
    if _intent(tracker) == "affirm" or _GO.search(dialogue.fold(text)):
        return [FollowupAction("action_submit_declaration")]
    return []


def _previous_turn(tracker: Tracker) -> List[Dict[str, Any]]:
    """The events between the person's previous message and the latest one, latest first."""
    found, seen_user = [], False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user:
                break
            seen_user = True
        elif seen_user:
            found.append(event)
    return found


def _previous_action(tracker: Tracker) -> Optional[str]:
    """The last action the assistant ran before the latest message of the person."""
    return next((e.get("name") for e in _previous_turn(tracker)
                 if e.get("event") == "action" and e.get("name") != "action_listen"), None)


def _offered(tracker: Tracker) -> bool:
    """The assistant's previous answer offered to declare (a yes then starts the form); an answer given
    by action_declare_start on another topic (a CAP question, an estimate) offered nothing."""
    offer = dialogue_wording.declare_offer().text[:30]
    return any(e.get("event") == "bot" and offer in (e.get("text") or "") for e in _previous_turn(tracker))


def clear_wish_to_declare(tracker: Tracker) -> bool:
    """A button, a sentence that asks to declare, or a yes to our offer: the form may start."""
    raw = tracker.latest_message.get("text") or ""
    if dialogue.is_button(raw):
        return True
    if _intent(tracker) == "affirm" and _previous_action(tracker) == "action_declare_start" and _offered(tracker):
        return True
    return dialogue.wants_to_declare(raw)


async def _buyer_named(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict]:
    """The focus on the buyer the message names in words when the NLU found none ("charpentes giraud
    est en redressement"): the next question ("il en est où ce dossier ?") is about that buyer."""
    from bot.claim_filters import buyer_in_words

    who = identity(tracker)
    if who is None or next(tracker.get_latest_entity_values("buyer"), None):
        return []
    limits = await audited_call(dispatcher, who, queries.limits)
    name = buyer_in_words(tracker.latest_message.get("text"), [l.buyer_name for l in limits or ()])
    return [SlotSet("buyer", name)] if name else []


async def _buyer_to_declare(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict]:
    """The buyer named in the wish to declare (« déclarer un impayé martin »): set when the store knows
    it; several close names are listed so the form's first question is answered knowingly."""
    from bot.claim_filters import buyer_in_words

    who = identity(tracker)
    name = next(tracker.get_latest_entity_values("buyer"), None)
    if who is None:
        return []
    if name is None:
        limits = await audited_call(dispatcher, who, queries.limits)
        name = buyer_in_words(tracker.latest_message.get("text"), [lim.buyer_name for lim in limits or ()]) \
            or decide.buyer_guess(tracker.latest_message.get("text"))
    if not name:
        return []
    found = await audited_call(dispatcher, who, queries.guarantee_on_buyer, name)
    if found is None or found.outcome == "none":
        return []
    if found.outcome == "match":
        return [SlotSet("buyer", found.limit.buyer_name)]
    _say_all(dispatcher, wording.result(DeclarationResult(outcome="buyer_ambiguous", candidates=found.candidates)))
    return [SlotSet("buyer", None)]


class ActionDeclareStart(_Named, Action):
    """Starts the form only on a clear wish; otherwise answers and offers (a buyer in insolvency
    proceedings: what to do first; a question about declaring: the answer)."""

    action = "action_declare_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        raw = tracker.latest_message.get("text") or ""
        active = (tracker.active_loop or {}).get("name")
        if active == FORM:  # already declaring: answer, then ask again
            if dialogue.is_question(raw):
                say(dispatcher, dialogue_wording.declare_question())
            return [FollowupAction(FORM)]
        if active and not clear_wish_to_declare(tracker):  # inside another form: not a wish, ask again
            return [FollowupAction(active)]
        from actions.cap import cap_followup
        not_declaring = [SlotSet("declaration_allowed", False)]  # ends the turn by the rule, no form
        if not active and (cap := await cap_followup(dispatcher, tracker, domain)) is not None:
            return cap + not_declaring  # "exemple : mars 2021, demandé 600 000..."
        if not clear_wish_to_declare(tracker) and not summary_pending(tracker):
            if decide.asks_payout(raw):  # « 1 840 €, vous me rembourserez combien ? »: an estimate
                from actions.indemnity import ActionClaimPayout
                return await ActionClaimPayout().run(dispatcher, tracker, domain) + not_declaring
            if decide.asks_coverage(raw):  # « d'autres factures chez eux, je suis encore couverte ? »
                from actions.guarantee import ActionGuarantee
                return await ActionGuarantee().run(dispatcher, tracker, domain) + not_declaring
            due = decide.future_due(raw)
            if due is not None and identity(tracker) is not None:  # not due yet: nothing to declare now
                say(dispatcher, wording.not_yet_due(due))
                return [SlotSet("declaration_allowed", False)]
        if summary_pending(tracker) and not dialogue.wants_to_declare(raw):
            # a date or an amount after the summary corrects it; anything else shows it again
            return after_summary(tracker) or [FollowupAction("action_declaration_summary")]
        if on_the_phone(tracker):  # amounts, dates and invoice numbers are not taken by voice: a person does it
            say(dispatcher, voice_wording.declare_phone())
            return [SlotSet("declaration_allowed", False)]
        if dialogue.is_question(raw) and not dialogue.mentions_insolvency(raw) and not clear_wish_to_declare(tracker):
            from actions.guarantee import ActionGuarantee, asks_cover
            from actions.help import process_answer
            answered = await process_answer(dispatcher, tracker)  # « je peux déjà déclarer ? l'échéance est dans 3 semaines »
            if answered is not None:
                return answered + [SlotSet("declaration_allowed", False)]
            if identity(tracker) is not None and asks_cover(raw):  # « …je suis encore couverte ? »
                return await ActionGuarantee().run(dispatcher, tracker, domain) + [SlotSet("declaration_allowed", False)]
        if dialogue.mentions_insolvency(raw) and not dialogue.is_button(raw):
            _say_all(dispatcher, dialogue_wording.insolvency())
        if identity(tracker) is None:
            _say_all(dispatcher, wording.visitor())
            if auth_status(tracker) in {"expired", "invalid"}:
                say(dispatcher, core.sign_in_needed(auth_status(tracker)))
            return [SlotSet("declaration_allowed", False)]
        if not clear_wish_to_declare(tracker):
            if len(raw.split()) <= 4 and not _DECLARING_WORDS.search(dialogue.fold(raw)):
                # « Et Martin ? », « et lepicerie »: a buyer named after an answer, not a declaration
                from actions.fallback import _about_a_buyer
                about = await _about_a_buyer(dispatcher, tracker, domain)
                if about is not None:
                    return about + [SlotSet("declaration_allowed", False)]
            if dialogue.is_question(raw) and not dialogue.mentions_insolvency(raw):
                say(dispatcher, dialogue_wording.declare_question())
            say(dispatcher, dialogue_wording.declare_offer())
            return [SlotSet("declaration_allowed", False)] + await _buyer_named(dispatcher, tracker)
        say(dispatcher, wording.start())
        named = await _buyer_to_declare(dispatcher, tracker)
        # the form starts here, also when the wish came inside another form (the rules then have no path)
        return [SlotSet("declaration_allowed", True), SlotSet("invoice_number", None), SlotSet("due_date", None),
                *named, FollowupAction(FORM)]


class ActionDeclarationSummary(_Named, Action):
    action = "action_declaration_summary"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        if identity(tracker) is None:
            _say_all(dispatcher, wording.visitor())
            return _reset()
        pending = _pending(tracker)
        if pending is None:
            if not _stopped(tracker):  # the form was left on purpose: it said so already
                say(dispatcher, wording.nothing_pending())
            return _reset()
        if decide.asks_about_lateness(tracker.latest_message.get("text")):  # « j'ai dépassé ? c'est grave ? »
            say(dispatcher, wording.late_question())
        say(dispatcher, wording.summary(pending["buyer"], pending["invoice"], pending["amount"], pending["due"]))
        return []


class ActionCorrectOrCancelDeclaration(_Named, Action):
    """'No' to the summary: a correction ("non, c'est 12 300") updates it; a plain no cancels."""

    action = "action_correct_or_cancel_declaration"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        pending = decide.corrected(_pending(tracker), _text(tracker))
        if pending is not None:
            say(dispatcher, wording.corrected())
            say(dispatcher, wording.summary(pending["buyer"], pending["invoice"], pending["amount"], pending["due"]))
            return [SlotSet("amount", str(pending["amount"])), SlotSet("due_date", pending["due"].isoformat())]
        say(dispatcher, wording.cancelled())
        return _reset()


class ActionCancelDeclaration(_Named, Action):
    action = "action_cancel_declaration"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        say(dispatcher, wording.cancelled())
        return _reset()


class ActionSubmitDeclaration(_Named, Action):
    action = "action_submit_declaration"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        who = identity(tracker)
        if who is None:
            say(dispatcher, core.sign_in_needed(auth_status(tracker)))
            return []
        pending = _pending(tracker)
        if pending is None:
            say(dispatcher, wording.nothing_pending())
            return _reset()
        key = idempotency_key(tracker.sender_id, pending["buyer"], pending["invoice"], str(pending["amount"]),
                              pending["due"].isoformat())
        result = await store_call(dispatcher, queries.declare_unpaid, who.policyholder_id, pending["buyer"],
                                  pending["invoice"], pending["amount"], pending["due"], key,
                                  channel=who.channel or "chat", user_id=who.user_id)
        if result is None:  # the store apologised; keep the answers so the person can retry
            return []
        _say_all(dispatcher, wording.result(result))
        if result.ok and result.claim is not None:  # the new claim is now the one in focus
            return _reset() + [SlotSet("claim_ref", result.claim.ref), SlotSet("buyer", result.claim.buyer_name)]
        return _reset()
