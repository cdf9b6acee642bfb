"""The agent desk groups duplicate hand-over requests (issue #17, finding 8): bot.handoff.desk.group_duplicates."""
from __future__ import annotations

from datetime import datetime, timezone

from bot.handoff.desk import group_duplicates
from bot.store.views import TicketView

T = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def _ticket(id_, sender, *, ph=None, origin=None, status="open"):
    summary = {"origin": origin} if origin else {}
    return TicketView(id=id_, policyholder_id=ph, sender_id=sender, reason="request", status=status, summary=summary,
                      transcript=(), claim_refs=(), created_at=T, taken_by=None, taken_at=None, closed_at=None)


def test_a_flood_from_one_address_shows_once_with_its_count():
    flood = [_ticket(i, f"web-anon-{i}", origin="ip:aaaa") for i in range(1, 601)]
    real = [_ticket(1001, "web-ph1-x", ph=1, origin="ip:aaaa"), _ticket(1002, "web-anon-y", origin="ip:bbbb")]
    shown = group_duplicates(flood[:300] + real + flood[300:])
    assert [(t.id, len(others)) for t, others in shown] == [(1, 599), (1001, 0), (1002, 0)]


def test_taken_tickets_and_conversations_without_address():
    tickets = [_ticket(1, "web-anon-a"), _ticket(2, "web-anon-a"), _ticket(3, "web-anon-a", status="taken"),
               _ticket(4, "sms-anon-b", origin="sms:bbbb"), _ticket(5, "web-ph2-c", ph=2), _ticket(6, "web-ph2-c", ph=2)]
    assert [(t.id, others) for t, others in group_duplicates(tickets)] == [(1, [2]), (3, []), (4, []), (5, [6])]
