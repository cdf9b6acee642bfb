"""Claims: one claim by its reference, pages of claims.

Hot-path statements are built once, with bound parameters: SQLAlchemy then reuses their
cache key and compiled form, which cuts the client CPU per lookup (measured: docs/benchmarks.md#store-queries).
Values only ever travel
as bound parameters."""
from __future__ import annotations

from decimal import Decimal
from typing import Optional, Sequence

from sqlalchemy import Date, String, and_, bindparam, cast, func, literal, null, select, union_all
from sqlalchemy.orm import Session

from bot.store.models import Money, Buyer, Claim, ClaimStageEvent, Contract, Invoice, Payment
from bot.store.refs import REF_RE, parse_ref
from bot.store.views import (
    CLOSED_STAGES,
    OPEN_STAGES,
    ClaimPage,
    ClaimSummary,
    ClaimView,
    InvoiceView,
    PaymentView,
    StageEvent,
)
from bot.store.queries.common import MAX_PAGE_SIZE, STATUSES, cents, checked_ph


def _build_claim_details():
    text_ = String(60)
    history = select(
        literal("h", text_).label("src"), ClaimStageEvent.stage.label("s1"), ClaimStageEvent.note_code.label("s2"),
        ClaimStageEvent.entered_on.label("d1"), cast(null(), Date).label("d2"),
        cast(null(), Money()).label("amount"), ClaimStageEvent.id.label("rid"),
    ).where(ClaimStageEvent.claim_id == bindparam("cid"))
    invoices = select(
        literal("i", text_), Invoice.number, cast(null(), text_), Invoice.due_date, Invoice.issue_date,
        Invoice.amount, Invoice.id,
    ).where(Invoice.claim_id == bindparam("cid"), Invoice.policyholder_id == bindparam("ph"))
    payments = select(
        literal("p", text_), Payment.kind, cast(null(), text_), Payment.paid_on, cast(null(), Date),
        Payment.amount, Payment.id,
    ).where(Payment.claim_id == bindparam("cid"))
    return union_all(history, invoices, payments)


def _claim_select():
    return (
        select(
            Claim.id, Claim.ref, Claim.policyholder_id, Claim.cause, Claim.stage, Claim.declared_on,
            Claim.due_date, Claim.amount_declared, Claim.amount_admitted, Claim.amount_recovered,
            Claim.amount_indemnified, Claim.next_step_code, Claim.next_step_date, Claim.currency,
            Claim.closed_on,
            Buyer.name.label("buyer_name"), Buyer.country.label("buyer_country"),
            Contract.number.label("contract_number"), Contract.quotite, Contract.advance_indemnification,
        )
        .join(Buyer, Buyer.id == Claim.buyer_id)
        .join(Contract, and_(Contract.id == Claim.contract_id, Contract.policyholder_id == Claim.policyholder_id))
    )


_CLAIM_DETAILS = _build_claim_details()
_CLAIM_BY_REF = _claim_select().where(Claim.ref == bindparam("ref"), Claim.policyholder_id == bindparam("ph"))
_CLAIM_BY_KEY = _claim_select().where(Claim.policyholder_id == bindparam("ph"),
                                      Claim.idempotency_key == bindparam("key"))


def _list_statements(stages: Optional[Sequence[str]]):
    conditions = [Claim.policyholder_id == bindparam("ph")]
    if stages is not None:
        conditions.append(Claim.stage.in_(stages))
    page = (
        # the total comes with the page (window function): one round trip in the usual case
        select(Claim.ref, Buyer.name, Claim.cause, Claim.stage, Claim.declared_on, Claim.amount_declared,
               Claim.next_step_code, Claim.next_step_date, func.count().over().label("total"),
               Buyer.country, Claim.amount_indemnified, Claim.amount_recovered)
        .join(Buyer, Buyer.id == Claim.buyer_id)
        .where(*conditions)
        .order_by(Claim.declared_on.desc(), Claim.id.desc())
        .limit(bindparam("lim"))
        .offset(bindparam("off"))
    )
    count = select(func.count()).select_from(Claim).where(*conditions)
    return page, count


_LIST = {"open": _list_statements(OPEN_STAGES), "closed": _list_statements(CLOSED_STAGES),
         "all": _list_statements(None)}


def _claim_details(session: Session, claim_id: int, ph: int):
    """History, invoices and payments of one claim in ONE round trip (UNION ALL)."""
    rows = session.execute(_CLAIM_DETAILS, {"cid": claim_id, "ph": ph}).all()
    rows.sort(key=lambda r: (r[0], r[3], r[1] if r[0] == "i" else "", r[6]))
    return (
        tuple(StageEvent(stage=r[1], entered_on=r[3], note_code=r[2]) for r in rows if r[0] == "h"),
        tuple(InvoiceView(number=r[1], due_date=r[3], amount=cents(r[5]), issue_date=r[4]) for r in rows if r[0] == "i"),
        tuple(PaymentView(kind=r[1], amount=cents(r[5]), paid_on=r[3]) for r in rows if r[0] == "p"),
    )


def _claim_view(session: Session, row) -> ClaimView:
    history, invoices, payments = _claim_details(session, row.id, row.policyholder_id)
    return ClaimView(
        ref=row.ref,
        buyer_name=row.buyer_name,
        buyer_country=row.buyer_country,
        cause=row.cause,
        stage=row.stage,
        declared_on=row.declared_on,
        due_date=row.due_date,
        amount_declared=cents(row.amount_declared),
        amount_admitted=None if row.amount_admitted is None else cents(row.amount_admitted),
        amount_recovered=cents(row.amount_recovered),
        amount_indemnified=cents(row.amount_indemnified),
        next_step_code=row.next_step_code,
        next_step_date=row.next_step_date,
        contract_number=row.contract_number,
        quotite=Decimal(row.quotite).normalize(),
        advance_indemnification=bool(row.advance_indemnification),
        currency=row.currency,
        closed_on=row.closed_on,
        history=history,
        invoices=invoices,
        payments=payments,
    )


def claim_by_ref(session: Session, policyholder_id: int, ref: str) -> Optional[ClaimView]:
    """The claim ``ref`` of this policyholder, or None (unknown and foreign refs alike).

    ``ref`` may be typed freely ("sin 2021 000123"); anything that is not a valid reference
    gives None without touching the database."""
    ph = checked_ph(policyholder_id)
    if not (isinstance(ref, str) and REF_RE.match(ref)):
        parsed = parse_ref(ref)
        if not parsed.valid:
            return None
        ref = parsed.ref
    row = session.execute(_CLAIM_BY_REF, {"ref": ref, "ph": ph}).one_or_none()
    return None if row is None else _claim_view(session, row)


def claim_by_idempotency_key(session: Session, ph: int, key: str) -> Optional[ClaimView]:
    row = session.execute(_CLAIM_BY_KEY, {"ph": ph, "key": key}).one_or_none()
    return None if row is None else _claim_view(session, row)


def list_claims(session: Session, policyholder_id: int, status: str = "open", page: int = 1,
                page_size: int = 10) -> ClaimPage:
    """One page of this policyholder's claims, most recent declaration first.

    ``status``: ``open`` (declared, under review, in collection, in the waiting period),
    ``closed`` (indemnified, closed, refused) or ``all``. ``page`` is 1-based and clamped."""
    ph = checked_ph(policyholder_id)
    if status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES}")
    page_size = max(1, min(int(page_size), MAX_PAGE_SIZE))
    page = max(1, int(page))
    page_stmt, count_stmt = _LIST[status]

    def fetch(number: int):
        return session.execute(page_stmt, {"ph": ph, "lim": page_size, "off": (number - 1) * page_size}).all()

    rows = fetch(page)
    if rows:
        total = rows[0][8]
    else:
        total = session.execute(count_stmt, {"ph": ph}).scalar_one()
        last = max(1, -(-total // page_size))
        if page > last:
            page = last
            rows = fetch(page) if total else []
    items = tuple(
        ClaimSummary(ref=r[0], buyer_name=r[1], cause=r[2], stage=r[3], declared_on=r[4],
                     amount_declared=cents(r[5]), next_step_code=r[6], next_step_date=r[7], buyer_country=r[9],
                     amount_indemnified=cents(r[10] or 0), amount_recovered=cents(r[11] or 0))
        for r in rows
    )
    return ClaimPage(items=items, total=total, page=page, page_size=page_size, status=status)
