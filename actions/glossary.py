"""Glossary: what a word means, and this contract's value for it (franchise, quotité, carence...)."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import audited_call, identity, say
from bot import glossary
from bot.store import queries
from bot.wording import glossary as wording


def _terms(session, policyholder_id: int):
    """The contract terms in a tuple: None inside means "no contract", None outside "the store failed"."""
    return (queries.contract_terms(session, policyholder_id),)


class ActionGlossary(Action):
    def name(self) -> Text:
        return "action_glossary"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        from actions.claims import claim_followup
        followup = await claim_followup(dispatcher, tracker, domain, facts_only=True)  # « les 2 300 récupérés ? »
        if followup is not None:
            return followup
        keys = glossary.find_terms(tracker.latest_message.get("text"), tracker.get_latest_entity_values("term"))
        who = identity(tracker)
        folded = glossary.fold(tracker.latest_message.get("text"))
        asks_figure = re.search(r"combien|chiffre|montant|repet|total|mon encours|notre encours", folded)
        if who is not None and keys == ["encours"] and asks_figure:
            # the figure, not the definition: the encours garanti (of the buyer discussed, when it is one)
            from actions.guarantee import ActionGuarantee
            return await ActionGuarantee().run(dispatcher, tracker, domain)
        if who is not None and re.search(r"\bcombien\b", folded) and re.search(r"\bcelui\b|\bce dossier|\bdessus\b", folded):
            # "celui qui est en délai de carence, c'est pour combien ?": a claim, not a definition
            from actions.indemnity import ActionClaimPayout
            return await ActionClaimPayout().run(dispatcher, tracker, domain)
        terms = None
        if who is not None and any(glossary.get(k).contract for k in keys):
            found = await audited_call(dispatcher, who, _terms)
            if found is None:  # the store apologised
                return []
            terms = found[0]
        say(dispatcher, wording.definitions(keys, terms, signed_in=who is not None))
        return []
