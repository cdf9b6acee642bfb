"""Claims: status of one claim, list of claims."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import audited_call, auth_status, identity, say
from bot import claim_filters, claim_focus
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


def focus_of(tracker: Tracker) -> claim_focus.Focus:
    """The conversation's focus: claim and buyer slots, the claims of the last list shown, the latest set."""
    from actions.indemnity import latest_focus
    return claim_focus.Focus(claim_ref=tracker.get_slot("claim_ref"), buyer=tracker.get_slot("buyer"),
                             shown=claim_focus.shown_refs(tracker.events),
                             latest=latest_focus(tracker, before_message=True))


def claim_events(ref: str, buyer: str) -> List[Dict]:
    return [SlotSet("claim_ref", ref), SlotSet("buyer", buyer)]


ASKS_STATUS = re.compile(r"\bou en est|\ben est ou\b|\bil en est\b|\bou ca en est|\bstatut|\bavancement|\bou il en est")


async def answer_fact(dispatcher: CollectingDispatcher, who, tracker: Tracker, ref: str,
                      kind: Optional[str]) -> Optional[List[Dict]]:
    """One fact asked about the claim ``ref`` (bot.claim_focus.question_kind): what was recovered, how it
    ended, when we pay if collection fails, whether it was declared in time, paid in advance, how much it
    was. None when the kind is a plain status question (the caller answers with the status)."""
    from actions.indemnity import _today, inputs_for, payout_data, payout_reply
    from bot.indemnity import estimate

    text = claim_filters.fold(tracker.latest_message.get("text"))
    if kind is None or (kind in ("payout", "amount") and ASKS_STATUS.search(text)):
        return None
    if kind == "payout":
        reply = await payout_reply(dispatcher, who, ref, with_stage=True)
        if reply is None:
            return []
        say(dispatcher, reply)
        return [SlotSet("claim_ref", ref)]
    data = await audited_call(dispatcher, who, payout_data, ref, None, requested=("claim", ref))
    if data is None:
        return []
    terms, claim, limit = data
    if claim is None:
        say(dispatcher, wording.claim_not_found(ref))
        return [SlotSet("claim_ref", None)]
    est = estimate(inputs_for(claim, terms, limit), as_of=_today()) if terms is not None else None
    replies = {
        "amount": lambda: focus_wording.amount_of(claim),
        "recovered": lambda: focus_wording.recovered(claim),
        "ending": lambda: focus_wording.ending(claim),
        "if_fails": lambda: focus_wording.if_fails(claim, est, terms),
        "in_time": lambda: focus_wording.in_time(claim, terms),
        "advance": lambda: focus_wording.advance_for_claim(claim, est, terms),
    }
    say(dispatcher, replies[kind]())
    return claim_events(claim.ref, claim.buyer_name)


async def resolve_focused(dispatcher: CollectingDispatcher, who, tracker: Tracker):
    """(resolution, items) for a claim question without a reference; None when the store failed."""
    items = await audited_call(dispatcher, who, all_claims)
    if items is None:
        return None
    text = tracker.latest_message.get("text") or ""
    number = number_without_year(text)
    if number:
        ref = resolve_number(number, [i.ref for i in items])
        chosen = [i for i in items if i.ref == ref]
        if chosen:
            return claim_focus.Resolution(tuple(chosen), scope="ref"), items
    query, _ = buyer_query(tracker)
    return claim_focus.resolve_one(text, items, focus_of(tracker), query), items


class ActionClaimStatus(Action):
    def name(self) -> Text:
        return "action_claim_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        from actions.cap import cap_followup
        if (cap := await cap_followup(dispatcher, tracker, domain)) is not None:  # the CAP talk goes on
            return cap
        from actions.help import process_answer
        answered = await process_answer(dispatcher, tracker)  # « le redressement ça change quoi pour ce dossier ? »
        if answered is not None:
            return answered
        events = await claim_answer(dispatcher, tracker, domain)
        return events if events is not None else []


async def claim_answer(dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any], *,
                       only_if_found: bool = False) -> Optional[List[Dict]]:
    """The answer to a question about one claim (status, or the fact asked). ``only_if_found``: say
    nothing and return None unless the message named a reference or a buyer of the person's claims, or
    followed up on the claim in focus (used by actions that got a claim follow-up under another intent)."""
    who = identity(tracker)
    if who is None:
        if only_if_found:
            return None
        say(dispatcher, core.sign_in_needed(auth_status(tracker)))
        return []
    text = tracker.latest_message.get("text") or ""
    kind = claim_focus.question_kind(text)
    parsed = _ref_from(tracker)
    ref = parsed.ref if parsed.valid else None
    if ref is None and asks_limit_increase(tracker) and not only_if_found:
        from actions.guarantee import ActionGuarantee
        return await ActionGuarantee().run(dispatcher, tracker, domain)
    resolution = None
    if ref is None:
        found = await resolve_focused(dispatcher, who, tracker)
        if found is None:
            return []
        resolution, _ = found
        if only_if_found and resolution.scope not in ("buyer", "ref", "list") and not (
                resolution.scope == "focus" and kind):
            return None
        if resolution.ambiguous:
            say(dispatcher, focus_wording.which_buyer(list(resolution.ambiguous)))
            return []
        if resolution.one is not None:
            ref = resolution.one.ref
        elif resolution.claims:
            say(dispatcher, focus_wording.claims(list(resolution.claims), resolution.buyer))
            return [SlotSet("buyer", resolution.buyer)] if resolution.buyer else []
        elif resolution.buyer:
            if _about_a_decision(tracker):
                # no such claim: the question is about the agrément on that buyer (refused, cancelled...)
                lookup = await audited_call(dispatcher, who, queries.guarantee_on_buyer, resolution.buyer)
                if lookup is not None and lookup.outcome == "match":
                    from bot.wording import guarantee as guarantee_wording
                    say(dispatcher, guarantee_wording.guarantee(lookup))
                    return [SlotSet("buyer", resolution.buyer)]
            say(dispatcher, focus_wording.claims([], resolution.buyer))
            return [SlotSet("buyer", resolution.buyer)]
        elif parsed.malformed:
            say(dispatcher, wording.malformed_ref(parsed))
            return []
        elif _about_a_decision(tracker) and not claim_filters.points_at_focus(text):
            # a buyer without claims and a "why refused?": the agrément's decision and reason
            lookup = await _agrement_named(dispatcher, who, tracker)
            if lookup is not None:
                from bot.wording import guarantee as guarantee_wording
                say(dispatcher, guarantee_wording.guarantee(lookup))
                return [SlotSet("buyer", lookup.limit.buyer_name)]
    ref = parse_ref(ref).ref if ref else None
    if ref:
        events = await answer_fact(dispatcher, who, tracker, ref, kind)
        if events is not None:
            return events
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
        if view.is_open and ASKS_AMOUNT.search(claim_filters.fold(text)):
            # "il en est où, vous m'avez payé combien ?": both questions answered. Messages with a place to cut
            # (« …, et combien… ») are answered as two questions by the split step before this
            # (rasa_ext/patches/multi_question.py); this covers one clause that asks both.
            from actions.indemnity import payout_reply
            reply = await payout_reply(dispatcher, who, view.ref)
            if reply is not None:
                say(dispatcher, reply)
        if view.stage == "refused":
            note = next((e.note_code for e in reversed(view.history) if e.stage == "refused"), None)
            say(dispatcher, Reply(focus_wording.refusal_reason(note)))
        return claim_events(view.ref, view.buyer_name)
    if page.total == 1:
        only = await audited_call(dispatcher, who, queries.claim_by_ref, page.items[0].ref)
        if only is not None:
            say(dispatcher, wording.claim_status(only))
            return claim_events(only.ref, only.buyer_name)
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
        from actions.cap import cap_followup
        if (cap := await cap_followup(dispatcher, tracker, domain)) is not None:  # the CAP talk goes on
            return cap
        who = identity(tracker)
        if who is None:
            say(dispatcher, core.sign_in_needed(auth_status(tracker)))
            return []
        from_button = next(tracker.get_latest_entity_values("status"), None) is not None
        text = tracker.latest_message.get("text") or ""
        from actions.guarantee import ActionGuarantee, about_limits
        if not from_button and about_limits(tracker):  # « lesquels ont été réduits ou refusés ? » after agréments
            return await ActionGuarantee().run(dispatcher, tracker, domain)
        folded = claim_filters.fold(text)
        if not from_button and (claim_focus.superlative(text) or claim_focus.INTO_LIST.search(folded)
                                or claim_focus.question_kind(text) in FACT_KINDS):
            # « le plus récent c'est lequel ? », « celui qui a été payé » : one claim of the list shown
            events = await claim_answer(dispatcher, tracker, domain)
            return events or []
        if not from_button:
            items = await audited_call(dispatcher, who, all_claims)
            if items is None:
                return []
            query, _ = buyer_query(tracker)
            res = claim_focus.resolve_list(text, items, focus_of(tracker), query)
            if res.ambiguous:
                say(dispatcher, focus_wording.which_buyer(list(res.ambiguous)))
                return []
            what = claim_focus.asks_total(text)
            if what:
                chosen = list(res.claims) if res.scope != "none" else list(items)
                if what == "indemnified":
                    chosen = [i for i in chosen if i.amount_indemnified]
                say(dispatcher, focus_wording.total(chosen, what, res.buyer))
                return [SlotSet("buyer", res.buyer)] if res.buyer else []
            if res.scope != "none":
                chosen = list(res.claims)
                status, _ = list_request(tracker)
                if status == "open" and not claim_focus.read_filter(text).stages and any(
                        w in folded for w in ("en cours", "ouvert")):
                    chosen = [i for i in chosen if i.is_open]
                say(dispatcher, focus_wording.claims(chosen, res.buyer))
                events = [SlotSet("buyer", res.buyer)] if res.buyer else []
                if len(chosen) == 1:
                    events.append(SlotSet("claim_ref", chosen[0].ref))
                return events
        status, number = list_request(tracker)
        page = await audited_call(dispatcher, who, queries.list_claims, status=status, page=number, page_size=10)
        if page is not None:
            say(dispatcher, wording.claims_list(page))
        return []


FACT_KINDS = ("if_fails", "advance", "recovered", "ending", "in_time")
CLAIM_WORDS = re.compile(r"\b(?:dossiers?|sinistres?|celui|celle|ceux|celles|lesquels|lequel)\b")
LIMIT_WORDS = re.compile(r"\b(?:agrement|garanti\w*|couvert\w*|couverture|limite|encours|plafond|cap\+?)\b")


async def claim_followup(dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any], *,
                         facts_only: bool = False, lists_only: bool = False) -> Optional[List[Dict]]:
    """A follow-up on the person's claims that the NLU gave to another intent (« et garcia ? »,
    « et celui sur lopez », « c'est quoi les 2 300 récupérés ? », « ceux sur laiterie girard ? »):
    answered as a claim question when the words or the conversation make it clear, else None (the
    calling action answers as usual). ``facts_only``: only a fact asked about a claim (what was
    recovered, how it ended...), never a short message naming a buyer. ``lists_only``: only a request for
    claims said as such (« ceux sur X », « les dossiers de X »): « celui de la distribution » after an
    agrément is about the agrément."""
    if identity(tracker) is None:
        return None
    text = tracker.latest_message.get("text") or ""
    folded = claim_filters.fold(text)
    if LIMIT_WORDS.search(folded):
        return None
    from actions.guarantee import about_limits
    if about_limits(tracker):  # « lesquels ont été réduits ? » right after the agréments: theirs, not claims
        return None
    from actions.indemnity import latest_focus
    kind = claim_focus.question_kind(text)
    # the words say it, or the answer just before was about a claim (not the buyer this message names)
    about_claims = bool(CLAIM_WORDS.search(folded)) or latest_focus(tracker, before_message=True) == "claim" or bool(
        claim_focus.shown_refs(tracker.events))
    if not about_claims or not (kind in FACT_KINDS or (not facts_only and (kind or len(folded.split()) <= 8))):
        return None
    if re.match(r"(?:et )?(?:ceux|celles|lesquels|les dossiers|mes dossiers)\b", folded):
        return await ActionListClaims().run(dispatcher, tracker, domain)
    if lists_only and not re.search(r"\b(?:dossiers?|sinistres?)\b", folded):
        return None
    return await claim_answer(dispatcher, tracker, domain, only_if_found=True)
