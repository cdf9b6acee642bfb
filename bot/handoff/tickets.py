"""Handoff tickets and callback requests: phone validation (pure) and the rules of creating them.

:func:`create_ticket` and :func:`create_callback` take a SQLAlchemy ``Session`` (the caller's
``session_scope`` commits), apply the rules and write through :mod:`bot.store.queries.handoff`,
which also holds the reads and the agent desk's updates (queue, take, close). Results are frozen
dataclasses of :mod:`bot.store.views`, never ORM rows.

Scoping: a ticket or callback belongs to the verified policyholder (or to nobody, for a
visitor: ``policyholder_id`` None). Claim references attached to a ticket are kept only when
they belong to that policyholder; a visitor's ticket carries none (the transcript still shows
what was typed).
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any, Dict, Optional, Sequence

from sqlalchemy.orm import Session

from bot.store.models import HANDOFF_REASONS
from bot.store.queries import handoff as handoff_queries
from bot.store.views import CallbackView, TicketView

# --- phone numbers (France) -------------------------------------------------------------------

_SEPARATORS = re.compile(r"[\s.\-/\u00a0\u202f]+")
# 0X XX XX XX XX with X in 1-7 or 9 (01-05 geographic, 06/07 mobile, 09 internet boxes);
# 08 (special-rate) numbers are refused: an agent cannot call them back reliably.
_NATIONAL = re.compile(r"^0([1-79])(\d{8})$")
_INTERNATIONAL = re.compile(r"^(?:\+|00)33(?:\(0\))?([1-79])(\d{8})$")


def normalise_phone(text: Any) -> Optional[str]:
    """A French number as E.164 (``"+33612345678"``), or None when it is not one.

    Accepts ``06 12 34 56 78``, ``06.12.34.56.78``, ``0612345678``, ``+33 6 12 34 56 78``,
    ``+33 (0)6 12 34 56 78``, ``0033612345678``.
    """
    if not isinstance(text, str) or len(text) > 40:
        return None
    compact = _SEPARATORS.sub("", text.strip())
    match = _INTERNATIONAL.match(compact) or _NATIONAL.match(compact.replace("(", "").replace(")", ""))
    if not match:
        return None
    return "+33" + match.group(1) + match.group(2)


def display_phone(e164: str) -> str:
    """``"+33612345678"`` -> ``"06 12 34 56 78"``."""
    national = "0" + e164[3:]
    return " ".join(national[i:i + 2] for i in range(0, 10, 2))


def phone_problem(text: Any) -> Optional[str]:
    """Why ``text`` is not an accepted number: ``None`` (it is), ``"special"`` (08),
    ``"foreign"`` (another country code), ``"length"`` (wrong number of digits), ``"format"``."""
    if normalise_phone(text) is not None:
        return None
    compact = _SEPARATORS.sub("", text.strip()) if isinstance(text, str) else ""
    digits = re.sub(r"\D", "", compact)
    if re.match(r"^(?:0|\+33|0033)8", compact):
        return "special"
    if (compact.startswith("+") and not compact.startswith("+33")) or \
            (compact.startswith("00") and not compact.startswith("0033")):
        return "foreign"
    if digits and re.fullmatch(r"[\d+()]+", compact):
        return "length"
    return "format"


# --- tickets and callbacks --------------------------------------------------------------------

def _now(now: Optional[datetime]) -> datetime:
    return now if now is not None else datetime.now(timezone.utc)


def handoff_reason(reason: str) -> str:
    """The reason recorded for a handoff: one of ``HANDOFF_REASONS``, else ``"request"``."""
    return reason if reason in HANDOFF_REASONS else "request"


def create_ticket(session: Session, policyholder_id: Optional[int], sender_id: str, reason: str,
                  summary: Dict[str, Any], transcript: Sequence[Dict[str, Any]], *,
                  now: Optional[datetime] = None) -> TicketView:
    """Open a handoff ticket for this conversation.

    Idempotent per conversation: when the conversation already has an open or taken ticket, that
    ticket gets the fresh summary and transcript and is returned (no duplicate in the queue).
    """
    ph = handoff_queries.optional_ph(policyholder_id)
    if not isinstance(sender_id, str) or not sender_id:
        raise ValueError("sender_id is required")
    refs = handoff_queries.own_claim_refs(session, ph, list(summary.get("claim_refs") or ()))
    summary = {**summary, "claim_refs": refs}
    return handoff_queries.save_ticket(session, ph, sender_id, handoff_reason(reason), summary, transcript, refs,
                                       now=_now(now))


def create_callback(session: Session, policyholder_id: Optional[int], sender_id: str, phone: str,
                    slot_start: datetime, *, reason: str = "request", now: Optional[datetime] = None) -> CallbackView:
    """Record a callback request. ``phone`` is validated again here (E.164 stored)."""
    ph = handoff_queries.optional_ph(policyholder_id)
    number = normalise_phone(phone)
    if number is None:
        raise ValueError("not a French phone number")
    if slot_start.tzinfo is None:
        raise ValueError("slot_start must be timezone-aware")
    return handoff_queries.add_callback(session, ph, sender_id, number, slot_start, reason=handoff_reason(reason),
                                        now=_now(now))
