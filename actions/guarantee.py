"""Guarantee: agrément on a buyer, all my agréments, encours garanti, limit requests, territorial scope."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import audited_call, auth_status, identity, say, store_call
from bot import claim_filters, guarantee_intent
from bot.store import queries
from bot.wording import core
from bot.wording import guarantee as wording


def _terms(session, policyholder_id: int):
    """The contract terms in a tuple: None inside means "no contract", None outside "the store failed"."""
    return (queries.contract_terms(session, policyholder_id),)


class ActionGuarantee(Action):
    def name(self) -> Text:
        return "action_guarantee"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        from actions.cap import cap_followup
        if (cap := await cap_followup(dispatcher, tracker, domain)) is not None:  # the CAP talk goes on
            return cap
        who = identity(tracker)
        if who is None:
            say(dispatcher, core.sign_in_needed(auth_status(tracker)))
            return []
        from actions.claims import claim_followup
        followup = await claim_followup(dispatcher, tracker, domain, lists_only=True)  # « ceux sur Girard ? »
        if followup is not None:
            return followup
        ph = who.policyholder_id
        ask = guarantee_intent.read(
            tracker.latest_message.get("text"),
            buyers=tracker.get_latest_entity_values("buyer"),
            amounts=tracker.get_latest_entity_values("amount"),
            countries=tracker.get_latest_entity_values("country"),
        )
        if ask.kind != "increase" and not ask.buyer and tracker.get_slot("buyer"):
            # "on peut demander 20 000 ?" about the buyer being discussed
            focus = guarantee_intent.read(tracker.latest_message.get("text"), buyers=[tracker.get_slot("buyer")],
                                          amounts=tracker.get_latest_entity_values("amount"))
            if focus.kind == "increase":
                ask = focus
        if ask.kind == "increase":
            result = await store_call(dispatcher, queries.record_limit_increase_request, ph, ask.buyer, str(ask.amount),
                                      channel=who.channel or "chat", user_id=who.user_id)
            if result is not None:
                say(dispatcher, wording.limit_increase(result))
            return []
        if ask.kind == "buyer":
            lookup = await audited_call(dispatcher, who, queries.guarantee_on_buyer, ask.buyer)
            if lookup is None:
                return []
            say(dispatcher, wording.guarantee(lookup))
            return [SlotSet("buyer", lookup.limit.buyer_name)] if lookup.outcome == "match" else []
        if ask.guess:  # no buyer entity, but a name after "sur / pour / chez": a buyer if the store knows it
            lookup = await audited_call(dispatcher, who, queries.guarantee_on_buyer, ask.guess)
            if lookup is None:
                return []
            if lookup.outcome != "none":
                say(dispatcher, wording.guarantee(lookup))
                return [SlotSet("buyer", lookup.limit.buyer_name)] if lookup.outcome == "match" else []
        if ask.kind == "encours":
            view = await audited_call(dispatcher, who, queries.encours)
            if view is not None:
                say(dispatcher, wording.encours(view))
            return []
        if ask.kind == "scope":
            found = await audited_call(dispatcher, who, _terms)
            if found is not None:
                terms = found[0]
                in_scope = guarantee_intent.country_in_scope(terms.territorial_scope if terms else None, ask.country)
                say(dispatcher, wording.territory(terms, ask.country, in_scope))
            return []
        views = await audited_call(dispatcher, who, queries.limits)
        if views is not None and ask.kind == "overview":
            # a buyer named in passing ("ce qu'on livre à fournier"), or the one being discussed ("chez eux")
            text = tracker.latest_message.get("text")
            outcome, _, named = claim_filters.buyer_named(text, [v.buyer_name for v in views])
            if named is None and claim_filters.points_at_focus(text) and tracker.get_slot("buyer"):
                named = tracker.get_slot("buyer")
            if named:  # one buyer, or the words that name several ("sur martin": which one?)
                lookup = await audited_call(dispatcher, who, queries.guarantee_on_buyer, named)
                if lookup is not None and lookup.outcome != "none":
                    say(dispatcher, wording.guarantee(lookup))
                    return [SlotSet("buyer", lookup.limit.buyer_name)] if lookup.outcome == "match" else []
        if views is not None:
            statuses = status_filter(tracker.latest_message.get("text"))
            if statuses:
                views = [v for v in views if v.status in statuses]
            say(dispatcher, wording.limits_overview(views))
        return []


def status_filter(text) -> set:
    """Which agréments a list asks for: refused, reduced, cancelled, partial ("lesquels ont été refusés ?")."""
    folded = guarantee_intent.fold(text)
    wanted = set()
    if "refus" in folded:
        wanted.add("refused")
    if any(w in folded for w in ("redui", "baiss", "diminu")):
        wanted.add("reduced")
    if any(w in folded for w in ("supprim", "annul", "coupe", "retir", "resili")):
        wanted.add("cancelled")
    if "partiel" in folded:
        wanted.add("partial")
    return wanted
