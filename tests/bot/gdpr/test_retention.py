"""The retention purge with a fixed clock, on SQLite and PostgreSQL (claims store + tracker store)."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.gdpr import retention
from bot.gdpr.tracker import events
from bot.store.db import session_scope
from bot.store.models.handoff import CallbackRequest, HandoffTicket
from bot.store.models.referral import Referral
from bot.store.models.pairing import Pairing, PairingAttempt, PairingCode
from bot.store.models import AuditEntry, Claim, Complaint, Contract, CsatAnswer
from tests.bot.gdpr.conftest import NOW
from tests.bot.gdpr.data import CONVERSATIONS, OLD, PHONE, populate

EXPECTED = {
    "conversations_deleted": 2,
    "tracker_events_deleted": 3,
    "handoff_tickets_emptied": 2,
    "callback_requests_deleted": 1,
    "link_codes_deleted": 2,
    "link_attempts_deleted": 1,
    "channel_links_deleted": 2,
    "handover_links_deleted": 1,
    "complaints_masked": 1,
    "csat_pseudonyms_removed": 1,
    "insights_reviews_deleted": 1,
    "audit_entries_deleted": 1,
}


def _senders(tracker):
    with tracker.engine.connect() as conn:
        return set(conn.execute(select(events.c.sender_id).distinct()).scalars())


def _snapshot(engine, tracker):
    """Everything the purge may touch, as comparable data."""
    with session_scope(engine) as s:
        return {
            "events": sorted(_senders(tracker)),
            "tickets": sorted((t.id, t.sender_id, json.dumps(t.transcript)) for t in s.execute(
                select(HandoffTicket)).scalars()),
            "callbacks": sorted(s.execute(select(CallbackRequest.id)).scalars()),
            "codes": sorted(s.execute(select(PairingCode.code_hash)).scalars()),
            "attempts": s.execute(select(func.count()).select_from(PairingAttempt)).scalar_one(),
            "pairings": sorted(s.execute(select(Pairing.channel)).scalars()),
            "referrals": sorted(s.execute(select(Referral.jti_hash)).scalars()),
            "complaints": sorted(s.execute(select(Complaint.text)).scalars()),
            "csat": sorted(s.execute(select(CsatAnswer.sender_hash)).scalars()),
            "audit": s.execute(select(func.count()).select_from(AuditEntry)).scalar_one(),
            "claims": s.execute(select(func.count()).select_from(Claim)).scalar_one(),
            "contracts": s.execute(select(func.count()).select_from(Contract)).scalar_one(),
        }


def test_dry_run_counts_and_changes_nothing(stores):
    engine, tracker = stores
    populate(engine, tracker, NOW)
    before = _snapshot(engine, tracker)
    report = retention.purge(engine, tracker, NOW, 90, 365, dry_run=True)
    assert report.counts == EXPECTED
    assert report.dry_run and report.cutoff == NOW - timedelta(days=90)
    assert _snapshot(engine, tracker) == before


def test_purge_deletes_what_is_past_retention_and_keeps_the_rest(stores):
    engine, tracker = stores
    populate(engine, tracker, NOW)
    before = _snapshot(engine, tracker)
    report = retention.purge(engine, tracker, NOW, 90, 365)
    assert report.counts == EXPECTED
    after = _snapshot(engine, tracker)

    assert set(after["events"]) == set(CONVERSATIONS) - OLD  # a conversation active 5 days ago is kept whole
    with tracker.engine.connect() as conn:
        kept = conn.execute(select(func.count()).select_from(events)
                            .where(events.c.sender_id == "socketio-ph1-bbbb02")).scalar_one()
    assert kept == 2
    emptied = [t for t in after["tickets"] if t[1] == retention.PURGED]
    assert len(emptied) == 2 and all(t[2] == "[]" for t in emptied)
    assert [t for t in after["tickets"] if t[1] != retention.PURGED][0][1] == "socketio-ph1-bbbb02"
    assert len(after["callbacks"]) == 1
    assert after["codes"] == ["h-live"]
    assert after["attempts"] == 1
    assert after["pairings"] == ["whatsapp"]
    assert after["referrals"] == ["j-live"]
    assert len(after["complaints"]) == 3 and not any("claire.durand" in t for t in after["complaints"])
    assert f"Mon numéro : {PHONE}" in after["complaints"]  # recent: untouched
    assert "Le délai est trop long." in after["complaints"]
    assert sorted(after["csat"]) == ["purged", "s-new"]
    assert after["audit"] == before["audit"] - 1 + 1  # the 400-day-old row went, the purge's own row came
    with session_scope(engine) as s:
        row = s.execute(select(AuditEntry).where(AuditEntry.action == "purge")).scalar_one()
    assert (row.who, row.object_type, row.channel, row.at) == ("system:gdpr-purge", "retention", "job", NOW)
    # insurance records are not conversation data
    assert (after["claims"], after["contracts"]) == (before["claims"], before["contracts"]) and after["claims"] > 0


def test_purge_is_idempotent_and_follows_the_clock(stores):
    engine, tracker = stores
    populate(engine, tracker, NOW)
    retention.purge(engine, tracker, NOW, 90, 365)
    again = retention.purge(engine, tracker, NOW, 90, 365)
    assert set(again.counts.values()) == {0}
    # 86 days later the conversation that ended 5 days before NOW is 91 days old: it goes too
    later = retention.purge(engine, tracker, NOW + timedelta(days=86), 90, 365)
    assert later.counts["conversations_deleted"] == 1
    assert "socketio-ph1-bbbb02" not in _senders(tracker)


def test_retention_days_come_from_the_arguments(stores):
    engine, tracker = stores
    populate(engine, tracker, NOW)
    report = retention.purge(engine, tracker, NOW, 180, 3650, dry_run=True)
    assert report.counts["conversations_deleted"] == 0  # 100 and 95 days idle < 180
    assert report.counts["audit_entries_deleted"] == 0
    with pytest.raises(ValueError):
        retention.purge(engine, tracker, NOW, 0, 365)
    with pytest.raises(ValueError):
        retention.purge(engine, tracker, NOW.replace(tzinfo=None), 90, 365)


def test_missing_tracker_table_is_reported_not_fatal(stores, tmp_path):
    from bot.gdpr.tracker import TrackerStore

    engine, _ = stores
    empty = TrackerStore(f"sqlite:///{tmp_path / 'never-used-tracker.db'}")
    report = retention.purge(engine, empty, NOW, 90, 365)
    assert report.counts["conversations_deleted"] == 0 and report.notes
