"""Fixtures of the insights tests: a claims store (migrated, demo data) and a tracker store with the
seeded conversations of ``conversations.py`` and claims-store rows of known dates, on SQLite and
PostgreSQL (a throw-away schema each in database ``test``)."""
from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "store"))

from bot.store import db
from bot.store.models import Complaint, CsatAnswer
from bot.store.models.handoff import CallbackRequest, HandoffTicket
from bot.store.models.pairing import Pairing
from bot.store.models.referral import Referral
from store_testlib import demo_store_and_tracker
from tests.bot.insights.conversations import D1, D2, D3, PHONE, seeded, write


def at(epoch: float, hours: float = 0) -> datetime:
    return datetime.fromtimestamp(epoch, timezone.utc) + timedelta(hours=hours)


def add_store_rows(engine) -> None:
    with db.session_scope(engine) as s:
        s.add_all([
            CsatAnswer(policyholder_id=1, sender_hash="h1", score=5, channel="web", created_at=at(D1, 1)),
            CsatAnswer(policyholder_id=3, sender_hash="h5", score=2, channel="web", created_at=at(D2, 1)),
            CsatAnswer(policyholder_id=None, sender_hash="h6", score=4, channel="telegram", created_at=at(D3, 1)),
            CsatAnswer(policyholder_id=1, sender_hash="h0", score=1, channel="web", created_at=at(D1, -24 * 30)),
            Complaint(policyholder_id=1, text=f"Rappelez-moi au {PHONE}.", channel="web", created_at=at(D2, 2)),
            Complaint(policyholder_id=2, text="Trop long.", channel="sms", created_at=at(D3, 2)),
            Complaint(policyholder_id=2, text="Ancienne.", channel="sms", created_at=at(D1, -24 * 40)),
            HandoffTicket(policyholder_id=1, sender_id="web-ph1-dddd04", reason="request", status="open",
                          summary={}, transcript=[], claim_refs=[], created_at=at(D2, 0.01)),
            HandoffTicket(policyholder_id=1, sender_id="web-ph1-zzzz99", reason="fallback", status="closed",
                          summary={}, transcript=[], claim_refs=[], created_at=at(D1, -24 * 20)),
            CallbackRequest(policyholder_id=None, sender_id="telegram-anon-ffff06", phone="+33612345678",
                            slot_start=at(D3, 26), created_at=at(D3, 0.01)),
            Pairing(policyholder_id=2, channel="sms", channel_user_hash="u-sms", label="SMS …78",
                    created_at=at(D1, -0.5), expires_at=at(D1, 24 * 365)),
            Referral(jti_hash="j-used", policyholder_id=3, topic="cap", created_by="agent:claire.martin",
                     created_at=at(D2, -0.1), expires_at=at(D2, 1), used_at=at(D2, 0.05)),
            Referral(jti_hash="j-unused", policyholder_id=3, topic="fees", created_by="agent:claire.martin",
                     created_at=at(D2, 3), expires_at=at(D2, 4)),
        ])


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    return request.param


@pytest.fixture
def stores(backend, tmp_path):
    """(claims engine, tracker engine), both filled; the aggregates not refreshed yet."""
    with demo_store_and_tracker(backend, tmp_path) as (engine, tracker_url):
        add_store_rows(engine)
        tracker = db.get_engine(tracker_url)
        write(tracker, seeded())
        yield engine, tracker
