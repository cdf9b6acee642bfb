"""Scoped queries of the claims store.

Every function takes ``(session, policyholder_id, ...)`` and only ever reads or writes that
policyholder's rows: the filter on ``policyholder_id`` is part of every statement. A claim ref,
a buyer, a fee or a contract of another policyholder gives exactly the same answer as one that
does not exist. Results are frozen dataclasses of :mod:`bot.store.views`, never ORM rows.

Two helpers are unscoped and named for their only uses: :func:`demo_accounts` (the demo sign-in
page) and :func:`get_policyholder` (after a verified sign-in).

Write functions (``declare_unpaid``, ``record_*``, ``audit``) add rows to the caller's session;
the caller's ``session_scope`` commits them as one transaction.
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from sqlalchemy import Date, String, and_, bindparam, cast, func, insert, literal, null, select, union_all, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.store import names
from bot.store.models import (
    CAUSES,
    FEE_KINDS,
    AuditEntry,
    Money,
    Buyer,
    CapCover,
    Claim,
    ClaimStageEvent,
    Complaint,
    Contract,
    CreditLimit,
    CreditLimitDecision,
    CsatAnswer,
    FeeLine,
    Invoice,
    LimitIncreaseRequest,
    Payment,
    Policyholder,
    RefCounter,
    User,
)
from bot.store.refs import REF_RE, parse_ref
from bot.store.views import (
    CLOSED_STAGES,
    OPEN_STAGES,
    BuyerCandidate,
    CapCoverView,
    ClaimPage,
    ClaimSummary,
    ClaimView,
    ContractTerms,
    DeclarationResult,
    DemoAccount,
    EncoursLine,
    EncoursView,
    FeeBreakdown,
    FeeLineView,
    FeeTotal,
    GuaranteeLookup,
    InvoiceView,
    LimitDecisionView,
    LimitIncreaseResult,
    LimitView,
    PaymentView,
    PolicyholderView,
    RecordReceipt,
    StageEvent,
)

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("999999999999.99")
FIRST_NUMBER = 1000  # claim numbers 000001-000999 of every year are kept for the demo data
MAX_NUMBER = 999999
MAX_PAGE_SIZE = 50
STATUSES = ("open", "closed", "all")


def _ph(policyholder_id: object) -> int:
    """The policyholder id, checked: an int > 0 (never None, never a bool, never text)."""
    if isinstance(policyholder_id, bool) or not isinstance(policyholder_id, int) or policyholder_id <= 0:
        raise ValueError("policyholder_id must be a positive int")
    return policyholder_id


def _today() -> date:
    return date.today()


def _money(value: object) -> Optional[Decimal]:
    """A positive amount rounded to the cent, or None when it is not one."""
    if isinstance(value, bool):
        return None
    try:
        amount = Decimal(str(value).replace("\u202f", "").replace("\u00a0", "").replace(" ", "").replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    if not amount.is_finite() or amount <= 0 or amount > MAX_AMOUNT:
        return None
    return amount.quantize(CENT)


def _dec(value) -> Decimal:
    return ZERO if value is None else Decimal(value).quantize(CENT)


# --- claims -----------------------------------------------------------------------------------------

# Hot-path statements are built once, with bound parameters: SQLAlchemy then reuses their
# cache key and compiled form, which halves the client CPU per lookup. Values only ever travel
# as bound parameters.

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
               Claim.next_step_code, Claim.next_step_date, func.count().over().label("total"))
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
        tuple(InvoiceView(number=r[1], due_date=r[3], amount=_dec(r[5]), issue_date=r[4]) for r in rows if r[0] == "i"),
        tuple(PaymentView(kind=r[1], amount=_dec(r[5]), paid_on=r[3]) for r in rows if r[0] == "p"),
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
        amount_declared=_dec(row.amount_declared),
        amount_admitted=None if row.amount_admitted is None else _dec(row.amount_admitted),
        amount_recovered=_dec(row.amount_recovered),
        amount_indemnified=_dec(row.amount_indemnified),
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
    ph = _ph(policyholder_id)
    if not (isinstance(ref, str) and REF_RE.match(ref)):
        parsed = parse_ref(ref)
        if not parsed.valid:
            return None
        ref = parsed.ref
    row = session.execute(_CLAIM_BY_REF, {"ref": ref, "ph": ph}).one_or_none()
    return None if row is None else _claim_view(session, row)


def _claim_by_key(session: Session, ph: int, key: str) -> Optional[ClaimView]:
    row = session.execute(_CLAIM_BY_KEY, {"ph": ph, "key": key}).one_or_none()
    return None if row is None else _claim_view(session, row)


def list_claims(session: Session, policyholder_id: int, status: str = "open", page: int = 1,
                page_size: int = 10) -> ClaimPage:
    """One page of this policyholder's claims, most recent declaration first.

    ``status``: ``open`` (declared, under review, in collection, in the waiting period),
    ``closed`` (indemnified, closed, refused) or ``all``. ``page`` is 1-based and clamped."""
    ph = _ph(policyholder_id)
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
                     amount_declared=_dec(r[5]), next_step_code=r[6], next_step_date=r[7])
        for r in rows
    )
    return ClaimPage(items=items, total=total, page=page, page_size=page_size, status=status)


# --- buyers and limits ------------------------------------------------------------------------------

def _build_limit_rows():
    return (
        select(
            CreditLimit.id, CreditLimit.status, CreditLimit.amount, CreditLimit.requested_amount,
            CreditLimit.decided_on, CreditLimit.reason_code, CreditLimit.outstanding_amount,
            CreditLimit.outstanding_as_of, CreditLimit.contract_id,
            Buyer.id.label("buyer_id"), Buyer.name.label("buyer_name"), Buyer.name_key, Buyer.country, Buyer.siren,
            Buyer.foreign_id, Contract.number.label("contract_number"),
        )
        .join(Buyer, Buyer.id == CreditLimit.buyer_id)
        .join(Contract, and_(Contract.id == CreditLimit.contract_id,
                             Contract.policyholder_id == CreditLimit.policyholder_id))
        .where(CreditLimit.policyholder_id == bindparam("ph"))
        .order_by(Buyer.name, Contract.number, CreditLimit.id)
    )


def _build_limit_details():
    text_ = String(40)
    history = select(
        literal("d", text_).label("src"), CreditLimitDecision.limit_id, CreditLimitDecision.decision.label("s1"),
        CreditLimitDecision.reason_code.label("s2"), CreditLimitDecision.requested_amount.label("a1"),
        CreditLimitDecision.granted_amount.label("a2"), CreditLimitDecision.decision_date.label("d1"),
        cast(null(), Date).label("d2"), CreditLimitDecision.id.label("rid"),
    ).where(CreditLimitDecision.limit_id.in_(bindparam("ids", expanding=True)))
    caps = select(
        literal("c", text_), CapCover.limit_id, CapCover.scheme, cast(null(), text_), CapCover.amount,
        cast(null(), Money()), CapCover.valid_from, CapCover.valid_to, CapCover.id,
    ).where(CapCover.limit_id.in_(bindparam("ids", expanding=True)), CapCover.policyholder_id == bindparam("ph"))
    return union_all(history, caps)


_LIMIT_ROWS = _build_limit_rows()
_LIMIT_DETAILS = _build_limit_details()


def _limit_rows(session: Session, ph: int):
    """Every agrément of this policyholder with its buyer and contract (one query)."""
    return session.execute(_LIMIT_ROWS, {"ph": ph}).all()


def _limit_views(session: Session, ph: int, rows) -> Tuple[LimitView, ...]:
    """Views of ``rows`` with their decision history and CAP covers (one more query, UNION ALL)."""
    ids = [r.id for r in rows]
    decisions: Dict[int, List[LimitDecisionView]] = {i: [] for i in ids}
    covers: Dict[int, List[CapCoverView]] = {i: [] for i in ids}
    if ids:
        found = session.execute(_LIMIT_DETAILS, {"ids": ids, "ph": ph}).all()
        found.sort(key=lambda r: (r[0], r[1], r[6], r[8]))
        for r in found:
            if r[0] == "d":
                decisions[r[1]].append(LimitDecisionView(decision=r[2], requested_amount=_dec(r[4]),
                                                         granted_amount=_dec(r[5]), decision_date=r[6],
                                                         reason_code=r[3]))
            else:
                covers[r[1]].append(CapCoverView(scheme=r[2], amount=_dec(r[4]), valid_from=r[6], valid_to=r[7]))
    views = []
    for r in rows:
        history = tuple(decisions[r.id])
        previous = history[-2].granted_amount if len(history) >= 2 else None
        views.append(LimitView(
            buyer_name=r.buyer_name, buyer_country=r.country, buyer_siren=r.siren, buyer_foreign_id=r.foreign_id,
            contract_number=r.contract_number, status=r.status, amount=_dec(r.amount),
            requested_amount=_dec(r.requested_amount), decided_on=r.decided_on, reason_code=r.reason_code,
            previous_amount=previous, outstanding=_dec(r.outstanding_amount), outstanding_as_of=r.outstanding_as_of,
            history=history, cap_covers=tuple(covers[r.id]),
        ))
    return tuple(views)


def _resolve_buyer(session: Session, ph: int, query: object):
    """("match", [row]) | ("ambiguous", [rows]) | ("none", []) among this policyholder's
    agréments (rows of :func:`_limit_rows`)."""
    if not isinstance(query, str) or not query.strip():
        return "none", []
    query = query.strip()[:200]
    rows = _limit_rows(session, ph)
    # identifiers first: a SIREN (9 digits) or a foreign company id typed as is
    siren = names.digits(query)
    if len(siren) == 9 and len(siren) >= len(query.replace(" ", "")) - 1:
        hits = [r for r in rows if r.siren == siren]
        return ("match", hits[:1]) if hits else ("none", [])
    compact = names.compact_id(query)
    if len(compact) >= 5:
        hits = [r for r in rows if r.foreign_id and names.compact_id(r.foreign_id) == compact]
        if hits:
            return "match", hits[:1]
    # several contracts may hold the same buyer: choose on distinct buyers
    by_buyer = {}
    for r in rows:
        by_buyer.setdefault(r.buyer_id, r)
    return names.pick(query, by_buyer.values(), lambda r: r.buyer_name, lambda r: r.name_key)


def _candidate(row) -> BuyerCandidate:
    return BuyerCandidate(name=row.buyer_name, country=row.country, siren=row.siren)


def guarantee_on_buyer(session: Session, policyholder_id: int, buyer_query: str) -> GuaranteeLookup:
    """The agrément on the buyer the person named (fuzzy), or the candidates, or nothing."""
    ph = _ph(policyholder_id)
    outcome, picked = _resolve_buyer(session, ph, buyer_query)
    if outcome == "match":
        return GuaranteeLookup(outcome="match", limit=_limit_views(session, ph, picked[:1])[0])
    if outcome == "ambiguous":
        return GuaranteeLookup(outcome="ambiguous", candidates=tuple(_candidate(r) for r in picked))
    return GuaranteeLookup(outcome="none")


def limits(session: Session, policyholder_id: int) -> Tuple[LimitView, ...]:
    """All my agréments, with the latest decision, what changed and why, and CAP top-ups."""
    ph = _ph(policyholder_id)
    return _limit_views(session, ph, _limit_rows(session, ph))


def encours(session: Session, policyholder_id: int) -> EncoursView:
    """Encours garanti per buyer (outstanding receivables covered by the agrément) and totals."""
    ph = _ph(policyholder_id)
    rows = session.execute(
        select(Buyer.name, Buyer.country, CreditLimit.amount, CreditLimit.outstanding_amount,
               CreditLimit.outstanding_as_of, CreditLimit.status)
        .join(Buyer, Buyer.id == CreditLimit.buyer_id)
        .where(CreditLimit.policyholder_id == ph)
        .order_by(Buyer.name)
    ).all()
    lines = []
    for name, country, amount, outstanding, _as_of, status in rows:
        amount, outstanding = _dec(amount), _dec(outstanding)
        lines.append(EncoursLine(buyer_name=name, buyer_country=country, limit_amount=amount,
                                 outstanding=outstanding, guaranteed=min(amount, outstanding), status=status))
    dates = [r[4] for r in rows if r[4] is not None]
    return EncoursView(
        lines=tuple(lines),
        total_guaranteed=sum((l.guaranteed for l in lines), ZERO),
        total_outstanding=sum((l.outstanding for l in lines), ZERO),
        total_limits=sum((l.limit_amount for l in lines), ZERO),
        as_of=max(dates) if dates else None,
    )


def record_limit_increase_request(session: Session, policyholder_id: int, buyer: str, amount: object, *,
                                  channel: str = "chat", user_id: Optional[int] = None) -> LimitIncreaseResult:
    """Record a request for a new or higher agrément. Never changes the agrément: a person decides."""
    ph = _ph(policyholder_id)
    requested = _money(amount)
    if requested is None:
        return LimitIncreaseResult(outcome="invalid_amount")
    if not isinstance(buyer, str) or not buyer.strip():
        return LimitIncreaseResult(outcome="buyer_ambiguous")
    outcome, picked = _resolve_buyer(session, ph, buyer)
    if outcome == "ambiguous":
        return LimitIncreaseResult(outcome="buyer_ambiguous", candidates=tuple(_candidate(r) for r in picked))
    limit_id = current = None
    buyer_name = " ".join(buyer.split())[:200]
    if outcome == "match":
        limit_id, buyer_name, current = picked[0].id, picked[0].buyer_name, _dec(picked[0].amount)
    request = LimitIncreaseRequest(
        policyholder_id=ph, limit_id=limit_id, buyer_name=buyer_name, requested_amount=requested,
        current_amount=current, status="received", channel=str(channel)[:40],
        user_id=user_id if isinstance(user_id, int) and _user_belongs(session, ph, user_id) else None,
    )
    session.add(request)
    session.flush()
    audit(session, ph, who=_who(ph, user_id), object_type="limit_increase_request", object_id=str(request.id),
          channel=channel, action="create")
    return LimitIncreaseResult(outcome="recorded", request_id=request.id, buyer_name=buyer_name,
                               requested_amount=requested, current_amount=current, new_buyer=limit_id is None,
                               created_at=request.created_at)


def _user_belongs(session: Session, ph: int, user_id: int) -> bool:
    return session.execute(
        select(User.id).where(User.id == user_id, User.policyholder_id == ph)
    ).first() is not None


def _who(ph: int, user_id: Optional[int]) -> str:
    return f"user:{user_id}" if isinstance(user_id, int) else f"policyholder:{ph}"


# --- fees and contract ------------------------------------------------------------------------------

def _fee_lines(session: Session, ph: int, *conditions) -> Tuple[FeeLineView, ...]:
    rows = session.execute(
        select(FeeLine.kind, FeeLine.statement_ref, FeeLine.statement_date, FeeLine.period_start, FeeLine.period_end,
               FeeLine.amount, FeeLine.basis, FeeLine.rate, FeeLine.quantity, FeeLine.unit_amount,
               Claim.ref)
        .outerjoin(Claim, and_(Claim.id == FeeLine.claim_id, Claim.policyholder_id == FeeLine.policyholder_id))
        .where(FeeLine.policyholder_id == ph, *conditions)
        .order_by(FeeLine.period_start, FeeLine.period_end, FeeLine.id)
    ).all()
    order = {k: i for i, k in enumerate(FEE_KINDS)}
    lines = [
        FeeLineView(kind=r[0], statement_ref=r[1], statement_date=r[2], period_start=r[3], period_end=r[4],
                    amount=_dec(r[5]), basis=None if r[6] is None else _dec(r[6]),
                    rate=None if r[7] is None else Decimal(r[7]).normalize(), quantity=r[8],
                    unit_amount=None if r[9] is None else _dec(r[9]), claim_ref=r[10])
        for r in rows
    ]
    lines.sort(key=lambda l: (l.period_start, l.period_end, order.get(l.kind, 99)))
    return tuple(lines)


def _totals(lines: Iterable[FeeLineView]) -> Tuple[Tuple[FeeTotal, ...], Decimal]:
    sums: Dict[str, Decimal] = {}
    for line in lines:
        sums[line.kind] = sums.get(line.kind, ZERO) + line.amount
    totals = tuple(FeeTotal(kind=k, amount=sums[k]) for k in FEE_KINDS if k in sums)
    return totals, sum(sums.values(), ZERO)


def fee_breakdown(session: Session, policyholder_id: int, start: date, end: date) -> FeeBreakdown:
    """Fee lines whose period overlaps [start, end], with totals per kind and how each was computed."""
    ph = _ph(policyholder_id)
    if not isinstance(start, date) or not isinstance(end, date):
        raise TypeError("start and end must be dates")
    if end < start:
        start, end = end, start
    lines = _fee_lines(session, ph, FeeLine.period_end >= start, FeeLine.period_start <= end)
    totals, total = _totals(lines)
    return FeeBreakdown(start=start, end=end, lines=lines, totals=totals, total=total)


def last_statement(session: Session, policyholder_id: int) -> Optional[FeeBreakdown]:
    """The lines of the latest statement (relevé de frais), or None when nothing was billed yet."""
    ph = _ph(policyholder_id)
    latest = session.execute(
        select(FeeLine.statement_date, FeeLine.statement_ref)
        .where(FeeLine.policyholder_id == ph)
        .order_by(FeeLine.statement_date.desc(), FeeLine.statement_ref.desc())
        .limit(1)
    ).first()
    if latest is None:
        return None
    lines = _fee_lines(session, ph, FeeLine.statement_date == latest[0], FeeLine.statement_ref == latest[1])
    totals, total = _totals(lines)
    return FeeBreakdown(start=min(l.period_start for l in lines), end=max(l.period_end for l in lines),
                        lines=lines, totals=totals, total=total, statement_ref=latest[1], statement_date=latest[0])


def _current_contract(session: Session, ph: int, as_of: date) -> Optional[Contract]:
    active = session.execute(
        select(Contract)
        .where(Contract.policyholder_id == ph, Contract.start_date <= as_of,
               (Contract.end_date.is_(None)) | (Contract.end_date >= as_of))
        .order_by(Contract.start_date.desc(), Contract.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if active is not None:
        return active
    return session.execute(
        select(Contract).where(Contract.policyholder_id == ph)
        .order_by(Contract.start_date.desc(), Contract.id.desc()).limit(1)
    ).scalar_one_or_none()


def contract_terms(session: Session, policyholder_id: int, as_of: Optional[date] = None) -> Optional[ContractTerms]:
    """The terms of the contract in force on ``as_of`` (default today), else the latest one."""
    ph = _ph(policyholder_id)
    c = _current_contract(session, ph, as_of or _today())
    if c is None:
        return None
    return ContractTerms(
        number=c.number, start_date=c.start_date, end_date=c.end_date, quotite=Decimal(c.quotite).normalize(),
        minimum_claim_amount=_dec(c.minimum_claim_amount), deductible=_dec(c.deductible),
        dms_deadline_days=c.dms_deadline_days, waiting_period_days=c.waiting_period_days,
        payout_delay_days=c.payout_delay_days, max_credit_term_days=c.max_credit_term_days,
        territorial_scope=c.territorial_scope, advance_indemnification=bool(c.advance_indemnification),
        premium_rate=None if c.premium_rate is None else Decimal(c.premium_rate).normalize(), currency=c.currency,
    )


# --- declaring an unpaid invoice --------------------------------------------------------------------

def next_step_after_declaration(cause: str, due_date: date, declared_on: date, waiting_period_days: int,
                                payout_delay_days: int) -> Tuple[str, date]:
    """What comes next once a claim is declared, from the contract's figures.

    - protracted default: the waiting period (délai de carence) ends ``waiting_period_days``
      after the due date (never earlier than tomorrow);
    - insolvency: the proceedings establish the loss; a decision on the indemnity is expected
      within ``payout_delay_days`` of the declaration.
    """
    if cause == "insolvency":
        return "indemnity_decision", declared_on + timedelta(days=payout_delay_days)
    return "waiting_period_end", max(due_date + timedelta(days=waiting_period_days), declared_on + timedelta(days=1))


def next_claim_ref(session: Session, year: int) -> str:
    """Hand out the next ``SIN-YYYY-NNNNNN`` of ``year`` (row-locked counter, safe under concurrency)."""
    for _attempt in range(5):
        result = session.execute(
            update(RefCounter).where(RefCounter.year == year)
            .values(last_number=RefCounter.last_number + 1)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            number = session.execute(select(RefCounter.last_number).where(RefCounter.year == year)).scalar_one()
            break
        try:
            with session.begin_nested():
                session.execute(insert(RefCounter).values(year=year, last_number=FIRST_NUMBER))
            number = FIRST_NUMBER
            break
        except IntegrityError:
            continue
    else:  # pragma: no cover
        raise RuntimeError("could not allocate a claim reference")
    if number > MAX_NUMBER:
        raise RuntimeError(f"claim numbers of {year} exhausted")
    return f"SIN-{year:04d}-{number:06d}"


def declare_unpaid(session: Session, policyholder_id: int, buyer_name: str, invoice_number: str, amount: object,
                   due_date: date, idempotency_key: str, *, cause: str = "protracted_default",
                   issue_date: Optional[date] = None, as_of: Optional[date] = None, channel: str = "chat",
                   user_id: Optional[int] = None) -> DeclarationResult:
    """Declare an unpaid invoice: creates the invoice and a claim in stage ``declared``.

    Idempotent on ``idempotency_key`` (per policyholder): the same key returns the claim made
    the first time (``outcome == "replayed"``), whatever the other arguments."""
    ph = _ph(policyholder_id)
    as_of = as_of or _today()
    if not isinstance(idempotency_key, str) or not idempotency_key.strip() or len(idempotency_key) > 80:
        return DeclarationResult(outcome="invalid", problem="idempotency_key")
    key = idempotency_key.strip()
    existing = _claim_by_key(session, ph, key)
    if existing is not None:
        return DeclarationResult(outcome="replayed", claim=existing)
    value = _money(amount)
    if value is None:
        return DeclarationResult(outcome="invalid", problem="amount")
    number = " ".join(str(invoice_number or "").split())[:60]
    if not number:
        return DeclarationResult(outcome="invalid", problem="invoice_number")
    if not isinstance(due_date, date) or isinstance(due_date, datetime):
        return DeclarationResult(outcome="invalid", problem="due_date")
    if due_date > as_of:
        return DeclarationResult(outcome="invalid", problem="not_yet_due")
    if cause not in CAUSES:
        return DeclarationResult(outcome="invalid", problem="cause")
    contract = _current_contract(session, ph, as_of)
    if contract is None:
        return DeclarationResult(outcome="no_contract")
    outcome, picked = _resolve_buyer(session, ph, buyer_name)
    if outcome == "none":
        return DeclarationResult(outcome="buyer_unknown")
    if outcome == "ambiguous":
        return DeclarationResult(outcome="buyer_ambiguous", candidates=tuple(_candidate(r) for r in picked))
    buyer_id = picked[0].buyer_id
    minimum = _dec(contract.minimum_claim_amount)
    if value < minimum:
        return DeclarationResult(outcome="below_minimum", minimum=minimum)
    dms_deadline = due_date + timedelta(days=contract.dms_deadline_days)
    invoice = session.execute(
        select(Invoice).where(Invoice.policyholder_id == ph, Invoice.contract_id == contract.id,
                              Invoice.buyer_id == buyer_id, Invoice.number == number)
    ).scalar_one_or_none()
    if invoice is not None and invoice.claim_id is not None:
        existing = _claim_by_key(session, ph, key)  # a concurrent twin of this request got there first
        if existing is not None:
            return DeclarationResult(outcome="replayed", claim=existing)
        ref = session.execute(select(Claim.ref).where(Claim.id == invoice.claim_id, Claim.policyholder_id == ph)).scalar_one()
        return DeclarationResult(outcome="duplicate_invoice", claim=claim_by_ref(session, ph, ref))
    step, step_date = next_step_after_declaration(cause, due_date, as_of, contract.waiting_period_days,
                                                  contract.payout_delay_days)
    try:
        with session.begin_nested():
            ref = next_claim_ref(session, as_of.year)
            claim = Claim(
                ref=ref, policyholder_id=ph, contract_id=contract.id, buyer_id=buyer_id, cause=cause,
                stage="declared", declared_on=as_of, due_date=due_date, currency=contract.currency,
                amount_declared=value, amount_recovered=ZERO, amount_indemnified=ZERO,
                next_step_code=step, next_step_date=step_date, idempotency_key=key,
            )
            session.add(claim)
            session.flush()
            session.add(ClaimStageEvent(claim_id=claim.id, stage="declared", entered_on=as_of,
                                        note_code="declared_late" if as_of > dms_deadline else None))
            if invoice is None:
                session.add(Invoice(policyholder_id=ph, contract_id=contract.id, buyer_id=buyer_id,
                                    claim_id=claim.id, number=number, issue_date=issue_date, due_date=due_date,
                                    amount=value, currency=contract.currency))
            else:
                invoice.claim_id = claim.id
            session.flush()
    except IntegrityError:
        # another request with the same idempotency key won the race: answer with its claim
        existing = _claim_by_key(session, ph, key)
        if existing is None:
            raise
        return DeclarationResult(outcome="replayed", claim=existing)
    audit(session, ph, who=_who(ph, user_id), object_type="claim", object_id=ref, channel=channel, action="declare")
    return DeclarationResult(outcome="created", claim=claim_by_ref(session, ph, ref),
                             late=as_of > dms_deadline, dms_deadline=dms_deadline)


# --- conversation records ---------------------------------------------------------------------------

def record_complaint(session: Session, policyholder_id: int, text: str, channel: str) -> RecordReceipt:
    ph = _ph(policyholder_id)
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
    ph = None if policyholder_id is None else _ph(policyholder_id)
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
    ph = None if policyholder_id is None else _ph(policyholder_id)
    session.add(AuditEntry(
        at=at or datetime.now(timezone.utc), who=str(who)[:120], policyholder_id=ph,
        object_type=str(object_type)[:40], object_id=str(object_id)[:60], channel=str(channel)[:40],
        action=str(action)[:40],
    ))


# --- unscoped helpers (named for their only uses) -----------------------------------------------------

def demo_accounts(session: Session) -> Tuple[DemoAccount, ...]:
    """The demo companies and their sign-in user, for the demo sign-in page only."""
    first_user = (
        select(User.policyholder_id, func.min(User.id).label("user_id"))
        .where(User.active.is_(True)).group_by(User.policyholder_id).subquery()
    )
    rows = session.execute(
        select(Policyholder.id, Policyholder.name, Policyholder.segment, Policyholder.demo_note,
               User.id, User.full_name, User.email)
        .join(first_user, first_user.c.policyholder_id == Policyholder.id)
        .join(User, User.id == first_user.c.user_id)
        .where(Policyholder.is_demo.is_(True))
        .order_by(Policyholder.id)
    ).all()
    return tuple(DemoAccount(policyholder_id=r[0], name=r[1], segment=r[2], note=r[3] or "", user_id=r[4],
                             user_name=r[5], user_email=r[6]) for r in rows)


def get_policyholder(session: Session, policyholder_id: int) -> Optional[PolicyholderView]:
    """The company behind a verified identity (name for greetings, contact for hand-over)."""
    ph = _ph(policyholder_id)
    p = session.get(Policyholder, ph)
    if p is None:
        return None
    return PolicyholderView(id=p.id, name=p.name, siren=p.siren, contact_name=p.contact_name,
                            contact_email=p.contact_email, contact_phone=p.contact_phone, segment=p.segment)
