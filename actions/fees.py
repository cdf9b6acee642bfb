"""Fees: what my contract charges, how each amount is computed, and my last statement."""
from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import audited_call, identity, say
from bot.fee_questions import FeeQuestion, lines_with_amount, read_fee_question
from bot.guarantee_intent import fold
from bot.store import queries
from bot.wording import fees as wording
from bot.wording.reply import Reply

Period = Tuple[date, date]


def _quarter(year: int, number: int) -> Period:
    start = date(year, 3 * (number - 1) + 1, 1)
    end = date(year + (number == 4), (3 * number) % 12 + 1, 1) - timedelta(days=1)
    return start, end


def _month(year: int, month: int) -> Period:
    end = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    return date(year, month, 1), end


def period_from_text(text: Optional[str], today: date) -> Optional[Period]:
    """A simple period named in the text ("2025", "ce trimestre", "T1 2025", "l'an dernier", "ce mois-ci")."""
    s = fold(text)
    current_q = (today.month - 1) // 3 + 1
    m = re.search(r"\b(?:t([1-4])|([1-4])(?:er|e|eme)? trimestre|(premier|deuxieme|second|troisieme|quatrieme)"
                  r" trimestre)\s*(?:de |en )?((?:19|20)\d{2})?\b", s)
    if m:
        number = int(m.group(1) or m.group(2) or 0) or \
            {"premier": 1, "deuxieme": 2, "second": 2, "troisieme": 3, "quatrieme": 4}[m.group(3)]
        return _quarter(int(m.group(4)) if m.group(4) else today.year, number)
    if re.search(r"\b(?:ce|du|le) trimestre(?: en cours|-ci)?\b(?! (?:dernier|precedent|passe))", s):
        return _quarter(today.year, current_q)
    if re.search(r"trimestre (?:dernier|precedent|passe)|dernier trimestre", s):
        return _quarter(today.year - (current_q == 1), (current_q - 2) % 4 + 1)
    if re.search(r"\bce mois(?:-ci)?\b", s):
        return _month(today.year, today.month)
    if re.search(r"\bmois (?:dernier|precedent|passe)\b", s):
        return _month(today.year - (today.month == 1), (today.month - 2) % 12 + 1)
    if re.search(r"\bcette annee\b", s):
        return date(today.year, 1, 1), date(today.year, 12, 31)
    if re.search(r"\b(?:l'annee|l'an) (?:derniere?|precedente?|passee?)\b", s):
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    m = re.search(r"(?<![\d/.,-])((?:19|20)\d{2})(?![\d/.,-])(?!\s*(?:€|eur|k\b))", s)
    if m:
        year = int(m.group(1))
        return date(year, 1, 1), date(year, 12, 31)
    return None


def _fees(session, policyholder_id: int, period: Optional[Period]):
    terms = queries.contract_terms(session, policyholder_id)
    if period is not None:
        return terms, queries.fee_breakdown(session, policyholder_id, *period)
    return terms, queries.last_statement(session, policyholder_id)


def _fee_answer(session, policyholder_id: int, question: FeeQuestion) -> Tuple[Optional[Reply], Any]:
    """A line by its amount, the statement before the last one, the fees of a claim, with what was read (for the
    audit); (None, None): the usual answer."""
    if question.kind == "previous":
        latest = queries.last_statement(session, policyholder_id)
        before = queries.last_statement(session, policyholder_id, before=latest.statement_date) if latest else None
        return wording.previous_statement(before), before
    lines = queries.all_fee_lines(session, policyholder_id)
    if question.kind == "claim":
        mine = [l for l in lines if l.claim_ref == question.claim_ref]
        return wording.claim_fees(question.claim_ref, mine), mine
    if question.kind == "amount":
        found = lines_with_amount(lines, question.amount)
        if found:
            return wording.fee_lines_by_amount(found, question.amount), found
        for statement in sorted({(l.statement_date, l.statement_ref) for l in lines}, reverse=True):
            if sum(l.amount for l in lines if (l.statement_date, l.statement_ref) == statement) == question.amount:
                view = queries.last_statement(session, policyholder_id, before=statement[0] + timedelta(days=1))
                return wording.last_statement(view), view
    return None, None


class ActionFees(Action):
    def name(self) -> Text:
        return "action_fees"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        who = identity(tracker)
        from actions.indemnity import ActionClaimPayout, asks_payout
        if who is not None and asks_payout(tracker.latest_message.get("text")):
            return await ActionClaimPayout().run(dispatcher, tracker, domain)
        if who is None:
            say(dispatcher, wording.general())
            return []
        text = tracker.latest_message.get("text")
        question = read_fee_question(text, claim_focus=tracker.get_slot("claim_ref"))
        if question.kind != "statement":
            answer = await audited_call(dispatcher, who, _fee_answer, question)
            if answer is None:  # the store is unavailable: already said
                return []
            if answer[0] is not None:
                say(dispatcher, answer[0])
                return []
        today = date.today()
        period = period_from_text(text, today)
        found = await audited_call(dispatcher, who, _fees, period)
        if found is not None and period is not None and not found[1].lines and period[0] <= today <= period[1]:
            # « la prime de ce trimestre ? »: nothing billed yet for the period under way: the last statement
            period = None
            found = await audited_call(dispatcher, who, _fees, None)
        if found is not None:
            terms, view = found
            say(dispatcher, wording.my_fees(terms, view, period=period is not None))
        return []
