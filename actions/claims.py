"""Claims: status of one claim, list of claims."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import audited_call, auth_status, identity, say
from bot.store import queries
from bot.store.refs import parse_ref
from bot.wording import claims as wording
from bot.wording import core


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


class ActionClaimStatus(Action):
    def name(self) -> Text:
        return "action_claim_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        who = identity(tracker)
        if who is None:
            say(dispatcher, core.sign_in_needed(auth_status(tracker)))
            return []
        parsed = _ref_from(tracker)
        if parsed.malformed:
            say(dispatcher, wording.malformed_ref(parsed))
            return []
        ref = parsed.ref if parsed.valid else tracker.get_slot("claim_ref")
        ref = parse_ref(ref).ref if ref else None
        result = await audited_call(dispatcher, who, _status_or_choices, ref,
                                    requested=("claim", ref) if ref else None)
        if result is None:
            return []
        view, page = result
        if ref:
            say(dispatcher, wording.claim_status(view) if view else wording.claim_not_found(ref))
            return [SlotSet("claim_ref", view.ref if view else None)]
        if page.total == 1:
            only = await audited_call(dispatcher, who, queries.claim_by_ref, page.items[0].ref)
            if only is not None:
                say(dispatcher, wording.claim_status(only))
                return [SlotSet("claim_ref", only.ref)]
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
        status, number = list_request(tracker)
        page = await audited_call(dispatcher, who, queries.list_claims, status=status, page=number, page_size=10)
        if page is not None:
            say(dispatcher, wording.claims_list(page))
        return []
