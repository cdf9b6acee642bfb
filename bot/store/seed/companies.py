"""The four demo companies (ids 1..4), one function each: see docs/store.md."""
from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from bot.indemnity import indemnity_amount
from bot.store.queries import next_step_after_declaration
from bot.store.seed.common import cents, siren_from
from bot.store.seed.build import (
    NEXT_STEP_BY_STAGE, SeedContext, add_buyer, add_claim, add_contract, add_fees, add_limit, add_policyholder,
    demo_claim_ref,
)


def seed_durand(ctx: SeedContext) -> None:
    rng = random.Random(1001)
    add_policyholder(ctx, 1, "Menuiserie Durand SARL", "41235678", "Claire Durand",
                     "claire.durand@menuiserie-durand.example", "01 99 00 41 23", "pme",
                     "PME : sinistre SIN-2021-000123 indemnisé (recouvrement en cours), un dossier en délai de "
                     "carence, un en recouvrement, agréments partiel, réduit, résilié et refusé, un acheteur en "
                     "Allemagne.",
                     date(2019, 1, 1))
    c = add_contract(ctx, 1, "POL-2019-004512", date(2019, 1, 1), quotite=Decimal("0.90"),
                     minimum_claim_amount=cents(300), deductible=cents(0), dms_deadline_days=30,
                     waiting_period_days=150, payout_delay_days=30, max_credit_term_days=90,
                     territorial_scope="France et Union européenne",
                     advance_indemnification=True, premium_rate=Decimal("0.0021"))
    lefevre = add_buyer(ctx, "Bâtiments Lefèvre SAS", siren=siren_from("51234098"), grade=3)
    roussel = add_buyer(ctx, "Constructions Roussel SARL", siren=siren_from("52381746"), grade=5)
    giraud = add_buyer(ctx, "Charpentes Giraud", siren=siren_from("53490217"), grade=6)
    faure = add_buyer(ctx, "Immobilière Faure SA", siren=siren_from("54120983"), grade=7)
    lambert = add_buyer(ctx, "Promotion Lambert SAS", siren=siren_from("55067312"), grade=8)
    schneider = add_buyer(ctx, "Holzbau Schneider GmbH", foreign_id="HRB 734512", country="DE", grade=3)
    dupuis = add_buyer(ctx, "Rénovation Dupuis SARL", siren=siren_from("56712340"), grade=10)
    perrin = add_buyer(ctx, "Agencement Perrin", siren=siren_from("57398120"), grade=4)

    add_limit(ctx, c, lefevre, [("granted", 40000, 40000, date(2019, 2, 11), None),
                                ("increased", 50000, 50000, date(2022, 5, 3), None)], outstanding=32400)
    add_limit(ctx, c, roussel, [("partial", 80000, 30000, date(2020, 9, 14), "limited_financials")], outstanding=41000,
              caps=[("CAP", 30000, date(2020, 9, 15), date(2021, 12, 31))])
    add_limit(ctx, c, giraud, [("granted", 40000, 40000, date(2020, 3, 2), None),
                               ("reduced", 40000, 15000, ctx.ago(40), "payment_delays")], outstanding=18000)
    add_limit(ctx, c, faure, [("granted", 25000, 25000, date(2021, 6, 1), None),
                              ("cancelled", 25000, 0, ctx.ago(110), "payment_incidents")], outstanding=9800)
    add_limit(ctx, c, lambert, [("refused", 20000, 0, ctx.ago(200), "insufficient_information")])
    add_limit(ctx, c, schneider, [("granted", 20000, 20000, date(2022, 1, 20), None)], outstanding=6500)
    add_limit(ctx, c, dupuis, [("granted", 35000, 35000, date(2019, 6, 10), None),
                               ("cancelled", 35000, 0, date(2021, 3, 3), "insolvency_proceedings")])
    add_limit(ctx, c, perrin, [("granted", 10000, 10000, date(2020, 1, 15), None)], outstanding=2750)

    # SIN-2021-000123: insolvency of the buyer, indemnified in 2021; the insurer (subrogated)
    # still recovers from the liquidation and passes on the policyholder's share.
    sin123 = add_claim(ctx, c, dupuis, "SIN-2021-000123", cause="insolvency",
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
    wp = add_claim(ctx, c, giraud, demo_claim_ref(ctx.ago(80), 101), cause="protracted_default",
                   path=[("declared", ctx.ago(80)), ("under_review", ctx.ago(76)), ("collection", ctx.ago(70)),
                         ("waiting_period", ctx.ago(20))],
                   invoices=[(f"FA-{due.year}-{310 + due.month}", due, "12850.40")], admitted="12850.40",
                   next_step=("waiting_period_end", due + timedelta(days=c.waiting_period_days)))
    # open, in collection, buyer whose limit was cancelled afterwards (deliveries made before)
    due = ctx.ago(45)
    coll = add_claim(ctx, c, faure, demo_claim_ref(ctx.ago(25), 102), cause="protracted_default",
                     path=[("declared", ctx.ago(25)), ("under_review", ctx.ago(22)), ("collection", ctx.ago(18))],
                     invoices=[(f"FA-{due.year}-{420 + due.month}", due, "6300.00"),
                               (f"FA-{due.year}-{421 + due.month}", due + timedelta(days=10), "3500.00")],
                     next_step=("collection_update", ctx.ahead(12)))
    # just declared, buyer abroad
    due = ctx.ago(35)
    add_claim(ctx, c, schneider, demo_claim_ref(ctx.ago(4), 103), cause="protracted_default",
              path=[("declared", ctx.ago(4))], invoices=[(f"FA-{due.year}-{530 + due.month}", due, "4120.00")],
              next_step=next_step_after_declaration("protracted_default", due, ctx.ago(4), c.waiting_period_days,
                                                    c.payout_delay_days))
    # closed: the buyer paid during collection
    declared = ctx.ago(430)
    closed = add_claim(ctx, c, perrin, demo_claim_ref(declared, 104), cause="protracted_default",
                       path=[("declared", declared), ("under_review", declared + timedelta(days=3)),
                             ("collection", declared + timedelta(days=8)), ("closed", declared + timedelta(days=52))],
                       invoices=[(f"FA-{declared.year}-0{640 + declared.month}", declared - timedelta(days=28),
                                  "2980.00")],
                       recovered="2980.00")
    add_fees(ctx, c, rng, turnover=450000,
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


def seed_morel(ctx: SeedContext) -> None:
    rng = random.Random(2002)
    add_policyholder(ctx, 2, "Transports Morel & Fils", "42871365", "Julien Morel",
                     "julien.morel@transports-morel.example", "01 99 00 42 87", "pme",
                     "Transporteur : une trentaine de sinistres à toutes les étapes et des deux causes "
                     "(liste paginée), plusieurs acheteurs nommés Martin (choix à préciser).",
                     date(2017, 4, 1))
    c = add_contract(ctx, 2, "POL-2017-001876", date(2017, 4, 1), quotite=Decimal("0.85"),
                     minimum_claim_amount=cents(500), deductible=cents(1000), dms_deadline_days=30,
                     waiting_period_days=180, payout_delay_days=30, max_credit_term_days=60,
                     territorial_scope="France et Espagne",
                     advance_indemnification=False, premium_rate=Decimal("0.0028"))
    buyers = []
    for name, ident, country, grade, requested, granted, decision in MOREL_BUYERS:
        if country == "FR":
            b = add_buyer(ctx, name, siren=siren_from(ident), grade=grade)
        else:
            b = add_buyer(ctx, name, foreign_id=ident, country=country, grade=grade)
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
        add_limit(ctx, c, b, history, outstanding=out)

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
        value = cents(rng.choice((1, 2, 3, 5, 8)) * rng.randrange(1500, 9000) + rng.randrange(0, 100) / 100)
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
        # the contract's rule, as the estimator applies it: × quotité, then − franchise
        indemnified = cents(indemnity_amount(value, c.quotite, c.deductible).amount) if stage == "indemnified" else 0
        recovered = value if stage == "closed" else \
            (cents(value * Decimal("0.1")) if stage == "indemnified" and i % 2 else 0)
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
        claim = add_claim(ctx, c, buyer, demo_claim_ref(declared, 200 + i), cause=cause, path=path,
                          invoices=[(f"TM-{declared.year}-{1000 + i * 7}", due, value)], admitted=admitted,
                          indemnified=indemnified, recovered=recovered, next_step=next_step, payments=payments,
                          notes={"refused": "not_covered"} if stage == "refused" else None)
        if stage in ("collection", "waiting_period", "closed"):
            extra.append((dict(path)["collection"], "collection_flat", 0, claim.id))
        if recovered:
            extra.append((path[-1][1], "collection_pct", recovered, claim.id))
    add_fees(ctx, c, rng, turnover=1200000, extra=extra)


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


def seed_aubert(ctx: SeedContext) -> None:
    rng = random.Random(3003)
    add_policyholder(ctx, 3, "Laboratoires Aubert SA", "43590218", "Sophie Aubert",
                     "sophie.aubert@laboratoires-aubert.example", "01 99 00 43 59", "eti",
                     "Exportateur : acheteurs à l'étranger, compléments publics CAP et CAP Francexport, "
                     "sinistre SIN-2021-000456.", date(2018, 1, 1))
    c = add_contract(ctx, 3, "POL-2018-009321", date(2018, 1, 1), quotite=Decimal("0.90"),
                     minimum_claim_amount=cents(1000), deductible=cents(0), dms_deadline_days=30,
                     waiting_period_days=180, payout_delay_days=30, max_credit_term_days=180,
                     territorial_scope="Monde, hors pays sous sanctions", advance_indemnification=False,
                     premium_rate=Decimal("0.0035"))
    b = {}
    for key, name, ident, country, grade in AUBERT_BUYERS:
        if country == "FR":
            b[key] = add_buyer(ctx, name, siren=siren_from(ident), grade=grade)
        else:
            b[key] = add_buyer(ctx, name, foreign_id=ident, country=country, grade=grade)
    add_limit(ctx, c, b["rossi"], [("partial", 600000, 200000, date(2021, 1, 18), "country_exposure")],
              outstanding=240000, caps=[("CAP Francexport", 400000, date(2021, 1, 20), date(2021, 12, 31))])
    add_limit(ctx, c, b["garcia"], [("granted", 150000, 150000, date(2019, 3, 4), None)], outstanding=98000)
    add_limit(ctx, c, b["maroc"], [("refused", 150000, 0, date(2020, 6, 22), "high_risk")],
              caps=[("CAP+ Francexport", 150000, date(2020, 7, 1), date(2021, 6, 30))])
    add_limit(ctx, c, b["medisupply"], [("granted", 250000, 250000, date(2019, 9, 9), None)], outstanding=187500)
    add_limit(ctx, c, b["healthline"], [("granted", 90000, 90000, date(2020, 2, 3), None),
                                        ("reduced", 90000, 45000, ctx.ago(75), "financial_deterioration")],
              outstanding=52000)
    add_limit(ctx, c, b["weber"], [("granted", 120000, 120000, date(2018, 4, 16), None)], outstanding=64000,
              caps=[("Cap Relais", 120000, date(2020, 4, 1), date(2021, 6, 30))])
    add_limit(ctx, c, b["leroy"], [("partial", 100000, 50000, date(2020, 5, 12), "limited_financials")],
              outstanding=57000, caps=[("CAP", 50000, date(2020, 6, 1), date(2020, 12, 31))])

    sin456 = add_claim(ctx, c, b["rossi"], "SIN-2021-000456", cause="protracted_default",
                       path=[("declared", date(2021, 5, 20)), ("under_review", date(2021, 5, 25)),
                             ("collection", date(2021, 6, 1)), ("waiting_period", date(2021, 7, 20)),
                             ("indemnified", date(2021, 11, 5))],
                       invoices=[("LA-2021-0331", date(2021, 4, 20), "86500.00")], admitted="86500.00",
                       indemnified="77850.00", payments=[("indemnity", "77850.00", date(2021, 11, 5))])
    declared = ctx.ago(12)
    due = declared - timedelta(days=26)
    review = add_claim(ctx, c, b["medisupply"], demo_claim_ref(declared, 401), cause="protracted_default",
                       path=[("declared", declared), ("under_review", ctx.ago(9))],
                       invoices=[(f"LA-{due.year}-{700 + due.month}", due, "23840.00")],
                       next_step=("review_end", ctx.ahead(6)))
    declared = ctx.ago(260)
    add_claim(ctx, c, b["healthline"], demo_claim_ref(declared, 402), cause="protracted_default",
              path=[("declared", declared), ("under_review", declared + timedelta(days=4)),
                    ("refused", declared + timedelta(days=30))],
              invoices=[(f"LA-{declared.year}-{800 + declared.month}", declared - timedelta(days=95), "14200.00")],
              notes={"declared": "declared_late", "refused": "declared_late"})
    declared = ctx.ago(150)
    due = declared - timedelta(days=20)
    add_claim(ctx, c, b["garcia"], demo_claim_ref(declared, 403), cause="insolvency",
              path=[("declared", declared), ("under_review", declared + timedelta(days=5))],
              invoices=[(f"LA-{due.year}-{900 + due.month}", due, "31250.00")],
              next_step=("indemnity_decision", ctx.ahead(20)))
    del review
    add_fees(ctx, c, rng, turnover=2600000,
             extra=[(date(2021, 6, 1), "collection_flat", 0, sin456.id)])


def seed_petit(ctx: SeedContext) -> None:
    start = ctx.ago(20)
    add_policyholder(ctx, 4, "Boulangerie Petit", "44628107", "Marc Petit", "marc.petit@boulangerie-petit.example",
                     "01 99 00 44 62", "tpe",
                     "Nouveau client : un contrat tout juste signé, deux agréments, aucun sinistre ni relevé de frais.",
                     start)
    c = add_contract(ctx, 4, f"POL-{start.year}-012408", start, quotite=Decimal("0.90"),
                     minimum_claim_amount=cents(300), deductible=cents(0), dms_deadline_days=30,
                     waiting_period_days=150, payout_delay_days=30, max_credit_term_days=60, territorial_scope="France",
                     advance_indemnification=False, premium_rate=Decimal("0.0030"))
    hotel = add_buyer(ctx, "Hôtel du Port SAS", siren=siren_from("81234567"), grade=4)
    epicerie = add_buyer(ctx, "Épicerie fine Chevalier", siren=siren_from("81298745"), grade=5)
    add_limit(ctx, c, hotel, [("granted", 5000, 5000, start + timedelta(days=2), None)], outstanding=0)
    add_limit(ctx, c, epicerie, [("partial", 5000, 3000, start + timedelta(days=2), "recent_company")], outstanding=0)
