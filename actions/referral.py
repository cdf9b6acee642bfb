"""Agent → bot referral: greet with the agent's context and go straight to the topic.

The page sends ``/referral_greet`` after redeeming a referral
link. The context (topic, claim reference) comes only from the database record found through the
channel's signed ``referral`` metadata, checked against the verified identity and the
conversation — never from the message text or from entities a client could type
(``/referral_greet{"claim_ref": ...}`` is ignored). Each topic reuses the existing store queries
and wording of that topic.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.claims import _status_or_choices
from actions.common import audited_call, identity, latest_user_metadata, say, store_call
from actions.fees import _fees
from actions.indemnity import advance_data, inputs_for
from bot import referral
from bot.auth import Identity
from bot.indemnity import estimate
from bot.settings import get_settings
from bot.store import queries
from bot.wording import cap as cap_wording
from bot.wording import claims as claims_wording
from bot.wording import fees as fees_wording
from bot.wording import guarantee as guarantee_wording
from bot.wording import referral as wording
from bot.wording import indemnity as indemnity_wording
from bot.wording import process as process_wording


def _context(session, referral_id: int, policyholder_id: int):
    """In a tuple: None inside means "no referral to greet", None outside "the store failed"."""
    return (referral.context_for_greeting(session, referral_id, policyholder_id),)


def _claim_slot(ref: Optional[str]) -> List[Dict]:
    return [SlotSet("claim_ref", ref)] if ref else []


async def _claim_status(dispatcher: CollectingDispatcher, who: Identity, ref: Optional[str]) -> List[Dict]:
    result = await audited_call(dispatcher, who, _status_or_choices, ref, requested=("claim", ref) if ref else None)
    if result is None:
        return []
    view, page = result
    if ref:
        say(dispatcher, claims_wording.claim_status(view) if view else claims_wording.claim_not_found(ref))
        return _claim_slot(view.ref if view else None)
    if page.total == 1:
        only = await audited_call(dispatcher, who, queries.claim_by_ref, page.items[0].ref)
        if only is not None:
            say(dispatcher, claims_wording.claim_status(only))
            return _claim_slot(only.ref)
        return []
    say(dispatcher, claims_wording.which_claim(page))
    return []


def _guarantee_data(session, ph: int, ref: Optional[str]):
    claim = queries.claim_by_ref(session, ph, ref) if ref else None
    if claim is not None:
        return queries.guarantee_on_buyer(session, ph, claim.buyer_name), None
    return None, queries.limits(session, ph)


async def _guarantee(dispatcher: CollectingDispatcher, who: Identity, ref: Optional[str]) -> List[Dict]:
    found = await audited_call(dispatcher, who, _guarantee_data, ref, requested=("claim", ref) if ref else None)
    if found is None:
        return []
    lookup, views = found
    if lookup is not None:
        say(dispatcher, guarantee_wording.guarantee(lookup))
    else:
        say(dispatcher, guarantee_wording.limits_overview(views))
    return _claim_slot(ref)


async def _fees_answer(dispatcher: CollectingDispatcher, who: Identity, ref: Optional[str]) -> List[Dict]:
    found = await audited_call(dispatcher, who, _fees, None)
    if found is not None:
        terms, view = found
        say(dispatcher, fees_wording.my_fees(terms, view, period=False))
    return _claim_slot(ref)


async def _cap(dispatcher: CollectingDispatcher, who: Identity, ref: Optional[str]) -> List[Dict]:
    say(dispatcher, cap_wording.overview_reply(date.today()))  # its buttons start the eligibility form
    return _claim_slot(ref)


async def _indemnification(dispatcher: CollectingDispatcher, who: Identity, ref: Optional[str]) -> List[Dict]:
    data = await audited_call(dispatcher, who, advance_data, ref, requested=("claim", ref) if ref else None)
    if data is None:
        return []
    terms, claim, limit, _open_refs = data
    if ref and claim is not None and not claim.is_open:  # closed: what was paid, and what happens next
        say(dispatcher, claims_wording.claim_status(claim))
        return _claim_slot(claim.ref)
    if ref and claim is not None:  # the estimate for that claim, as action_advance_indemnification gives it
        est = estimate(inputs_for(claim, terms, limit), as_of=date.today())
        say(dispatcher, indemnity_wording.advance_claim_intro(claim.ref, est.advance))
        say(dispatcher, indemnity_wording.estimate_reply(est))
        return _claim_slot(claim.ref)
    for reply in process_wording.process(terms):  # how indemnification works, with the contract's figures
        say(dispatcher, reply)
    return []


async def _declaration(dispatcher: CollectingDispatcher, who: Identity, ref: Optional[str]) -> List[Dict]:
    say(dispatcher, wording.declare_next())  # its button starts the declaration form
    return []


TOPIC_ANSWERS = {
    "claim_status": _claim_status,
    "guarantee": _guarantee,
    "fees": _fees_answer,
    "cap": _cap,
    "indemnification": _indemnification,
    "declaration": _declaration,
}


class ActionReferralGreet(Action):
    def name(self) -> Text:
        return "action_referral_greet"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        who = identity(tracker)
        referral_id = None
        if who is not None:
            referral_id = referral.verify_claim(get_settings(), latest_user_metadata(tracker), tracker.sender_id,
                                                who.policyholder_id)
        if referral_id is None:  # no verified referral: the ordinary greeting
            dispatcher.utter_message(response="utter_greet")
            return []
        found = await store_call(dispatcher, _context, referral_id, who.policyholder_id)
        if found is None:  # the store apologised
            return []
        context = found[0]
        if context is None or context.topic not in TOPIC_ANSWERS:  # already greeted, or not this person's
            dispatcher.utter_message(response="utter_greet")
            return []
        say(dispatcher, wording.greeting(context.topic, context.claim_ref))
        return await TOPIC_ANSWERS[context.topic](dispatcher, who, context.claim_ref)
