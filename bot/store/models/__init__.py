"""SQLAlchemy models of the claims store (typed declarative, 2.0 style on SQLAlchemy 1.4).

The schema is created ONLY by the Alembic migrations in ``bot/store/migrations``; a test checks
that these models and the migrations agree.

- :mod:`~bot.store.models.base` -- declarative base, naming convention, column types;
- :mod:`~bot.store.models.core` -- policyholders, contracts, buyers, limits, CAP covers, claims,
  invoices, payments, fees, complaints, satisfaction answers, audit log;
- :mod:`~bot.store.models.handoff` -- bot → person handoff: tickets, callback requests;
- :mod:`~bot.store.models.referral` -- agent → bot referrals (signed single-use links);
- :mod:`~bot.store.models.pairing` -- messaging accounts paired with a policyholder, pairing
  codes and attempts;
- :mod:`~bot.store.models.insights` -- reviewers' decisions on the insights review queue.

Importing this package imports every module, so ``metadata`` holds every table (Alembic, the
models-vs-migrations test). Every public name is available here.
"""
from __future__ import annotations

from bot.store.models.base import (
    NAMING_CONVENTION, Base, ExactNumeric, Money, Ratio, UTCDateTime, check_in, metadata, utcnow,
)
from bot.store.models.core import (
    CAP_SCHEMES, CAUSES, CLOSED_STAGES, FEE_KINDS, LIMIT_DECISIONS, LIMIT_STATUSES, OPEN_STAGES, PAYMENT_KINDS,
    SEGMENTS, STAGES, AuditEntry, Buyer, CapCover, Claim, ClaimStageEvent, Complaint, Contract, CreditLimit,
    CreditLimitDecision, CsatAnswer, FeeLine, Invoice, LimitIncreaseRequest, Payment, Policyholder, RefCounter, User,
)
from bot.store.models.handoff import (
    CALLBACK_STATUSES, HANDOFF_REASONS, TICKET_STATUSES, CallbackRequest, HandoffTicket,
)
from bot.store.models.insights import REVIEW_DECISIONS, InsightsReview
from bot.store.models.pairing import PAIRING_CHANNELS, Pairing, PairingAttempt, PairingCode
from bot.store.models.referral import REFERRAL_TOPICS, Referral

__all__ = [
    "NAMING_CONVENTION", "Base", "ExactNumeric", "Money", "Ratio", "UTCDateTime", "check_in", "metadata", "utcnow",
    "CAP_SCHEMES", "CAUSES", "CLOSED_STAGES", "FEE_KINDS", "LIMIT_DECISIONS", "LIMIT_STATUSES", "OPEN_STAGES",
    "PAYMENT_KINDS", "SEGMENTS", "STAGES", "AuditEntry", "Buyer", "CapCover", "Claim", "ClaimStageEvent", "Complaint",
    "Contract", "CreditLimit", "CreditLimitDecision", "CsatAnswer", "FeeLine", "Invoice", "LimitIncreaseRequest",
    "Payment", "Policyholder", "RefCounter", "User",
    "CALLBACK_STATUSES", "HANDOFF_REASONS", "TICKET_STATUSES", "CallbackRequest", "HandoffTicket",
    "PAIRING_CHANNELS", "Pairing", "PairingAttempt", "PairingCode",
    "REFERRAL_TOPICS", "Referral",
    "REVIEW_DECISIONS", "InsightsReview",
]
