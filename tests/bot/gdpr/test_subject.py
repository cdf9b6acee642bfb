"""A policyholder's export and erasure, on SQLite and PostgreSQL (claims store + tracker store)."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from bot.gdpr import subject
from bot.gdpr.tracker import events
from bot.store.db import session_scope
from bot.store.models.handoff import CallbackRequest, HandoffTicket
from bot.store.models.referral import Referral
from bot.store.models.pairing import Pairing, PairingCode
from bot.store.models import AuditEntry, Claim, Complaint, CsatAnswer, InsightsReview, Policyholder, User
from tests.bot.gdpr.conftest import NOW
from tests.bot.gdpr.data import CONVERSATIONS, EMAIL, PH1, PHONE, populate


def _keys(value):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from _keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _keys(inner)


def _personal(engine, ph):
    with session_scope(engine) as s:
        account = s.get(Policyholder, ph)
        people = s.execute(select(User.full_name, User.email, User.phone).where(User.policyholder_id == ph)).all()
        return {account.contact_name, account.contact_email, account.contact_phone} | \
            {v for row in people for v in row if v}


def test_export_holds_everything_about_one_policyholder_and_nothing_else(stores):
    engine, tracker = stores
    populate(engine, tracker, NOW)
    data = subject.export(engine, tracker, 1, who="system:test", now=NOW)
    text = subject.export_json(data)
    assert json.loads(text)["policyholder_id"] == 1
    assert data["account"]["id"] == 1 and data["account"]["name"]
    tables = data["tables"]
    for name in ("users", "contracts", "claims", "credit_limits", "fee_lines", "invoices", "complaints",
                 "csat_answers", "audit_log", "handoff_tickets", "callback_requests", "channel_links",
                 "link_codes", "handover_links", "claim_stage_history", "buyers"):
        assert name in tables, name
    assert tables["claims"] and {r["policyholder_id"] for r in tables["claims"]} == {1}
    assert "SIN-2021-000123" in {r["ref"] for r in tables["claims"]}
    assert len(tables["handoff_tickets"]) == 2 and len(tables["callback_requests"]) == 2
    assert all(r["policyholder_id"] == 1 for name, rows in tables.items() if name != "buyers"
               for r in rows if "policyholder_id" in r)
    assert {c["sender_id"] for c in data["conversations"]} == PH1  # not ph12, ph2, visitors
    assert all(e["text"].startswith("mon tel") for c in data["conversations"] for e in c["events"])
    assert not [k for k in _keys(data) if k.endswith("_hash")]  # HMAC keys are not personal data
    assert _personal(engine, 1) <= set(text_values(data))
    with session_scope(engine) as s:
        row = s.execute(select(AuditEntry).where(AuditEntry.action == "export")).scalar_one()
    assert (row.who, row.policyholder_id, row.object_type, row.object_id, row.channel) == \
        ("system:test", 1, "policyholder", "1", "cli")


def text_values(value):
    if isinstance(value, dict):
        for inner in value.values():
            yield from text_values(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from text_values(inner)
    elif isinstance(value, str):
        yield value


def _counts(engine, ph):
    with session_scope(engine) as s:
        def n(model, *where):
            return s.execute(select(func.count()).select_from(model).where(*where)).scalar_one()
        return {
            "tickets": n(HandoffTicket, HandoffTicket.policyholder_id == ph),
            "callbacks": n(CallbackRequest, CallbackRequest.policyholder_id == ph),
            "pairings": n(Pairing, Pairing.policyholder_id == ph),
            "codes": n(PairingCode, PairingCode.policyholder_id == ph),
            "referrals": n(Referral, Referral.policyholder_id == ph),
            "csat": n(CsatAnswer, CsatAnswer.policyholder_id == ph),
            "reviews": n(InsightsReview, InsightsReview.policyholder_id == ph),
            "claims": n(Claim, Claim.policyholder_id == ph),
            "active_users": n(User, User.policyholder_id == ph, User.active.is_(True)),
        }


def test_erase_removes_conversations_and_personal_data_and_keeps_claims(stores):
    engine, tracker = stores
    populate(engine, tracker, NOW)
    personal = _personal(engine, 1)
    other_before = _counts(engine, 2)
    claims_before = _counts(engine, 1)["claims"]
    report = subject.erase(engine, tracker, 1, who="system:test", now=NOW)
    assert report.counts["tracker_events_deleted"] == 4
    assert report.counts["handoff_tickets_deleted"] == 2 and report.counts["users_anonymised"] >= 1
    assert report.counts["insights_reviews_deleted"] == 2 and other_before["reviews"] == 1

    with tracker.engine.connect() as conn:
        left = set(conn.execute(select(events.c.sender_id).distinct()).scalars())
    assert left == set(CONVERSATIONS) - PH1
    after = _counts(engine, 1)
    assert after == {"tickets": 0, "callbacks": 0, "pairings": 0, "codes": 0, "referrals": 0, "csat": 0,
                     "reviews": 0, "claims": claims_before, "active_users": 0}
    assert claims_before > 0
    assert _counts(engine, 2) == other_before  # another company is untouched
    exported = subject.export_json(subject.export(engine, tracker, 1, now=NOW))
    for value in personal | {PHONE, EMAIL}:
        if len(value) > 3:
            assert value not in exported, value
    with session_scope(engine) as s:
        texts = s.execute(select(Complaint.text).where(Complaint.policyholder_id == 1)).scalars().all()
        erase_row = s.execute(select(AuditEntry).where(AuditEntry.action == "erase")).scalar_one()
    assert texts and not any(PHONE in t or EMAIL in t for t in texts)
    assert (erase_row.who, erase_row.policyholder_id, erase_row.object_id) == ("system:test", 1, "1")


def test_erase_is_idempotent(stores):
    engine, tracker = stores
    populate(engine, tracker, NOW)
    subject.erase(engine, tracker, 1, now=NOW)
    state = (_counts(engine, 1), _personal(engine, 1))
    again = subject.erase(engine, tracker, 1, now=NOW)
    kept = {"claims_kept", "credit_limits_kept"}
    assert {k: v for k, v in again.counts.items() if k not in kept} == \
        {k: 0 for k in again.counts if k not in kept}
    assert (_counts(engine, 1), _personal(engine, 1)) == state
    with session_scope(engine) as s:
        assert s.execute(select(func.count()).select_from(AuditEntry)
                         .where(AuditEntry.action == "erase")).scalar_one() == 2  # each request is recorded


def test_unknown_policyholder(stores):
    engine, tracker = stores
    with pytest.raises(subject.UnknownPolicyholder):
        subject.export(engine, tracker, 999)
    with pytest.raises(subject.UnknownPolicyholder):
        subject.erase(engine, None, 999)
    with pytest.raises(ValueError):
        subject.erase(engine, None, True)
