"""The retention purge: conversation data older than ``RETENTION_DAYS``, audit rows older than
``AUDIT_RETENTION_DAYS``. Every step is a function of an explicit ``now`` (tests use a fixed
clock); ``dry_run`` counts what would change and changes nothing.

What goes, what stays (see also :mod:`bot.gdpr`):

=====================  ===========================================================================
tracker events         conversations whose **last** event is older than the cutoff: deleted, with their
                       rows of the insights aggregates (``insights_conversations`` / ``_messages``)
insights reviews       decisions on messages older than the cutoff: deleted (masked text, who, when)
handoff tickets        created before the cutoff: transcript and summary emptied, sender id
                       replaced by ``purged`` (the row stays: reason, dates, claims discussed)
callback requests      slot before the cutoff: deleted (the phone number was the whole point)
pairing codes          used or expired (any age): deleted — a closed code has no use
pairing attempts       older than one day (the rate limit looks 15 minutes back): deleted
pairings               expired or revoked before the cutoff: deleted
referrals              expired before the cutoff: deleted
complaints             older than the cutoff: kept (complaint register), free text passed through
                       the log mask (phones, e-mails, IBANs, cards, codes removed)
CSAT answers           older than the cutoff: kept (score, date, channel), the pseudonymous
                       sender hash replaced by ``purged``
audit log              older than ``AUDIT_RETENTION_DAYS``: deleted; each purge adds one row
claims, contracts,     kept: insurance and accounting records with their own legal retention
limits, fees…          (not conversation data)
=====================  ===========================================================================
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable, Dict, List, Optional

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.engine import Engine

from bot import audit
from bot.gdpr.tracker import TrackerStore
from bot.logmask import mask
from bot.store.db import session_scope
from bot.store.models.handoff import CallbackRequest, HandoffTicket
from bot.store.models.referral import Referral
from bot.store.models.pairing import Pairing, PairingAttempt, PairingCode
from bot.store.models import AuditEntry, Complaint, CsatAnswer, InsightsReview

PURGED = "purged"
ATTEMPT_RETENTION = timedelta(days=1)


@dataclass
class PurgeReport:
    now: datetime
    cutoff: datetime
    audit_cutoff: datetime
    dry_run: bool
    counts: Dict[str, int] = field(default_factory=dict)
    notes: List[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"now": self.now.isoformat(), "cutoff": self.cutoff.isoformat(),
                "audit_cutoff": self.audit_cutoff.isoformat(), "dry_run": self.dry_run,
                "counts": dict(self.counts), "notes": list(self.notes)}


def _aware(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now


def _rows(session, model, where) -> int:
    return session.execute(select(func.count()).select_from(model).where(where)).scalar_one()


def _step(session, model, where, dry_run: bool, apply: Callable[[], object]) -> int:
    """Count the rows ``where`` matches, then (unless dry run) apply the change."""
    count = _rows(session, model, where)
    if count and not dry_run:
        apply()
    return count


def purge_store(engine: Engine, now: datetime, retention_days: int, audit_retention_days: int,
                dry_run: bool = False, report: Optional[PurgeReport] = None) -> PurgeReport:
    """The claims-store part of the purge, in one transaction."""
    now = _aware(now)
    cutoff = now - timedelta(days=retention_days)
    audit_cutoff = now - timedelta(days=audit_retention_days)
    report = report or PurgeReport(now=now, cutoff=cutoff, audit_cutoff=audit_cutoff, dry_run=dry_run)
    c = report.counts
    with session_scope(engine) as s:
        old_ticket = (HandoffTicket.created_at < cutoff) & (HandoffTicket.sender_id != PURGED)
        c["handoff_tickets_emptied"] = _step(s, HandoffTicket, old_ticket, dry_run, lambda: s.execute(
            update(HandoffTicket).where(old_ticket).values(transcript=[], summary={}, sender_id=PURGED)
            .execution_options(synchronize_session=False)))

        old_callback = CallbackRequest.slot_start < cutoff
        c["callback_requests_deleted"] = _step(s, CallbackRequest, old_callback, dry_run, lambda: s.execute(
            delete(CallbackRequest).where(old_callback).execution_options(synchronize_session=False)))

        closed_code = or_(PairingCode.used_at.isnot(None), PairingCode.expires_at < now)
        c["link_codes_deleted"] = _step(s, PairingCode, closed_code, dry_run, lambda: s.execute(
            delete(PairingCode).where(closed_code).execution_options(synchronize_session=False)))

        old_attempt = PairingAttempt.at < now - ATTEMPT_RETENTION
        c["link_attempts_deleted"] = _step(s, PairingAttempt, old_attempt, dry_run, lambda: s.execute(
            delete(PairingAttempt).where(old_attempt).execution_options(synchronize_session=False)))

        old_pairing = or_(Pairing.expires_at < cutoff, Pairing.revoked_at < cutoff)
        c["channel_links_deleted"] = _step(s, Pairing, old_pairing, dry_run, lambda: s.execute(
            delete(Pairing).where(old_pairing).execution_options(synchronize_session=False)))

        old_referral = Referral.expires_at < cutoff
        c["handover_links_deleted"] = _step(s, Referral, old_referral, dry_run, lambda: s.execute(
            delete(Referral).where(old_referral).execution_options(synchronize_session=False)))

        masked = 0
        for cid, text in s.execute(select(Complaint.id, Complaint.text).where(Complaint.created_at < cutoff)):
            clean = mask(text)
            if clean != text:
                masked += 1
                if not dry_run:
                    s.execute(update(Complaint).where(Complaint.id == cid).values(text=clean)
                              .execution_options(synchronize_session=False))
        c["complaints_masked"] = masked

        old_csat = (CsatAnswer.created_at < cutoff) & (CsatAnswer.sender_hash != PURGED)
        c["csat_pseudonyms_removed"] = _step(s, CsatAnswer, old_csat, dry_run, lambda: s.execute(
            update(CsatAnswer).where(old_csat).values(sender_hash=PURGED).execution_options(synchronize_session=False)))

        old_review = InsightsReview.message_at < cutoff
        c["insights_reviews_deleted"] = _step(s, InsightsReview, old_review, dry_run, lambda: s.execute(
            delete(InsightsReview).where(old_review).execution_options(synchronize_session=False)))

        old_audit = AuditEntry.at < audit_cutoff
        c["audit_entries_deleted"] = _step(s, AuditEntry, old_audit, dry_run, lambda: s.execute(
            delete(AuditEntry).where(old_audit).execution_options(synchronize_session=False)))
        if dry_run:
            s.rollback()
        else:  # the purge itself is on record (accountability)
            audit.record(s, who="system:gdpr-purge", policyholder_id=None, object_type="retention",
                         object_id=f"before {cutoff.isoformat(timespec='seconds')}", channel="job", action="purge",
                         at=now)
    return report


def purge_tracker(tracker: TrackerStore, now: datetime, retention_days: int, dry_run: bool = False,
                  report: Optional[PurgeReport] = None) -> PurgeReport:
    """Delete the conversations whose last event is older than the cutoff."""
    now = _aware(now)
    cutoff = now - timedelta(days=retention_days)
    report = report or PurgeReport(now=now, cutoff=cutoff, audit_cutoff=cutoff, dry_run=dry_run)
    if not tracker.exists():
        report.notes.append("tracker store: no events table yet (Rasa has not stored a conversation)")
        report.counts.update(conversations_deleted=0, tracker_events_deleted=0)
        return report
    idle = tracker.idle_since(cutoff)
    report.counts["conversations_deleted"] = len(idle)
    if dry_run:
        report.counts["tracker_events_deleted"] = sum(conv.event_count for conv in idle)
    else:
        report.counts["tracker_events_deleted"] = tracker.delete(conv.sender_id for conv in idle)
    return report


def purge(engine: Engine, tracker: Optional[TrackerStore], now: datetime, retention_days: int,
          audit_retention_days: int, dry_run: bool = False) -> PurgeReport:
    """The whole purge: tracker store (when given) and claims store."""
    if retention_days < 1 or audit_retention_days < 1:
        raise ValueError("retention periods must be at least one day")
    now = _aware(now)
    report = PurgeReport(now=now, cutoff=now - timedelta(days=retention_days),
                         audit_cutoff=now - timedelta(days=audit_retention_days), dry_run=dry_run)
    if tracker is not None:
        purge_tracker(tracker, now, retention_days, dry_run, report)
    purge_store(engine, now, retention_days, audit_retention_days, dry_run, report)
    return report
