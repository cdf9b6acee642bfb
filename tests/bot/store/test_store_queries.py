"""Scoped queries: results, pagination, fuzzy buyer matching, fees, contract, declarations."""
from __future__ import annotations

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from bot.store import db, queries as q
from bot.store.models import AuditEntry, Claim, ClaimStageEvent, CreditLimit, Invoice, LimitIncreaseRequest
from bot.store.seed import seed_demo

from store_testlib import AS_OF

pytestmark = pytest.mark.filterwarnings("error::sqlalchemy.exc.SAWarning")


# --- claims ------------------------------------------------------------------------------------------

def test_claim_by_ref_full_view(session):
    c = q.claim_by_ref(session, 1, "SIN-2021-000123")
    assert c.ref == "SIN-2021-000123" and c.buyer_name == "Rénovation Dupuis SARL"
    assert c.cause == "insolvency" and c.stage == "indemnified"
    assert c.amount_declared == Decimal("18400.00") and c.amount_indemnified == Decimal("16560.00")
    assert c.quotite == Decimal("0.9") and c.contract_number == "POL-2019-004512"
    assert [e.stage for e in c.history] == ["declared", "under_review", "indemnified"]
    assert [i.number for i in c.invoices] == ["FA-2020-1187", "FA-2021-0042"]
    assert {p.kind for p in c.payments} == {"indemnity", "recovery_share"}
    assert c.next_step_code == "recovery_update" and c.next_step_date > AS_OF
    assert not c.is_open and c.stage_since == date(2021, 6, 10)


@pytest.mark.parametrize("typed", ["sin 2021 000123", "SIN2021000123", "sin-2021-000123", "SIN 2021-000123"])
def test_claim_by_ref_accepts_typed_forms(session, typed):
    assert q.claim_by_ref(session, 1, typed).ref == "SIN-2021-000123"


@pytest.mark.parametrize("bad", ["SIN-2021-12", "SIN-21-000123", "", None, 123, "SIN-2099-999999",
                                 "' OR 1=1 --", "SIN-2021-000123' OR '1'='1"])
def test_claim_by_ref_unknown_or_malformed_is_none(session, bad):
    result = q.claim_by_ref(session, 1, bad)
    # the last one parses to the valid SIN-2021-000123: only the reference part is ever used
    if bad == "SIN-2021-000123' OR '1'='1":
        assert result.ref == "SIN-2021-000123"
    else:
        assert result is None


def test_sql_metacharacters_never_reach_sql(session):
    evil = "SIN-2021-000123'; DROP TABLE claims;--"
    assert q.claim_by_ref(session, 1, evil).ref == "SIN-2021-000123"
    assert q.guarantee_on_buyer(session, 1, "x'; DROP TABLE buyers;--").outcome == "none"
    assert q.guarantee_on_buyer(session, 1, "%").outcome == "none"
    assert q.guarantee_on_buyer(session, 1, "_").outcome == "none"
    session.rollback()
    assert session.execute(select(func.count()).select_from(Claim)).scalar() > 0
    assert session.execute(text("SELECT COUNT(*) FROM buyers")).scalar() > 0


def test_list_claims_status_and_pagination(session):
    all_ = q.list_claims(session, 2, "all", page=1, page_size=10)
    open_ = q.list_claims(session, 2, "open", page=1, page_size=50)
    closed = q.list_claims(session, 2, "closed", page=1, page_size=50)
    assert all_.total == open_.total + closed.total == 30
    assert all(i.is_open for i in open_.items) and not any(i.is_open for i in closed.items)
    assert all_.pages == 3 and all_.has_next and not all_.has_previous
    pages = [q.list_claims(session, 2, "all", page=p, page_size=10) for p in (1, 2, 3)]
    refs = [i.ref for p in pages for i in p.items]
    assert len(refs) == len(set(refs)) == 30
    dates = [i.declared_on for p in pages for i in p.items]
    assert dates == sorted(dates, reverse=True)
    last = q.list_claims(session, 2, "all", page=99, page_size=10)
    assert last.page == 3 and not last.has_next
    assert q.list_claims(session, 2, "all", page_size=1000).page_size == q.MAX_PAGE_SIZE
    with pytest.raises(ValueError):
        q.list_claims(session, 2, "pending")


def test_policyholder_id_is_required_and_checked(session):
    for bad in (None, 0, -1, "1", True, 1.0):
        with pytest.raises(ValueError):
            q.list_claims(session, bad)  # type: ignore[arg-type]


# --- buyers, limits, encours ------------------------------------------------------------------------

@pytest.mark.parametrize("query, expected", [
    ("Bâtiments Lefèvre SAS", "Bâtiments Lefèvre SAS"),
    ("batiments lefevre", "Bâtiments Lefèvre SAS"),
    ("LEFEVRE", "Bâtiments Lefèvre SAS"),
    ("Lefebvre", "Bâtiments Lefèvre SAS"),
    ("lefèvre s.a.s.", "Bâtiments Lefèvre SAS"),
    ("Charpentes-Giraud", "Charpentes Giraud"),
    ("holzbau schneider", "Holzbau Schneider GmbH"),
    ("512340985", "Bâtiments Lefèvre SAS"),
    ("512 340 985", "Bâtiments Lefèvre SAS"),
    ("HRB 734512", "Holzbau Schneider GmbH"),
])
def test_guarantee_match(session, query, expected):
    result = q.guarantee_on_buyer(session, 1, query)
    assert result.outcome == "match", result
    assert result.limit.buyer_name == expected


def test_guarantee_ambiguous_and_none(session):
    amb = q.guarantee_on_buyer(session, 2, "Martin")
    assert amb.outcome == "ambiguous" and amb.limit is None
    assert {c.name for c in amb.candidates} == {"Martin Logistique SAS", "Martin Distribution SARL", "Garage Martin"}
    assert q.guarantee_on_buyer(session, 2, "martin logistique").limit.buyer_name == "Martin Logistique SAS"
    for nothing in ("Zorglub Industries", "", "   ", "SARL", "SAS"):
        assert q.guarantee_on_buyer(session, 2, nothing).outcome == "none", nothing


@pytest.mark.parametrize("ph, query, expected", [
    (2, "lopes", "Transportes López SL"), (2, "martin distrib", "Martin Distribution SARL"),
    (1, "charpente girau", "Charpentes Giraud"), (1, "giraud", "Charpentes Giraud"),
    (4, "hotel du port", "Hôtel du Port SAS"), (3, "medi supply", "Medisupply Inc."),
])
def test_guarantee_on_names_as_typed(session, ph, query, expected):
    assert q.guarantee_on_buyer(session, ph, query).limit.buyer_name == expected


@pytest.mark.parametrize("ph, query", [
    (1, "Transportes López"), (1, "lopes"), (3, "martin distribution"), (2, "charpentes giraud"), (1, "hotel du port"),
    (2, "merci"), (2, "bonne soirée"), (1, "rien"), (4, "oui"), (1, "depuis"),
])
def test_another_companys_buyer_or_an_everyday_word_answers_like_an_unknown_name(session, ph, query):
    assert q.guarantee_on_buyer(session, ph, query) == q.guarantee_on_buyer(session, ph, "Zorglub Industries")
    assert q.guarantee_on_buyer(session, ph, query).outcome == "none"


def test_limits_history_and_reasons(session):
    by_name = {l.buyer_name: l for l in q.limits(session, 1)}
    giraud = by_name["Charpentes Giraud"]
    assert giraud.status == "reduced" and giraud.amount == Decimal("15000.00")
    assert giraud.previous_amount == Decimal("40000.00") and giraud.reason_code == "payment_delays"
    assert giraud.decided_on == AS_OF - timedelta(days=40)
    assert [d.decision for d in giraud.history] == ["granted", "reduced"]
    roussel = by_name["Constructions Roussel SARL"]
    assert roussel.status == "partial" and roussel.requested_amount > roussel.amount
    assert [c.scheme for c in roussel.cap_covers] == ["CAP"]
    assert by_name["Immobilière Faure SA"].status == "cancelled" and by_name["Immobilière Faure SA"].amount == 0
    assert by_name["Promotion Lambert SAS"].status == "refused"
    assert by_name["Holzbau Schneider GmbH"].is_abroad


def test_encours_totals(session):
    view = q.encours(session, 1)
    assert view.total_guaranteed == sum(l.guaranteed for l in view.lines)
    assert view.total_outstanding == sum(l.outstanding for l in view.lines)
    for line in view.lines:
        assert line.guaranteed == min(line.limit_amount, line.outstanding)
    giraud = next(l for l in view.lines if l.buyer_name == "Charpentes Giraud")
    assert giraud.guaranteed == Decimal("15000.00") and giraud.outstanding == Decimal("18000.00")


def test_limit_increase_is_recorded_never_granted(session):
    before = session.execute(select(CreditLimit.amount, CreditLimit.status)
                             .where(CreditLimit.policyholder_id == 1)).all()
    result = q.record_limit_increase_request(session, 1, "Lefèvre", "80 000", channel="chat", user_id=1)
    assert result.outcome == "recorded" and result.requested_amount == Decimal("80000.00")
    assert result.current_amount == Decimal("50000.00") and not result.new_buyer
    assert session.execute(select(CreditLimit.amount, CreditLimit.status)
                           .where(CreditLimit.policyholder_id == 1)).all() == before
    row = session.get(LimitIncreaseRequest, result.request_id)
    assert row.status == "received" and row.policyholder_id == 1 and row.user_id == 1
    new = q.record_limit_increase_request(session, 1, "Nouvelle Société Dubois", 12000)
    assert new.outcome == "recorded" and new.new_buyer and new.current_amount is None
    assert q.record_limit_increase_request(session, 2, "Martin", 1000).outcome == "buyer_ambiguous"
    for bad in (0, -5, "abc", None, float("nan"), True):
        assert q.record_limit_increase_request(session, 1, "Lefèvre", bad).outcome == "invalid_amount"
    # a user id of another policyholder is not recorded
    other = q.record_limit_increase_request(session, 1, "Lefèvre", 1000, user_id=2)
    assert session.get(LimitIncreaseRequest, other.request_id).user_id is None


# --- fees and contract -------------------------------------------------------------------------------

def test_fee_breakdown_lines_explain_their_amounts(session):
    view = q.fee_breakdown(session, 2, date(2024, 1, 1), date(2024, 12, 31))
    assert view.lines and view.total == sum(l.amount for l in view.lines)
    assert sum(t.amount for t in view.totals) == view.total
    for line in view.lines:
        assert line.period_end >= view.start and line.period_start <= view.end
        if line.method == "rate":
            assert abs(line.basis * line.rate - line.amount) <= Decimal("0.01"), line
        else:
            assert line.method == "unit" and line.quantity * line.unit_amount == line.amount, line
    assert {l.kind for l in view.lines} >= {"premium", "monitoring"}
    # reversed bounds are tolerated
    assert q.fee_breakdown(session, 2, date(2024, 12, 31), date(2024, 1, 1)) == view


def test_last_statement(session):
    st = q.last_statement(session, 1)
    assert st.statement_ref == "REL-2025-T1" and st.statement_date == date(2025, 4, 15)
    assert {l.statement_ref for l in st.lines} == {"REL-2025-T1"}
    assert st.total == sum(l.amount for l in st.lines)
    assert q.last_statement(session, 4) is None


def test_contract_terms(session):
    t = q.contract_terms(session, 1, AS_OF)
    assert t.number == "POL-2019-004512" and t.quotite == Decimal("0.9")
    assert (t.dms_deadline_days, t.waiting_period_days, t.payout_delay_days, t.max_credit_term_days) == (30, 150, 30, 90)
    assert t.minimum_claim_amount == Decimal("300.00") and t.advance_indemnification
    assert q.contract_terms(session, 4, AS_OF).start_date == AS_OF - timedelta(days=20)


# --- declarations -------------------------------------------------------------------------------------

def _declare(session, ph=1, **kw):
    args = dict(buyer_name="Bâtiments Lefèvre", invoice_number="FA-T-1", amount="4 250,50",
                due_date=AS_OF - timedelta(days=20), idempotency_key="k-1", as_of=AS_OF)
    args.update(kw)
    return q.declare_unpaid(session, ph, **args)


def test_declare_unpaid_creates_claim_invoice_history(session):
    result = _declare(session)
    assert result.outcome == "created" and result.ok and not result.late
    claim = result.claim
    assert claim.stage == "declared" and claim.amount_declared == Decimal("4250.50")
    assert claim.ref.startswith(f"SIN-{AS_OF.year}-") and int(claim.ref[-6:]) >= q.FIRST_NUMBER
    assert claim.next_step_code == "waiting_period_end"
    assert claim.next_step_date == AS_OF - timedelta(days=20) + timedelta(days=150)
    assert [e.stage for e in claim.history] == ["declared"] and claim.history[0].entered_on == AS_OF
    assert [i.number for i in claim.invoices] == ["FA-T-1"]
    assert result.dms_deadline == AS_OF - timedelta(days=20) + timedelta(days=30)
    audit = session.execute(select(AuditEntry).where(AuditEntry.object_id == claim.ref)).scalar_one()
    assert audit.action == "declare" and audit.policyholder_id == 1
    # the new claim is now found by reference and listed as open
    assert q.claim_by_ref(session, 1, claim.ref) == claim
    assert claim.ref in {i.ref for i in q.list_claims(session, 1, "open", page_size=50).items}


def test_declare_unpaid_is_idempotent(session):
    first = _declare(session, idempotency_key="same-key")
    again = _declare(session, idempotency_key="same-key", amount="999", invoice_number="OTHER")
    assert first.outcome == "created" and again.outcome == "replayed"
    assert again.claim == first.claim
    count = session.execute(select(func.count()).select_from(Claim)
                            .where(Claim.policyholder_id == 1, Claim.idempotency_key == "same-key")).scalar()
    assert count == 1


def test_declare_unpaid_other_outcomes(session):
    dup_first = _declare(session, idempotency_key="a", invoice_number="FA-DUP")
    dup = _declare(session, idempotency_key="b", invoice_number="FA-DUP")
    assert dup.outcome == "duplicate_invoice" and dup.claim.ref == dup_first.claim.ref
    late = _declare(session, idempotency_key="c", invoice_number="FA-LATE", due_date=AS_OF - timedelta(days=45))
    assert late.outcome == "created" and late.late
    assert late.claim.history[0].note_code == "declared_late"
    ins = _declare(session, idempotency_key="d", invoice_number="FA-INS", cause="insolvency")
    assert ins.claim.next_step_code == "indemnity_decision" and ins.claim.next_step_date == AS_OF + timedelta(days=30)
    assert _declare(session, idempotency_key="e", amount="120").outcome == "below_minimum"
    assert _declare(session, idempotency_key="e", amount="120").minimum == Decimal("300.00")
    assert _declare(session, ph=2, buyer_name="Martin", idempotency_key="f").outcome == "buyer_ambiguous"
    assert _declare(session, buyer_name="Inconnu Total", idempotency_key="g").outcome == "buyer_unknown"
    assert _declare(session, idempotency_key="h", due_date=AS_OF + timedelta(days=3)).problem == "not_yet_due"
    assert _declare(session, idempotency_key="i", amount="-3").problem == "amount"
    assert _declare(session, idempotency_key="j", invoice_number="  ").problem == "invoice_number"
    assert _declare(session, idempotency_key="").problem == "idempotency_key"
    assert _declare(session, idempotency_key="k", cause="fraud").problem == "cause"


def test_declare_unpaid_stores_hostile_text_literally(session):
    evil = "F'); DELETE FROM claims; --"
    result = _declare(session, idempotency_key="evil", invoice_number=evil)
    assert result.outcome == "created" and result.claim.invoices[0].number == evil
    assert session.execute(select(func.count()).select_from(Claim)).scalar() > 30


def test_declare_unpaid_concurrent_same_key(fresh_url):
    """Two requests with the same idempotency key at the same time make one claim."""
    engine = db.get_engine(fresh_url)
    seed_demo(engine, AS_OF)
    results, errors = [], []
    barrier = threading.Barrier(2)

    def worker():
        try:
            barrier.wait(timeout=10)
            with db.session_scope(engine) as s:
                results.append(_declare(s, idempotency_key="race"))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    assert sorted(r.outcome for r in results) == ["created", "replayed"]
    assert len({r.claim.ref for r in results}) == 1
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Claim).where(Claim.idempotency_key == "race")).scalar() == 1


def test_next_claim_ref_sequence(session):
    a = q.next_claim_ref(session, 2031)
    b = q.next_claim_ref(session, 2031)
    assert a == f"SIN-2031-{q.FIRST_NUMBER:06d}" and b == f"SIN-2031-{q.FIRST_NUMBER + 1:06d}"


# --- records -----------------------------------------------------------------------------------------

def test_record_complaint_csat_audit(session):
    receipt = q.record_complaint(session, 3, "  Le délai est trop long.  ", "chat")
    assert receipt.kind == "complaint" and receipt.reference.startswith("REC-")
    assert receipt.created_at.tzinfo is not None
    with pytest.raises(ValueError):
        q.record_complaint(session, 3, "   ", "chat")
    h = q.hash_sender("sender-42", "secret")
    assert len(h) == 64 and h == q.hash_sender("sender-42", "secret") != q.hash_sender("sender-43", "secret")
    assert q.record_csat(session, None, h, 5, channel="web").kind == "csat"
    assert q.record_csat(session, 1, h, 1).id > 0
    for bad in (0, 6, "5", True, 2.5):
        with pytest.raises(ValueError):
            q.record_csat(session, 1, h, bad)  # type: ignore[arg-type]
    q.audit(session, 1, who="user:1", object_type="claim", object_id="SIN-2021-000123", channel="chat", action="read")
    session.flush()
    row = session.execute(select(AuditEntry).where(AuditEntry.action == "read")).scalars().first()
    assert row.policyholder_id == 1 and row.at.tzinfo is not None


def test_unscoped_helpers(session):
    assert q.get_policyholder(session, 1).name == "Menuiserie Durand SARL"
    assert q.get_policyholder(session, 99999) is None
    assert all(a.policyholder_id <= 4 for a in q.demo_accounts(session))


def test_stage_history_is_dated_and_ordered(session):
    rows = session.execute(
        select(ClaimStageEvent.claim_id, ClaimStageEvent.entered_on)
        .join(Claim, Claim.id == ClaimStageEvent.claim_id)
        .where(Claim.policyholder_id.in_([1, 2, 3]))
        .order_by(ClaimStageEvent.claim_id, ClaimStageEvent.id)
    ).all()
    last = {}
    for claim_id, day in rows:
        assert day >= last.get(claim_id, date.min)
        last[claim_id] = day
    assert session.execute(select(func.count()).select_from(Invoice).where(Invoice.claim_id.is_(None))).scalar() == 0
