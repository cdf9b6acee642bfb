"""Core tables of the claims store: policyholders and users, contracts, buyers and credit limits,
CAP covers, claims with their history, invoices and payments, fees, and conversation-side
records (complaints, satisfaction answers, audit log).

Conventions are those of :mod:`bot.store.models.base`. Rows that belong to a policyholder carry
``policyholder_id`` (denormalised on purpose: every scoped query filters on it first, through an
index). Composite foreign keys ``(contract_id, policyholder_id) -> contracts(id,
policyholder_id)`` make the denormalised column impossible to get wrong.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import List, Optional

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, relationship

from bot.store.models.base import Base, Money, Ratio, UTCDateTime, check_in, utcnow

# --- closed value sets ------------------------------------------------------------------------

CAUSES = ("protracted_default", "insolvency")
OPEN_STAGES = ("declared", "under_review", "collection", "waiting_period")
CLOSED_STAGES = ("indemnified", "closed", "refused")
STAGES = OPEN_STAGES + CLOSED_STAGES
LIMIT_STATUSES = ("granted", "partial", "reduced", "cancelled", "refused")
LIMIT_DECISIONS = ("granted", "partial", "increased", "reduced", "cancelled", "refused")
FEE_KINDS = ("premium", "monitoring", "investigation", "collection_flat", "collection_pct")
CAP_SCHEMES = ("CAP", "CAP+", "CAP Francexport", "CAP+ Francexport", "Cap Relais")
PAYMENT_KINDS = ("indemnity", "advance_indemnity", "recovery_share")
SEGMENTS = ("tpe", "pme", "eti", "grand_compte")


# --- policyholders and people -----------------------------------------------------------------

class Policyholder(Base):
    """L'assuré: a company holding a credit-insurance contract."""

    __tablename__ = "policyholders"

    id: Mapped[int] = Column(Integer, primary_key=True)
    name: Mapped[str] = Column(String(200), nullable=False)
    siren: Mapped[str] = Column(String(9), nullable=False, unique=True)
    contact_name: Mapped[str] = Column(String(200), nullable=False)
    contact_email: Mapped[str] = Column(String(254), nullable=False)
    contact_phone: Mapped[str] = Column(String(32), nullable=False)
    segment: Mapped[str] = Column(String(20), nullable=False)
    is_demo: Mapped[bool] = Column(Boolean, nullable=False, default=False)
    demo_note: Mapped[Optional[str]] = Column(Text)
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)

    users: Mapped[List["User"]] = relationship("User", back_populates="policyholder")
    contracts: Mapped[List["Contract"]] = relationship("Contract", back_populates="policyholder")

    __table_args__ = (CheckConstraint(check_in("segment", SEGMENTS), name="segment"),)


class User(Base):
    """A person who may sign in for a policyholder."""

    __tablename__ = "users"

    id: Mapped[int] = Column(Integer, primary_key=True)
    policyholder_id: Mapped[int] = Column(ForeignKey("policyholders.id"), nullable=False, index=True)
    email: Mapped[str] = Column(String(254), nullable=False, unique=True)
    full_name: Mapped[str] = Column(String(200), nullable=False)
    phone: Mapped[Optional[str]] = Column(String(32))
    role: Mapped[str] = Column(String(40), nullable=False, default="gérant")
    active: Mapped[bool] = Column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)
    # the value of this person's OIDC_SUBJECT_CLAIM at the insurer's identity provider (bot/oidc.py);
    # set by the insurer's provisioning, never guessed: a subject found nowhere signs in as nobody
    oidc_subject: Mapped[Optional[str]] = Column(String(255), unique=True)

    policyholder: Mapped[Policyholder] = relationship("Policyholder", back_populates="users")


# --- contracts ----------------------------------------------------------------------------------

class Contract(Base):
    """A credit-insurance policy and the figures that drive claims and fees."""

    __tablename__ = "contracts"

    id: Mapped[int] = Column(Integer, primary_key=True)
    policyholder_id: Mapped[int] = Column(ForeignKey("policyholders.id"), nullable=False, index=True)
    number: Mapped[str] = Column(String(40), nullable=False, unique=True)
    start_date: Mapped[date] = Column(Date, nullable=False)
    end_date: Mapped[Optional[date]] = Column(Date)
    quotite: Mapped[Decimal] = Column(Ratio(), nullable=False)
    minimum_claim_amount: Mapped[Decimal] = Column(Money(), nullable=False, default=Decimal("0"))
    deductible: Mapped[Decimal] = Column(Money(), nullable=False, default=Decimal("0"))
    dms_deadline_days: Mapped[int] = Column(Integer, nullable=False)
    waiting_period_days: Mapped[int] = Column(Integer, nullable=False)
    payout_delay_days: Mapped[int] = Column(Integer, nullable=False)
    max_credit_term_days: Mapped[int] = Column(Integer, nullable=False)
    territorial_scope: Mapped[str] = Column(String(200), nullable=False)
    advance_indemnification: Mapped[bool] = Column(Boolean, nullable=False, default=False)
    premium_rate: Mapped[Optional[Decimal]] = Column(Ratio())
    currency: Mapped[str] = Column(String(3), nullable=False, default="EUR")

    policyholder: Mapped[Policyholder] = relationship("Policyholder", back_populates="contracts")

    __table_args__ = (
        UniqueConstraint("id", "policyholder_id"),
        CheckConstraint("quotite > 0 AND quotite <= 1", name="quotite"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates"),
    )


# --- buyers and credit limits ------------------------------------------------------------------

class Buyer(Base):
    """L'acheteur / le débiteur. Buyers are shared across the book; a policyholder only ever
    sees a buyer through its own credit limits and claims."""

    __tablename__ = "buyers"

    id: Mapped[int] = Column(Integer, primary_key=True)
    name: Mapped[str] = Column(String(200), nullable=False)
    name_key: Mapped[str] = Column(String(200), nullable=False, index=True)
    siren: Mapped[Optional[str]] = Column(String(9), unique=True)
    foreign_id: Mapped[Optional[str]] = Column(String(60))
    country: Mapped[str] = Column(String(2), nullable=False, default="FR")
    risk_grade: Mapped[Optional[int]] = Column(SmallInteger)

    __table_args__ = (
        UniqueConstraint("country", "foreign_id"),
        CheckConstraint("risk_grade IS NULL OR (risk_grade BETWEEN 1 AND 10)", name="risk_grade"),
        CheckConstraint("siren IS NOT NULL OR foreign_id IS NOT NULL", name="identifier"),
    )


class CreditLimit(Base):
    """L'agrément: the cover granted on one buyer under one contract (current state)."""

    __tablename__ = "credit_limits"

    id: Mapped[int] = Column(Integer, primary_key=True)
    policyholder_id: Mapped[int] = Column(Integer, nullable=False, index=True)
    contract_id: Mapped[int] = Column(Integer, nullable=False)
    buyer_id: Mapped[int] = Column(ForeignKey("buyers.id"), nullable=False, index=True)
    status: Mapped[str] = Column(String(20), nullable=False)
    requested_amount: Mapped[Decimal] = Column(Money(), nullable=False)
    amount: Mapped[Decimal] = Column(Money(), nullable=False)
    decided_on: Mapped[date] = Column(Date, nullable=False)
    reason_code: Mapped[Optional[str]] = Column(String(40))
    outstanding_amount: Mapped[Decimal] = Column(Money(), nullable=False, default=Decimal("0"))
    outstanding_as_of: Mapped[Optional[date]] = Column(Date)

    buyer: Mapped[Buyer] = relationship("Buyer")
    decisions: Mapped[List["CreditLimitDecision"]] = relationship(
        "CreditLimitDecision", order_by="CreditLimitDecision.decision_date", back_populates="limit")

    __table_args__ = (
        UniqueConstraint("contract_id", "buyer_id"),
        ForeignKeyConstraint(["contract_id", "policyholder_id"], ["contracts.id", "contracts.policyholder_id"]),
        CheckConstraint(check_in("status", LIMIT_STATUSES), name="status"),
        CheckConstraint("amount >= 0 AND requested_amount >= 0 AND outstanding_amount >= 0", name="amounts"),
    )


class CreditLimitDecision(Base):
    """One decision in the history of an agrément."""

    __tablename__ = "credit_limit_decisions"

    id: Mapped[int] = Column(Integer, primary_key=True)
    limit_id: Mapped[int] = Column(ForeignKey("credit_limits.id", ondelete="CASCADE"), nullable=False)
    decision: Mapped[str] = Column(String(20), nullable=False)
    requested_amount: Mapped[Decimal] = Column(Money(), nullable=False)
    granted_amount: Mapped[Decimal] = Column(Money(), nullable=False)
    decision_date: Mapped[date] = Column(Date, nullable=False)
    reason_code: Mapped[Optional[str]] = Column(String(40))

    limit: Mapped[CreditLimit] = relationship("CreditLimit", back_populates="decisions")

    __table_args__ = (
        Index("ix_credit_limit_decisions_limit_date", "limit_id", "decision_date"),
        CheckConstraint(check_in("decision", LIMIT_DECISIONS), name="decision"),
    )


class LimitIncreaseRequest(Base):
    """A request for a new or higher agrément. Recorded only: a person decides."""

    __tablename__ = "limit_increase_requests"

    id: Mapped[int] = Column(Integer, primary_key=True)
    policyholder_id: Mapped[int] = Column(ForeignKey("policyholders.id"), nullable=False, index=True)
    limit_id: Mapped[Optional[int]] = Column(ForeignKey("credit_limits.id"))
    buyer_name: Mapped[str] = Column(String(200), nullable=False)
    requested_amount: Mapped[Decimal] = Column(Money(), nullable=False)
    current_amount: Mapped[Optional[Decimal]] = Column(Money())
    status: Mapped[str] = Column(String(20), nullable=False, default="received")
    channel: Mapped[str] = Column(String(40), nullable=False)
    user_id: Mapped[Optional[int]] = Column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (
        CheckConstraint("requested_amount > 0", name="amount"),
        CheckConstraint(check_in("status", ("received", "in_review", "answered")), name="status"),
    )


class CapCover(Base):
    """A public top-up (CAP, CAP+, CAP Francexport, CAP+ Francexport, Cap Relais) on an agrément."""

    __tablename__ = "cap_covers"

    id: Mapped[int] = Column(Integer, primary_key=True)
    policyholder_id: Mapped[int] = Column(ForeignKey("policyholders.id"), nullable=False, index=True)
    limit_id: Mapped[int] = Column(ForeignKey("credit_limits.id", ondelete="CASCADE"), nullable=False, index=True)
    scheme: Mapped[str] = Column(String(20), nullable=False)
    amount: Mapped[Decimal] = Column(Money(), nullable=False)
    valid_from: Mapped[date] = Column(Date, nullable=False)
    valid_to: Mapped[Optional[date]] = Column(Date)

    __table_args__ = (CheckConstraint(check_in("scheme", CAP_SCHEMES), name="scheme"),)


# --- claims --------------------------------------------------------------------------------------

class Claim(Base):
    """Un sinistre: an unpaid debt declared by the policyholder, from declaration to closing."""

    __tablename__ = "claims"

    id: Mapped[int] = Column(Integer, primary_key=True)
    ref: Mapped[str] = Column(String(15), nullable=False, unique=True)
    policyholder_id: Mapped[int] = Column(Integer, nullable=False)
    contract_id: Mapped[int] = Column(Integer, nullable=False)
    buyer_id: Mapped[int] = Column(ForeignKey("buyers.id"), nullable=False)
    cause: Mapped[str] = Column(String(20), nullable=False)
    stage: Mapped[str] = Column(String(20), nullable=False)
    declared_on: Mapped[date] = Column(Date, nullable=False)
    due_date: Mapped[date] = Column(Date, nullable=False)
    currency: Mapped[str] = Column(String(3), nullable=False, default="EUR")
    amount_declared: Mapped[Decimal] = Column(Money(), nullable=False)
    amount_admitted: Mapped[Optional[Decimal]] = Column(Money())
    amount_recovered: Mapped[Decimal] = Column(Money(), nullable=False, default=Decimal("0"))
    amount_indemnified: Mapped[Decimal] = Column(Money(), nullable=False, default=Decimal("0"))
    next_step_code: Mapped[Optional[str]] = Column(String(40))
    next_step_date: Mapped[Optional[date]] = Column(Date)
    idempotency_key: Mapped[Optional[str]] = Column(String(80))
    closed_on: Mapped[Optional[date]] = Column(Date)
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    buyer: Mapped[Buyer] = relationship("Buyer")
    contract: Mapped[Contract] = relationship("Contract", foreign_keys=[contract_id],
                                              primaryjoin="Claim.contract_id == Contract.id", viewonly=True)
    history: Mapped[List["ClaimStageEvent"]] = relationship(
        "ClaimStageEvent", order_by="(ClaimStageEvent.entered_on, ClaimStageEvent.id)", back_populates="claim")

    __table_args__ = (
        ForeignKeyConstraint(["contract_id", "policyholder_id"], ["contracts.id", "contracts.policyholder_id"]),
        UniqueConstraint("policyholder_id", "idempotency_key"),
        # list_claims: WHERE policyholder_id = ? [AND stage IN (...)] ORDER BY declared_on DESC, id DESC
        Index("ix_claims_policyholder_declared", "policyholder_id", "declared_on", "id"),
        Index("ix_claims_policyholder_stage", "policyholder_id", "stage"),
        Index("ix_claims_buyer", "buyer_id"),
        CheckConstraint(check_in("cause", CAUSES), name="cause"),
        CheckConstraint(check_in("stage", STAGES), name="stage"),
        CheckConstraint("amount_declared > 0", name="amount_declared"),
    )


class ClaimStageEvent(Base):
    """Dated history of a claim's stages."""

    __tablename__ = "claim_stage_history"

    id: Mapped[int] = Column(Integer, primary_key=True)
    claim_id: Mapped[int] = Column(ForeignKey("claims.id", ondelete="CASCADE"), nullable=False)
    stage: Mapped[str] = Column(String(20), nullable=False)
    entered_on: Mapped[date] = Column(Date, nullable=False)
    note_code: Mapped[Optional[str]] = Column(String(40))

    claim: Mapped[Claim] = relationship("Claim", back_populates="history")

    __table_args__ = (
        Index("ix_claim_stage_history_claim", "claim_id", "entered_on"),
        CheckConstraint(check_in("stage", STAGES), name="stage"),
    )


class Invoice(Base):
    """An invoice of the policyholder on a buyer (the ones declared unpaid are linked to a claim)."""

    __tablename__ = "invoices"

    id: Mapped[int] = Column(Integer, primary_key=True)
    policyholder_id: Mapped[int] = Column(Integer, nullable=False, index=True)
    contract_id: Mapped[int] = Column(Integer, nullable=False)
    buyer_id: Mapped[int] = Column(ForeignKey("buyers.id"), nullable=False)
    claim_id: Mapped[Optional[int]] = Column(ForeignKey("claims.id", ondelete="SET NULL"), index=True)
    number: Mapped[str] = Column(String(60), nullable=False)
    issue_date: Mapped[Optional[date]] = Column(Date)
    due_date: Mapped[date] = Column(Date, nullable=False)
    amount: Mapped[Decimal] = Column(Money(), nullable=False)
    currency: Mapped[str] = Column(String(3), nullable=False, default="EUR")

    __table_args__ = (
        ForeignKeyConstraint(["contract_id", "policyholder_id"], ["contracts.id", "contracts.policyholder_id"]),
        UniqueConstraint("contract_id", "buyer_id", "number"),
        CheckConstraint("amount > 0", name="amount"),
    )


class Payment(Base):
    """Money paid to the policyholder on a claim (indemnity, advance, share of a recovery)."""

    __tablename__ = "payments"

    id: Mapped[int] = Column(Integer, primary_key=True)
    claim_id: Mapped[int] = Column(ForeignKey("claims.id", ondelete="CASCADE"), nullable=False, index=True)
    kind: Mapped[str] = Column(String(20), nullable=False)
    amount: Mapped[Decimal] = Column(Money(), nullable=False)
    paid_on: Mapped[date] = Column(Date, nullable=False)
    reference: Mapped[Optional[str]] = Column(String(40))

    __table_args__ = (CheckConstraint(check_in("kind", PAYMENT_KINDS), name="kind"),)


class RefCounter(Base):
    """Last claim number handed out per year (SIN-YYYY-NNNNNN)."""

    __tablename__ = "ref_counters"

    year: Mapped[int] = Column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = Column(Integer, nullable=False)


# --- fees ----------------------------------------------------------------------------------------

class FeeLine(Base):
    """One line of what the policyholder is billed, with what it was computed from.

    - premium: ``basis`` (insured turnover of the period) x ``rate``;
    - monitoring / investigation: ``quantity`` (buyers watched / investigations) x ``unit_amount``;
    - collection_flat: ``quantity`` (files) x ``unit_amount``;
    - collection_pct: ``basis`` (amount recovered) x ``rate``.
    """

    __tablename__ = "fee_lines"

    id: Mapped[int] = Column(Integer, primary_key=True)
    policyholder_id: Mapped[int] = Column(Integer, nullable=False)
    contract_id: Mapped[int] = Column(Integer, nullable=False)
    kind: Mapped[str] = Column(String(20), nullable=False)
    statement_ref: Mapped[str] = Column(String(40), nullable=False)
    statement_date: Mapped[date] = Column(Date, nullable=False)
    period_start: Mapped[date] = Column(Date, nullable=False)
    period_end: Mapped[date] = Column(Date, nullable=False)
    amount: Mapped[Decimal] = Column(Money(), nullable=False)
    basis: Mapped[Optional[Decimal]] = Column(Money())
    rate: Mapped[Optional[Decimal]] = Column(Ratio())
    quantity: Mapped[Optional[int]] = Column(Integer)
    unit_amount: Mapped[Optional[Decimal]] = Column(Money())
    claim_id: Mapped[Optional[int]] = Column(ForeignKey("claims.id", ondelete="SET NULL"))

    __table_args__ = (
        ForeignKeyConstraint(["contract_id", "policyholder_id"], ["contracts.id", "contracts.policyholder_id"]),
        Index("ix_fee_lines_policyholder_period", "policyholder_id", "period_end"),
        Index("ix_fee_lines_policyholder_statement", "policyholder_id", "statement_date"),
        CheckConstraint(check_in("kind", FEE_KINDS), name="kind"),
        CheckConstraint("period_end >= period_start", name="period"),
    )


# --- conversation-side records ------------------------------------------------------------------

class Complaint(Base):
    __tablename__ = "complaints"

    id: Mapped[int] = Column(Integer, primary_key=True)
    policyholder_id: Mapped[int] = Column(ForeignKey("policyholders.id"), nullable=False, index=True)
    text: Mapped[str] = Column(Text, nullable=False)
    channel: Mapped[str] = Column(String(40), nullable=False)
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)


class CsatAnswer(Base):
    __tablename__ = "csat_answers"

    id: Mapped[int] = Column(Integer, primary_key=True)
    policyholder_id: Mapped[Optional[int]] = Column(ForeignKey("policyholders.id"), index=True)
    sender_hash: Mapped[str] = Column(String(128), nullable=False)
    score: Mapped[int] = Column(SmallInteger, nullable=False)
    channel: Mapped[Optional[str]] = Column(String(40))
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow, index=True)

    __table_args__ = (CheckConstraint("score BETWEEN 1 AND 5", name="score"),)


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = Column(Integer, primary_key=True)
    at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    who: Mapped[str] = Column(String(120), nullable=False)
    policyholder_id: Mapped[Optional[int]] = Column(Integer)
    object_type: Mapped[str] = Column(String(40), nullable=False)
    object_id: Mapped[str] = Column(String(60), nullable=False)
    channel: Mapped[str] = Column(String(40), nullable=False)
    action: Mapped[str] = Column(String(40), nullable=False)

    __table_args__ = (
        Index("ix_audit_log_object", "object_type", "object_id"),
        Index("ix_audit_log_policyholder_at", "policyholder_id", "at"),
    )

