"""Conversation-side rows of known ages around a fixed clock, for the purge / export / erase tests."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

from bot.gdpr.tracker import TrackerStore, events
from bot.store.db import session_scope
from bot.store.models.handoff import CallbackRequest, HandoffTicket
from bot.store.models.referral import Referral
from bot.store.models.pairing import Pairing, PairingAttempt, PairingCode
from bot.store.models import AuditEntry, Complaint, CsatAnswer, InsightsReview

PHONE = "06 12 34 56 78"
EMAIL = "claire.durand@example.fr"

# conversation id -> ages (days before now) of its events
CONVERSATIONS = {
    "socketio-ph1-aaaa01": [200, 100],      # idle for 100 days: purged
    "socketio-ph1-bbbb02": [150, 5],        # old start, recent end: kept whole
    "sms-anon-cccc03": [95],                # visitor, idle 95 days: purged
    "socketio-ph12-dddd04": [1],            # another policyholder whose id starts like 1
    "socketio-ph2-eeee05": [1],
}
OLD = {"socketio-ph1-aaaa01", "sms-anon-cccc03"}
PH1 = {"socketio-ph1-aaaa01", "socketio-ph1-bbbb02"}


def add_conversations(tracker: TrackerStore, now: datetime) -> None:
    rows = []
    for sender, ages in CONVERSATIONS.items():
        for age in ages:
            at = (now - timedelta(days=age)).timestamp()
            rows.append({"sender_id": sender, "type_name": "user", "timestamp": at, "intent_name": "inform",
                         "action_name": None,
                         "data": json.dumps({"event": "user", "timestamp": at, "text": f"mon tel {PHONE}"})})
    with tracker.engine.begin() as conn:
        conn.execute(events.insert(), rows)


def add_store_rows(engine, now: datetime) -> None:
    d = lambda days: now - timedelta(days=days)  # noqa: E731
    with session_scope(engine) as s:
        s.add_all([
            HandoffTicket(policyholder_id=1, sender_id="socketio-ph1-aaaa01", reason="request", status="closed",
                          summary={"intents": ["request_human"]}, transcript=[{"user": f"tel {PHONE}"}],
                          claim_refs=["SIN-2021-000123"], created_at=d(100)),
            HandoffTicket(policyholder_id=1, sender_id="socketio-ph1-bbbb02", reason="fallback", status="open",
                          summary={}, transcript=[{"user": "bonjour"}], claim_refs=[], created_at=d(3)),
            HandoffTicket(policyholder_id=2, sender_id="socketio-ph2-eeee05", reason="request", status="closed",
                          summary={}, transcript=[{"user": "x"}], claim_refs=[], created_at=d(120)),
            CallbackRequest(policyholder_id=1, sender_id="socketio-ph1-aaaa01", phone="+33612345678",
                            slot_start=d(100), created_at=d(101)),
            CallbackRequest(policyholder_id=1, sender_id="socketio-ph1-bbbb02", phone="+33612345679",
                            slot_start=d(-1), created_at=d(0)),
            PairingCode(policyholder_id=1, code_hash="h-used", created_at=d(1), expires_at=now + timedelta(hours=1),
                     used_at=d(0.5)),
            PairingCode(policyholder_id=1, code_hash="h-expired", created_at=d(1), expires_at=d(0.9)),
            PairingCode(policyholder_id=1, code_hash="h-live", created_at=now, expires_at=now + timedelta(minutes=5)),
            PairingAttempt(channel="sms", channel_user_hash="u1", at=d(2), success=False),
            PairingAttempt(channel="sms", channel_user_hash="u1", at=d(0.01), success=True),
            Pairing(policyholder_id=1, channel="sms", channel_user_hash="u1", label="SMS …78",
                        created_at=d(150), expires_at=d(60), revoked_at=d(100)),
            Pairing(policyholder_id=1, channel="telegram", channel_user_hash="u2", label="Telegram",
                        created_at=d(200), expires_at=d(91)),
            Pairing(policyholder_id=1, channel="whatsapp", channel_user_hash="u3", label="WhatsApp …79",
                        created_at=d(10), expires_at=d(-80)),
            Referral(jti_hash="j-old", policyholder_id=1, topic="claim_status", created_by="agent:marie",
                         created_at=d(101), expires_at=d(100)),
            Referral(jti_hash="j-live", policyholder_id=1, topic="fees", created_by="agent:marie",
                         created_at=now, expires_at=now + timedelta(minutes=10)),
            Complaint(policyholder_id=1, text=f"Rappelez-moi au {PHONE} ou {EMAIL}, c'est trop long.",
                      channel="socketio", created_at=d(100)),
            Complaint(policyholder_id=1, text="Le délai est trop long.", channel="socketio", created_at=d(100)),
            Complaint(policyholder_id=1, text=f"Mon numéro : {PHONE}", channel="socketio", created_at=d(2)),
            CsatAnswer(policyholder_id=1, sender_hash="s-old", score=4, channel="socketio", created_at=d(100)),
            CsatAnswer(policyholder_id=1, sender_hash="s-new", score=5, channel="socketio", created_at=d(2)),
            InsightsReview(event_id=1, sender_id="socketio-ph1-aaaa01", policyholder_id=1, channel="socketio",
                           message_at=d(100), text="mon tel [PHONE]", decision="rejected", entities=[],
                           decided_by="agent:sophie.durand", decided_at=d(99)),
            InsightsReview(event_id=7, sender_id="socketio-ph1-bbbb02", policyholder_id=1, channel="socketio",
                           message_at=d(5), text="mon tel [PHONE]", decision="accepted", intent="request_human",
                           entities=[], decided_by="agent:sophie.durand", decided_at=d(4)),
            InsightsReview(event_id=9, sender_id="socketio-ph2-eeee05", policyholder_id=2, channel="socketio",
                           message_at=d(1), text="mon tel [PHONE]", decision="rejected", entities=[],
                           decided_by="agent:sophie.durand", decided_at=d(1)),
            AuditEntry(at=d(400), who="user:1", policyholder_id=1, object_type="claim", object_id="SIN-2021-000123",
                       channel="socketio", action="read"),
            AuditEntry(at=d(100), who="user:1", policyholder_id=1, object_type="claim", object_id="SIN-2021-000123",
                       channel="socketio", action="read"),
        ])


def populate(engine, tracker: TrackerStore, now: datetime) -> None:
    add_conversations(tracker, now)
    add_store_rows(engine, now)
