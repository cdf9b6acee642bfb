"""A data subject's requests: export (art. 15 / 20) and erasure (art. 17) for one policyholder.

:func:`export` gathers every row that carries the policyholder's id (any table with a
``policyholder_id`` column, found from the metadata, so a new table is never forgotten), the
rows hanging off its claims and limits, the buyers they name, and its conversations from the
tracker store. Secret-derived columns (``*_hash``: HMACs of pairing codes, channel user ids,
referral tokens) are left out: they mean nothing to the person and are keys, not data.

:func:`erase` removes the conversation data and the personal data of the people, and keeps the
insurance records the law requires (claims, contracts, limits, invoices, payments, fees:
Code des assurances art. L114-1 — claims prescription; Code de commerce art. L123-22 — ten years
for accounting records), which hold no personal field of their own:

- tracker events of the policyholder's conversations, handoff tickets (transcripts), callback
  requests (phone numbers), pairings, pairing codes, referrals, insights review decisions on its
  messages (and the insights aggregates of its conversations): deleted;
- users: name, e-mail and phone replaced, account deactivated (the row stays: limit requests
  point to it); the policyholder's contact name, e-mail and phone replaced (the company —
  name, SIREN — stays: it is the insured party of the records kept);
- complaints: kept (complaint register) with their text masked (contact details, IBANs, codes);
- CSAT answers: detached from the policyholder, pseudonymous sender hash removed (scores stay);
- audit log: kept (accountability, art. 5(2)), plus one row for the erasure itself.

Running it twice changes nothing more (idempotent), except for the new audit row.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any, Dict, List, Optional

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Engine

from bot import audit
from bot.gdpr.tracker import TrackerStore
from bot.logmask import mask
from bot.store.db import session_scope
from bot.store.models.handoff import CallbackRequest, HandoffTicket
from bot.store.models.referral import Referral
from bot.store.models.pairing import Pairing, PairingCode
from bot.store.models import (Buyer, Claim, Complaint, CreditLimit, CsatAnswer, InsightsReview, Policyholder, User,
                              metadata)

ERASED = "erased"
ERASED_NAME = "Personne effacée"
ERASED_CONTACT = "Contact effacé"
SKIPPED_TABLES = ("policyholders",)  # exported as "account"


def _value(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row(mapping) -> Dict[str, Any]:
    return {k: _value(v) for k, v in mapping.items() if not k.endswith("_hash")}


def _ph(policyholder_id: Any) -> int:
    if isinstance(policyholder_id, bool) or not isinstance(policyholder_id, int) or policyholder_id <= 0:
        raise ValueError("policyholder_id must be a positive int")
    return policyholder_id


class UnknownPolicyholder(LookupError):  # noqa: N818 (reads as the outcome: an unknown policyholder)
    pass


def export(engine: Engine, tracker: Optional[TrackerStore], policyholder_id: int, *, who: str = "system:gdpr",
           channel: str = "cli", now: Optional[datetime] = None) -> Dict[str, Any]:
    """Everything held about one policyholder, as JSON-ready data. Writes an ``export`` audit row."""
    ph = _ph(policyholder_id)
    now = now or datetime.now(timezone.utc)
    out: Dict[str, Any] = {"policyholder_id": ph, "exported_at": now.isoformat()}
    with session_scope(engine) as s:
        conn = s.connection()
        account = conn.execute(select(Policyholder.__table__).where(Policyholder.id == ph)).mappings().first()
        if account is None:
            raise UnknownPolicyholder(ph)
        out["account"] = _row(account)
        tables: Dict[str, List[Dict[str, Any]]] = {}
        for table in metadata.sorted_tables:
            if table.name in SKIPPED_TABLES or "policyholder_id" not in table.c:
                continue
            order = [table.c.id] if "id" in table.c else []
            rows = conn.execute(select(table).where(table.c.policyholder_id == ph).order_by(*order)).mappings()
            tables[table.name] = [_row(r) for r in rows]
        claim_ids = [r["id"] for r in tables.get("claims", [])]
        limit_ids = [r["id"] for r in tables.get("credit_limits", [])]
        for table in metadata.sorted_tables:
            parent = ("claim_id", claim_ids) if "claim_id" in table.c else ("limit_id", limit_ids) \
                if "limit_id" in table.c else None
            if parent is None or "policyholder_id" in table.c or not parent[1]:
                continue
            rows = conn.execute(select(table).where(table.c[parent[0]].in_(parent[1])).order_by(table.c.id))
            tables[table.name] = [_row(r) for r in rows.mappings()]
        buyer_ids = sorted({r["buyer_id"] for name in ("claims", "credit_limits", "invoices")
                            for r in tables.get(name, []) if r.get("buyer_id")})
        if buyer_ids:
            rows = conn.execute(select(Buyer.__table__).where(Buyer.id.in_(buyer_ids)).order_by(Buyer.id))
            tables["buyers"] = [_row(r) for r in rows.mappings()]
        out["tables"] = tables
        audit.record(s, who=who, policyholder_id=ph, object_type="policyholder", object_id=ph, channel=channel,
                     action="export", at=now)
    conversations = []
    if tracker is not None:
        for sender_id in tracker.of_policyholder(ph):
            conversations.append({"sender_id": sender_id, "events": tracker.events_of(sender_id)})
    out["conversations"] = conversations
    return out


def export_json(data: Dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


@dataclass
class ErasureReport:
    policyholder_id: int
    counts: Dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"policyholder_id": self.policyholder_id, "counts": dict(self.counts)}


def _count(result) -> int:
    return int(result.rowcount or 0)


def erase(engine: Engine, tracker: Optional[TrackerStore], policyholder_id: int, *, who: str = "system:gdpr",
          channel: str = "cli", now: Optional[datetime] = None) -> ErasureReport:
    """Erase one policyholder's conversation and personal data (see the module docstring)."""
    ph = _ph(policyholder_id)
    now = now or datetime.now(timezone.utc)
    report = ErasureReport(ph)
    c = report.counts
    with session_scope(engine) as s:
        if s.get(Policyholder, ph) is None:
            raise UnknownPolicyholder(ph)
    if tracker is not None:
        c["tracker_events_deleted"] = tracker.delete(tracker.of_policyholder(ph))
    opts = {"synchronize_session": False}
    with session_scope(engine) as s:
        c["handoff_tickets_deleted"] = _count(s.execute(
            delete(HandoffTicket).where(HandoffTicket.policyholder_id == ph).execution_options(**opts)))
        c["callback_requests_deleted"] = _count(s.execute(
            delete(CallbackRequest).where(CallbackRequest.policyholder_id == ph).execution_options(**opts)))
        c["link_codes_deleted"] = _count(s.execute(
            delete(PairingCode).where(PairingCode.policyholder_id == ph).execution_options(**opts)))
        c["channel_links_deleted"] = _count(s.execute(
            delete(Pairing).where(Pairing.policyholder_id == ph).execution_options(**opts)))
        c["handover_links_deleted"] = _count(s.execute(
            delete(Referral).where(Referral.policyholder_id == ph).execution_options(**opts)))
        c["insights_reviews_deleted"] = _count(s.execute(
            delete(InsightsReview).where(InsightsReview.policyholder_id == ph).execution_options(**opts)))
        users = 0
        for user in s.execute(select(User).where(User.policyholder_id == ph)).scalars():
            email = f"{ERASED}-user-{user.id}@{ERASED}.invalid"
            if (user.full_name, user.email, user.phone, user.active) != (ERASED_NAME, email, None, False):
                user.full_name, user.email, user.phone, user.active = ERASED_NAME, email, None, False
                users += 1
        c["users_anonymised"] = users
        account = s.get(Policyholder, ph)
        contact = (ERASED_CONTACT, f"{ERASED}-{ph}@{ERASED}.invalid", "")
        c["contact_anonymised"] = int((account.contact_name, account.contact_email, account.contact_phone) != contact)
        account.contact_name, account.contact_email, account.contact_phone = contact
        masked = 0
        for complaint in s.execute(select(Complaint).where(Complaint.policyholder_id == ph)).scalars():
            clean = mask(complaint.text)
            if clean != complaint.text:
                complaint.text = clean
                masked += 1
        c["complaints_masked"] = masked
        c["csat_detached"] = _count(s.execute(
            update(CsatAnswer).where(CsatAnswer.policyholder_id == ph)
            .values(policyholder_id=None, sender_hash=ERASED).execution_options(**opts)))
        s.flush()
        c["claims_kept"] = len(s.execute(select(Claim.id).where(Claim.policyholder_id == ph)).all())
        c["credit_limits_kept"] = len(s.execute(select(CreditLimit.id).where(CreditLimit.policyholder_id == ph)).all())
        audit.record(s, who=who, policyholder_id=ph, object_type="policyholder", object_id=ph, channel=channel,
                     action="erase", at=now)
    return report
