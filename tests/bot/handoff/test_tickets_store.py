"""Handoff tickets and callback requests in the store (SQLite, migrated to head)."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.handoff import tickets as t
from bot.store.queries import handoff as q
from bot.handoff.summary import build_summary, transcript
from bot.store import db
from bot.store.seed import seed_demo

from tests.bot.handoff.sample_events import conversation

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 3, 2, 9, 5, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('handoff') / 'store.db'}"
    db.migrate(url)
    seed_demo(db.get_engine(url))
    yield url
    db.dispose_engine(url)


@pytest.fixture
def session(url):
    from sqlalchemy.orm import Session
    s = Session(db.get_engine(url), future=True, expire_on_commit=False)
    try:
        yield s
    finally:
        s.rollback()
        s.close()


def _head():
    from alembic.script import ScriptDirectory
    return ScriptDirectory.from_config(db.alembic_config()).get_current_head()


def test_migration_matches_models(url):
    from bot.store.models import metadata  # the package registers every table
    with db.get_engine(url).connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": db.include_name})
        diff = compare_metadata(ctx, metadata)
        assert ctx.get_current_revision() == _head()
    assert diff == []


def _ticket(session, ph=1, sender="conv-9"):
    events = conversation()
    return t.create_ticket(session, ph, sender, "request", build_summary(events), transcript(events), now=NOW)


def test_ticket_holds_summary_transcript_and_own_claims_only(session):
    ticket = _ticket(session)
    assert ticket.status == "open" and ticket.policyholder_id == 1 and ticket.reason == "request"
    # SIN-2021-000456 belongs to another company: not attached to this ticket
    assert ticket.claim_refs == ("SIN-2021-000123",)
    assert ticket.summary["claim_refs"] == ["SIN-2021-000123"]
    assert ticket.summary["intents"] == ["ask_claim_status", "request_human"]
    assert len(ticket.transcript) == 5 and ticket.transcript[-1]["text"] == "/request_human"
    assert ticket.reference == f"DEM-{ticket.id:06d}"
    # read back from the database, not from memory
    session.expire_all()
    again = q.tickets_of(session, 1)[0]
    assert again.transcript == ticket.transcript and again.created_at == NOW


def test_anonymous_ticket_has_no_claims(session):
    ticket = _ticket(session, ph=None, sender="visitor-1")
    assert ticket.policyholder_id is None and ticket.claim_refs == ()


def test_one_active_ticket_per_conversation(session):
    first = _ticket(session)
    second = _ticket(session)
    assert second.id == first.id
    assert len(q.tickets_of(session, 1)) == 1


def test_tickets_are_scoped(session):
    _ticket(session, ph=1, sender="conv-a")
    _ticket(session, ph=3, sender="conv-b")
    assert {x.sender_id for x in q.tickets_of(session, 1)} == {"conv-a"}
    assert {x.sender_id for x in q.tickets_of(session, 3)} == {"conv-b"}
    assert q.tickets_of(session, 4) == []
    with pytest.raises(TypeError):
        q.tickets_of(session, "1")


def test_queue_take_and_close(session):
    a = _ticket(session, sender="conv-a")
    b = _ticket(session, ph=2, sender="conv-b")
    assert [x.id for x in q.open_tickets(session)] == [a.id, b.id]
    taken = q.take_ticket(session, a.id, "agent:marie", now=NOW)
    assert taken.status == "taken" and taken.taken_by == "agent:marie" and taken.taken_at == NOW
    assert q.take_ticket(session, a.id, "agent:paul") is None          # already taken
    assert [x.id for x in q.open_tickets(session)] == [b.id]
    assert q.active_ticket_for(session, "conv-a").id == a.id
    assert q.close_ticket(session, a.id, "agent:paul") is None         # not his
    closed = q.close_ticket(session, a.id, "agent:marie", now=NOW)
    assert closed.status == "closed" and closed.closed_at == NOW
    assert q.active_ticket_for(session, "conv-a") is None
    # a new request after closing opens a new ticket
    assert _ticket(session, sender="conv-a").id != a.id


def test_callback_request(session):
    slot = datetime(2026, 3, 9, 9, 0, tzinfo=PARIS)
    cb = t.create_callback(session, 1, "conv-9", "06.12.34.56.78", slot, reason="fallback", now=NOW)
    assert cb.phone == "+33612345678" and cb.slot_start == slot and cb.status == "pending"
    assert [c.id for c in q.callbacks_of(session, 1)] == [cb.id]
    assert q.callbacks_of(session, 2) == []
    assert cb.id in [c.id for c in q.pending_callbacks(session)]
    anon = t.create_callback(session, None, "visitor", "+33 1 23 45 67 89", slot)
    assert anon.policyholder_id is None
    with pytest.raises(ValueError):
        t.create_callback(session, 1, "conv-9", "08 00 00 00 00", slot)
    with pytest.raises(ValueError):
        t.create_callback(session, 1, "conv-9", "0612345678", datetime(2026, 3, 9, 9, 0))


def test_unknown_reason_becomes_request(session):
    events = conversation()
    ticket = t.create_ticket(session, 1, "conv-r", "whatever", build_summary(events), transcript(events))
    assert ticket.reason == "request"
