"""Engines, migrations, models vs migration, seed determinism."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select, text

from bot.store import db, queries as q
from bot.store.models import STAGES, Claim, metadata
from bot.store.seed import main as seed_main, seed_bulk, seed_demo, siren_from

from store_testlib import AS_OF, new_database

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.filterwarnings("error::sqlalchemy.exc.SAWarning")


def test_migration_matches_models(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": db.include_name})
        diff = compare_metadata(context, metadata)
    assert diff == []


def _head(url):
    from alembic.script import ScriptDirectory
    head = ScriptDirectory.from_config(db.alembic_config(url)).get_current_head()
    assert head is not None  # a single head: migrations form one chain
    return head


def test_migration_is_at_head_and_creates_every_table(store_url, engine):
    assert db.current_revision(store_url) == _head(store_url)
    tables = set(inspect(engine).get_table_names())
    assert set(metadata.tables) <= tables


def test_migrate_twice_is_a_no_op(store_url):
    db.migrate(store_url)
    assert db.current_revision(store_url) == _head(store_url)


def test_no_create_all_in_production_code():
    offenders = [str(p) for p in (ROOT / "bot").rglob("*.py") if "create_all(" in p.read_text(encoding="utf-8")]
    assert offenders == []


def test_engine_is_cached_per_url(store_url):
    assert db.get_engine(store_url) is db.get_engine(store_url)


def test_sqlite_pragmas(tmp_path):
    url = f"sqlite:///{tmp_path / 'p.db'}"
    try:
        engine = db.get_engine(url)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar().lower() == "wal"
    finally:
        db.dispose_engine(url)


def test_session_scope_commits_and_rolls_back(fresh_url):
    engine = db.get_engine(fresh_url)
    with db.session_scope(engine) as s:
        q.audit(s, None, who="test", object_type="x", object_id="1", channel="test", action="commit")
    with pytest.raises(RuntimeError):
        with db.session_scope(engine) as s:
            q.audit(s, None, who="test", object_type="x", object_id="2", channel="test", action="rollback")
            s.flush()
            raise RuntimeError("boom")
    with engine.connect() as conn:
        actions = [r[0] for r in conn.execute(text("SELECT action FROM audit_log ORDER BY id"))]
    assert actions == ["commit"]


def test_money_is_decimal_with_cents(session):
    claim = q.claim_by_ref(session, 1, "SIN-2025-000101")
    assert str(claim.amount_declared) == "12850.40"


def test_siren_check_digit():
    siren = siren_from("73282932")
    assert siren == "732829320"  # a known valid SIREN


# --- seed --------------------------------------------------------------------------------------------

COUNTS = {
    "claims": "SELECT COUNT(*) FROM claims WHERE policyholder_id <= 4",
    "history": "SELECT COUNT(*) FROM claim_stage_history h JOIN claims c ON c.id = h.claim_id "
               "WHERE c.policyholder_id <= 4",
    "payments": "SELECT COUNT(*) FROM payments p JOIN claims c ON c.id = p.claim_id WHERE c.policyholder_id <= 4",
    "invoices": "SELECT COUNT(*) FROM invoices WHERE policyholder_id <= 4",
    "limits": "SELECT COUNT(*) FROM credit_limits WHERE policyholder_id <= 4",
    "decisions": "SELECT COUNT(*) FROM credit_limit_decisions d JOIN credit_limits l ON l.id = d.limit_id "
                 "WHERE l.policyholder_id <= 4",
    "caps": "SELECT COUNT(*) FROM cap_covers WHERE policyholder_id <= 4",
    "fees": "SELECT COUNT(*) FROM fee_lines WHERE policyholder_id <= 4",
    "users": "SELECT COUNT(*) FROM users WHERE policyholder_id <= 4",
    "buyers": "SELECT COUNT(*) FROM buyers",
}


def _dump(engine):
    """Everything a policyholder can see, for the four demo companies, plus row counts."""
    out = {}
    with db.session_scope(engine) as s:
        out["demo"] = q.demo_accounts(s)
        for ph in (1, 2, 3, 4):
            page = q.list_claims(s, ph, "all", page=1, page_size=50)
            out[ph] = (
                page,
                tuple(q.claim_by_ref(s, ph, c.ref) for c in page.items),
                q.limits(s, ph), q.encours(s, ph), q.contract_terms(s, ph, AS_OF),
                q.fee_breakdown(s, ph, date(2015, 1, 1), date(2030, 1, 1)), q.last_statement(s, ph),
                q.get_policyholder(s, ph),
            )
        for name, sql in COUNTS.items():
            out[name] = s.execute(text(sql)).scalar()
    return out


def test_demo_seed_is_idempotent(engine):
    before = _dump(engine)
    seed_demo(engine, AS_OF)
    assert _dump(engine) == before


def test_demo_seed_is_deterministic_across_databases(engine, fresh_url):
    other = db.get_engine(fresh_url)
    seed_demo(other, AS_OF)
    mine, theirs = _dump(engine), _dump(other)
    for key in ("demo", 1, 2, 3, 4):
        assert mine[key] == theirs[key], key


def test_bulk_seed_is_deterministic(fresh_url, tmp_path):
    url2, cleanup = new_database("sqlite", tmp_path)
    try:
        db.migrate(url2)
        rows = []
        for url in (fresh_url, url2):
            engine = db.get_engine(url)
            seed_bulk(engine, 300, AS_OF, seed=5, progress=False, chunk=120)
            with engine.connect() as conn:
                rows.append(conn.execute(
                    select(Claim.ref, Claim.stage, Claim.cause, Claim.amount_declared, Claim.declared_on,
                           Claim.next_step_date).order_by(Claim.ref)).all())
        assert len(rows[0]) == 300 and rows[0] == rows[1]
    finally:
        cleanup()


def test_bulk_seed_then_new_declaration_gets_a_fresh_ref(engine, session):
    counters = dict(session.execute(text("SELECT year, last_number FROM ref_counters")).all())
    assert counters and all(n >= q.FIRST_NUMBER for n in counters.values())
    ref = q.next_claim_ref(session, AS_OF.year)
    assert session.execute(select(func.count()).select_from(Claim).where(Claim.ref == ref)).scalar() == 0


def test_demo_content(session):
    accounts = q.demo_accounts(session)
    assert [a.policyholder_id for a in accounts] == [1, 2, 3, 4]
    assert [a.name for a in accounts] == ["Menuiserie Durand SARL", "Transports Morel & Fils",
                                          "Laboratoires Aubert SA", "Boulangerie Petit"]
    assert all(a.user_email and a.note for a in accounts)
    # Durand: SIN-2021-000123 indemnified with recovery ongoing, open claims in waiting period and collection
    sin = q.claim_by_ref(session, 1, "SIN-2021-000123")
    assert sin.stage == "indemnified" and sin.amount_recovered > 0 and sin.next_step_date > AS_OF
    open_stages = {c.stage for c in q.list_claims(session, 1, "open", page_size=50).items}
    assert {"waiting_period", "collection"} <= open_stages
    statuses = {l.status for l in q.limits(session, 1)}
    assert {"partial", "reduced", "cancelled", "refused", "granted"} <= statuses
    assert any(l.is_abroad for l in q.limits(session, 1))
    assert q.contract_terms(session, 1, AS_OF).advance_indemnification is True
    # Morel: ~30 claims, every stage, both causes
    page = q.list_claims(session, 2, "all", page_size=50)
    assert 25 <= page.total <= 40
    assert {c.stage for c in page.items} == set(STAGES)
    assert {c.cause for c in page.items} == {"protracted_default", "insolvency"}
    # Aubert: exporter with CAP Francexport / CAP covers, owns SIN-2021-000456
    assert q.claim_by_ref(session, 3, "SIN-2021-000456") is not None
    schemes = {c.scheme for l in q.limits(session, 3) for c in l.cap_covers}
    assert {"CAP Francexport", "CAP"} <= schemes
    assert sum(l.is_abroad for l in q.limits(session, 3)) >= 4
    # Petit: a contract, no claims
    assert q.contract_terms(session, 4, AS_OF) is not None
    assert q.list_claims(session, 4, "all").total == 0


def test_open_claims_have_future_next_steps(session):
    for ph in (1, 2, 3):
        for item in q.list_claims(session, ph, "open", page_size=50).items:
            assert item.next_step_date is not None and item.next_step_date > AS_OF, item


def test_seed_cli(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    try:
        assert seed_main(["--demo", "--as-of", "2025-06-30", "--database-url", url]) == 0
        assert seed_main(["--claims", "120", "--as-of", "2025-06-30", "--database-url", url, "--no-progress"]) == 0
        with db.get_engine(url).connect() as conn:
            total = conn.execute(select(func.count()).select_from(Claim)).scalar()
            demo = conn.execute(select(func.count()).select_from(Claim).where(Claim.policyholder_id <= 4)).scalar()
        assert total - demo == 120
        refs_ok = re.compile(r"^SIN-\d{4}-\d{6}$")
        with db.get_engine(url).connect() as conn:
            assert all(refs_ok.match(r) for (r,) in conn.execute(select(Claim.ref)))
    finally:
        db.dispose_engine(url)
