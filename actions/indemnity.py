"""Indemnisation avancée: can I be paid before the end of the waiting period?

Signed in: the contract says whether it offers the service; for one claim (the reference given,
or the only open one) the estimate gives the amount, the dates and what is missing.
Not signed in: what the service is, and that the contract decides.
"""
from __future__ import annotations

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
        if who is None:
            say(dispatcher, wording.advance_general())
            say(dispatcher, core.sign_in_needed(auth_status(tracker)))
            return []
        ref = _ref_from(tracker) or tracker.get_slot("claim_ref")
        data = await audited_call(dispatcher, who, advance_data, ref, requested=("claim", ref) if ref else None)
        if data is None:  # the store apologised
            return []
        terms, claim, limit, open_refs = data
        if claim is None:
            say(dispatcher, wording.advance_claim_not_found(ref) if ref else wording.advance_contract(terms, open_refs))
            return []
        est = estimate(inputs_for(claim, terms, limit), as_of=_today())
        say(dispatcher, wording.advance_claim_intro(claim.ref, est.advance, closed=not claim.is_open))
        if claim.is_open:
            say(dispatcher, wording.estimate_reply(est))
        return [SlotSet("claim_ref", claim.ref)]
