"""Scoped queries of the claims store.

Every function takes ``(session, policyholder_id, ...)`` and only ever reads or writes that
policyholder's rows: the filter on ``policyholder_id`` is part of every statement. A claim ref,
a buyer, a fee or a contract of another policyholder gives exactly the same answer as one that
does not exist. Results are frozen dataclasses of :mod:`bot.store.views`, never ORM rows.

Two helpers are unscoped and named for their only uses: :func:`demo_accounts` (the demo sign-in
page) and :func:`get_policyholder` (after a verified sign-in).

Write functions (``declare_unpaid``, ``record_*``, ``audit``) add rows to the caller's session;
the caller's ``session_scope`` commits them as one transaction.

Modules, by responsibility: ``_common`` (checks, money, constants), ``claims``, ``buyer_limits``
(buyers, agréments, encours, increase requests), ``fees``, ``contracts``, ``declarations``,
``records`` (complaints, CSAT, audit) and ``accounts`` (unscoped helpers). Every name is
re-exported here: use ``bot.store.queries.<name>`` (patching it here reaches every caller).
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

from bot.store.queries._common import (  # noqa: F401
    CENT, FIRST_NUMBER, MAX_AMOUNT, MAX_NUMBER, MAX_PAGE_SIZE, STATUSES, ZERO, _dec, _money, _ph, _today,
    _user_belongs, _who,
)
from bot.store.queries.claims import (  # noqa: F401
    _CLAIM_BY_KEY, _CLAIM_BY_REF, _CLAIM_DETAILS, _LIST, _build_claim_details, _claim_by_key, _claim_details,
    _claim_select, _claim_view, _list_statements, claim_by_ref, list_claims,
)
from bot.store.queries.buyer_limits import (  # noqa: F401
    _LIMIT_DETAILS, _LIMIT_ROWS, _build_limit_details, _build_limit_rows, _candidate, _limit_rows, _limit_views,
    _resolve_buyer, encours, guarantee_on_buyer, limits, record_limit_increase_request,
)
from bot.store.queries.fees import _fee_lines, _totals, fee_breakdown, last_statement  # noqa: F401
from bot.store.queries.contracts import _current_contract, contract_terms  # noqa: F401
from bot.store.queries.declarations import declare_unpaid, next_claim_ref, next_step_after_declaration  # noqa: F401
from bot.store.queries.records import audit, hash_sender, record_complaint, record_csat  # noqa: F401
from bot.store.queries.accounts import demo_accounts, get_policyholder  # noqa: F401

# The public functions present themselves as members of this package (as before the split):
# ``fn.__module__ == "bot.store.queries"`` for introspection, pickling and the isolation test.
for _fn in (claim_by_ref, list_claims, guarantee_on_buyer, limits, encours, record_limit_increase_request,
            fee_breakdown, last_statement, contract_terms, next_step_after_declaration, next_claim_ref,
            declare_unpaid, record_complaint, hash_sender, record_csat, audit, demo_accounts, get_policyholder):
    _fn.__module__ = __name__
del _fn
