"""Policyholder A can never read (or touch) policyholder B's claims, limits, fees or contract.

Every public function of ``bot.store.queries`` that takes ``policyholder_id`` has a case here
(a meta-test fails when one is added without a case). Where the function takes an identifier,
B's identifier must give EXACTLY the result of an identifier that does not exist.
"""
from __future__ import annotations

import dataclasses
import inspect
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from bot.store import queries as q
from bot.store.models import AuditEntry, Claim, Complaint, CreditLimit, CsatAnswer, FeeLine, LimitIncreaseRequest

from store_testlib import AS_OF

pytestmark = pytest.mark.filterwarnings("error::sqlalchemy.exc.SAWarning")

PAIRS = [(1, 3), (3, 1), (2, 1), (4, 2)]
UNKNOWN_REF = "SIN-2021-999998"
UNKNOWN_BUYER = "Société Imaginaire Zêta"
UNKNOWN_SIREN = "123456782"


def _b_data(session, b):
    """What identifies B: its claim refs, buyer names/SIRENs, contract number."""
    refs = [c.ref for c in q.list_claims(session, b, "all", page_size=50).items]
    limits = q.limits(session, b)
    return {
        "refs": refs,
        "buyers": [l.buyer_name for l in limits],
        "sirens": [l.buyer_siren for l in limits if l.buyer_siren],
        "contract": q.contract_terms(session, b, AS_OF).number,
    }


def _a_buyers(session, a):
    return {l.buyer_name for l in q.limits(session, a)}


def _strip(view, *fields):
    return dataclasses.replace(view, **{f: None for f in fields})


# --- one case per scoped function -----------------------------------------------------------------------

def case_claim_by_ref(session, a, b, bd):
    for ref in bd["refs"]:
        assert q.claim_by_ref(session, a, ref) == q.claim_by_ref(session, a, UNKNOWN_REF) is None
        # typed loosely, still nothing
        assert q.claim_by_ref(session, a, ref.lower().replace("-", " ")) is None


def case_list_claims(session, a, b, bd):
    for status in ("open", "closed", "all"):
        page = q.list_claims(session, a, status, page_size=50)
        assert not set(bd["refs"]) & {i.ref for i in page.items}
    expected = session.execute(select(func.count()).select_from(Claim).where(Claim.policyholder_id == a)).scalar()
    assert q.list_claims(session, a, "all").total == expected


def case_guarantee_on_buyer(session, a, b, bd):
    mine = _a_buyers(session, a)
    unknown = q.guarantee_on_buyer(session, a, UNKNOWN_BUYER)
    assert unknown.outcome == "none"
    for name in bd["buyers"]:
        if name in mine:
            continue
        assert q.guarantee_on_buyer(session, a, name) == unknown, name
    for siren in bd["sirens"]:
        assert q.guarantee_on_buyer(session, a, siren) == q.guarantee_on_buyer(session, a, UNKNOWN_SIREN)


def case_limits(session, a, b, bd):
    names = {l.buyer_name for l in q.limits(session, a)}
    assert not (set(bd["buyers"]) - _a_buyers(session, a)) & names
    assert {l.contract_number for l in q.limits(session, a)} <= {q.contract_terms(session, a, AS_OF).number}
    expected = session.execute(select(func.count()).select_from(CreditLimit)
                               .where(CreditLimit.policyholder_id == a)).scalar()
    assert len(q.limits(session, a)) == expected


def case_encours(session, a, b, bd):
    view = q.encours(session, a)
    assert {l.buyer_name for l in view.lines} == _a_buyers(session, a)
    expected = session.execute(select(func.coalesce(func.sum(CreditLimit.outstanding_amount), 0))
                               .where(CreditLimit.policyholder_id == a)).scalar()
    assert view.total_outstanding == Decimal(str(expected)).quantize(Decimal("0.01"))


def case_fee_breakdown(session, a, b, bd):
    view = q.fee_breakdown(session, a, date(2000, 1, 1), date(2100, 1, 1))
    expected = session.execute(select(func.coalesce(func.sum(FeeLine.amount), 0), func.count())
                               .where(FeeLine.policyholder_id == a)).one()
    assert view.total == Decimal(str(expected[0])).quantize(Decimal("0.01"))
    assert len(view.lines) == expected[1]
    assert not {l.claim_ref for l in view.lines if l.claim_ref} & set(bd["refs"])


def case_last_statement(session, a, b, bd):
    st = q.last_statement(session, a)
    if st is None:
        assert session.execute(select(func.count()).select_from(FeeLine).where(FeeLine.policyholder_id == a)).scalar() == 0
        return
    expected = session.execute(select(func.count()).select_from(FeeLine).where(
        FeeLine.policyholder_id == a, FeeLine.statement_ref == st.statement_ref,
        FeeLine.statement_date == st.statement_date)).scalar()
    assert len(st.lines) == expected


def case_all_fee_lines(session, a, b, bd):
    lines = q.all_fee_lines(session, a)
    expected = session.execute(select(func.count()).select_from(FeeLine).where(FeeLine.policyholder_id == a)).scalar()
    assert len(lines) == expected
    assert not {l.claim_ref for l in lines if l.claim_ref} & set(bd["refs"])


def case_contract_terms(session, a, b, bd):
    assert q.contract_terms(session, a, AS_OF).number != bd["contract"]


def case_record_limit_increase_request(session, a, b, bd):
    before = session.execute(select(CreditLimit.id, CreditLimit.amount, CreditLimit.status)
                             .where(CreditLimit.policyholder_id == b).order_by(CreditLimit.id)).all()
    foreign_name = next(n for n in bd["buyers"] if n not in _a_buyers(session, a))
    foreign = q.record_limit_increase_request(session, a, foreign_name, 50000)
    unknown = q.record_limit_increase_request(session, a, UNKNOWN_BUYER, 50000)
    fields = ("request_id", "created_at", "buyer_name")
    assert _strip(foreign, *fields) == _strip(unknown, *fields)
    assert foreign.new_buyer and foreign.current_amount is None
    row = session.get(LimitIncreaseRequest, foreign.request_id)
    assert row.policyholder_id == a and row.limit_id is None
    assert session.execute(select(CreditLimit.id, CreditLimit.amount, CreditLimit.status)
                           .where(CreditLimit.policyholder_id == b).order_by(CreditLimit.id)).all() == before


def case_declare_unpaid(session, a, b, bd):
    common = dict(invoice_number="X-1", amount="5000", due_date=AS_OF - timedelta(days=10), as_of=AS_OF)
    foreign_name = next(n for n in bd["buyers"] if n not in _a_buyers(session, a))
    foreign = q.declare_unpaid(session, a, foreign_name, idempotency_key="iso-1", **common)
    unknown = q.declare_unpaid(session, a, UNKNOWN_BUYER, idempotency_key="iso-2", **common)
    if q.contract_terms(session, a, AS_OF) is not None:
        assert foreign == unknown
        assert foreign.outcome == "buyer_unknown"
    # B's idempotency key means nothing for A
    b_buyer = q.limits(session, b)[0].buyer_name
    b_claim = q.declare_unpaid(session, b, b_buyer, idempotency_key="shared-key", **{**common, "amount": "7000"})
    a_buyer = sorted(_a_buyers(session, a))[0]
    a_claim = q.declare_unpaid(session, a, a_buyer, idempotency_key="shared-key", **{**common, "amount": "7000"})
    assert b_claim.outcome == "created" and a_claim.outcome in ("created", "below_minimum")
    if a_claim.claim is not None:
        assert a_claim.claim.ref != b_claim.claim.ref
        assert q.claim_by_ref(session, b, a_claim.claim.ref) is None
    assert q.claim_by_ref(session, a, b_claim.claim.ref) is None


def case_record_complaint(session, a, b, bd):
    receipt = q.record_complaint(session, a, "Réclamation de test", "chat")
    assert session.get(Complaint, receipt.id).policyholder_id == a


def case_record_csat(session, a, b, bd):
    receipt = q.record_csat(session, a, q.hash_sender("s", "k"), 4)
    assert session.get(CsatAnswer, receipt.id).policyholder_id == a


def case_audit(session, a, b, bd):
    q.audit(session, a, who=f"policyholder:{a}", object_type="claim", object_id="x", channel="chat", action="iso")
    session.flush()
    rows = session.execute(select(AuditEntry.policyholder_id).where(AuditEntry.action == "iso")).scalars().all()
    assert rows == [a]


def case_get_policyholder(session, a, b, bd):
    view = q.get_policyholder(session, a)
    assert view.id == a and view.name != q.get_policyholder(session, b).name


CASES = {name[len("case_"):]: fn for name, fn in globals().items() if name.startswith("case_")}


def test_every_scoped_function_has_an_isolation_case():
    scoped = {
        name for name, fn in inspect.getmembers(q, inspect.isfunction)
        if not name.startswith("_") and fn.__module__.startswith(q.__name__ + ".")
        and list(inspect.signature(fn).parameters)[:2] == ["session", "policyholder_id"]
    }
    assert scoped == set(CASES), (scoped ^ set(CASES))


@pytest.mark.parametrize("a, b", PAIRS, ids=[f"{a}-reads-{b}" for a, b in PAIRS])
@pytest.mark.parametrize("name", sorted(CASES))
def test_policyholder_isolation(session, name, a, b):
    bd = _b_data(session, b)
    if name in ("claim_by_ref",) and not bd["refs"]:
        pytest.skip("B has no claim")
    CASES[name](session, a, b, bd)


def test_foreign_and_unknown_refs_give_identical_wording(session):
    from bot.wording import claims as wording

    foreign = q.claim_by_ref(session, 1, "SIN-2021-000456")
    unknown = q.claim_by_ref(session, 1, "SIN-2021-000457")
    assert foreign is None and unknown is None
    a = wording.claim_not_found("SIN-2021-000456").as_message()
    b = wording.claim_not_found("SIN-2021-000457").as_message()
    assert a["text"].replace("000456", "000457") == b["text"] and a["buttons"] == b["buttons"]
