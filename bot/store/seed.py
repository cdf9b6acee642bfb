"""Demo and synthetic data for the claims store.

    python -m bot.store.seed --demo [--as-of 2025-06-30] [--database-url URL]
    python -m bot.store.seed --claims 1000000 [--seed 7]        # bulk synthetic book (bench)

The database is migrated first (``alembic upgrade head``).

``--demo`` (re)creates the four demo companies with stable ids 1..4 (see docs/store.md).
It is idempotent: it deletes whatever belongs to policyholders 1..4 and writes the same rows
again, so running it twice with the same ``--as-of`` gives the same data. Dates are relative
to ``--as-of`` (default today) so that open claims always have a next step in the future.
Ids 1..100 of policyholders and users, and claim numbers 000001-000999 of every year, are
kept for the demo.

``--claims N`` adds N synthetic claims spread over extra synthetic policyholders (about 50
claims each, ids above 100), with bulk inserts (PostgreSQL: COPY) and a progress bar.
"""
from __future__ import annotations

import argparse
import io
import random
import sys
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from queue import Queue
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from sqlalchemy import delete, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.store import names
from bot.store.db import get_engine, migrate, session_scope
from bot.store.models import (
    AuditEntry,
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
    metadata,
)
from bot.store.queries import FIRST_NUMBER, next_step_after_declaration

DEMO_IDS = (1, 2, 3, 4)
RESERVED_IDS = 100
CENT = Decimal("0.01")
UTC = timezone.utc


def _d(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def siren_from(seed8: str) -> str:
    """A 9-digit SIREN with a valid Luhn key (fictitious companies)."""
    digits = [int(c) for c in seed8]
    for check in range(10):
        total = 0
        for i, digit in enumerate(digits + [check]):
            if i % 2 == 1:
                digit *= 2
                if digit > 9:
                    digit -= 9
            total += digit
        if total % 10 == 0:
            return seed8 + str(check)
    raise AssertionError("unreachable")


def quarter_bounds(day: date) -> Tuple[date, date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    end = (date(day.year + (first_month + 3 > 12), (first_month + 3 - 1) % 12 + 1, 1) - timedelta(days=1))
    return start, end


def last_quarters(as_of: date, count: int) -> List[Tuple[date, date]]:
    """The ``count`` last quarters fully ended before ``as_of``, oldest first."""
    quarters = []
    start, _ = quarter_bounds(as_of)
    for _ in range(count):
        end = start - timedelta(days=1)
        start, _ = quarter_bounds(end)
        quarters.append((start, end))
    return list(reversed(quarters))


# ==================================================================================================
# Demo data
# ==================================================================================================

@dataclass
class _Ctx:
    session: Session
    as_of: date
    buyers: Dict[str, Buyer]

    def ago(self, days: int) -> date:
        return self.as_of - timedelta(days=days)

    def ahead(self, days: int) -> date:
        return self.as_of + timedelta(days=days)


def _buyer(ctx: _Ctx, name: str, *, siren: Optional[str] = None, foreign_id: Optional[str] = None,
           country: str = "FR", grade: int = 4) -> Buyer:
    """Get-or-create a (global) buyer by its identifier; the demo always writes the same values."""
    stmt = select(Buyer).where(Buyer.siren == siren) if siren else \
        select(Buyer).where(Buyer.country == country, Buyer.foreign_id == foreign_id)
    buyer = ctx.session.execute(stmt).scalar_one_or_none()
    if buyer is None:
        buyer = Buyer(siren=siren, foreign_id=foreign_id, country=country)
        ctx.session.add(buyer)
    buyer.name, buyer.name_key, buyer.risk_grade = name, names.name_key(name), grade
    ctx.session.flush()
    ctx.buyers[name] = buyer
    return buyer


def _limit(ctx: _Ctx, contract: Contract, buyer: Buyer, decisions: Sequence[Tuple], outstanding=0,
           caps: Sequence[Tuple] = ()) -> CreditLimit:
    """decisions: (decision, requested, granted, date, reason); the last one is the current state."""
    last = decisions[-1]
    status = {"granted": "granted", "increased": "granted", "partial": "partial", "reduced": "reduced",
              "cancelled": "cancelled", "refused": "refused"}[last[0]]
    limit = CreditLimit(
        policyholder_id=contract.policyholder_id, contract_id=contract.id, buyer_id=buyer.id, status=status,
        requested_amount=_d(last[1]), amount=_d(last[2]), decided_on=last[3], reason_code=last[4],
        outstanding_amount=_d(outstanding), outstanding_as_of=quarter_bounds(ctx.as_of)[0] - timedelta(days=1),
    )
    ctx.session.add(limit)
    ctx.session.flush()
    for decision, requested, granted, day, reason in decisions:
        ctx.session.add(CreditLimitDecision(limit_id=limit.id, decision=decision, requested_amount=_d(requested),
                                            granted_amount=_d(granted), decision_date=day, reason_code=reason))
    for scheme, amount, valid_from, valid_to in caps:
        ctx.session.add(CapCover(policyholder_id=contract.policyholder_id, limit_id=limit.id, scheme=scheme,
                                 amount=_d(amount), valid_from=valid_from, valid_to=valid_to))
    return limit


NEXT_STEP_BY_STAGE = {
    "declared": "waiting_period_end",
    "under_review": "review_end",
    "collection": "collection_update",
    "waiting_period": "waiting_period_end",
}


def _claim(ctx: _Ctx, contract: Contract, buyer: Buyer, ref: str, *, cause: str, path: Sequence[Tuple[str, date]],
           invoices: Sequence[Tuple[str, date, object]], admitted=None, indemnified=0, recovered=0,
           next_step: Optional[Tuple[str, date]] = None, payments: Sequence[Tuple[str, object, date]] = (),
           notes: Optional[Dict[str, str]] = None) -> Claim:
    amount = sum(_d(a) for _, _, a in invoices)
    stage, stage_day = path[-1]
    claim = Claim(
        ref=ref, policyholder_id=contract.policyholder_id, contract_id=contract.id, buyer_id=buyer.id, cause=cause,
        stage=stage, declared_on=path[0][1], due_date=min(d for _, d, _ in invoices), currency="EUR",
        amount_declared=amount, amount_admitted=None if admitted is None else _d(admitted),
        amount_recovered=_d(recovered), amount_indemnified=_d(indemnified),
        next_step_code=next_step[0] if next_step else None, next_step_date=next_step[1] if next_step else None,
        closed_on=stage_day if stage in ("indemnified", "closed", "refused") else None,
        created_at=datetime.combine(path[0][1], datetime.min.time(), UTC).replace(hour=9),
        updated_at=datetime.combine(stage_day, datetime.min.time(), UTC).replace(hour=9),
    )
    ctx.session.add(claim)
    ctx.session.flush()
    for s, day in path:
        ctx.session.add(ClaimStageEvent(claim_id=claim.id, stage=s, entered_on=day, note_code=(notes or {}).get(s)))
    for number, due, value in invoices:
        ctx.session.add(Invoice(policyholder_id=contract.policyholder_id, contract_id=contract.id, buyer_id=buyer.id,
                                claim_id=claim.id, number=number, issue_date=due - timedelta(days=60), due_date=due,
                                amount=_d(value), currency="EUR"))
    for kind, value, day in payments:
        ctx.session.add(Payment(claim_id=claim.id, kind=kind, amount=_d(value), paid_on=day,
                                reference=f"VIR-{day:%Y%m%d}-{claim.id % 10000:04d}"))
    return claim


def _fees(ctx: _Ctx, contract: Contract, rng: random.Random, *, turnover: int,
          extra: Sequence[Tuple[date, str, object, Optional[int]]] = (), quarters: int = 6) -> None:
    """Quarterly statements: premium (turnover x rate), monitoring and investigation (count x
    unit price), collection fees (flat per file, % of the amount recovered)."""
    monitoring_unit, investigation_unit, collection_flat, collection_rate = (
        _d(15), _d(90), _d(150), Decimal("0.08"))
    # buyers watched: those with a limit in force (amount > 0)
    watched = ctx.session.execute(
        select(func.count()).select_from(CreditLimit)
        .where(CreditLimit.contract_id == contract.id, CreditLimit.amount > 0)).scalar_one()
    for start, end in last_quarters(ctx.as_of, quarters):
        if end < contract.start_date:
            continue
        statement_date = end + timedelta(days=15)
        if statement_date > ctx.as_of:
            continue
        ref = f"REL-{end.year}-T{(end.month - 1) // 3 + 1}"
        base = dict(policyholder_id=contract.policyholder_id, contract_id=contract.id, statement_ref=ref,
                    statement_date=statement_date, period_start=start, period_end=end)
        basis = _d(turnover * rng.uniform(0.85, 1.15))
        rate = Decimal(contract.premium_rate)
        ctx.session.add(FeeLine(kind="premium", amount=_d(basis * rate), basis=basis, rate=rate, **base))
        ctx.session.add(FeeLine(kind="monitoring", amount=monitoring_unit * watched, quantity=watched,
                                unit_amount=monitoring_unit, **base))
        investigations = rng.choice((0, 0, 1, 2))
        if investigations:
            ctx.session.add(FeeLine(kind="investigation", amount=investigation_unit * investigations,
                                    quantity=investigations, unit_amount=investigation_unit, **base))
        for day, kind, value, claim_id in extra:
            if start <= day <= end:
                if kind == "collection_flat":
                    ctx.session.add(FeeLine(kind=kind, amount=collection_flat, quantity=1, unit_amount=collection_flat,
                                            claim_id=claim_id, **base))
                else:
                    recovered = _d(value)
                    ctx.session.add(FeeLine(kind=kind, amount=_d(recovered * collection_rate), basis=recovered,
                                            rate=collection_rate, claim_id=claim_id, **base))


def _policyholder(ctx: _Ctx, pid: int, name: str, siren8: str, contact: str, email: str, phone: str, segment: str,
                  note: str, created: date) -> Policyholder:
    ph = Policyholder(id=pid, name=name, siren=siren_from(siren8), contact_name=contact, contact_email=email,
                      contact_phone=phone, segment=segment, is_demo=True, demo_note=note,
                      created_at=datetime.combine(created, datetime.min.time(), UTC))
    ctx.session.add(ph)
    ctx.session.flush()
    ctx.session.add(User(id=pid, policyholder_id=pid, email=email, full_name=contact, phone=phone, role="gérant",
                         active=True, created_at=datetime.combine(created, datetime.min.time(), UTC)))
    return ph


def _contract(ctx: _Ctx, pid: int, number: str, start: date, **terms) -> Contract:
    contract = Contract(policyholder_id=pid, number=number, start_date=start,
                        end_date=date(ctx.as_of.year, 12, 31), currency="EUR", **terms)
    ctx.session.add(contract)
    ctx.session.flush()
    return contract


def _ref(day: date, number: int) -> str:
    assert 0 < number < FIRST_NUMBER
    return f"SIN-{day.year:04d}-{number:06d}"


def _seed_durand(ctx: _Ctx) -> None:
    rng = random.Random(1001)
    _policyholder(ctx, 1, "Menuiserie Durand SARL", "41235678", "Claire Durand",
                  "claire.durand@menuiserie-durand.example", "01 99 00 41 23", "pme",
                  "PME : sinistre SIN-2021-000123 indemnisé (recouvrement en cours), un dossier en délai de carence, "
                  "un en recouvrement, agréments partiel, réduit, résilié et refusé, un acheteur en Allemagne.",
                  date(2019, 1, 1))
    c = _contract(ctx, 1, "POL-2019-004512", date(2019, 1, 1), quotite=Decimal("0.90"),
                  minimum_claim_amount=_d(300), deductible=_d(0), dms_deadline_days=30, waiting_period_days=150,
                  payout_delay_days=30, max_credit_term_days=90, territorial_scope="France et Union européenne",
                  advance_indemnification=True, premium_rate=Decimal("0.0021"))
    lefevre = _buyer(ctx, "Bâtiments Lefèvre SAS", siren=siren_from("51234098"), grade=3)
    roussel = _buyer(ctx, "Constructions Roussel SARL", siren=siren_from("52381746"), grade=5)
    giraud = _buyer(ctx, "Charpentes Giraud", siren=siren_from("53490217"), grade=6)
    faure = _buyer(ctx, "Immobilière Faure SA", siren=siren_from("54120983"), grade=7)
    lambert = _buyer(ctx, "Promotion Lambert SAS", siren=siren_from("55067312"), grade=8)
    schneider = _buyer(ctx, "Holzbau Schneider GmbH", foreign_id="HRB 734512", country="DE", grade=3)
    dupuis = _buyer(ctx, "Rénovation Dupuis SARL", siren=siren_from("56712340"), grade=10)
    perrin = _buyer(ctx, "Agencement Perrin", siren=siren_from("57398120"), grade=4)

    _limit(ctx, c, lefevre, [("granted", 40000, 40000, date(2019, 2, 11), None),
                             ("increased", 50000, 50000, date(2022, 5, 3), None)], outstanding=32400)
    _limit(ctx, c, roussel, [("partial", 80000, 30000, date(2020, 9, 14), "limited_financials")], outstanding=41000,
           caps=[("CAP", 30000, date(2020, 9, 15), date(2021, 12, 31))])
    _limit(ctx, c, giraud, [("granted", 40000, 40000, date(2020, 3, 2), None),
                            ("reduced", 40000, 15000, ctx.ago(40), "payment_delays")], outstanding=18000)
    _limit(ctx, c, faure, [("granted", 25000, 25000, date(2021, 6, 1), None),
                           ("cancelled", 25000, 0, ctx.ago(110), "payment_incidents")], outstanding=9800)
    _limit(ctx, c, lambert, [("refused", 20000, 0, ctx.ago(200), "insufficient_information")])
    _limit(ctx, c, schneider, [("granted", 20000, 20000, date(2022, 1, 20), None)], outstanding=6500)
    _limit(ctx, c, dupuis, [("granted", 35000, 35000, date(2019, 6, 10), None),
                            ("cancelled", 35000, 0, date(2021, 3, 3), "insolvency_proceedings")])
    _limit(ctx, c, perrin, [("granted", 10000, 10000, date(2020, 1, 15), None)], outstanding=2750)

    # SIN-2021-000123: insolvency of the buyer, indemnified in 2021; the insurer (subrogated)
    # still recovers from the liquidation and passes on the policyholder's share.
    sin123 = _claim(ctx, c, dupuis, "SIN-2021-000123", cause="insolvency",
                    path=[("declared", date(2021, 3, 15)), ("under_review", date(2021, 3, 22)),
                          ("indemnified", date(2021, 6, 10))],
                    invoices=[("FA-2020-1187", date(2021, 1, 31), "11200.00"),
                              ("FA-2021-0042", date(2021, 2, 15), "7200.00")],
                    admitted="18400.00", indemnified="16560.00", recovered="2300.00",
                    next_step=("recovery_update", ctx.ahead(45)),
                    payments=[("indemnity", "16560.00", date(2021, 6, 10)),
                              ("recovery_share", "230.00", date(2023, 4, 12))])
    # open, waiting period (protracted default), buyer whose limit was then reduced
    due = ctx.ago(110)
    wp = _claim(ctx, c, giraud, _ref(ctx.ago(80), 101), cause="protracted_default",
                path=[("declared", ctx.ago(80)), ("under_review", ctx.ago(76)), ("collection", ctx.ago(70)),
                      ("waiting_period", ctx.ago(20))],
                invoices=[(f"FA-{due.year}-{310 + due.month}", due, "12850.40")], admitted="12850.40",
                next_step=("waiting_period_end", due + timedelta(days=c.waiting_period_days)))
    # open, in collection, buyer whose limit was cancelled afterwards (deliveries made before)
    due = ctx.ago(45)
    coll = _claim(ctx, c, faure, _ref(ctx.ago(25), 102), cause="protracted_default",
                  path=[("declared", ctx.ago(25)), ("under_review", ctx.ago(22)), ("collection", ctx.ago(18))],
                  invoices=[(f"FA-{due.year}-{420 + due.month}", due, "6300.00"),
                            (f"FA-{due.year}-{421 + due.month}", due + timedelta(days=10), "3500.00")],
                  next_step=("collection_update", ctx.ahead(12)))
    # just declared, buyer abroad
    due = ctx.ago(35)
    _claim(ctx, c, schneider, _ref(ctx.ago(4), 103), cause="protracted_default", path=[("declared", ctx.ago(4))],
           invoices=[(f"FA-{due.year}-{530 + due.month}", due, "4120.00")],
           next_step=next_step_after_declaration("protracted_default", due, ctx.ago(4), c.waiting_period_days,
                                                 c.payout_delay_days))
    # closed: the buyer paid during collection
    declared = ctx.ago(430)
    closed = _claim(ctx, c, perrin, _ref(declared, 104), cause="protracted_default",
                    path=[("declared", declared), ("under_review", declared + timedelta(days=3)),
                          ("collection", declared + timedelta(days=8)), ("closed", declared + timedelta(days=52))],
                    invoices=[(f"FA-{declared.year}-0{640 + declared.month}", declared - timedelta(days=28), "2980.00")],
                    recovered="2980.00")
    _fees(ctx, c, rng, turnover=450000,
          extra=[(ctx.ago(18), "collection_flat", 0, coll.id), (ctx.ago(70), "collection_flat", 0, wp.id),
                 (date(2023, 4, 1), "collection_pct", "2300.00", sin123.id),
                 (declared + timedelta(days=52), "collection_pct", "2980.00", closed.id)])


MOREL_BUYERS = [
    # name, siren seed / foreign id, country, grade, requested, granted, decision
    ("Martin Logistique SAS", "61230984", "FR", 4, 60000, 60000, "granted"),
    ("Martin Distribution SARL", "61239871", "FR", 5, 40000, 25000, "partial"),
    ("Garage Martin", "61245560", "FR", 6, 15000, 15000, "granted"),
    ("Entrepôts Bernard SA", "62318420", "FR", 3, 120000, 120000, "granted"),
    ("Primeurs Robert", "62419875", "FR", 7, 20000, 8000, "reduced"),
    ("Groupe Richard Transports", "63510294", "FR", 4, 80000, 80000, "granted"),
    ("Carrières Moreau SAS", "64120876", "FR", 5, 50000, 50000, "granted"),
    ("Brasserie Fournier", "64987123", "FR", 6, 25000, 0, "cancelled"),
    ("Laiterie Girard SA", "65123098", "FR", 3, 70000, 70000, "granted"),
    ("Scierie Bonnet SARL", "65876102", "FR", 8, 30000, 0, "refused"),
    ("Cartonnages Mercier", "66012387", "FR", 4, 35000, 35000, "granted"),
    ("Transportes López SL", "B-84512376", "ES", 5, 30000, 30000, "granted"),
]


def _seed_morel(ctx: _Ctx) -> None:
    rng = random.Random(2002)
    _policyholder(ctx, 2, "Transports Morel & Fils", "42871365", "Julien Morel",
                  "julien.morel@transports-morel.example", "01 99 00 42 87", "pme",
                  "Transporteur : une trentaine de sinistres à toutes les étapes et des deux causes "
                  "(liste paginée), plusieurs acheteurs nommés Martin (choix à préciser).",
                  date(2017, 4, 1))
    c = _contract(ctx, 2, "POL-2017-001876", date(2017, 4, 1), quotite=Decimal("0.85"),
                  minimum_claim_amount=_d(500), deductible=_d(1000), dms_deadline_days=30, waiting_period_days=180,
                  payout_delay_days=30, max_credit_term_days=60, territorial_scope="France et Espagne",
                  advance_indemnification=False, premium_rate=Decimal("0.0028"))
    buyers = []
    for name, ident, country, grade, requested, granted, decision in MOREL_BUYERS:
        if country == "FR":
            b = _buyer(ctx, name, siren=siren_from(ident), grade=grade)
        else:
            b = _buyer(ctx, name, foreign_id=ident, country=country, grade=grade)
        first = date(2017, 5, 2) + timedelta(days=rng.randrange(0, 900))
        if decision in ("granted", "partial", "refused"):
            history = [(decision, requested, granted, first, {"partial": "limited_financials",
                                                               "refused": "high_risk"}.get(decision))]
        else:
            reason = "payment_delays" if decision == "reduced" else "financial_deterioration"
            history = [("granted", requested, requested, first, None),
                       (decision, requested, granted, ctx.ago(rng.randrange(30, 200)), reason)]
        out = 0 if decision == "refused" else int(requested * rng.uniform(0.2, 1.1) / 10) * 10
        buyers.append(b)
        _limit(ctx, c, b, history, outstanding=out)

    stages = ["declared", "under_review", "collection", "waiting_period", "indemnified", "closed", "refused"]
    extra = []
    for i in range(30):
        stage = stages[i % len(stages)]
        cause = "insolvency" if i % 4 == 1 else "protracted_default"
        if cause == "insolvency" and stage in ("collection", "waiting_period"):
            cause = "protracted_default"
        buyer = buyers[(i * 5) % len(buyers)]
        is_open = stage in NEXT_STEP_BY_STAGE
        if is_open:
            declared = ctx.ago({"declared": rng.randrange(1, 8), "under_review": rng.randrange(8, 25),
                                "collection": rng.randrange(20, 70), "waiting_period": rng.randrange(70, 130)}[stage])
        else:
            declared = ctx.ago(rng.randrange(120, 1500))
        due = declared - timedelta(days=rng.randrange(15, 29))
        value = _d(rng.choice((1, 2, 3, 5, 8)) * rng.randrange(1500, 9000) + rng.randrange(0, 100) / 100)
        path = [("declared", declared)]
        day = declared
        route = {"declared": [], "under_review": ["under_review"], "collection": ["under_review", "collection"],
                 "waiting_period": ["under_review", "collection", "waiting_period"],
                 "indemnified": (["under_review", "indemnified"] if cause == "insolvency"
                                 else ["under_review", "collection", "waiting_period", "indemnified"]),
                 "closed": ["under_review", "collection", "closed"], "refused": ["under_review", "refused"]}[stage]
        for s in route:
            step = {"under_review": 3, "collection": 7, "waiting_period": 45, "indemnified": 140 if cause != "insolvency"
                    else 60, "closed": 40, "refused": 21}[s]
            day = min(day + timedelta(days=step), ctx.ago(1)) if is_open else day + timedelta(days=step)
            path.append((s, day))
        admitted = value if stage in ("waiting_period", "indemnified") else None
        indemnified = _d(max(value - c.deductible, 0) * c.quotite) if stage == "indemnified" else 0
        recovered = value if stage == "closed" else (_d(value * Decimal("0.1")) if stage == "indemnified" and i % 2 else 0)
        if is_open:
            if stage == "declared":
                next_step = next_step_after_declaration(cause, due, declared, c.waiting_period_days, c.payout_delay_days)
            elif stage == "waiting_period":
                next_step = ("waiting_period_end", max(due + timedelta(days=c.waiting_period_days), ctx.ahead(5)))
            else:
                next_step = (NEXT_STEP_BY_STAGE[stage], ctx.ahead(rng.randrange(3, 25)))
        else:
            next_step = ("recovery_update", ctx.ahead(rng.randrange(20, 60))) if stage == "indemnified" and i % 2 else None
        payments = [("indemnity", indemnified, path[-1][1])] if stage == "indemnified" else []
        claim = _claim(ctx, c, buyer, _ref(declared, 200 + i), cause=cause, path=path,
                       invoices=[(f"TM-{declared.year}-{1000 + i * 7}", due, value)], admitted=admitted,
                       indemnified=indemnified, recovered=recovered, next_step=next_step, payments=payments,
                       notes={"refused": "not_covered"} if stage == "refused" else None)
        if stage in ("collection", "waiting_period", "closed"):
            extra.append((dict(path)["collection"], "collection_flat", 0, claim.id))
        if recovered:
            extra.append((path[-1][1], "collection_pct", recovered, claim.id))
    _fees(ctx, c, rng, turnover=1200000, extra=extra)


AUBERT_BUYERS = [
    # key, name, identifier, country, grade
    ("rossi", "Farmacia Rossi S.r.l.", "IT02938470156", "IT", 4),
    ("garcia", "Distribuciones Médicas García SL", "B-28374615", "ES", 3),
    ("maroc", "Pharma Maroc SARL", "RC-CASA-384921", "MA", 6),
    ("medisupply", "Medisupply Inc.", "EIN-84-2938471", "US", 3),
    ("healthline", "Healthline Ltd", "CRN-09384712", "GB", 5),
    ("weber", "Klinikbedarf Weber GmbH", "HRB 458812", "DE", 2),
    ("leroy", "Pharmacie Centrale Leroy", "71234580", "FR", 4),
]


def _seed_aubert(ctx: _Ctx) -> None:
    rng = random.Random(3003)
    _policyholder(ctx, 3, "Laboratoires Aubert SA", "43590218", "Sophie Aubert",
                  "sophie.aubert@laboratoires-aubert.example", "01 99 00 43 59", "eti",
                  "Exportateur : acheteurs à l'étranger, compléments publics CAP et CAP Francexport, "
                  "sinistre SIN-2021-000456.", date(2018, 1, 1))
    c = _contract(ctx, 3, "POL-2018-009321", date(2018, 1, 1), quotite=Decimal("0.90"),
                  minimum_claim_amount=_d(1000), deductible=_d(0), dms_deadline_days=30, waiting_period_days=180,
                  payout_delay_days=30, max_credit_term_days=180,
                  territorial_scope="Monde, hors pays sous sanctions", advance_indemnification=False,
                  premium_rate=Decimal("0.0035"))
    b = {}
    for key, name, ident, country, grade in AUBERT_BUYERS:
        if country == "FR":
            b[key] = _buyer(ctx, name, siren=siren_from(ident), grade=grade)
        else:
            b[key] = _buyer(ctx, name, foreign_id=ident, country=country, grade=grade)
    _limit(ctx, c, b["rossi"], [("partial", 600000, 200000, date(2021, 1, 18), "country_exposure")], outstanding=240000,
           caps=[("CAP Francexport", 400000, date(2021, 1, 20), date(2021, 12, 31))])
    _limit(ctx, c, b["garcia"], [("granted", 150000, 150000, date(2019, 3, 4), None)], outstanding=98000)
    _limit(ctx, c, b["maroc"], [("refused", 150000, 0, date(2020, 6, 22), "high_risk")],
           caps=[("CAP+ Francexport", 150000, date(2020, 7, 1), date(2021, 6, 30))])
    _limit(ctx, c, b["medisupply"], [("granted", 250000, 250000, date(2019, 9, 9), None)], outstanding=187500)
    _limit(ctx, c, b["healthline"], [("granted", 90000, 90000, date(2020, 2, 3), None),
                                     ("reduced", 90000, 45000, ctx.ago(75), "financial_deterioration")],
           outstanding=52000)
    _limit(ctx, c, b["weber"], [("granted", 120000, 120000, date(2018, 4, 16), None)], outstanding=64000,
           caps=[("Cap Relais", 120000, date(2020, 4, 1), date(2021, 6, 30))])
    _limit(ctx, c, b["leroy"], [("partial", 100000, 50000, date(2020, 5, 12), "limited_financials")],
           outstanding=57000, caps=[("CAP", 50000, date(2020, 6, 1), date(2020, 12, 31))])

    sin456 = _claim(ctx, c, b["rossi"], "SIN-2021-000456", cause="protracted_default",
                    path=[("declared", date(2021, 5, 20)), ("under_review", date(2021, 5, 25)),
                          ("collection", date(2021, 6, 1)), ("waiting_period", date(2021, 7, 20)),
                          ("indemnified", date(2021, 11, 5))],
                    invoices=[("LA-2021-0331", date(2021, 4, 20), "86500.00")], admitted="86500.00",
                    indemnified="77850.00", payments=[("indemnity", "77850.00", date(2021, 11, 5))])
    declared = ctx.ago(12)
    due = declared - timedelta(days=26)
    review = _claim(ctx, c, b["medisupply"], _ref(declared, 401), cause="protracted_default",
                    path=[("declared", declared), ("under_review", ctx.ago(9))],
                    invoices=[(f"LA-{due.year}-{700 + due.month}", due, "23840.00")],
                    next_step=("review_end", ctx.ahead(6)))
    declared = ctx.ago(260)
    _claim(ctx, c, b["healthline"], _ref(declared, 402), cause="protracted_default",
           path=[("declared", declared), ("under_review", declared + timedelta(days=4)),
                 ("refused", declared + timedelta(days=30))],
           invoices=[(f"LA-{declared.year}-{800 + declared.month}", declared - timedelta(days=95), "14200.00")],
           notes={"declared": "declared_late", "refused": "declared_late"})
    declared = ctx.ago(150)
    due = declared - timedelta(days=20)
    _claim(ctx, c, b["garcia"], _ref(declared, 403), cause="insolvency",
           path=[("declared", declared), ("under_review", declared + timedelta(days=5))],
           invoices=[(f"LA-{due.year}-{900 + due.month}", due, "31250.00")],
           next_step=("indemnity_decision", ctx.ahead(20)))
    del review
    _fees(ctx, c, rng, turnover=2600000,
          extra=[(date(2021, 6, 1), "collection_flat", 0, sin456.id)])


def _seed_petit(ctx: _Ctx) -> None:
    start = ctx.ago(20)
    _policyholder(ctx, 4, "Boulangerie Petit", "44628107", "Marc Petit", "marc.petit@boulangerie-petit.example",
                  "01 99 00 44 62", "tpe",
                  "Nouveau client : un contrat tout juste signé, deux agréments, aucun sinistre ni relevé de frais.",
                  start)
    c = _contract(ctx, 4, f"POL-{start.year}-012408", start, quotite=Decimal("0.90"),
                  minimum_claim_amount=_d(300), deductible=_d(0), dms_deadline_days=30, waiting_period_days=150,
                  payout_delay_days=30, max_credit_term_days=60, territorial_scope="France",
                  advance_indemnification=False, premium_rate=Decimal("0.0030"))
    hotel = _buyer(ctx, "Hôtel du Port SAS", siren=siren_from("81234567"), grade=4)
    epicerie = _buyer(ctx, "Épicerie fine Chevalier", siren=siren_from("81298745"), grade=5)
    _limit(ctx, c, hotel, [("granted", 5000, 5000, start + timedelta(days=2), None)], outstanding=0)
    _limit(ctx, c, epicerie, [("partial", 5000, 3000, start + timedelta(days=2), "recent_company")], outstanding=0)


def _delete_demo(session: Session) -> None:
    ids = list(DEMO_IDS)
    claim_ids = select(Claim.id).where(Claim.policyholder_id.in_(ids)).scalar_subquery()
    limit_ids = select(CreditLimit.id).where(CreditLimit.policyholder_id.in_(ids)).scalar_subquery()
    for stmt in (
        delete(AuditEntry).where(AuditEntry.policyholder_id.in_(ids)),
        delete(Complaint).where(Complaint.policyholder_id.in_(ids)),
        delete(CsatAnswer).where(CsatAnswer.policyholder_id.in_(ids)),
        delete(LimitIncreaseRequest).where(LimitIncreaseRequest.policyholder_id.in_(ids)),
        delete(CapCover).where(CapCover.policyholder_id.in_(ids)),
        delete(FeeLine).where(FeeLine.policyholder_id.in_(ids)),
        delete(Payment).where(Payment.claim_id.in_(claim_ids)),
        delete(ClaimStageEvent).where(ClaimStageEvent.claim_id.in_(claim_ids)),
        delete(Invoice).where(Invoice.policyholder_id.in_(ids)),
        delete(Claim).where(Claim.policyholder_id.in_(ids)),
        delete(CreditLimitDecision).where(CreditLimitDecision.limit_id.in_(limit_ids)),
        delete(CreditLimit).where(CreditLimit.policyholder_id.in_(ids)),
        delete(Contract).where(Contract.policyholder_id.in_(ids)),
        delete(User).where(User.policyholder_id.in_(ids)),
        delete(Policyholder).where(Policyholder.id.in_(ids)),
    ):
        session.execute(stmt.execution_options(synchronize_session=False))


def _bump_sequences(session: Session, tables: Iterable[str]) -> None:
    """PostgreSQL: move id sequences past explicit ids (and past the reserved demo range)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), {RESERVED_IDS}))"))


def seed_demo(engine: Engine, as_of: Optional[date] = None) -> None:
    """(Re)create the four demo companies (ids 1..4) in one transaction."""
    as_of = as_of or date.today()
    with session_scope(engine) as session:
        _delete_demo(session)
        session.flush()
        ctx = _Ctx(session=session, as_of=as_of, buyers={})
        _seed_durand(ctx)
        _seed_morel(ctx)
        _seed_aubert(ctx)
        _seed_petit(ctx)
        session.flush()
        _bump_sequences(session, ("policyholders", "users"))


# ==================================================================================================
# Bulk synthetic data
# ==================================================================================================

SYN_CLAIMS_PER_POLICYHOLDER = 50
SYN_LIMITS_PER_POLICYHOLDER = 8
# cumulative stage distribution out of 100
_STAGE_TABLE = (["declared"] * 4 + ["under_review"] * 8 + ["collection"] * 12 + ["waiting_period"] * 10
                + ["indemnified"] * 36 + ["closed"] * 20 + ["refused"] * 10)
_ROUTES = {
    ("declared", "protracted_default"): ("declared",),
    ("under_review", "protracted_default"): ("declared", "under_review"),
    ("collection", "protracted_default"): ("declared", "under_review", "collection"),
    ("waiting_period", "protracted_default"): ("declared", "under_review", "collection", "waiting_period"),
    ("indemnified", "protracted_default"): ("declared", "under_review", "collection", "waiting_period", "indemnified"),
    ("closed", "protracted_default"): ("declared", "under_review", "collection", "closed"),
    ("refused", "protracted_default"): ("declared", "under_review", "refused"),
    ("declared", "insolvency"): ("declared",),
    ("under_review", "insolvency"): ("declared", "under_review"),
    ("collection", "insolvency"): ("declared", "under_review", "collection"),
    ("waiting_period", "insolvency"): ("declared", "under_review", "collection", "waiting_period"),
    ("indemnified", "insolvency"): ("declared", "under_review", "indemnified"),
    ("closed", "insolvency"): ("declared", "under_review", "closed"),
    ("refused", "insolvency"): ("declared", "under_review", "refused"),
}
_GAPS = {"declared": 0, "under_review": 3, "collection": 6, "waiting_period": 40, "indemnified": 140, "closed": 35,
         "refused": 20}
_SYL = ("ber", "mar", "lan", "ro", "vil", "ta", "mon", "del", "ga", "ri", "sau", "lin", "cha", "pel", "fon", "tes",
        "dur", "ven", "bou", "gne", "lac", "mer", "pi", "quet", "sol", "tri", "vau", "zan")
_TRADES = ("Transports", "Bâtiment", "Menuiserie", "Garage", "Boulangerie", "Imprimerie", "Plomberie", "Négoce",
           "Distribution", "Électricité", "Charpente", "Laboratoire", "Épicerie", "Textiles", "Fonderie", "Agence")
_FORMS = ("SAS", "SARL", "SA", "EURL", "", "SNC")


@dataclass
class BulkStats:
    claims: int
    policyholders: int
    buyers: int
    seconds: float
    backend: str


def _syn_name(rng: random.Random) -> str:
    family = "".join(rng.choice(_SYL) for _ in range(rng.choice((2, 2, 3)))).capitalize()
    form = rng.choice(_FORMS)
    return f"{rng.choice(_TRADES)} {family}" + (f" {form}" if form else "")


class _Writer:
    """Rows to the database: COPY (PostgreSQL, in a background thread so generation and loading
    overlap) or executemany (SQLite). Values are str, int or None; dates as ISO strings."""

    def __init__(self, connection, backend: str):
        self.connection = connection  # DBAPI connection
        self.backend = backend
        self.queue: "Queue" = Queue(maxsize=2)
        self.error: Optional[BaseException] = None
        self.thread = None
        if backend == "postgresql":
            self.thread = threading.Thread(target=self._run, daemon=True)
            self.thread.start()

    def _run(self) -> None:
        cursor = self.connection.cursor()
        while True:
            job = self.queue.get()
            if job is None:
                break
            if self.error is not None:
                continue
            table, columns, payload = job
            try:
                cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", io.StringIO(payload))
            except BaseException as exc:  # pragma: no cover - surfaced in close()
                self.error = exc
        cursor.close()

    def write(self, table: str, columns: Sequence[str], rows: List[tuple]) -> None:
        if not rows:
            return
        if self.backend == "postgresql":
            payload = "\n".join("\t".join("\\N" if v is None else str(v) for v in row) for row in rows) + "\n"
            if self.error is not None:
                raise self.error
            self.queue.put((table, columns, payload))
        else:
            cursor = self.connection.cursor()
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})", rows)
            cursor.close()

    def close(self) -> None:
        if self.thread is not None:
            self.queue.put(None)
            self.thread.join()
        if self.error is not None:
            raise self.error


CLAIM_COLUMNS = ("id", "ref", "policyholder_id", "contract_id", "buyer_id", "cause", "stage", "declared_on",
                 "due_date", "currency", "amount_declared", "amount_admitted", "amount_recovered",
                 "amount_indemnified", "next_step_code", "next_step_date", "idempotency_key", "closed_on",
                 "created_at", "updated_at")


BULK_TABLES = ("credit_limits", "credit_limit_decisions", "fee_lines", "claims", "invoices", "claim_stage_history",
               "payments")
DEFER_FROM = 20000  # PostgreSQL: from this many claims, build indexes and check keys after loading


def _pg_deferred_ddl(tables: Sequence[str]) -> Tuple[List[str], List[str]]:
    """(drop, recreate) DDL of the secondary indexes, unique and foreign-key constraints of
    ``tables``, taken from the models (so identical to the migration). Loading first and building
    indexes / checking keys once afterwards is several times faster than row by row."""
    from sqlalchemy import ForeignKeyConstraint, UniqueConstraint
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.schema import AddConstraint, CreateIndex

    dialect = postgresql.dialect()
    drop_fk, drop_other, create_other, create_fk = [], [], [], []
    for name in tables:
        table = metadata.tables[name]
        for constraint in sorted(table.constraints, key=lambda c: str(c.name)):
            if isinstance(constraint, ForeignKeyConstraint):
                drop_fk.append(f'ALTER TABLE {name} DROP CONSTRAINT "{constraint.name}"')
                create_fk.append(str(AddConstraint(constraint).compile(dialect=dialect)))
            elif isinstance(constraint, UniqueConstraint):
                drop_other.append(f'ALTER TABLE {name} DROP CONSTRAINT "{constraint.name}"')
                create_other.append(str(AddConstraint(constraint).compile(dialect=dialect)))
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            drop_other.append(f'DROP INDEX "{index.name}"')
            create_other.append(str(CreateIndex(index).compile(dialect=dialect)))
    return drop_fk + drop_other, create_other + create_fk


def _max_id(session: Session, model) -> int:
    return session.execute(select(func.coalesce(func.max(model.id), 0))).scalar_one()


def seed_bulk(engine: Engine, n_claims: int, as_of: Optional[date] = None, seed: int = 7,
              progress: bool = True, chunk: int = 50000) -> BulkStats:
    """Add ``n_claims`` synthetic claims over new synthetic policyholders (bulk inserts)."""
    from tqdm import tqdm

    started = time.perf_counter()
    as_of = as_of or date.today()
    backend = engine.dialect.name
    rng = random.Random(seed)
    n_ph = max(1, -(-n_claims // SYN_CLAIMS_PER_POLICYHOLDER))
    n_buyers = max(SYN_LIMITS_PER_POLICYHOLDER * 4, n_claims // 20)
    is_pg = backend == "postgresql"
    true, false = ("t", "f") if is_pg else (1, 0)
    ts = (lambda d: d + " 09:00:00+00") if is_pg else (lambda d: d + " 09:00:00.000000")

    # day offsets -> ISO strings / years, precomputed (index = days before as_of; negative = ahead)
    span = 2200
    iso = {k: (as_of - timedelta(days=k)).isoformat() for k in range(-400, span)}
    years = {k: int(iso[k][:4]) for k in iso}

    with session_scope(engine) as session:
        ph0 = max(_max_id(session, Policyholder), RESERVED_IDS) + 1
        user0 = max(_max_id(session, User), RESERVED_IDS) + 1
        contract0 = _max_id(session, Contract) + 1
        buyer0 = _max_id(session, Buyer) + 1
        limit0 = _max_id(session, CreditLimit) + 1
        decision0 = _max_id(session, CreditLimitDecision) + 1
        claim0 = _max_id(session, Claim) + 1
        event0 = _max_id(session, ClaimStageEvent) + 1
        invoice0 = _max_id(session, Invoice) + 1
        payment0 = _max_id(session, Payment) + 1
        fee0 = _max_id(session, FeeLine) + 1
        counters = {y: n for y, n in session.execute(select(RefCounter.year, RefCounter.last_number))}

    bar = tqdm(total=n_claims, unit="claim", disable=not progress, desc="synthetic claims", mininterval=0.5)
    raw = engine.raw_connection()
    try:
        dbapi = getattr(raw, "dbapi_connection", None) or raw.connection
        deferred: List[str] = []
        if is_pg:
            cur = dbapi.cursor()
            cur.execute("SET synchronous_commit TO off")
            cur.execute("SET maintenance_work_mem TO '256MB'")
            if n_claims >= DEFER_FROM:
                drop, deferred = _pg_deferred_ddl(BULK_TABLES)
                for statement in drop:
                    cur.execute(statement)
            cur.close()
        else:
            dbapi.execute("BEGIN")
        writer = _Writer(dbapi, backend)

        # -- policyholders, users, contracts, buyers, limits -------------------------------------
        ph_rows, user_rows, contract_rows = [], [], []
        contracts = []  # (ph_id, contract_id, waiting, payout, [buyer ids])
        for k in range(n_ph):
            pid, cid = ph0 + k, contract0 + k
            name = _syn_name(rng)
            ph_rows.append((pid, name, f"8{pid:08d}", "Contact synthétique", f"contact{pid}@synthetic.example",
                            "01 99 00 00 00", rng.choice(("tpe", "pme", "pme", "eti")), false, None,
                            ts(iso[1500])))
            user_rows.append((user0 + k, pid, f"user{pid}@synthetic.example", f"Utilisateur {pid}", None,
                              "gérant", true, ts(iso[1500])))
            waiting, payout = rng.choice((150, 180)), 30
            contract_rows.append((cid, pid, f"POL-SYN-{pid:08d}", iso[1800], iso[-365], "0.900000", "300.00",
                                  "0.00", 30, waiting, payout, rng.choice((60, 90, 120)), "France", false,
                                  "0.002500", "EUR"))
            contracts.append((pid, cid, waiting, payout,
                              rng.sample(range(buyer0, buyer0 + n_buyers), SYN_LIMITS_PER_POLICYHOLDER)))
        writer.write("policyholders", ("id", "name", "siren", "contact_name", "contact_email", "contact_phone",
                                       "segment", "is_demo", "demo_note", "created_at"), ph_rows)
        writer.write("users", ("id", "policyholder_id", "email", "full_name", "phone", "role", "active",
                               "created_at"), user_rows)
        writer.write("contracts", ("id", "policyholder_id", "number", "start_date", "end_date", "quotite",
                                   "minimum_claim_amount", "deductible", "dms_deadline_days", "waiting_period_days",
                                   "payout_delay_days", "max_credit_term_days", "territorial_scope",
                                   "advance_indemnification", "premium_rate", "currency"), contract_rows)
        del ph_rows, user_rows, contract_rows
        buyer_rows = []
        for k in range(n_buyers):
            bid = buyer0 + k
            name = _syn_name(rng)
            buyer_rows.append((bid, name, names.name_key(name), f"9{bid:08d}", None, "FR", rng.randint(1, 9)))
        writer.write("buyers", ("id", "name", "name_key", "siren", "foreign_id", "country", "risk_grade"), buyer_rows)
        del buyer_rows
        limit_rows, decision_rows, fee_rows = [], [], []
        lid, did, fid = limit0, decision0, fee0
        quarters = [(s.isoformat(), e.isoformat(), (e + timedelta(days=15)).isoformat(),
                     f"REL-{e.year}-T{(e.month - 1) // 3 + 1}") for s, e in last_quarters(as_of, 4)]
        for pid, cid, _w, _p, buyer_ids in contracts:
            for bid in buyer_ids:
                requested = rng.choice((10, 20, 30, 50, 80, 100)) * 1000
                roll = rng.random()
                status, granted = ("granted", requested) if roll < 0.75 else \
                    ("partial", requested // 2) if roll < 0.85 else ("reduced", requested // 3) if roll < 0.93 else \
                    ("cancelled", 0) if roll < 0.97 else ("refused", 0)
                decided = iso[rng.randrange(30, 1500)]
                reason = None if status == "granted" else "financial_deterioration"
                limit_rows.append((lid, pid, cid, bid, status, f"{requested}.00", f"{granted}.00", decided, reason,
                                   f"{int(requested * rng.random())}.00", iso[30]))
                decision_rows.append((did, lid, "granted" if status in ("reduced", "cancelled") else status,
                                      f"{requested}.00", f"{requested if status in ('reduced', 'cancelled') else granted}.00",
                                      iso[1600], None if status in ("reduced", "cancelled") else reason))
                did += 1
                if status in ("reduced", "cancelled"):
                    decision_rows.append((did, lid, status, f"{requested}.00", f"{granted}.00", decided, reason))
                    did += 1
                lid += 1
            for start, end, stated, ref in quarters:
                basis = rng.randrange(100000, 3000000)
                fee_rows.append((fid, pid, cid, "premium", ref, stated, start, end,
                                 f"{basis * 25 // 10000}.{(basis * 25 // 100) % 100:02d}", f"{basis}.00", "0.002500",
                                 None, None, None))
                fee_rows.append((fid + 1, pid, cid, "monitoring", ref, stated, start, end,
                                 f"{15 * SYN_LIMITS_PER_POLICYHOLDER}.00", None, None, SYN_LIMITS_PER_POLICYHOLDER,
                                 "15.00", None))
                fid += 2
        writer.write("credit_limits", ("id", "policyholder_id", "contract_id", "buyer_id", "status",
                                       "requested_amount", "amount", "decided_on", "reason_code",
                                       "outstanding_amount", "outstanding_as_of"), limit_rows)
        writer.write("credit_limit_decisions", ("id", "limit_id", "decision", "requested_amount", "granted_amount",
                                                "decision_date", "reason_code"), decision_rows)
        writer.write("fee_lines", ("id", "policyholder_id", "contract_id", "kind", "statement_ref", "statement_date",
                                   "period_start", "period_end", "amount", "basis", "rate", "quantity", "unit_amount",
                                   "claim_id"), fee_rows)
        del limit_rows, decision_rows, fee_rows

        # -- claims ------------------------------------------------------------------------------
        cid_claim, eid, iid, pay_id = claim0, event0, invoice0, payment0
        next_number: Dict[int, int] = {}
        stage_table = _STAGE_TABLE
        routes, gaps = _ROUTES, _GAPS
        randrange, random_ = rng.randrange, rng.random
        n_contracts = len(contracts)
        done = 0
        while done < n_claims:
            size = min(chunk, n_claims - done)
            claim_rows, event_rows, invoice_rows, payment_rows = [], [], [], []
            for _ in range(size):
                pid, cid, waiting, payout, buyer_ids = contracts[randrange(n_contracts)]
                bid = buyer_ids[randrange(SYN_LIMITS_PER_POLICYHOLDER)]
                stage = stage_table[randrange(100)]
                cause = "insolvency" if random_() < 0.2 else "protracted_default"
                if stage == "declared":
                    d = randrange(1, 10)
                elif stage == "under_review":
                    d = randrange(5, 30)
                elif stage == "collection":
                    d = randrange(15, 90)
                elif stage == "waiting_period":
                    d = randrange(60, 140)
                else:
                    d = randrange(200, 2000)
                due = d + randrange(15, 45)
                year = years[d]
                number = next_number.get(year)
                if number is None:
                    number = max(counters.get(year, 0), FIRST_NUMBER - 1) + 1
                if number > 999999:
                    raise RuntimeError(f"too many synthetic claims declared in {year}")
                next_number[year] = number + 1
                cents = randrange(30000, 2500000) if random_() < 0.9 else randrange(2500000, 25000000)
                amount = f"{cents // 100}.{cents % 100:02d}"
                recovered = indemnified = "0.00"
                admitted = None
                closed_on = next_code = next_day = None
                route = routes[(stage, cause)]
                day = d
                for s in route:
                    day = day - gaps[s] if day - gaps[s] > 0 else (day if stage in ("declared", "under_review",
                                                                               "collection", "waiting_period") else 0)
                    event_rows.append((eid, cid_claim, s, iso[day], None))
                    eid += 1
                if stage == "declared":
                    next_code, next_day = ("waiting_period_end", iso[due - waiting]) \
                        if cause == "protracted_default" else ("indemnity_decision", iso[d - payout])
                elif stage == "under_review":
                    next_code, next_day = "review_end", iso[-randrange(2, 15)]
                elif stage == "collection":
                    next_code, next_day = "collection_update", iso[-randrange(3, 30)]
                elif stage == "waiting_period":
                    admitted = amount
                    next_code, next_day = "waiting_period_end", iso[min(due - waiting, -5)]
                elif stage == "indemnified":
                    admitted = amount
                    indemnified = f"{cents * 9 // 1000}.{(cents * 9 // 10) % 100:02d}"
                    closed_on = iso[day]
                    payment_rows.append((pay_id, cid_claim, "indemnity", indemnified, iso[day], None))
                    pay_id += 1
                    if random_() < 0.3:
                        recovered = f"{cents // 500}.00"
                        next_code, next_day = "recovery_update", iso[-randrange(10, 90)]
                elif stage == "closed":
                    recovered = amount
                    closed_on = iso[day]
                else:
                    closed_on = iso[day]
                stamp = ts(iso[d])
                claim_rows.append((cid_claim, f"SIN-{year}-{number:06d}", pid, cid, bid, cause, stage, iso[d],
                                   iso[due], "EUR", amount, admitted, recovered, indemnified, next_code, next_day,
                                   None, closed_on, stamp, ts(iso[day])))
                invoice_rows.append((iid, pid, cid, bid, cid_claim, f"F{cid_claim}", iso[due + 60], iso[due], amount,
                                     "EUR"))
                iid += 1
                cid_claim += 1
            writer.write("claims", CLAIM_COLUMNS, claim_rows)
            writer.write("invoices", ("id", "policyholder_id", "contract_id", "buyer_id", "claim_id", "number",
                                      "issue_date", "due_date", "amount", "currency"), invoice_rows)
            writer.write("claim_stage_history", ("id", "claim_id", "stage", "entered_on", "note_code"), event_rows)
            writer.write("payments", ("id", "claim_id", "kind", "amount", "paid_on", "reference"), payment_rows)
            done += size
            bar.update(size)
        writer.close()
        bar.close()

        # -- indexes and keys, counters, sequences, statistics ---------------------------------------
        cur = dbapi.cursor()
        if deferred:
            for statement in tqdm(deferred, desc="indexes and keys", unit="ddl", disable=not progress):
                cur.execute(statement)
        for year, following in next_number.items():
            last = following - 1
            if year in counters:
                cur.execute(("UPDATE ref_counters SET last_number = %s WHERE year = %s AND last_number < %s" if is_pg
                             else "UPDATE ref_counters SET last_number = ? WHERE year = ? AND last_number < ?"),
                            (last, year, last))
            else:
                cur.execute(("INSERT INTO ref_counters (year, last_number) VALUES (%s, %s)" if is_pg
                             else "INSERT INTO ref_counters (year, last_number) VALUES (?, ?)"), (year, last))
        if is_pg:
            for table in ("policyholders", "users", "contracts", "buyers", "credit_limits", "credit_limit_decisions",
                          "claims", "claim_stage_history", "invoices", "payments", "fee_lines"):
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), {RESERVED_IDS}))")
        cur.close()
        dbapi.commit()
        if is_pg:
            old = dbapi.autocommit
            dbapi.autocommit = True
            cur = dbapi.cursor()
            cur.execute("ANALYZE")
            cur.close()
            dbapi.autocommit = old
        else:
            dbapi.execute("ANALYZE")
    except BaseException:
        try:
            dbapi.rollback()
        finally:
            raise
    finally:
        raw.close()
    return BulkStats(claims=n_claims, policyholders=n_ph, buyers=n_buyers,
                     seconds=time.perf_counter() - started, backend=backend)


# ==================================================================================================
# CLI
# ==================================================================================================

def _parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value}") from exc


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.store.seed", description=__doc__.split("\n\n")[0])
    parser.add_argument("--demo", action="store_true", help="(re)create the four demo companies (default)")
    parser.add_argument("--claims", type=int, default=0, metavar="N", help="add N synthetic claims (bulk)")
    parser.add_argument("--as-of", type=_parse_date, default=None, help="reference date (default: today)")
    parser.add_argument("--database-url", default=None, help="default: DATABASE_URL / bot.settings")
    parser.add_argument("--seed", type=int, default=7, help="random seed of the synthetic data")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    if args.claims < 0:
        parser.error("--claims must be >= 0")
    url = args.database_url
    if not url:
        from bot.settings import get_settings

        url = get_settings().database_url
    migrate(url)
    engine = get_engine(url)
    if args.demo or not args.claims:
        seed_demo(engine, args.as_of)
        print(f"demo data written (as of {(args.as_of or date.today()).isoformat()})", file=sys.stderr)
    if args.claims:
        stats = seed_bulk(engine, args.claims, args.as_of, seed=args.seed, progress=not args.no_progress)
        print(f"{stats.claims} synthetic claims over {stats.policyholders} policyholders "
              f"in {stats.seconds:.1f} s ({stats.backend})", file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
