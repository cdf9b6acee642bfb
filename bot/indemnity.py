"""Indemnity estimator: from the contract figures to an amount and a date, step by step.

``estimate(inputs, as_of) -> Estimate``. Pure, Decimal arithmetic, independent of ``bot.store``
(``inputs_from(*objects)`` builds the inputs from duck-typed objects or mappings).

Order of the calculation (each step is listed in ``Estimate.steps`` for display):

1. covered amount = min(amount owed, credit limit + CAP top-up); the rest is not covered;
2. × quotité garantie;
3. − franchise (deductible), never below 0 — steps 2 and 3 are :func:`indemnity_amount`, the one
   rule used by every figure of the project (the estimator and the demo seed alike);
4. minimum claim amount: a debt below it gives no indemnity;
5. date: protracted default -> start (due date, or declaration date if ``waiting_from`` says so)
   + waiting period (délai constitutif) = loss established, + payout delay = expected payment;
   insolvency -> the loss is established by the proceedings: payment = date the debt is admitted
   + payout delay (unknown until the debt is admitted); the debt must be declared to the
   mandataire within 2 months of the BODACC publication (the last day included); when the claim
   file already plans our decision on the indemnity (``decision_expected_date``, the claim's next
   step), that date is the one given: the claim status and the estimate say the same thing;
6. advance indemnification: may apply only if the contract offers it AND the file is complete.

Worked example (DOMAIN.md): 40 000 € owed, limit 30 000 €, quotité 90 % -> 27 000 €.

Missing figures are never guessed: the estimate lists them in ``missing`` and leaves the amount
(or the date) as None. A deductible or minimum claim that is not given is taken as none and
listed in ``assumed``.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Dict, List, Mapping, Optional, Tuple

from bot.decimals import AMOUNT, jsonable, to_decimal

CAUSES = ("protracted_default", "insolvency")
_CAUSE_ALIASES = {
    "protracted_default": "protracted_default", "default": "protracted_default", "impaye": "protracted_default",
    "impayé": "protracted_default", "defaut": "protracted_default", "défaut prolongé": "protracted_default",
    "defaut prolonge": "protracted_default", "non-paiement": "protracted_default", "retard": "protracted_default",
    "insolvency": "insolvency", "insolvabilite": "insolvency", "insolvabilité": "insolvency",
    "procedure collective": "insolvency", "procédure collective": "insolvency", "redressement": "insolvency",
    "redressement judiciaire": "insolvency", "liquidation": "insolvency", "liquidation judiciaire": "insolvency",
    "sauvegarde": "insolvency", "bankruptcy": "insolvency",
}
CENT = Decimal("0.01")
BODACC_DECLARATION_MONTHS = 2


def _amount(value: Any, name: str) -> Optional[Decimal]:
    return to_decimal(value, name, blank_is_none=True, messages=AMOUNT)


def _ratio(value: Any, name: str) -> Optional[Decimal]:
    dec = _amount(value, name)
    if dec is None:
        return None
    if dec > 1:
        if dec > 100:
            raise ValueError(f"{name} must be a ratio (0.9) or a percentage (90), got {value!r}")
        dec = dec / 100
    return dec


def _days(value: Any, name: str) -> Optional[int]:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a whole number of days >= 0 (got {value!r})")
    return value


def normalise_cause(value: Optional[str]) -> Optional[str]:
    if value is None:
        return None
    key = str(value).strip().lower()
    if key in _CAUSE_ALIASES:
        return _CAUSE_ALIASES[key]
    raise ValueError(f"cause must be one of {', '.join(CAUSES)} (got {value!r})")


@dataclass(frozen=True)
class IndemnityInputs:
    """Figures from the contract and the claim. Amounts in euros; ``quotite`` as 0.9 or 90."""

    amount_owed: Optional[Decimal] = None
    credit_limit: Optional[Decimal] = None
    cap_top_up: Optional[Decimal] = None
    quotite: Optional[Decimal] = None
    deductible: Optional[Decimal] = None
    minimum_claim: Optional[Decimal] = None
    due_date: Optional[date] = None
    declaration_date: Optional[date] = None
    cause: Optional[str] = None
    waiting_period_days: Optional[int] = None
    payout_delay_days: Optional[int] = None
    waiting_from: str = "due_date"
    debt_admitted_date: Optional[date] = None
    proceedings_published: Optional[date] = None
    decision_expected_date: Optional[date] = None
    advance_offered: Optional[bool] = None
    file_complete: Optional[bool] = None

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        for name in ("amount_owed", "credit_limit", "cap_top_up", "deductible", "minimum_claim"):
            set_(self, name, _amount(getattr(self, name), name))
        set_(self, "quotite", _ratio(self.quotite, "quotite"))
        for name in ("waiting_period_days", "payout_delay_days"):
            set_(self, name, _days(getattr(self, name), name))
        set_(self, "cause", normalise_cause(self.cause))
        if self.waiting_from not in ("due_date", "declaration_date"):
            raise ValueError("waiting_from must be 'due_date' or 'declaration_date'")
        for name in ("due_date", "declaration_date", "debt_admitted_date", "proceedings_published",
                     "decision_expected_date"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, date):
                raise ValueError(f"{name} must be a date")


@dataclass(frozen=True)
class Step:
    code: str
    data: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> Dict[str, Any]:
        return {"code": self.code, "data": jsonable(dict(self.data))}


@dataclass(frozen=True)
class Estimate:
    amount: Optional[Decimal]
    covered_amount: Optional[Decimal]
    uncovered_amount: Optional[Decimal]
    after_quotite: Optional[Decimal]
    deductible_applied: Decimal
    retained_by_client: Optional[Decimal]
    below_minimum: Optional[bool]
    cause: Optional[str]
    loss_established_date: Optional[date]
    expected_payment_date: Optional[date]
    date_status: str  # estimated | past | waiting_admission | missing
    declaration_deadline: Optional[date]
    advance: str  # may_apply | file_incomplete | not_offered | unknown
    steps: Tuple[Step, ...]
    missing: Tuple[str, ...]
    assumed: Tuple[str, ...]
    as_of: date

    @property
    def complete(self) -> bool:
        return not self.missing

    def step(self, code: str) -> Optional[Step]:
        for s in self.steps:
            if s.code == code:
                return s
        return None

    def as_dict(self) -> Dict[str, Any]:
        return jsonable({
            "amount": self.amount, "covered_amount": self.covered_amount,
            "uncovered_amount": self.uncovered_amount, "after_quotite": self.after_quotite,
            "deductible_applied": self.deductible_applied, "retained_by_client": self.retained_by_client,
            "below_minimum": self.below_minimum, "cause": self.cause,
            "loss_established_date": self.loss_established_date,
            "expected_payment_date": self.expected_payment_date, "date_status": self.date_status,
            "declaration_deadline": self.declaration_deadline, "advance": self.advance,
            "steps": [s.as_dict() for s in self.steps], "missing": list(self.missing),
            "assumed": list(self.assumed), "as_of": self.as_of, "complete": self.complete,
        })


def _money(value: Decimal) -> Decimal:
    value = value.quantize(CENT, rounding=ROUND_HALF_UP)
    return value.to_integral_value() if value == value.to_integral_value() else value


@dataclass(frozen=True)
class Indemnity:
    after_quotite: Decimal
    deductible_applied: Decimal
    amount: Decimal


def indemnity_amount(covered: Any, quotite: Any, deductible: Any = None) -> Indemnity:
    """The contract's rule, in one place: the covered amount × the quotité garantie, then minus the
    franchise (deductible), never below 0; cents rounded half up. A 9 800 € loss at 85 % with a
    1 000 € franchise gives 9 800 × 85 % − 1 000 = 7 330 €."""
    covered_d = Decimal(str(covered))
    quotite_d = _ratio(quotite, "quotite")
    after_q = _money(covered_d * quotite_d)
    franchise = Decimal(str(deductible)) if deductible not in (None, "") else Decimal(0)
    applied = min(max(franchise, Decimal(0)), after_q)
    return Indemnity(after_q, applied, _money(after_q - applied))


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def estimate(inputs: IndemnityInputs, as_of: date) -> Estimate:
    """Estimate the indemnity for ``inputs`` as seen on ``as_of`` (see module doc)."""
    steps: List[Step] = []
    missing: List[str] = []
    assumed: List[str] = []
    i = inputs

    # ---- amount
    for name in ("amount_owed", "credit_limit", "quotite"):
        if getattr(i, name) is None:
            missing.append(name)
    top_up = i.cap_top_up or Decimal(0)
    covered = uncovered = after_q = amount = retained = None
    below_min: Optional[bool] = None
    deductible = Decimal(0)
    if i.amount_owed is not None and i.credit_limit is not None:
        ceiling = i.credit_limit + top_up
        covered = min(i.amount_owed, ceiling)
        uncovered = i.amount_owed - covered
        steps.append(Step("covered", {"owed": i.amount_owed, "limit": i.credit_limit, "cap_top_up": top_up,
                                      "ceiling": ceiling, "covered": covered, "uncovered": uncovered}))
    if covered is not None and i.quotite is not None:
        rule = indemnity_amount(covered, i.quotite, i.deductible)
        after_q = rule.after_quotite
        steps.append(Step("quotite", {"covered": covered, "quotite": i.quotite, "result": after_q}))
        if i.deductible is None:
            assumed.append("deductible_none")
        elif i.deductible > 0:
            deductible = rule.deductible_applied
            steps.append(Step("deductible", {"before": after_q, "deductible": i.deductible,
                                             "result": rule.amount}))
        amount = rule.amount
        if i.minimum_claim is None:
            assumed.append("minimum_claim_none")
        else:
            below_min = i.amount_owed < i.minimum_claim
            steps.append(Step("minimum_claim", {"owed": i.amount_owed, "minimum": i.minimum_claim,
                                                "met": not below_min}))
            if below_min:
                amount = Decimal(0)
        amount = _money(amount)
        retained = _money(i.amount_owed - amount)
        steps.append(Step("result", {"amount": amount, "retained_by_client": retained, "owed": i.amount_owed}))

    # ---- date
    loss_date = pay_date = deadline = None
    date_status = "missing"
    if i.cause is None:
        missing.append("cause")
    elif i.cause == "protracted_default":
        start_name = i.waiting_from
        start = getattr(i, start_name)
        if start is None:
            missing.append(start_name)
        if i.waiting_period_days is None:
            missing.append("waiting_period_days")
        if i.payout_delay_days is None:
            missing.append("payout_delay_days")
        if start is not None and i.waiting_period_days is not None:
            loss_date = start + timedelta(days=i.waiting_period_days)
            steps.append(Step("waiting_period", {"start": start, "start_kind": start_name,
                                                 "days": i.waiting_period_days, "loss_date": loss_date}))
            if i.payout_delay_days is not None:
                pay_date = loss_date + timedelta(days=i.payout_delay_days)
                steps.append(Step("payout", {"from": loss_date, "days": i.payout_delay_days, "date": pay_date}))
                date_status = "past" if pay_date < as_of else "estimated"
    else:  # insolvency
        if i.proceedings_published is not None:
            deadline = add_months(i.proceedings_published, BODACC_DECLARATION_MONTHS)
            steps.append(Step("insolvency_declaration", {"published": i.proceedings_published,
                                                         "deadline": deadline, "passed": as_of > deadline}))
        if i.payout_delay_days is None:
            missing.append("payout_delay_days")
        if i.debt_admitted_date is None:
            date_status = "waiting_admission"
            steps.append(Step("debt_admission", {"admitted": None}))
            if i.decision_expected_date is not None:
                steps.append(Step("decision_planned", {"date": i.decision_expected_date}))
        else:
            loss_date = i.debt_admitted_date
            steps.append(Step("debt_admission", {"admitted": loss_date}))
            if i.payout_delay_days is not None:
                pay_date = loss_date + timedelta(days=i.payout_delay_days)
                steps.append(Step("payout", {"from": loss_date, "days": i.payout_delay_days, "date": pay_date}))
                date_status = "past" if pay_date < as_of else "estimated"

    # ---- advance indemnification
    if i.advance_offered is False:
        advance = "not_offered"
    elif i.advance_offered is None:
        advance = "unknown"
    elif i.file_complete:
        advance = "may_apply"
    elif i.file_complete is False:
        advance = "file_incomplete"
    else:
        advance = "unknown"
    steps.append(Step("advance", {"status": advance}))

    return Estimate(amount=amount, covered_amount=covered, uncovered_amount=uncovered, after_quotite=after_q,
                    deductible_applied=deductible, retained_by_client=retained, below_minimum=below_min,
                    cause=i.cause, loss_established_date=loss_date, expected_payment_date=pay_date,
                    date_status=date_status, declaration_deadline=deadline, advance=advance,
                    steps=tuple(steps), missing=tuple(dict.fromkeys(missing)), assumed=tuple(assumed),
                    as_of=as_of)


# ---- adapter for duck-typed objects (store views, dicts, ...) ----------------------------------

ALIASES: Dict[str, Tuple[str, ...]] = {
    "amount_owed": ("amount_owed", "amount_due", "owed", "outstanding", "outstanding_amount", "amount"),
    "credit_limit": ("credit_limit", "limit", "limit_amount", "approved_limit", "agrement", "agreement"),
    "cap_top_up": ("cap_top_up", "cap_amount", "public_cover", "top_up"),
    "quotite": ("quotite", "quotite_garantie", "indemnity_rate", "cover_ratio", "coverage_ratio", "cover_rate"),
    "deductible": ("deductible", "franchise"),
    "minimum_claim": ("minimum_claim", "min_claim", "minimum_claim_amount"),
    "due_date": ("due_date", "due_on", "echeance"),
    "declaration_date": ("declaration_date", "declared_on", "declared_at", "declaration_on"),
    "cause": ("cause", "claim_cause", "reason"),
    "waiting_period_days": ("waiting_period_days", "waiting_days", "delai_carence_days"),
    "payout_delay_days": ("payout_delay_days", "payment_delay_days", "payout_days"),
    "debt_admitted_date": ("debt_admitted_date", "admitted_on", "admission_date"),
    "proceedings_published": ("proceedings_published", "bodacc_date", "bodacc_published_on"),
    "decision_expected_date": ("decision_expected_date",),
    "advance_offered": ("advance_offered", "advance_indemnification", "advance_eligible"),
    "file_complete": ("file_complete", "complete", "is_complete"),
}


def _get(obj: Any, name: str) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name)
    return getattr(obj, name, None)


def inputs_from(*objects: Any, **overrides: Any) -> IndemnityInputs:
    """Build :class:`IndemnityInputs` from objects or mappings (first non-None value wins, in order),
    then ``overrides``. Attribute names are looked up through :data:`ALIASES`."""
    values: Dict[str, Any] = {}
    for field_name, names in ALIASES.items():
        for obj in objects:
            if obj is None:
                continue
            found = next((v for v in (_get(obj, n) for n in names) if v is not None), None)
            if found is not None:
                values[field_name] = found
                break
    for key in ("waiting_from",):
        for obj in objects:
            if obj is not None and _get(obj, key) is not None:
                values[key] = _get(obj, key)
                break
    values.update({k: v for k, v in overrides.items()})
    if isinstance(values.get("cause"), str):
        try:
            values["cause"] = normalise_cause(values["cause"])
        except ValueError:
            values["cause"] = None
    for key in ("waiting_period_days", "payout_delay_days"):
        if isinstance(values.get(key), (float, Decimal)) and values[key] == int(values[key]):
            values[key] = int(values[key])
    return IndemnityInputs(**values)
