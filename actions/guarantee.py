"""Guarantee: agrément on a buyer, all my agréments, encours garanti, limit requests, territorial scope."""
from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import audited_call, auth_status, identity, say, store_call
from bot import claim_filters, guarantee_intent
from bot.store import queries
from bot.store.views import LimitIncreaseResult
from bot.wording import core
from bot.wording import guarantee as wording

PENDING_SLOT = "limit_request"  # a limit review waiting for a yes: {"buyer": ..., "amount": ...}


def _terms(session, policyholder_id: int):
    """The contract terms in a tuple: None inside means "no contract", None outside "the store failed"."""
    return (queries.contract_terms(session, policyholder_id),)


def _buyer_queries(tracker: Tracker, ask: guarantee_intent.Ask) -> List[str]:
    """Names to try, in order: the NLU entity, then the words after "sur / pour / chez" (longest first)."""
    text = tracker.latest_message.get("text")
    out = [ask.buyer] if ask.buyer else []
    if ask.guess:
        out.append(ask.guess)
    out += [c for c in claim_filters.words_after_preposition(text)
            if guarantee_intent.buyer_guess("sur " + c) and c not in out]
    return out


def _follow_up(text: Optional[str]) -> bool:
    """« sur eux », « chez lui », « répéter le chiffre »: the buyer being discussed is meant."""
    folded = guarantee_intent.fold(text)
    if re.search(r"\btotal\w*|\bglobal\w*|\ben tout\b|\btous mes\b|\bliste\b", folded):
        return False
    return claim_filters.points_at_focus(text) or bool(
        re.search(r"\brepet\w*|\bredi\w*|\brappel\w*|\bce client\b|\bson\b|\bsa limite\b", folded))


async def _lookup(dispatcher, who, tracker: Tracker, ask: guarantee_intent.Ask):
    """(lookup, failed): the agrément the message is about — named, read from the words, or the buyer being
    discussed — or (None, False) when it names none; ``failed`` when the store apologised."""
    text = tracker.latest_message.get("text")
    names = _buyer_queries(tracker, ask)
    if text and not text.startswith("/") and len(text.split()) <= 4 and text not in names \
            and not re.search(r"\bmes\b|\bmon\b|\bnos\b|\bnotre\b|agrement|limite|encours|garanti|couvert|\?",
                              guarantee_intent.fold(text)):
        names.append(text)  # « martin distrib »: the whole short message names the buyer
    ambiguous = None
    for query in names:
        lookup = await audited_call(dispatcher, who, queries.guarantee_on_buyer, query)
        if lookup is None:
            return None, True
        if lookup.outcome == "match":
            return lookup, False
        ambiguous = ambiguous or (lookup if lookup.outcome == "ambiguous" else None)
    if ambiguous is not None:
        return ambiguous, False
    views = None
    if not (text or "").startswith("/"):
        views = await audited_call(dispatcher, who, queries.limits)
        if views is None:
            return None, True
        named = claim_filters.buyer_in_words(text, [v.buyer_name for v in views])
        if named:
            return await _by_name(dispatcher, who, named)
    focus = tracker.get_slot("buyer")
    if focus and (ask.needs_buyer or _follow_up(text)):
        return await _by_name(dispatcher, who, focus)
    return None, False


async def _by_name(dispatcher, who, name: str):
    lookup = await audited_call(dispatcher, who, queries.guarantee_on_buyer, name)
    return (lookup, lookup is None) if lookup is None or lookup.outcome != "none" else (None, False)


def _focus(lookup) -> List[Dict]:
    return [SlotSet("buyer", lookup.limit.buyer_name)] if lookup is not None and lookup.outcome == "match" else []


def _pending(buyer: str, amount: Decimal) -> SlotSet:
    return SlotSet(PENDING_SLOT, json.dumps({"buyer": buyer, "amount": str(amount)}, ensure_ascii=False))


def former_request(limit) -> Optional[Decimal]:
    """After a refusal or a cut, the amount asked for before (offered again), else None."""
    if limit.status in ("refused", "partial", "reduced", "cancelled") and limit.requested_amount > limit.amount:
        return limit.requested_amount
    return None


def pending_request(tracker: Tracker) -> Optional[dict]:
    """The limit review waiting for a yes: only on the turn right after action_guarantee proposed it."""
    raw = tracker.get_slot(PENDING_SLOT)
    if not raw:
        return None
    last_action = _last_bot_action(tracker)
    if last_action not in ("", "action_guarantee"):
        return None
    try:
        data = json.loads(raw)
        return {"buyer": str(data["buyer"]), "amount": Decimal(str(data["amount"]))}
    except (ValueError, KeyError, TypeError, ArithmeticError):
        return None


async def record_request(dispatcher, who, buyer: str, amount: Decimal) -> List[Dict]:
    result = await store_call(dispatcher, queries.record_limit_increase_request, who.policyholder_id, buyer,
                              str(amount), channel=who.channel or "chat", user_id=who.user_id)
    if result is None:  # the store apologised
        return []
    say(dispatcher, wording.limit_increase(result))
    return [SlotSet(PENDING_SLOT, None)]


async def answer_pending(dispatcher: CollectingDispatcher, tracker: Tracker, yes: bool) -> Optional[List[Dict]]:
    """« oui » / « non » to a limit review proposed just before: recorded, or dropped. None when none waits."""
    pending = pending_request(tracker)
    who = identity(tracker)
    if pending is None or who is None:
        return None
    if not yes:
        say(dispatcher, wording.increase_dropped())
        return [SlotSet(PENDING_SLOT, None)]
    return await record_request(dispatcher, who, pending["buyer"], pending["amount"])


class ActionGuarantee(Action):
    def name(self) -> Text:
        return "action_guarantee"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        from actions.cap import cap_followup
        if (cap := await cap_followup(dispatcher, tracker, domain)) is not None:  # the CAP talk goes on
            return cap
        who = identity(tracker)
        if who is None and re.search(r"\bcout\w*|\bcoute\w*|\bprix\b|\btarif\w*|\bcombien ca\b",
                                     guarantee_intent.fold(tracker.latest_message.get("text"))):
            from actions.fees import ActionFees  # « ça coûte combien ce genre de garantie ? »: what a contract charges
            return await ActionFees().run(dispatcher, tracker, domain)
        if who is None:
            say(dispatcher, core.sign_in_needed(auth_status(tracker)))
            return []
        from actions.claims import claim_followup
        followup = await claim_followup(dispatcher, tracker, domain, lists_only=True)  # « ceux sur Girard ? »
        if followup is not None:
            return followup
        events = await self._answer(dispatcher, tracker, who)
        if tracker.get_slot(PENDING_SLOT) and not any(e.get("name") == PENDING_SLOT for e in events):
            events.append(SlotSet(PENDING_SLOT, None))
        return events

    async def _answer(self, dispatcher, tracker: Tracker, who) -> List[Dict]:
        text = tracker.latest_message.get("text")
        ask = guarantee_intent.read(
            text,
            buyers=tracker.get_latest_entity_values("buyer"),
            amounts=tracker.get_latest_entity_values("amount"),
            countries=tracker.get_latest_entity_values("country"),
        )
        if ask.kind == "increase":
            return await self._increase(dispatcher, tracker, who, ask)
        if ask.kind in ("overview", "buyer") and guarantee_intent.asks_payout(text) \
                and not _LIMIT_WORDS.search(guarantee_intent.fold(text)):
            from actions.indemnity import ActionClaimPayout  # « vous me payez combien sur les 36 000 ? »
            return await ActionClaimPayout().run(dispatcher, tracker, {})
        if ask.kind != "scope":
            lookup, failed = await _lookup(dispatcher, who, tracker, ask)
            if failed:
                return []
            if lookup is not None and lookup.outcome == "ambiguous":
                say(dispatcher, wording.guarantee(lookup))
                return []
            if lookup is not None:
                limit = lookup.limit
                reply = {"headroom": lambda: wording.headroom(limit, ask.amount),
                         "deliveries": lambda: wording.deliveries(limit, ask.when, ask.amount),
                         "reason": lambda: wording.reason(limit),
                         "encours": lambda: wording.buyer_encours(limit)}.get(ask.kind, lambda: wording.guarantee(lookup))
                say(dispatcher, reply())
                return _focus(lookup)
            if ask.kind == "buyer":  # a name the store does not know among this company's buyers
                lookup = await audited_call(dispatcher, who, queries.guarantee_on_buyer, ask.buyer)
                if lookup is not None:
                    say(dispatcher, wording.guarantee(lookup))
                return []
        if ask.kind == "encours":
            view = await audited_call(dispatcher, who, queries.encours)
            if view is not None:
                say(dispatcher, wording.encours(view))
            return []
        if ask.kind == "scope" or ask.country:  # « je vends au Brésil, suis-je couvert ? »: no buyer, a country
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
            statuses = status_filter(text)
            if statuses:
                views = [v for v in views if v.status in statuses]
            say(dispatcher, wording.limits_overview(views))
        return []

    async def _increase(self, dispatcher, tracker: Tracker, who, ask: guarantee_intent.Ask) -> List[Dict]:
        """A higher agrément: recorded on a clear request with an amount; a question is confirmed first;
        without an amount, how it works (and the former request offered again). Never granted here."""
        lookup, failed = await _lookup(dispatcher, who, tracker, ask)
        if failed:
            return []
        if lookup is None:
            if ask.amount is not None and ask.buyer:  # a buyer we do not follow yet: a first request
                if ask.clear:
                    return await record_request(dispatcher, who, ask.buyer, ask.amount)
                say(dispatcher, wording.increase_confirm(ask.buyer, ask.amount))
                return [_pending(ask.buyer, ask.amount)]
            say(dispatcher, wording.increase_which_buyer(ask.amount))
            return []
        if lookup.outcome == "ambiguous":
            say(dispatcher, wording.limit_increase(LimitIncreaseResult(outcome="buyer_ambiguous",
                                                                       candidates=lookup.candidates)))
            return []
        limit = lookup.limit
        if ask.amount is None:
            former = former_request(limit)
            say(dispatcher, wording.increase_how(limit, former))
            return _focus(lookup) + ([_pending(limit.buyer_name, former)] if former else [])
        if ask.clear:
            recorded = await record_request(dispatcher, who, limit.buyer_name, ask.amount)
            return _focus(lookup) + recorded if recorded else []
        say(dispatcher, wording.increase_confirm(limit.buyer_name, ask.amount))
        return _focus(lookup) + [_pending(limit.buyer_name, ask.amount)]


_LIMIT_WORDS = re.compile(r"\bagrements?\b|\blimites?\b|\ble mien\b|\ble notre\b|\bmarge\b|\bdispo\w*|\bplafond\b")
_LIMIT_ONLY_CHANGES = re.compile(r"\bredui\w*|\bbaiss\w*|\bdiminu\w*|\bsupprim\w*|\bcoupe\w*|\bannule\w*")


def about_limits(tracker: Tracker) -> bool:
    """A message routed elsewhere that asks about agréments: « lesquels ont été réduits ? » (only agréments are
    reduced), a filter right after the list of agréments, « et le mien sur X c'est combien ? »."""
    text = tracker.latest_message.get("text") or ""
    if text.startswith("/") or identity(tracker) is None:
        return False
    folded = guarantee_intent.fold(text)
    if re.search(r"\bdossiers?\b|\bsinistres?\b|\breferences?\b|\bref\b|\bsin\b", folded):
        return False
    if _LIMIT_WORDS.search(folded):
        return True
    after_limits = _last_bot_action(tracker) == "action_guarantee"
    return bool(_LIMIT_ONLY_CHANGES.search(folded)) or (
        after_limits and bool(re.search(r"^(?:et )?(?:lesquels|lesquelles|ceux|celles|quels|quelles)\b", folded)))


def country_follow_up(tracker: Tracker) -> bool:
    """« et en Suisse ? » right after an answer on the contract's territory: the same question, another country."""
    text = tracker.latest_message.get("text") or ""
    folded = guarantee_intent.fold(text)
    if text.startswith("/") or len(folded.split()) > 6 or re.search(r"\bcap\b|francexport|relais|\betat\b", folded):
        return False
    if _last_bot_action(tracker) != "action_guarantee" or identity(tracker) is None:
        return False
    return guarantee_intent.read(text, countries=tracker.get_latest_entity_values("country")).country is not None


def asks_cover(text: Optional[str]) -> bool:
    """« …je suis encore couverte ? »: a question on cover, not a wish to declare."""
    folded = guarantee_intent.fold(text)
    return bool(re.search(r"\bcouvert\w*|\bgaranti\w*|\bassure\w*", folded)) and "?" in (text or "")


def _last_bot_action(tracker: Tracker) -> str:
    """The last action run before the latest message ("" when none)."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user:
                return ""
            seen_user = True
        elif seen_user and event.get("event") == "action" and event.get("name") not in ("action_listen", None):
            return event.get("name")
    return ""


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
