"""Handoff tickets and callback requests: phone validation (pure) and store functions.

Store functions take a SQLAlchemy ``Session`` (the caller's ``session_scope`` commits) and
return frozen dataclasses, never ORM rows.

Scoping: a ticket or callback belongs to the verified policyholder (or to nobody, for a
visitor: ``policyholder_id`` None). Claim references attached to a ticket are kept only when
they belong to that policyholder; a visitor's ticket carries none (the transcript still shows
what was typed). Agent-side functions (:func:`open_tickets`, :func:`take_ticket`,
:func:`close_ticket`) are for the agent desk, whose caller must be an authenticated agent.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Sequence, Tuple

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.store.models.handoff import HANDOFF_REASONS, CallbackRequest, HandoffTicket
from bot.store.models import Claim, Policyholder

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


# --- views ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TicketView:
    id: int
    policyholder_id: Optional[int]
    sender_id: str
    reason: str
    status: str
    summary: Dict[str, Any]
    transcript: Tuple[Dict[str, Any], ...]
    claim_refs: Tuple[str, ...]
    created_at: datetime
    taken_by: Optional[str]
    taken_at: Optional[datetime]
    closed_at: Optional[datetime]

    @property
    def reference(self) -> str:
        return f"DEM-{self.id:06d}"


@dataclass(frozen=True)
class CallbackView:
    id: int
    policyholder_id: Optional[int]
    sender_id: str
    phone: str
    slot_start: datetime
    reason: str
    status: str
    created_at: datetime


def _ticket_view(row: HandoffTicket) -> TicketView:
    return TicketView(
        id=row.id, policyholder_id=row.policyholder_id, sender_id=row.sender_id, reason=row.reason,
        status=row.status, summary=dict(row.summary or {}), transcript=tuple(row.transcript or ()),
        claim_refs=tuple(row.claim_refs or ()), created_at=row.created_at, taken_by=row.taken_by,
        taken_at=row.taken_at, closed_at=row.closed_at)


def _callback_view(row: CallbackRequest) -> CallbackView:
    return CallbackView(id=row.id, policyholder_id=row.policyholder_id, sender_id=row.sender_id, phone=row.phone,
                        slot_start=row.slot_start, reason=row.reason, status=row.status, created_at=row.created_at)


def _now(now: Optional[datetime]) -> datetime:
    return now if now is not None else datetime.now(timezone.utc)


def _reason(reason: str) -> str:
    return reason if reason in HANDOFF_REASONS else "request"


def _ph(policyholder_id: Optional[int]) -> Optional[int]:
    if policyholder_id is None:
        return None
    if isinstance(policyholder_id, bool) or not isinstance(policyholder_id, int):
        raise TypeError("policyholder_id must be an int or None")
    return policyholder_id


def own_claim_refs(session: Session, policyholder_id: Optional[int], refs: Sequence[str]) -> List[str]:
    """The refs, in the given order, that are claims of this policyholder (none for a visitor)."""
    ph = _ph(policyholder_id)
    wanted = [r for r in dict.fromkeys(refs) if isinstance(r, str)]
    if ph is None or not wanted:
        return []
    owned = set(session.execute(
        select(Claim.ref).where(Claim.policyholder_id == ph, Claim.ref.in_(wanted))).scalars())
    return [r for r in wanted if r in owned]


# --- tickets ----------------------------------------------------------------------------------

def create_ticket(session: Session, policyholder_id: Optional[int], sender_id: str, reason: str,
                  summary: Dict[str, Any], transcript: Sequence[Dict[str, Any]], *,
                  now: Optional[datetime] = None) -> TicketView:
    """Open a handoff ticket for this conversation.

    Idempotent per conversation: when the conversation already has an open or taken ticket, that
    ticket gets the fresh summary and transcript and is returned (no duplicate in the queue).
    """
    ph = _ph(policyholder_id)
    if not isinstance(sender_id, str) or not sender_id:
        raise ValueError("sender_id is required")
    refs = own_claim_refs(session, ph, list(summary.get("claim_refs") or ()))
    summary = {**summary, "claim_refs": refs}
    existing = session.execute(
        select(HandoffTicket).where(HandoffTicket.sender_id == sender_id,
                                    HandoffTicket.status.in_(("open", "taken")),
                                    HandoffTicket.policyholder_id.is_(None) if ph is None
                                    else HandoffTicket.policyholder_id == ph)
        .order_by(HandoffTicket.id.desc()).limit(1)).scalar_one_or_none()
    if existing is not None:
        existing.summary, existing.transcript, existing.claim_refs = summary, list(transcript), refs
        session.flush()
        return _ticket_view(existing)
    row = HandoffTicket(policyholder_id=ph, sender_id=sender_id, reason=_reason(reason), status="open",
                        summary=summary, transcript=list(transcript), claim_refs=refs, created_at=_now(now))
    session.add(row)
    session.flush()
    return _ticket_view(row)


def tickets_of(session: Session, policyholder_id: int, *, status: Optional[str] = None) -> List[TicketView]:
    """A policyholder's own tickets (newest first)."""
    ph = _ph(policyholder_id)
    if ph is None:
        return []
    stmt = select(HandoffTicket).where(HandoffTicket.policyholder_id == ph)
    if status:
        stmt = stmt.where(HandoffTicket.status == status)
    return [_ticket_view(r) for r in session.execute(stmt.order_by(HandoffTicket.id.desc())).scalars()]


def open_tickets(session: Session, *, limit: int = 100) -> List[TicketView]:
    """The agents' queue: open tickets, oldest first. For the (authenticated) agent desk only."""
    rows = session.execute(select(HandoffTicket).where(HandoffTicket.status == "open")
                           .order_by(HandoffTicket.created_at, HandoffTicket.id).limit(limit)).scalars()
    return [_ticket_view(r) for r in rows]


def active_ticket_for(session: Session, sender_id: str) -> Optional[TicketView]:
    """The open or taken ticket of a conversation, if any."""
    row = session.execute(select(HandoffTicket).where(HandoffTicket.sender_id == sender_id,
                                                      HandoffTicket.status.in_(("open", "taken")))
                          .order_by(HandoffTicket.id.desc()).limit(1)).scalar_one_or_none()
    return _ticket_view(row) if row is not None else None


def take_ticket(session: Session, ticket_id: int, agent: str, *, now: Optional[datetime] = None) -> Optional[TicketView]:
    """An agent takes an open ticket. None when it is not open any more (someone else took it).

    A single conditional UPDATE, so two agents can never both take the same ticket.
    """
    if not agent:
        raise ValueError("agent is required")
    result = session.execute(update(HandoffTicket)
                             .where(HandoffTicket.id == ticket_id, HandoffTicket.status == "open")
                             .values(status="taken", taken_by=agent[:120], taken_at=_now(now))
                             .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return None
    return _ticket_view(session.get(HandoffTicket, ticket_id, populate_existing=True))


def close_ticket(session: Session, ticket_id: int, agent: str, *, now: Optional[datetime] = None) -> Optional[TicketView]:
    """Close a ticket (the agent gives the conversation back to the bot or ends it).

    Only the agent who took it may close a taken ticket; an open ticket may be closed by any
    agent (e.g. the person left). None when nothing was closed.
    """
    result = session.execute(update(HandoffTicket)
                             .where(HandoffTicket.id == ticket_id,
                                    (HandoffTicket.status == "open")
                                    | ((HandoffTicket.status == "taken") & (HandoffTicket.taken_by == agent)))
                             .values(status="closed", closed_at=_now(now))
                             .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return None
    return _ticket_view(session.get(HandoffTicket, ticket_id, populate_existing=True))


def desk_tickets(session: Session, *, limit: int = 200) -> List[TicketView]:
    """The agent desk's list: open and taken tickets, oldest first. For the (authenticated) agent desk only."""
    rows = session.execute(select(HandoffTicket).where(HandoffTicket.status.in_(("open", "taken")))
                           .order_by(HandoffTicket.created_at, HandoffTicket.id).limit(limit)).scalars()
    return [_ticket_view(r) for r in rows]


def get_ticket(session: Session, ticket_id: int) -> Optional[TicketView]:
    """One ticket by id, whatever its status. For the (authenticated) agent desk only."""
    if isinstance(ticket_id, bool) or not isinstance(ticket_id, int):
        return None
    row = session.get(HandoffTicket, ticket_id)
    return _ticket_view(row) if row is not None else None


def policyholder_names(session: Session, policyholder_ids: Sequence[Optional[int]]) -> Dict[int, str]:
    """Company names of the policyholders behind tickets, for the agent desk only."""
    wanted = {i for i in policyholder_ids if isinstance(i, int) and not isinstance(i, bool)}
    if not wanted:
        return {}
    rows = session.execute(select(Policyholder.id, Policyholder.name).where(Policyholder.id.in_(wanted)))
    return {pid: name for pid, name in rows}


# --- callbacks --------------------------------------------------------------------------------

def create_callback(session: Session, policyholder_id: Optional[int], sender_id: str, phone: str,
                    slot_start: datetime, *, reason: str = "request", now: Optional[datetime] = None) -> CallbackView:
    """Record a callback request. ``phone`` is validated again here (E.164 stored)."""
    ph = _ph(policyholder_id)
    number = normalise_phone(phone)
    if number is None:
        raise ValueError("not a French phone number")
    if slot_start.tzinfo is None:
        raise ValueError("slot_start must be timezone-aware")
    row = CallbackRequest(policyholder_id=ph, sender_id=sender_id, phone=number, slot_start=slot_start,
                          reason=_reason(reason), status="pending", created_at=_now(now))
    session.add(row)
    session.flush()
    return _callback_view(row)


def callbacks_of(session: Session, policyholder_id: int) -> List[CallbackView]:
    ph = _ph(policyholder_id)
    if ph is None:
        return []
    rows = session.execute(select(CallbackRequest).where(CallbackRequest.policyholder_id == ph)
                           .order_by(CallbackRequest.slot_start)).scalars()
    return [_callback_view(r) for r in rows]


def pending_callbacks(session: Session, *, limit: int = 200) -> List[CallbackView]:
    """The agents' callback list, by slot. For the (authenticated) agent desk only."""
    rows = session.execute(select(CallbackRequest).where(CallbackRequest.status == "pending")
                           .order_by(CallbackRequest.slot_start, CallbackRequest.id).limit(limit)).scalars()
    return [_callback_view(r) for r in rows]
