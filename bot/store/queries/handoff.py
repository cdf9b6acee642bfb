"""Persistence of the bot → person handoff: tickets and callback requests.

Functions take a SQLAlchemy ``Session`` (the caller's ``session_scope`` commits) and return
frozen dataclasses of :mod:`bot.store.views` (:class:`TicketView`, :class:`CallbackView`), never
ORM rows. The rules (which reasons, which phone numbers, which claims a ticket may carry) are in
:mod:`bot.handoff.tickets`, which calls these functions.

Scoping: a ticket or callback belongs to the verified policyholder, or to nobody for a visitor
(``policyholder_id`` None). Agent-side functions (:func:`open_tickets`, :func:`desk_tickets`,
:func:`get_ticket`, :func:`take_ticket`, :func:`close_ticket`, :func:`pending_callbacks`,
:func:`policyholder_names`) are for the agent desk, whose caller must be an authenticated agent.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.store.models import CallbackRequest, Claim, HandoffTicket, Policyholder
from bot.store.views import CallbackView, TicketView


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


def optional_ph(policyholder_id: Optional[int]) -> Optional[int]:
    """The policyholder id of a ticket or callback, checked: an int, or None for a visitor."""
    if policyholder_id is None:
        return None
    if isinstance(policyholder_id, bool) or not isinstance(policyholder_id, int):
        raise TypeError("policyholder_id must be an int or None")
    return policyholder_id


def own_claim_refs(session: Session, policyholder_id: Optional[int], refs: Sequence[str]) -> List[str]:
    """The refs, in the given order, that are claims of this policyholder (none for a visitor)."""
    ph = optional_ph(policyholder_id)
    wanted = [r for r in dict.fromkeys(refs) if isinstance(r, str)]
    if ph is None or not wanted:
        return []
    owned = set(session.execute(
        select(Claim.ref).where(Claim.policyholder_id == ph, Claim.ref.in_(wanted))).scalars())
    return [r for r in wanted if r in owned]


# --- tickets ----------------------------------------------------------------------------------

def save_ticket(session: Session, policyholder_id: Optional[int], sender_id: str, reason: str,
                summary: Dict[str, Any], transcript: Sequence[Dict[str, Any]], claim_refs: Sequence[str], *,
                now: Optional[datetime] = None) -> TicketView:
    """Write the conversation's ticket: a new open one, or -- when the conversation already has an
    open or taken ticket -- that ticket with the fresh summary, transcript and claim refs."""
    ph = optional_ph(policyholder_id)
    existing = session.execute(
        select(HandoffTicket).where(HandoffTicket.sender_id == sender_id,
                                    HandoffTicket.status.in_(("open", "taken")),
                                    HandoffTicket.policyholder_id.is_(None) if ph is None
                                    else HandoffTicket.policyholder_id == ph)
        .order_by(HandoffTicket.id.desc()).limit(1)).scalar_one_or_none()
    refs = list(claim_refs)
    if existing is not None:
        existing.summary, existing.transcript, existing.claim_refs = summary, list(transcript), refs
        session.flush()
        return _ticket_view(existing)
    row = HandoffTicket(policyholder_id=ph, sender_id=sender_id, reason=reason, status="open",
                        summary=summary, transcript=list(transcript), claim_refs=refs, created_at=_now(now))
    session.add(row)
    session.flush()
    return _ticket_view(row)


def tickets_of(session: Session, policyholder_id: int, *, status: Optional[str] = None) -> List[TicketView]:
    """A policyholder's own tickets (newest first)."""
    ph = optional_ph(policyholder_id)
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


def held_ticket(session: Session, agent: str, policyholder_id: int,
                ticket_id: Optional[int] = None) -> Optional[TicketView]:
    """A ticket of this policyholder that this agent has taken and not closed (``ticket_id`` when given)."""
    if isinstance(policyholder_id, bool) or not isinstance(policyholder_id, int) or not agent:
        return None
    query = select(HandoffTicket).where(HandoffTicket.status == "taken", HandoffTicket.taken_by == agent,
                                        HandoffTicket.policyholder_id == policyholder_id)
    if ticket_id is not None:
        if isinstance(ticket_id, bool) or not isinstance(ticket_id, int):
            return None
        query = query.where(HandoffTicket.id == ticket_id)
    row = session.execute(query.order_by(HandoffTicket.id).limit(1)).scalars().first()
    return _ticket_view(row) if row is not None else None


def policyholder_names(session: Session, policyholder_ids: Sequence[Optional[int]]) -> Dict[int, str]:
    """Company names of the policyholders behind tickets, for the agent desk only."""
    wanted = {i for i in policyholder_ids if isinstance(i, int) and not isinstance(i, bool)}
    if not wanted:
        return {}
    rows = session.execute(select(Policyholder.id, Policyholder.name).where(Policyholder.id.in_(wanted)))
    return {pid: name for pid, name in rows}


# --- callbacks --------------------------------------------------------------------------------

def add_callback(session: Session, policyholder_id: Optional[int], sender_id: str, phone: str,
                 slot_start: datetime, *, reason: str, now: Optional[datetime] = None) -> CallbackView:
    """Write a pending callback request (``phone`` already validated, E.164)."""
    row = CallbackRequest(policyholder_id=optional_ph(policyholder_id), sender_id=sender_id, phone=phone,
                          slot_start=slot_start, reason=reason, status="pending", created_at=_now(now))
    session.add(row)
    session.flush()
    return _callback_view(row)


def callbacks_of(session: Session, policyholder_id: int) -> List[CallbackView]:
    ph = optional_ph(policyholder_id)
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
