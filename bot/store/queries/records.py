"""Conversation records: complaints, satisfaction answers, audit log."""
from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timezone
from typing import Optional

from sqlalchemy.orm import Session

from bot.store.models import AuditEntry, Complaint, CsatAnswer
from bot.store.views import RecordReceipt
from bot.store.queries.common import checked_ph


def record_complaint(session: Session, policyholder_id: int, text: str, channel: str) -> RecordReceipt:
    ph = checked_ph(policyholder_id)
    body = (text or "").strip()
    if not body:
        raise ValueError("a complaint needs some text")
    complaint = Complaint(policyholder_id=ph, text=body[:5000], channel=str(channel)[:40])
    session.add(complaint)
    session.flush()
    audit(session, ph, who=f"policyholder:{ph}", object_type="complaint", object_id=str(complaint.id),
          channel=channel, action="create")
    return RecordReceipt(kind="complaint", id=complaint.id, created_at=complaint.created_at)


def hash_sender(sender_id: str, secret: str) -> str:
    """The pseudonymous sender hash stored with CSAT answers (HMAC-SHA256, hex)."""
    return hmac.new(secret.encode(), str(sender_id).encode(), hashlib.sha256).hexdigest()


def record_csat(session: Session, policyholder_id: Optional[int], sender_hash: str, score: int,
                channel: Optional[str] = None) -> RecordReceipt:
    """A satisfaction answer (1-5). ``policyholder_id`` may be None (visitor not signed in)."""
    ph = None if policyholder_id is None else checked_ph(policyholder_id)
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise ValueError("score must be an int from 1 to 5")
    if not isinstance(sender_hash, str) or not 1 <= len(sender_hash) <= 128:
        raise ValueError("sender_hash must be a short string (use hash_sender)")
    answer = CsatAnswer(policyholder_id=ph, sender_hash=sender_hash, score=score,
                        channel=None if channel is None else str(channel)[:40])
    session.add(answer)
    session.flush()
    return RecordReceipt(kind="csat", id=answer.id, created_at=answer.created_at)


def audit(session: Session, policyholder_id: Optional[int], *, who: str, object_type: str, object_id: str,
          channel: str, action: str, at: Optional[datetime] = None) -> None:
    """Append one line to the audit log (who did what on which object, through which channel)."""
    ph = None if policyholder_id is None else checked_ph(policyholder_id)
    session.add(AuditEntry(
        at=at or datetime.now(timezone.utc), who=str(who)[:120], policyholder_id=ph,
        object_type=str(object_type)[:40], object_id=str(object_id)[:60], channel=str(channel)[:40],
        action=str(action)[:40],
    ))
