"""``--claims N``: add N synthetic claims over new synthetic policyholders (bulk inserts)."""
from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Dict, List, Optional

from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.store import names
from bot.store.db import session_scope
from bot.store.models import (
    Buyer,
    Claim,
    ClaimStageEvent,
    Contract,
    CreditLimit,
    CreditLimitDecision,
    FeeLine,
    Invoice,
    Payment,
    Policyholder,
    RefCounter,
    User,
)
from bot.store.queries import FIRST_NUMBER
from bot.store.seed.common import RESERVED_IDS, last_quarters
from bot.store.seed.data import (
    SYN_CLAIMS_PER_POLICYHOLDER, SYN_LIMITS_PER_POLICYHOLDER, GAPS, ROUTES, STAGE_TABLE, synthetic_name,
)
from bot.store.seed.loader import BULK_TABLES, CLAIM_COLUMNS, DEFER_FROM, BulkWriter, max_id, pg_deferred_ddl


@dataclass
class BulkStats:
    claims: int
    policyholders: int
    buyers: int
    seconds: float
    backend: str


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
        ph0 = max(max_id(session, Policyholder), RESERVED_IDS) + 1
        user0 = max(max_id(session, User), RESERVED_IDS) + 1
        contract0 = max_id(session, Contract) + 1
        buyer0 = max_id(session, Buyer) + 1
        limit0 = max_id(session, CreditLimit) + 1
        decision0 = max_id(session, CreditLimitDecision) + 1
        claim0 = max_id(session, Claim) + 1
        event0 = max_id(session, ClaimStageEvent) + 1
        invoice0 = max_id(session, Invoice) + 1
        payment0 = max_id(session, Payment) + 1
        fee0 = max_id(session, FeeLine) + 1
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
                drop, deferred = pg_deferred_ddl(BULK_TABLES)
                for statement in drop:
                    cur.execute(statement)
            cur.close()
        else:
            dbapi.execute("BEGIN")
        writer = BulkWriter(dbapi, backend)

        # -- policyholders, users, contracts, buyers, limits -------------------------------------
        ph_rows, user_rows, contract_rows = [], [], []
        contracts = []  # (ph_id, contract_id, waiting, payout, [buyer ids])
        for k in range(n_ph):
            pid, cid = ph0 + k, contract0 + k
            name = synthetic_name(rng)
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
            name = synthetic_name(rng)
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
        stage_table = STAGE_TABLE
        routes, gaps = ROUTES, GAPS
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
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 (table names from the models)
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
    except BaseException:  # noqa: BLE001 (rolled back, then re-raised)
        try:
            dbapi.rollback()
        finally:
            raise
    finally:
        raw.close()
    return BulkStats(claims=n_claims, policyholders=n_ph, buyers=n_buyers,
                     seconds=time.perf_counter() - started, backend=backend)
