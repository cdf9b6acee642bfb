"""Indemnisation avancée: can I be paid before the end of the waiting period?

Signed in: the contract says whether it offers the service; for one claim (the reference given,
or the only open one) the estimate gives the amount, the dates and what is missing.
Not signed in: what the service is, and that the contract decides.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import audited_call, auth_status, identity, say
from bot.indemnity import IndemnityInputs, estimate, inputs_from
from bot.store import queries
from bot.store.refs import parse_ref
from bot.wording import core
from bot.wording import indemnity as wording


def _today() -> date:
    return date.today()


def _ref_from(tracker: Tracker) -> Optional[str]:
    entity = next(tracker.get_latest_entity_values("claim_ref"), None)
    for candidate in (entity, tracker.latest_message.get("text")):
        if isinstance(candidate, str):
            parsed = parse_ref(candidate)
            if parsed.valid:
                return parsed.ref
    return None


def advance_data(session, policyholder_id: int, ref: Optional[str]):
    """(contract terms, the claim or None, the agrément on its buyer or None, open claim refs)."""
    terms = queries.contract_terms(session, policyholder_id)
    claim, open_refs = None, []
    if ref:
        claim = queries.claim_by_ref(session, policyholder_id, ref)
    else:
        page = queries.list_claims(session, policyholder_id, status="open", page=1, page_size=5)
        open_refs = [item.ref for item in page.items]
        if page.total == 1:
            claim = queries.claim_by_ref(session, policyholder_id, open_refs[0])
    limit = None
    if claim is not None:
        found = queries.guarantee_on_buyer(session, policyholder_id, claim.buyer_name)
        limit = found.limit if found.outcome == "match" else None
    return terms, claim, limit, open_refs


def limit_at(limit, day: date) -> Optional[Decimal]:
    """The agrément in force on ``day`` (the latest decision made by then); None when unknown."""
    if limit is None:
        return None
    decided = [d for d in limit.history if d.decision_date <= day]
    if decided:
        return decided[-1].granted_amount
    return limit.amount if not limit.history else None


def inputs_for(claim, terms, limit) -> IndemnityInputs:
    """The estimator's inputs from a claim, the contract and the agrément on the buyer.

    The limit and any CAP top-up are those in force when the first invoice was issued (deliveries
    made before a reduction stay covered). The file counts as complete once the debt is admitted;
    before that, completeness is unknown (never guessed). The decision date planned in the claim
    file is passed on, so the estimate and the claim status give the same date."""
    first = min((i.issue_date or i.due_date for i in claim.invoices), default=claim.due_date)
    owed = (claim.amount_admitted if claim.amount_admitted is not None else claim.amount_declared)
    owed = max(owed - claim.amount_recovered, Decimal(0))
    top_up = sum((c.amount for c in (limit.cap_covers if limit else ())
                  if c.active_on(first) and c.scheme != "Cap Relais"), Decimal(0))
    planned = claim.next_step_date if claim.next_step_code == "indemnity_decision" else None
    return inputs_from(claim, terms, amount_owed=owed, credit_limit=limit_at(limit, first),
                       cap_top_up=top_up or None, declaration_date=claim.declared_on,
                       file_complete=True if claim.amount_admitted is not None else None,
                       decision_expected_date=planned)


class ActionAdvanceIndemnification(Action):
    def name(self) -> Text:
        return "action_advance_indemnification"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        who = identity(tracker)
        if who is not None and asks_payout(tracker.latest_message.get("text")):
            return await ActionClaimPayout().run(dispatcher, tracker, domain)
        if who is None:
            say(dispatcher, wording.advance_general())
            say(dispatcher, core.sign_in_needed(auth_status(tracker)))
            return []
        ref = _ref_from(tracker)
        if ref is None:
            from actions.claims import resolve_focused
            found = await resolve_focused(dispatcher, who, tracker)
            if found is None:
                return []
            ref = found[0].one.ref if found[0].one is not None else None
        data = await audited_call(dispatcher, who, advance_data, ref, requested=("claim", ref) if ref else None)
        if data is None:  # the store apologised
            return []
        terms, claim, limit, open_refs = data
        if claim is None:
            say(dispatcher, wording.advance_claim_not_found(ref) if ref else wording.advance_contract(terms, open_refs))
            return []
        from bot.wording import focus as focus_wording
        est = estimate(inputs_for(claim, terms, limit), as_of=_today())
        say(dispatcher, focus_wording.advance_for_claim(claim, est, terms))
        return [SlotSet("claim_ref", claim.ref), SlotSet("buyer", claim.buyer_name)]


def payout_data(session, policyholder_id: int, ref: Optional[str], buyer: Optional[str]):
    """(contract terms, the claim or None, the agrément on its buyer (or on ``buyer``) or None)."""
    terms = queries.contract_terms(session, policyholder_id)
    claim = queries.claim_by_ref(session, policyholder_id, ref) if ref else None
    name = claim.buyer_name if claim is not None else buyer
    limit = None
    if name:
        found = queries.guarantee_on_buyer(session, policyholder_id, name)
        limit = found.limit if found.outcome == "match" else None
    return terms, claim, limit


def latest_focus(tracker: Tracker, *, before_message: bool = False) -> Optional[str]:
    """"claim" or "buyer": which focus slot an answer set last (None when neither).
    ``before_message``: not counting the slots the latest message itself filled (its entities)."""
    names = set()
    events = list(tracker.events)
    if before_message:
        last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=len(events))
        events = events[:last_user]
    for event in reversed(events):
        kind = event.get("event")
        if kind == "slot" and event.get("name") in ("claim_ref", "buyer") and event.get("value"):
            names.add(event["name"])
        elif kind == "action" and names:
            break  # the slots set by the latest answer that set any
    if not names:
        return None
    return "claim" if "claim_ref" in names else "buyer"


class ActionClaimPayout(Action):
    """How much will you pay me (on this claim, or on an amount), and why not everything."""

    def name(self) -> Text:
        return "action_claim_payout"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        from actions.claims import claim_answer, resolve_focused
        from bot.claim_focus import question_kind
        from bot.parsing import parse_amount
        from bot.wording import focus as focus_wording

        who = identity(tracker)
        if who is None:
            say(dispatcher, wording.advance_general())
            say(dispatcher, core.sign_in_needed(auth_status(tracker)))
            return []
        text = tracker.latest_message.get("text") or ""
        amounts = [parse_amount(a) for a in tracker.get_latest_entity_values("amount") if isinstance(a, str)]
        amounts = [a for a in amounts if a]
        ref = _ref_from(tracker)
        if not amounts and ref is None and not re.search(r"\b(?:pourquoi|pk|pq|pkoi)\b", text.lower()):
            from bot.claim_filters import amounts_in_text
            amounts = amounts_in_text(text)
        if not amounts and question_kind(text) in ("if_fails", "advance", "recovered", "ending", "in_time", "amount"):
            # « si ça échoue, vous payez quand ? »: a fact about the claim, not the amount
            return await claim_answer(dispatcher, tracker, domain) or []
        buyer = next(tracker.get_latest_entity_values("buyer"), None)
        why = bool(re.search(r"\b(?:pourquoi|pk|pq|pkoi|seulement)\b", text.lower()))
        if why and ref is None and not amounts and latest_focus(tracker) != "claim":
            # "pourquoi pas 5 000 ?" after an agrément: the decision on that buyer and its reason
            from actions.claims import _agrement_named
            from bot.wording import guarantee as guarantee_wording
            lookup = await _agrement_named(dispatcher, who, tracker)
            if lookup is None and tracker.get_slot("buyer"):
                lookup = await audited_call(dispatcher, who, queries.guarantee_on_buyer, tracker.get_slot("buyer"))
            if lookup is not None and lookup.outcome == "match" and lookup.limit.status != "granted":
                say(dispatcher, guarantee_wording.guarantee(lookup))
                return [SlotSet("buyer", lookup.limit.buyer_name)]
        if ref is None and not amounts:
            found = await resolve_focused(dispatcher, who, tracker)
            if found is None:
                return []
            resolution, _ = found
            if resolution.ambiguous:
                say(dispatcher, focus_wording.which_buyer(list(resolution.ambiguous)))
                return []
            if resolution.one is None and resolution.claims:
                say(dispatcher, focus_wording.claims(list(resolution.claims), resolution.buyer))
                return [SlotSet("buyer", resolution.buyer)] if resolution.buyer else []
            ref = resolution.one.ref if resolution.one is not None else None
        if amounts and buyer is None:
            buyer = tracker.get_slot("buyer")
        data = await audited_call(dispatcher, who, payout_data, None if amounts else ref, buyer,
                                  requested=("claim", ref) if (ref and not amounts) else None)
        if data is None:
            return []
        terms, claim, limit = data
        if amounts:
            owed = amounts[0]
            credit = amounts[1] if len(amounts) > 1 else (limit.amount if limit is not None else owed)
            est = estimate(IndemnityInputs(amount_owed=owed, credit_limit=credit, quotite=terms.quotite if terms else None,
                                           deductible=terms.deductible if terms else None,
                                           minimum_claim=terms.minimum_claim_amount if terms else None), as_of=_today())
            say(dispatcher, focus_wording.payout(None, est, terms, owed=owed, hypothesis=True))
            return []
        if claim is None:
            say(dispatcher, focus_wording.payout(None, None, terms))
            return []
        if claim.stage == "refused":  # nothing to pay: which claim, when and why we refused it
            say(dispatcher, focus_wording.ending(claim))
            return [SlotSet("claim_ref", claim.ref), SlotSet("buyer", claim.buyer_name)]
        est = estimate(inputs_for(claim, terms, limit), as_of=_today())
        paid = claim.amount_indemnified if claim.amount_indemnified else None
        say(dispatcher, focus_wording.payout(claim.ref, est, terms, paid=paid, stage=claim.stage,
                                             declared=claim.amount_declared))
        return [SlotSet("claim_ref", claim.ref), SlotSet("buyer", claim.buyer_name)]


async def payout_reply(dispatcher, who, ref: str, *, with_stage: bool = False):
    """The "how much will you pay" answer for one claim (after a status answer asking both; ``with_stage``:
    alone, so it says the claim's stage too)."""
    from bot.wording import focus as focus_wording

    data = await audited_call(dispatcher, who, payout_data, ref, None, requested=("claim", ref))
    if data is None or data[1] is None:
        return None
    terms, claim, limit = data
    est = estimate(inputs_for(claim, terms, limit), as_of=_today())
    return focus_wording.payout(claim.ref, est, terms, paid=claim.amount_indemnified or None,
                                stage=claim.stage if with_stage else None)


PAYOUT_QUESTION = re.compile(r"\b(?:pai|pay|vers|touch|rembours)\w*\b.{0,30}\b(?:dessus|ce dossier|celui)\b"
                             r"|\bcombien\b.{0,40}\b(?:pai|pay|vers)\w*\b.{0,20}\b(?:dessus|ce dossier)\b"
                             r"|\b(?:payeri|paieri|verseri|rembourseri)\w*\b")


def asks_payout(text) -> bool:
    """A question about how much we pay on a claim or an amount, whatever the intent predicted."""
    from bot.guarantee_intent import fold
    folded = fold(text)
    return bool(PAYOUT_QUESTION.search(folded)) and not re.search(r"\b(?:frais|prime|cotisation|tarif)", folded)
