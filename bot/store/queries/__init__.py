"""Scoped queries of the claims store.

Every function takes ``(session, policyholder_id, ...)`` and only ever reads or writes that
policyholder's rows: the filter on ``policyholder_id`` is part of every statement. A claim ref,
a buyer, a fee or a contract of another policyholder gives exactly the same answer as one that
does not exist. Results are frozen dataclasses of :mod:`bot.store.views`, never ORM rows.

Two helpers are unscoped and named for their only uses: :func:`demo_accounts` (the demo sign-in
page) and :func:`get_policyholder` (after a verified sign-in).

Write functions (``declare_unpaid``, ``record_*``, ``audit``) add rows to the caller's session;
the caller's ``session_scope`` commits them as one transaction.

Modules, by responsibility: ``common`` (checks, money, constants), ``claims``, ``buyer_limits``
(buyers, agréments, encours, increase requests), ``fees``, ``contracts``, ``declarations``,
``records`` (complaints, CSAT, audit) and ``accounts`` (unscoped helpers). Their public query
functions are re-exported here (``bot.store.queries.<name>``, the name the actions call); a query
module calls its siblings' functions directly, so a test that replaces one of them inside
another query patches it where it is used (e.g. ``bot.store.queries.declarations.audit``).

The persistence of the features lives in modules of its own, not re-exported here (their callers
import the module): ``handoff`` (tickets, callback requests, the agent desk's queue), ``referrals``
(agent → bot links) and ``pairings`` (messaging accounts). Their rules are in :mod:`bot.handoff`,
:mod:`bot.referral` and :mod:`bot.pairing`.
"""
from __future__ import annotations

# the return types and model names the single-module version exposed, kept for compatibility
from bot.store.models import (  # noqa: F401
    CAUSES, FEE_KINDS, AuditEntry, Buyer, CapCover, Claim, ClaimStageEvent, Complaint, Contract, CreditLimit,
    CreditLimitDecision, CsatAnswer, FeeLine, Invoice, LimitIncreaseRequest, Money, Payment, Policyholder,
    RefCounter, User,
)
from bot.store.views import (  # noqa: F401
    CLOSED_STAGES, OPEN_STAGES, BuyerCandidate, CapCoverView, ClaimPage, ClaimSummary, ClaimView, ContractTerms,
    DeclarationResult, DemoAccount, EncoursLine, EncoursView, FeeBreakdown, FeeLineView, FeeTotal, GuaranteeLookup,
    InvoiceView, LimitDecisionView, LimitIncreaseResult, LimitView, PaymentView, PolicyholderView, RecordReceipt,
    StageEvent,
)

from bot.store.queries.common import (  # noqa: F401
    CENT, FIRST_NUMBER, MAX_AMOUNT, MAX_NUMBER, MAX_PAGE_SIZE, STATUSES, ZERO,
)
from bot.store.queries.claims import claim_by_ref, list_claims  # noqa: F401
from bot.store.queries.buyer_limits import (  # noqa: F401
    encours, guarantee_on_buyer, limits, record_limit_increase_request,
)
from bot.store.queries.fees import all_fee_lines, fee_breakdown, last_statement  # noqa: F401
from bot.store.queries.contracts import contract_terms  # noqa: F401
from bot.store.queries.declarations import declare_unpaid, next_claim_ref, next_step_after_declaration  # noqa: F401
from bot.store.queries.records import audit, hash_sender, record_complaint, record_csat  # noqa: F401
from bot.store.queries.accounts import demo_accounts, get_policyholder, link_oidc_subject, user_by_oidc_subject  # noqa: F401
