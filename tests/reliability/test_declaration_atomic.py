"""No half-written claim: a declaration is one transaction, and a retry with the same key writes once.

On PostgreSQL (a throw-away schema in database ``test``), through ``session_scope`` exactly as the
action does (``actions.common.store_call``): a failure anywhere in the write, including the
database connection dying mid-transaction, leaves nothing; a retry after a lost answer, or two
twins racing, leave exactly one claim, one invoice and one history row.
"""
from __future__ import annotations

import os
import threading
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text

from bot.store import db
from bot.store import queries as q
from bot.store.queries import declarations
from bot.store.models import Claim, ClaimStageEvent, Invoice, RefCounter
from tests.pgadmin import run_admin_sql

PG_URL = os.environ.get("STORE_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")
AS_OF = date(2025, 6, 30)
DUE = AS_OF - timedelta(days=20)


def _admin(sql: str) -> None:
    run_admin_sql(sql, PG_URL, connect_timeout=3)


@pytest.fixture(scope="module")
def url():
    from bot.store.seed import seed_demo

    schema = f"reliab_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        _admin(f'CREATE SCHEMA "{schema}"')
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"PostgreSQL unreachable at {PG_URL}: {exc}")
    store_url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    try:
        db.migrate(store_url)
        seed_demo(db.get_engine(store_url), AS_OF)
        yield store_url
    finally:
        db.dispose_engine(store_url)
        _admin(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _declare(session, key: str, invoice: str):
    return q.declare_unpaid(session, 1, "Bâtiments Lefèvre", invoice, "4 250,50", DUE, key, as_of=AS_OF)


def _written(url: str, invoice: str, key: str) -> dict:
    with db.session_scope(db.get_engine(url)) as s:
        claims = s.execute(select(Claim.id).where(Claim.policyholder_id == 1, Claim.idempotency_key == key)).scalars().all()
        return {
            "claims": len(claims),
            "invoices": s.execute(select(func.count()).select_from(Invoice)
                                  .where(Invoice.policyholder_id == 1, Invoice.number == invoice)).scalar(),
            "history": s.execute(select(func.count()).select_from(ClaimStageEvent)
                                 .where(ClaimStageEvent.claim_id.in_(claims or [-1]))).scalar(),
            "counter": s.execute(select(RefCounter.last_number).where(RefCounter.year == AS_OF.year)).scalar(),
        }


def _failing_audit(monkeypatch, how):
    real = declarations.audit

    def audit(session, *args, **kwargs):
        real(session, *args, **kwargs)  # the claim, invoice, history and audit rows are all flushed...
        how(session)                    # ...then the unit of work breaks before its commit
    monkeypatch.setattr(declarations, "audit", audit)  # the audit call inside declare_unpaid


def test_a_failure_mid_write_leaves_nothing(url, monkeypatch):
    before = _written(url, "FA-HALF-1", "half-1")

    def boom(_session):
        raise RuntimeError("lost the database mid-write")
    _failing_audit(monkeypatch, boom)
    with pytest.raises(RuntimeError):
        with db.session_scope(db.get_engine(url)) as s:
            _declare(s, "half-1", "FA-HALF-1")
    assert _written(url, "FA-HALF-1", "half-1") == {**before, "claims": 0, "invoices": 0, "history": 0}
    monkeypatch.undo()
    with db.session_scope(db.get_engine(url)) as s:  # the person retries: written once, completely
        assert _declare(s, "half-1", "FA-HALF-1").outcome == "created"
    after = _written(url, "FA-HALF-1", "half-1")
    assert (after["claims"], after["invoices"], after["history"]) == (1, 1, 1)


def test_the_connection_dying_mid_transaction_leaves_nothing(url, monkeypatch):
    """The server ends our session (as a crash or restart would) after the rows were sent, before COMMIT."""
    def kill_own_backend(session):
        session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
    _failing_audit(monkeypatch, kill_own_backend)
    with pytest.raises(Exception) as raised:
        with db.session_scope(db.get_engine(url)) as s:
            _declare(s, "half-2", "FA-HALF-2")
    assert "terminat" in str(raised.value).lower() or "closed" in str(raised.value).lower(), raised.value
    monkeypatch.undo()
    written = _written(url, "FA-HALF-2", "half-2")
    assert (written["claims"], written["invoices"], written["history"]) == (0, 0, 0)
    with db.session_scope(db.get_engine(url)) as s:  # pool_pre_ping replaces the dead connection
        assert _declare(s, "half-2", "FA-HALF-2").outcome == "created"


def test_a_retry_after_a_lost_answer_writes_once(url):
    with db.session_scope(db.get_engine(url)) as s:
        first = _declare(s, "retry-1", "FA-RETRY-1")
    with db.session_scope(db.get_engine(url)) as s:  # the answer was lost (timeout): the action retries
        again = _declare(s, "retry-1", "FA-RETRY-1")
    assert (first.outcome, again.outcome) == ("created", "replayed")
    assert again.claim.ref == first.claim.ref
    written = _written(url, "FA-RETRY-1", "retry-1")
    assert (written["claims"], written["invoices"], written["history"]) == (1, 1, 1)


def test_twin_requests_racing_write_once(url):
    """Two replicas handling the same retry at the same moment (PostgreSQL, real concurrency)."""
    barrier = threading.Barrier(4)
    outcomes, errors = [], []

    def twin():
        try:
            with db.session_scope(db.get_engine(url)) as s:
                barrier.wait(5)
                outcomes.append(_declare(s, "twin-1", "FA-TWIN-1").outcome)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=twin) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    written = _written(url, "FA-TWIN-1", "twin-1")
    assert (written["claims"], written["invoices"], written["history"]) == (1, 1, 1), (outcomes, errors)
    # every twin got an answer, or failed cleanly (its transaction rolled back) and may retry
    assert outcomes.count("created") == 1
    assert set(outcomes) <= {"created", "replayed"}
    assert len(outcomes) + len(errors) == 4
