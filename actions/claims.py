"""Claims: status of one claim, list of claims."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import audited_call, auth_status, identity, say
from bot import claim_filters
from bot.store import queries
from bot.store.refs import number_without_year, parse_ref, resolve_number
from bot.wording import claims as wording
from bot.wording import core
from bot.wording import focus as focus_wording
from bot.wording.reply import Reply


def _ref_from(tracker: Tracker):
    """The claim reference the person gave: the entity first, then the raw text."""
    entity = next(tracker.get_latest_entity_values("claim_ref"), None)
    for candidate in (entity, tracker.latest_message.get("text")):
        if isinstance(candidate, str):
            parsed = parse_ref(candidate)
            if parsed.kind != "none":
                return parsed
    return parse_ref(None)


def _status_or_choices(session, policyholder_id: int, ref: Optional[str]):
    if ref:
        return queries.claim_by_ref(session, policyholder_id, ref), None
    return None, queries.list_claims(session, policyholder_id, status="open", page=1, page_size=5)


def all_claims(session, policyholder_id: int):
    """Every claim of this policyholder (summaries, most recent first; the store caps a page at 50)."""
    return queries.list_claims(session, policyholder_id, status="all", page=1, page_size=queries.MAX_PAGE_SIZE).items


def buyer_query(tracker: Tracker) -> Tuple[Optional[str], bool]:
    """(the buyer the message is about, whether it was named in this message)."""
    entity = next((v for v in tracker.get_latest_entity_values("buyer") if isinstance(v, str) and v.strip()), None)
    if entity:
        return entity, True
    return None, False


def resolve_buyer(tracker: Tracker, items) -> Tuple[str, List[str]]:
    """Which buyer of the person's claims the message names: ("match"|"ambiguous"|"none", names).

    The NLU entity first, then the words after "sur / pour / chez / de"."""
    buyer_names = [i.buyer_name for i in items]
    query, _ = buyer_query(tracker)
    candidates = [query] if query else []
    candidates += claim_filters.words_after_preposition(tracker.latest_message.get("text"))
    for i, candidate in enumerate(candidates):
        outcome, found = claim_filters.match_buyer(candidate, buyer_names)
        if outcome == "match" or (outcome == "ambiguous" and (query and i == 0 or _one_word(candidate))):
            return outcome, list(found)
    return "none", []


def _one_word(candidate: str) -> bool:
    """"martin" alone may name several buyers; "medisupply en cours" is only words after a preposition."""
    return len(candidate.split()) == 1


def focused_claims(tracker: Tracker, items) -> Tuple[Optional[str], List[Any], Optional[str], List[str]]:
    """(reference, claims, buyer, ambiguous buyers) the message is about, from the words and the focus."""
    text = tracker.latest_message.get("text") or ""
    number = number_without_year(text)
    if number:
        ref = resolve_number(number, [i.ref for i in items])
        if ref:
            return ref, [], None, []
    outcome, found = resolve_buyer(tracker, items)
    if outcome == "ambiguous":
        return None, [], None, found
    buyer = found[0] if outcome == "match" else None
    if buyer is None:
        buyer = claim_filters.buyer_in_words(text, [i.buyer_name for i in items])
    flt = claim_filters.read_filter(text)
    focus_ref = tracker.get_slot("claim_ref")
    if buyer is None and (claim_filters.points_at_focus(text) or claim_filters.asks_other(text) or not flt.empty):
        slot_buyer = tracker.get_slot("buyer")
        if slot_buyer:
            outcome, found = claim_filters.match_buyer(slot_buyer, [i.buyer_name for i in items])
            buyer = found[0] if outcome == "match" else None
        if buyer is None and focus_ref:
            buyer = next((i.buyer_name for i in items if i.ref == focus_ref), None)
    if buyer is None:
        return None, [], None, []
    chosen = claim_filters.apply(items, flt, buyer)
    if claim_filters.asks_other(text) and focus_ref:
        chosen = [i for i in chosen if i.ref != focus_ref] or chosen
    if len(chosen) > 1:
        open_ones = [i for i in chosen if i.is_open]
        if len(open_ones) == 1 and flt.empty and not claim_filters.asks_other(text):
            chosen = open_ones
    return None, chosen, buyer, []


ASKS_AMOUNT = re.compile(r"combien\b.*\b(?:pay|vers|touch|indemnis|rembours|recevoir)|\b(?:pay|vers)\w* combien")


def asks_limit_increase(tracker: Tracker) -> bool:
    """"pouvez-vous demander à remonter X à 70 000 ?": a request for a higher agrément, not a claim question."""
    text = claim_filters.fold(tracker.latest_message.get("text"))
    return bool(re.search(r"\b(?:remont|relev|augment|rehauss|revis)\w*", text)) and bool(
        claim_filters.amounts_in_text(tracker.latest_message.get("text")))


def _about_a_decision(tracker: Tracker) -> bool:
    text = claim_filters.fold(tracker.latest_message.get("text"))
    return any(w in text for w in ("refus", "pourquoi", "raison", "motif", "supprim"))


async def _agrement_named(dispatcher, who, tracker: Tracker):
    """The agrément on the buyer the message names (entity, or words after "sur / pour / de"), if one matches."""
    query, _ = buyer_query(tracker)
    for candidate in ([query] if query else []) + claim_filters.words_after_preposition(
            tracker.latest_message.get("text")):
        lookup = await audited_call(dispatcher, who, queries.guarantee_on_buyer, candidate)
        if lookup is None:
            return None
        if lookup.outcome == "match":
            return lookup
    return None


class ActionClaimStatus(Action):
    def name(self) -> Text:
        return "action_claim_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        from actions.help import process_answer
        answered = await process_answer(dispatcher, tracker)  # « le redressement ça change quoi pour ce dossier ? »
        if answered is not None:
            return answered
        who = identity(tracker)
        if who is None:
            say(dispatcher, core.sign_in_needed(auth_status(tracker)))
            return []
        parsed = _ref_from(tracker)
        ref = parsed.ref if parsed.valid else None
        if ref is None and asks_limit_increase(tracker):
            from actions.guarantee import ActionGuarantee
            return await ActionGuarantee().run(dispatcher, tracker, domain)
        if ref is None:
            items = await audited_call(dispatcher, who, all_claims)
            if items is None:
                return []
            found_ref, chosen, buyer, ambiguous = focused_claims(tracker, items)
            if ambiguous:
                say(dispatcher, focus_wording.which_buyer(ambiguous))
                return []
            if found_ref:
                ref = found_ref
            elif len(chosen) == 1:
                ref = chosen[0].ref
            elif chosen:
                say(dispatcher, focus_wording.claims(chosen, buyer))
                return [SlotSet("buyer", buyer)]
            elif buyer:
                text = claim_filters.fold(tracker.latest_message.get("text"))
                if any(w in text for w in ("refus", "pourquoi", "raison", "motif", "supprim")):
                    # no such claim: the question is about the agrément on that buyer (refused, cancelled...)
                    lookup = await audited_call(dispatcher, who, queries.guarantee_on_buyer, buyer)
                    if lookup is not None and lookup.outcome == "match":
                        from bot.wording import guarantee as guarantee_wording
                        say(dispatcher, guarantee_wording.guarantee(lookup))
                        return [SlotSet("buyer", buyer)]
                say(dispatcher, focus_wording.claims([], buyer))
                return [SlotSet("buyer", buyer)]
            elif parsed.malformed:
                say(dispatcher, wording.malformed_ref(parsed))
                return []
            elif _about_a_decision(tracker) and not claim_filters.points_at_focus(tracker.latest_message.get("text")):
                # a buyer without claims and a "why refused?": the agrément's decision and reason
                lookup = await _agrement_named(dispatcher, who, tracker)
                if lookup is not None:
                    from bot.wording import guarantee as guarantee_wording
                    say(dispatcher, guarantee_wording.guarantee(lookup))
                    return [SlotSet("buyer", lookup.limit.buyer_name)]
            else:
                ref = tracker.get_slot("claim_ref") if claim_filters.points_at_focus(
                    tracker.latest_message.get("text")) else None
        ref = parse_ref(ref).ref if ref else None
        result = await audited_call(dispatcher, who, _status_or_choices, ref,
                                    requested=("claim", ref) if ref else None)
        if result is None:
            return []
        view, page = result
        if ref:
            if view is None:
                say(dispatcher, wording.claim_not_found(ref))
                return [SlotSet("claim_ref", None)]
            say(dispatcher, wording.claim_status(view))
            if view.is_open and ASKS_AMOUNT.search(claim_filters.fold(tracker.latest_message.get("text"))):
                # "il en est où, et combien vous allez me payer ?": both questions answered
                from actions.indemnity import payout_reply
                reply = await payout_reply(dispatcher, who, view.ref)
                if reply is not None:
                    say(dispatcher, reply)
            if view.stage == "refused":
                note = next((e.note_code for e in reversed(view.history) if e.stage == "refused"), None)
                say(dispatcher, Reply(focus_wording.refusal_reason(note)))
            return [SlotSet("claim_ref", view.ref), SlotSet("buyer", view.buyer_name)]
        if page.total == 1:
            only = await audited_call(dispatcher, who, queries.claim_by_ref, page.items[0].ref)
            if only is not None:
                say(dispatcher, wording.claim_status(only))
                return [SlotSet("claim_ref", only.ref), SlotSet("buyer", only.buyer_name)]
            return []
        say(dispatcher, wording.which_claim(page))
        return []


def list_request(tracker: Tracker) -> Tuple[str, int]:
    """Which claims and which page: from the list buttons' entities, else from the words used."""
    status = next(tracker.get_latest_entity_values("status"), None)
    page = next(tracker.get_latest_entity_values("page"), None)
    if status not in ("open", "closed", "all"):
        text = (tracker.latest_message.get("text") or "").lower()
        closed = ("clos", "fermé", "ferme", "terminé", "termine", "ancien", "réglé", "regle")
        everything = ("tous", "toutes", "combien", "historique", "liste")
        if any(w in text for w in ("en cours", "ouvert", "actif")):
            status = "open"
        elif any(w in text for w in closed):
            status = "closed"
        else:
            status = "all" if any(w in text for w in everything) else "open"
    try:
        number = max(1, int(page))
    except (TypeError, ValueError):
        number = 1
    return status, number


class ActionListClaims(Action):
    def name(self) -> Text:
        return "action_list_claims"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        who = identity(tracker)
        if who is None:
            say(dispatcher, core.sign_in_needed(auth_status(tracker)))
            return []
        from_button = next(tracker.get_latest_entity_values("status"), None) is not None
        text = tracker.latest_message.get("text") or ""
        from actions.guarantee import ActionGuarantee, about_limits
        if not from_button and about_limits(tracker):
            return await ActionGuarantee().run(dispatcher, tracker, domain)
        flt = claim_filters.read_filter(text)
        if not from_button:
            items = await audited_call(dispatcher, who, all_claims)
            if items is None:
                return []
            outcome, found = resolve_buyer(tracker, items)
            if outcome == "ambiguous":
                say(dispatcher, focus_wording.which_buyer(found))
                return []
            buyer = found[0] if outcome == "match" else None
            if buyer is None and claim_filters.points_at_focus(text) and tracker.get_slot("buyer"):
                outcome, found = claim_filters.match_buyer(tracker.get_slot("buyer"), [i.buyer_name for i in items])
                buyer = found[0] if outcome == "match" else None
            if buyer is not None or not flt.empty:
                status, _ = list_request(tracker)
                chosen = claim_filters.apply(items, flt, buyer)
                if status == "open" and not flt.stages and any(w in text.lower() for w in ("en cours", "ouvert")):
                    chosen = [i for i in chosen if i.is_open]
                say(dispatcher, focus_wording.claims(chosen, buyer))
                events = [SlotSet("buyer", buyer)] if buyer else []
                if len(chosen) == 1:
                    events.append(SlotSet("claim_ref", chosen[0].ref))
                return events
        status, number = list_request(tracker)
        page = await audited_call(dispatcher, who, queries.list_claims, status=status, page=number, page_size=10)
        if page is not None:
            say(dispatcher, wording.claims_list(page))
        return []
