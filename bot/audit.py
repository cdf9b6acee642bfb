"""The audit trail of account data: who read or changed what, when, through which channel.

One row of ``audit_log`` per access (:class:`bot.store.models.AuditEntry`):

- ``who``: ``user:<id>`` (a signed-in person), ``policyholder:<id>`` (a verified conversation
  without a user id, e.g. a paired channel), ``agent:<login>`` (agent desk), ``system:<job>``
  (GDPR commands, scheduled purge);
- ``at``: UTC time; ``channel``: ``socketio``, ``rest``, ``sms``, ``whatsapp``, ``agent_desk``,
  ``cli``…; ``object_type`` / ``object_id``: what was read (``claim`` / its reference,
  ``claim_list`` / ``open:p1``, ``credit_limit`` / ``<contract>/<buyer id>``, ``contract`` / its
  number, ``fees``, ``encours``…); ``action``: ``read``, ``not_found``, ``search``, ``export``,
  ``erase``…

Entry points:

- :func:`record`: one explicit row (agent desk, commands);
- :func:`record_access`: the rows for what a store read returned, derived from the frozen views of
  :mod:`bot.store.views` (used by ``actions.common.audited_call``, so the actions never build rows
  themselves). A reference asked for and not found — unknown, or another company's, which look the
  same on purpose — gives a ``not_found`` row with the reference asked; nothing is revealed to
  the person.

No Rasa import.
"""
from __future__ import annotations

from dataclasses import is_dataclass
from datetime import datetime, timezone
from typing import Any, Iterable, Iterator, List, Optional, Tuple

from sqlalchemy.orm import Session

from bot.store import views as v
from bot.store.models import AuditEntry

Row = Tuple[str, str, str]  # (object_type, object_id, action)


def record(session: Session, *, who: str, policyholder_id: Optional[int], object_type: str, object_id: Any,
           channel: str, action: str = "read", at: Optional[datetime] = None) -> AuditEntry:
    """Add one audit row to ``session`` (committed with the caller's unit of work)."""
    if policyholder_id is not None and (isinstance(policyholder_id, bool) or not isinstance(policyholder_id, int)):
        raise ValueError("policyholder_id must be an int or None")
    entry = AuditEntry(
        at=at or datetime.now(timezone.utc), who=str(who)[:120], policyholder_id=policyholder_id,
        object_type=str(object_type)[:40], object_id=str(object_id)[:60], channel=str(channel or "unknown")[:40],
        action=str(action)[:40],
    )
    session.add(entry)
    return entry


def who_of(identity: Any) -> str:
    """``user:<id>`` when the verified identity names a user, else ``policyholder:<id>``."""
    user_id = getattr(identity, "user_id", None)
    if isinstance(user_id, int) and not isinstance(user_id, bool):
        return f"user:{user_id}"
    return f"policyholder:{identity.policyholder_id}"


def _limit_id(limit: v.LimitView) -> str:
    buyer = limit.buyer_siren or limit.buyer_foreign_id or limit.buyer_name
    return f"{limit.contract_number}/{buyer}"


def describe(result: Any) -> Iterator[Row]:
    """The audit rows (object type, id, action) for what a store read returned."""
    if result is None or isinstance(result, (str, bytes, int, float)):
        return
    if isinstance(result, (tuple, list)):
        for item in result:
            yield from describe(item)
        return
    if not is_dataclass(result):
        return
    if isinstance(result, v.ClaimView):
        yield ("claim", result.ref, "read")
    elif isinstance(result, v.ClaimPage):
        yield ("claim_list", f"{result.status}:p{result.page}", "read")
    elif isinstance(result, v.LimitView):
        yield ("credit_limit", _limit_id(result), "read")
    elif isinstance(result, v.GuaranteeLookup):
        if result.limit is not None:
            yield ("credit_limit", _limit_id(result.limit), "read")
        else:
            yield ("buyer_search", result.outcome, "search")
    elif isinstance(result, v.EncoursView):
        yield ("encours", result.as_of.isoformat() if result.as_of else "current", "read")
    elif isinstance(result, v.FeeBreakdown):
        yield ("fees", result.statement_ref or f"{result.start.isoformat()}..{result.end.isoformat()}", "read")
    elif isinstance(result, v.FeeLineView):
        yield ("fees", result.statement_ref, "read")
    elif isinstance(result, v.ContractTerms):
        yield ("contract", result.number, "read")


def _dedupe(rows: Iterable[Row]) -> List[Row]:
    seen, out = set(), []
    for row in rows:
        if row not in seen:
            seen.add(row)
            out.append(row)
    return out


def record_access(session: Session, identity: Any, result: Any, *, requested: Optional[Tuple[str, str]] = None,
                  at: Optional[datetime] = None) -> List[Row]:
    """Write the audit rows for ``result``, read by ``identity``; return them.

    ``requested``: ``(object_type, object_id)`` the person asked for by name (a claim reference).
    When it is not among what was returned, a ``not_found`` row records the attempt.
    """
    rows = _dedupe(describe(result))
    if requested is not None and requested[1]:
        wanted = (str(requested[0]), str(requested[1]))
        if not any((kind, oid) == wanted for kind, oid, _ in rows):
            rows.append((wanted[0], wanted[1], "not_found"))
    who = who_of(identity)
    channel = getattr(identity, "channel", None) or "chat"
    for object_type, object_id, action in rows:
        record(session, who=who, policyholder_id=identity.policyholder_id, object_type=object_type,
               object_id=object_id, channel=channel, action=action, at=at)
    return rows
