"""What the store returns: frozen dataclasses, never ORM rows.

Amounts are :class:`decimal.Decimal` (euros unless ``currency`` says otherwise), dates are
:class:`datetime.date`, timestamps are timezone-aware UTC :class:`datetime.datetime`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Dict, Optional, Tuple

OPEN_STAGES = ("declared", "under_review", "collection", "waiting_period")
CLOSED_STAGES = ("indemnified", "closed", "refused")


# --- claims ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StageEvent:
    stage: str
    entered_on: date
    note_code: Optional[str] = None


@dataclass(frozen=True)
class InvoiceView:
    number: str
    due_date: date
    amount: Decimal
    issue_date: Optional[date] = None


@dataclass(frozen=True)
class PaymentView:
    kind: str  # indemnity | advance_indemnity | recovery_share
    amount: Decimal
    paid_on: date


@dataclass(frozen=True)
class ClaimView:
    ref: str
    buyer_name: str
    buyer_country: str
    cause: str  # protracted_default | insolvency
    stage: str  # declared | under_review | collection | waiting_period | indemnified | closed | refused
    declared_on: date
    due_date: date
    amount_declared: Decimal
    amount_admitted: Optional[Decimal]
    amount_recovered: Decimal
    amount_indemnified: Decimal
    next_step_code: Optional[str]
    next_step_date: Optional[date]
    contract_number: str
    quotite: Decimal
    advance_indemnification: bool  # the contract offers indemnisation avancée
    currency: str = "EUR"
    closed_on: Optional[date] = None
    history: Tuple[StageEvent, ...] = ()
    invoices: Tuple[InvoiceView, ...] = ()
    payments: Tuple[PaymentView, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    @property
    def stage_since(self) -> Optional[date]:
        for event in reversed(self.history):
            if event.stage == self.stage:
                return event.entered_on
        return None


@dataclass(frozen=True)
class ClaimSummary:
    ref: str
    buyer_name: str
    cause: str
    stage: str
    declared_on: date
    amount_declared: Decimal
    next_step_code: Optional[str]
    next_step_date: Optional[date]
    buyer_country: Optional[str] = None
    amount_indemnified: Decimal = Decimal(0)
    amount_recovered: Decimal = Decimal(0)

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES


@dataclass(frozen=True)
class ClaimPage:
    items: Tuple[ClaimSummary, ...]
    total: int
    page: int  # 1-based
    page_size: int
    status: str  # open | closed | all

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


@dataclass(frozen=True)
class DeclarationResult:
    """Outcome of :func:`bot.store.queries.declare_unpaid`.

    outcome: ``created`` | ``replayed`` (same idempotency key: the claim created the first time)
    | ``duplicate_invoice`` (this invoice is already in a claim: ``claim`` is that claim)
    | ``buyer_ambiguous`` (``candidates``) | ``buyer_unknown`` | ``below_minimum``
    (``minimum`` of the contract) | ``no_contract`` | ``invalid`` (``problem``).
    """

    outcome: str
    claim: Optional[ClaimView] = None
    candidates: Tuple["BuyerCandidate", ...] = ()
    late: bool = False  # declared after the DMS deadline of the contract
    dms_deadline: Optional[date] = None
    minimum: Optional[Decimal] = None
    problem: Optional[str] = None

    @property
    def ok(self) -> bool:
        return self.outcome in ("created", "replayed")


# --- buyers, limits, encours -----------------------------------------------------------------------

@dataclass(frozen=True)
class BuyerCandidate:
    name: str
    country: str
    siren: Optional[str] = None


@dataclass(frozen=True)
class LimitDecisionView:
    decision: str  # granted | partial | increased | reduced | cancelled | refused
    requested_amount: Decimal
    granted_amount: Decimal
    decision_date: date
    reason_code: Optional[str] = None


@dataclass(frozen=True)
class CapCoverView:
    scheme: str  # CAP | CAP+ | CAP Francexport | CAP+ Francexport | Cap Relais
    amount: Decimal
    valid_from: date
    valid_to: Optional[date] = None

    def active_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class LimitView:
    """One agrément: the latest decision, the one before it, and the whole history."""

    buyer_name: str
    buyer_country: str
    buyer_siren: Optional[str]
    buyer_foreign_id: Optional[str]
    contract_number: str
    status: str  # granted | partial | reduced | cancelled | refused
    amount: Decimal  # what is covered now (0 when cancelled or refused)
    requested_amount: Decimal
    decided_on: date
    reason_code: Optional[str]
    previous_amount: Optional[Decimal]  # amount before the latest decision, if any
    outstanding: Decimal  # encours declared on this buyer
    outstanding_as_of: Optional[date]
    history: Tuple[LimitDecisionView, ...] = ()
    cap_covers: Tuple[CapCoverView, ...] = ()

    @property
    def guaranteed(self) -> Decimal:
        """Encours garanti: the part of the outstanding receivables the limit covers."""
        return min(self.outstanding, self.amount)

    @property
    def is_abroad(self) -> bool:
        return self.buyer_country != "FR"


@dataclass(frozen=True)
class GuaranteeLookup:
    """outcome: ``match`` (``limit``) | ``ambiguous`` (``candidates``) | ``none``."""

    outcome: str
    limit: Optional[LimitView] = None
    candidates: Tuple[BuyerCandidate, ...] = ()


@dataclass(frozen=True)
class EncoursLine:
    buyer_name: str
    buyer_country: str
    limit_amount: Decimal
    outstanding: Decimal
    guaranteed: Decimal
    status: str


@dataclass(frozen=True)
class EncoursView:
    lines: Tuple[EncoursLine, ...]
    total_guaranteed: Decimal
    total_outstanding: Decimal
    total_limits: Decimal
    as_of: Optional[date]


@dataclass(frozen=True)
class LimitIncreaseResult:
    """outcome: ``recorded`` | ``buyer_ambiguous`` (``candidates``) | ``invalid_amount``.

    A request is only ever recorded (status ``received``); the agrément itself never changes.
    ``new_buyer`` is True when the buyer has no agrément yet (a first request)."""

    outcome: str
    request_id: Optional[int] = None
    buyer_name: Optional[str] = None
    requested_amount: Optional[Decimal] = None
    current_amount: Optional[Decimal] = None
    new_buyer: bool = False
    created_at: Optional[datetime] = None
    candidates: Tuple[BuyerCandidate, ...] = ()


# --- fees and contract ---------------------------------------------------------------------------

@dataclass(frozen=True)
class FeeLineView:
    """kind: premium | monitoring | investigation | collection_flat | collection_pct.

    How it was computed: ``basis`` x ``rate`` (premium, collection_pct) or ``quantity`` x
    ``unit_amount`` (monitoring, investigation, collection_flat)."""

    kind: str
    statement_ref: str
    statement_date: date
    period_start: date
    period_end: date
    amount: Decimal
    basis: Optional[Decimal] = None
    rate: Optional[Decimal] = None
    quantity: Optional[int] = None
    unit_amount: Optional[Decimal] = None
    claim_ref: Optional[str] = None

    @property
    def method(self) -> str:
        if self.basis is not None and self.rate is not None:
            return "rate"
        if self.quantity is not None and self.unit_amount is not None:
            return "unit"
        return "flat"


@dataclass(frozen=True)
class FeeTotal:
    kind: str
    amount: Decimal


@dataclass(frozen=True)
class FeeBreakdown:
    start: date
    end: date
    lines: Tuple[FeeLineView, ...]
    totals: Tuple[FeeTotal, ...]  # per kind, in a fixed order
    total: Decimal
    statement_ref: Optional[str] = None  # set by last_statement()
    statement_date: Optional[date] = None


@dataclass(frozen=True)
class ContractTerms:
    number: str
    start_date: date
    end_date: Optional[date]
    quotite: Decimal
    minimum_claim_amount: Decimal
    deductible: Decimal
    dms_deadline_days: int
    waiting_period_days: int
    payout_delay_days: int
    max_credit_term_days: int
    territorial_scope: str
    advance_indemnification: bool
    premium_rate: Optional[Decimal]
    currency: str = "EUR"


# --- people and records ---------------------------------------------------------------------------

@dataclass(frozen=True)
class PolicyholderView:
    id: int
    name: str
    siren: str
    contact_name: str
    contact_email: str
    contact_phone: str
    segment: str


@dataclass(frozen=True)
class DemoAccount:
    policyholder_id: int
    name: str
    segment: str
    user_id: int
    user_name: str
    user_email: str
    note: str


@dataclass(frozen=True)
class RecordReceipt:
    """A complaint, CSAT answer or request that was written down."""

    kind: str  # complaint | csat
    id: int
    created_at: datetime

    @property
    def reference(self) -> str:
        prefix = {"complaint": "REC", "csat": "AVI"}.get(self.kind, "REF")
        return f"{prefix}-{self.created_at.year}-{self.id:06d}"


# --- handoff (bot → person): tickets and callback requests --------------------------------------

@dataclass(frozen=True)
class TicketView:
    id: int
    policyholder_id: Optional[int]
    sender_id: str
    reason: str
    status: str
    summary: Dict[str, Any]
    transcript: Tuple[Dict[str, Any], ...]
    claim_refs: Tuple[str, ...]
    created_at: datetime
    taken_by: Optional[str]
    taken_at: Optional[datetime]
    closed_at: Optional[datetime]

    @property
    def reference(self) -> str:
        return f"DEM-{self.id:06d}"


@dataclass(frozen=True)
class CallbackView:
    id: int
    policyholder_id: Optional[int]
    sender_id: str
    phone: str
    slot_start: datetime
    reason: str
    status: str
    created_at: datetime


# --- referrals (agent → bot) ----------------------------------------------------------------------

@dataclass(frozen=True)
class ReferralView:
    """A referral as stored: never the link or its token, only what it is about and its state."""

    id: int
    policyholder_id: int
    topic: str
    claim_ref: Optional[str]
    created_by: str
    created_at: datetime
    expires_at: datetime
    used_at: Optional[datetime]
    greeted_at: Optional[datetime]


# --- pairings (messaging accounts paired with a policyholder) -------------------------------------

@dataclass(frozen=True)
class PairingView:
    """A pairing as the web page lists it (the channel user only as a masked label)."""

    id: int
    channel: str
    label: str
    created_at: datetime
    expires_at: datetime
    last_used_at: Optional[datetime]


@dataclass(frozen=True)
class ActivePairing:
    """The pairing a channel looks up on every message."""

    id: int
    policyholder_id: int
    user_id: Optional[int]
    channel: str


@dataclass(frozen=True)
class PairingCodeView:
    id: int
    policyholder_id: int
    user_id: Optional[int]
    expires_at: datetime
    used_at: Optional[datetime]
