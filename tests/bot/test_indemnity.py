"""Indemnity estimator: the DOMAIN.md worked example, each step, edge cases, missing figures,
dates (waiting period, insolvency), advance indemnification, adapter, French wording."""
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
import textstat

from bot.indemnity import IndemnityInputs, add_months, estimate, inputs_from
from bot.wording import indemnity as wording
from bot.wording.format import NBSP, NNBSP

D = Decimal
AS_OF = date(2026, 4, 1)
TU = re.compile(r"\b(tu|toi|ton|ta|tes|t'as|t'es)\b", re.IGNORECASE)


def base(**kw):
    values = dict(amount_owed=40000, credit_limit=30000, quotite="0.9", cause="protracted_default",
                  due_date=date(2026, 3, 15), waiting_period_days=150, payout_delay_days=30)
    values.update(kw)
    return IndemnityInputs(**values)


def test_worked_example_from_domain():
    est = estimate(IndemnityInputs(amount_owed=40000, credit_limit=30000, quotite=90), AS_OF)
    assert est.amount == D(27000) and isinstance(est.amount, Decimal)
    assert est.covered_amount == 30000 and est.uncovered_amount == 10000 and est.retained_by_client == 13000
    assert [s.code for s in est.steps][:3] == ["covered", "quotite", "result"]
    assert est.missing == ("cause",)          # no date without a cause, amount still computed


@pytest.mark.parametrize("owed, limit, top_up, quotite, expected", [
    (40000, 30000, None, "0.9", 27000),
    (20000, 30000, None, "0.9", 18000),          # all within the limit
    (40000, 30000, 10000, "0.9", 36000),         # CAP top-up extends the covered amount
    (40000, 30000, 50000, "0.9", 36000),         # never more than what is owed
    (40000, 0, None, "0.9", 0),                  # no limit on that buyer
    (1000, 30000, None, "0.95", 950),
    ("333.33", 30000, None, "0.9", "300.00"),    # cents, rounded half up
    (12345, 30000, None, 70, "8641.50"),         # quotité given as a percentage
])
def test_covered_and_quotite(owed, limit, top_up, quotite, expected):
    est = estimate(IndemnityInputs(amount_owed=owed, credit_limit=limit, cap_top_up=top_up, quotite=quotite), AS_OF)
    assert est.amount == D(str(expected))


@pytest.mark.parametrize("deductible, expected, applied", [(None, 27000, 0), (0, 27000, 0), (500, 26500, 500),
                                                           (30000, 0, 27000)])
def test_deductible(deductible, expected, applied):
    est = estimate(base(deductible=deductible), AS_OF)
    assert est.amount == expected and est.deductible_applied == applied
    assert ("deductible_none" in est.assumed) is (deductible is None)
    assert (est.step("deductible") is not None) is bool(deductible)


@pytest.mark.parametrize("owed, minimum, expected, below", [(250, 300, 0, True), (300, 300, 270, False),
                                                            (40000, 300, 27000, False)])
def test_minimum_claim(owed, minimum, expected, below):
    est = estimate(base(amount_owed=owed, minimum_claim=minimum), AS_OF)
    assert est.amount == expected and est.below_minimum is below
    assert est.step("minimum_claim").data["met"] is (not below)


@pytest.mark.parametrize("missing_field", ["amount_owed", "credit_limit", "quotite"])
def test_missing_amount_figures_are_listed_not_guessed(missing_field):
    est = estimate(base(**{missing_field: None}), AS_OF)
    assert est.amount is None and missing_field in est.missing and not est.complete


def test_nothing_given():
    est = estimate(IndemnityInputs(), AS_OF)
    assert set(est.missing) == {"amount_owed", "credit_limit", "quotite", "cause"}
    assert est.amount is None and est.expected_payment_date is None and est.date_status == "missing"


def test_protracted_default_dates():
    est = estimate(base(), AS_OF)
    assert est.loss_established_date == date(2026, 8, 12)           # 15/03 + 150 days
    assert est.expected_payment_date == date(2026, 9, 11)           # + 30 days
    assert est.date_status == "estimated" and est.complete


def test_waiting_from_declaration_date():
    est = estimate(base(waiting_from="declaration_date", declaration_date=date(2026, 4, 20)), AS_OF)
    assert est.step("waiting_period").data["start_kind"] == "declaration_date"
    assert est.loss_established_date == date(2026, 9, 17)


@pytest.mark.parametrize("field", ["due_date", "waiting_period_days", "payout_delay_days"])
def test_missing_date_figures(field):
    est = estimate(base(**{field: None}), AS_OF)
    assert field in est.missing and est.expected_payment_date is None and est.date_status == "missing"
    assert est.amount == 27000


def test_date_in_the_past_is_flagged():
    est = estimate(base(due_date=date(2025, 1, 1)), AS_OF)
    assert est.date_status == "past"


def test_insolvency_waits_for_admission():
    est = estimate(base(cause="liquidation judiciaire", due_date=None, waiting_period_days=None,
                        proceedings_published=date(2026, 3, 10)), AS_OF)
    assert est.cause == "insolvency" and est.date_status == "waiting_admission"
    assert est.expected_payment_date is None and est.missing == ()
    assert est.declaration_deadline == date(2026, 5, 10)
    assert est.step("insolvency_declaration").data["passed"] is False


def test_insolvency_after_admission():
    est = estimate(base(cause="redressement", debt_admitted_date=date(2026, 9, 1)), AS_OF)
    assert est.loss_established_date == date(2026, 9, 1) and est.expected_payment_date == date(2026, 10, 1)


def test_insolvency_deadline_passed():
    est = estimate(base(cause="insolvency", proceedings_published=date(2025, 12, 31)), AS_OF)
    assert est.declaration_deadline == date(2026, 2, 28) and est.step("insolvency_declaration").data["passed"]


@pytest.mark.parametrize("offered, complete, status", [
    (True, True, "may_apply"), (True, False, "file_incomplete"), (True, None, "unknown"),
    (False, True, "not_offered"), (None, True, "unknown"),
])
def test_advance_indemnification(offered, complete, status):
    assert estimate(base(advance_offered=offered, file_complete=complete), AS_OF).advance == status


@pytest.mark.parametrize("kw", [{"amount_owed": -1}, {"quotite": 150}, {"quotite": "abc"},
                                {"waiting_period_days": -3}, {"waiting_period_days": 1.5},
                                {"cause": "météo"}, {"waiting_from": "hier"}, {"due_date": "2026-03-15"}])
def test_bad_inputs(kw):
    with pytest.raises(ValueError):
        base(**kw)


def test_add_months():
    assert add_months(date(2026, 12, 31), 2) == date(2027, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


def test_as_dict_numbers():
    data = estimate(base(), AS_OF).as_dict()
    assert data["amount"] == 27000 and data["expected_payment_date"] == "2026-09-11"
    assert data["steps"][0]["code"] == "covered"


# ---- adapter ------------------------------------------------------------------------------------

@dataclass
class ClaimView:
    amount_due: Decimal
    due_date: date
    cause: str


@dataclass
class PolicyView:
    quotite: Decimal
    franchise: Decimal
    waiting_days: int
    payout_days: int


def test_inputs_from_duck_typed_objects():
    claim = ClaimView(D(40000), date(2026, 3, 15), "impayé")
    policy = PolicyView(D("0.9"), D(0), 150, 30)
    inputs = inputs_from(claim, policy, {"limit": 30000}, advance_offered=True, file_complete=True)
    est = estimate(inputs, AS_OF)
    assert est.amount == 27000 and est.expected_payment_date == date(2026, 9, 11) and est.advance == "may_apply"


def test_inputs_from_unknown_cause_becomes_missing():
    est = estimate(inputs_from({"amount": 100, "cause": "inconnue"}), AS_OF)
    assert "cause" in est.missing


# ---- wording ------------------------------------------------------------------------------------

CASES = {
    "worked": base(advance_offered=True, file_complete=True),
    "deductible_incomplete": base(deductible=500, minimum_claim=300, advance_offered=True, file_complete=False),
    "cap": base(cap_top_up=10000),
    "below_min": base(amount_owed=250, minimum_claim=300),
    "past": base(due_date=date(2025, 1, 1)),
    "insolvency_wait": base(cause="liquidation", proceedings_published=date(2026, 3, 10)),
    "insolvency_late": base(cause="liquidation", proceedings_published=date(2025, 12, 1)),
    "insolvency_admitted": base(cause="redressement", debt_admitted_date=date(2026, 9, 1)),
    "missing_all": IndemnityInputs(),
    "missing_some": IndemnityInputs(amount_owed=40000, cause="impayé"),
}


@pytest.mark.parametrize("key", sorted(wording.TEMPLATES))
def test_each_template_plain_french(key):
    textstat.set_lang("fr")
    text = wording.TEMPLATES[key]
    import string
    names = [f for _, f, _, _ in string.Formatter().parse(text) if f]
    filled = text.format(**{n: "12 500 €" if "amount" in n else "31 mars 2026" if "date" in n else "90"
                            for n in names})
    assert textstat.flesch_reading_ease(filled) >= 60, (key, filled)
    assert not TU.search(text)


@pytest.mark.parametrize("name", sorted(CASES))
def test_estimate_reply_renders(name):
    reply = wording.estimate_reply(estimate(CASES[name], AS_OF))
    textstat.set_lang("fr")
    assert textstat.flesch_reading_ease(reply.text) >= 60
    assert "{" not in reply.text and not TU.search(reply.text)
    assert not re.search(r"bonne nouvelle|heureusement|!", reply.text, re.IGNORECASE)
    assert reply.buttons[-1].payload == "/request_human"


def test_worked_example_wording():
    text = wording.estimate_reply(estimate(CASES["worked"], AS_OF)).text
    assert text.startswith("Je comprends")                     # worry acknowledged first
    assert f"27{NNBSP}000{NBSP}€" in text and f"90{NBSP}%" in text
    assert "quotité garantie" in text and "délai de carence" in text and "agrément" in text
    assert "11 septembre 2026" in text and "plus tôt" in text


def test_missing_wording_asks_instead_of_guessing():
    text = wording.estimate_reply(estimate(CASES["missing_some"], AS_OF)).text
    assert "Il me manque" in text and "limite de crédit" in text and "quotité" in text
    assert "€" not in text             # no amount guessed


def test_insolvency_wording():
    text = wording.estimate_reply(estimate(CASES["insolvency_wait"], AS_OF)).text
    assert "mandataire judiciaire" in text and "10 mai 2026" in text and "BODACC" in text
    assert "pas encore vous donner de date" in text


# ---- issue 18 ------------------------------------------------------------------------------------

def test_the_franchise_rule_is_one_function_quotite_then_deductible():
    """Item 17: 9 800 € at 85 % with a 1 000 € franchise is 9 800 × 85 % − 1 000 = 7 330 € (not 7 480 €)."""
    from bot.indemnity import indemnity_amount
    rule = indemnity_amount(9800, "0.85", 1000)
    assert (rule.after_quotite, rule.deductible_applied, rule.amount) == (D(8330), D(1000), D(7330))
    est = estimate(base(amount_owed=9800, credit_limit=20000, quotite="0.85", deductible=1000), AS_OF)
    assert est.amount == rule.amount == D(7330)
    assert indemnity_amount(500, "0.9", 1000).amount == 0  # never below 0


def test_the_demo_seed_pays_indemnities_with_the_same_rule(tmp_path):
    """Item 17: the seed's indemnified claims follow bot.indemnity's rule (one rule, both places)."""
    from bot.indemnity import indemnity_amount
    from bot.store import db, queries
    from bot.store.seed import seed_demo
    url = f"sqlite:///{tmp_path / 'seed.db'}"
    db.migrate(url)
    seed_demo(db.get_engine(url), date(2026, 11, 25))
    with db.session_scope(db.get_engine(url)) as session:
        terms = queries.contract_terms(session, 2)
        assert terms.deductible == D(1000) and terms.quotite == D("0.85")
        checked = 0
        for item in queries.list_claims(session, 2, "closed", page_size=50).items:
            claim = queries.claim_by_ref(session, 2, item.ref)
            if claim.stage == "indemnified":
                expected = indemnity_amount(claim.amount_declared, terms.quotite, terms.deductible).amount
                assert claim.amount_indemnified == expected, claim.ref
                checked += 1
        assert checked >= 2


def test_insolvency_wording_says_who_decides_the_admission():
    """Item 3: the mandataire verifies, the juge-commissaire decides (C. com. L624-1, L624-2)."""
    text = wording.estimate_reply(estimate(CASES["insolvency_wait"], AS_OF)).text
    assert "juge-commissaire" in text and "mandataire aura admis" not in text
    assert "créance, c’est-à-dire ce qu’il vous doit" in text  # jargon explained
    assert "jusqu’au 10 mai 2026" in text and "avant le" not in text  # item 20: the last day is included


def test_insolvency_decision_date_from_the_claim_file_is_given():
    """Item 21: one source of truth: the date planned in the claim (the claim status shows it too)."""
    est = estimate(base(cause="liquidation", decision_expected_date=date(2026, 5, 20)), AS_OF)
    text = wording.estimate_reply(est).text
    assert "20 mai 2026" in text and "pas encore vous donner de date" not in text
    assert est.step("decision_planned").data["date"] == date(2026, 5, 20)


def test_assumed_franchise_is_explained():
    """Item 23: "franchise" explained in the same reply."""
    text = wording.estimate_reply(estimate(CASES["worked"], AS_OF)).text
    assert "franchise" in text and "reste toujours à votre charge" in text


def test_advance_general_has_no_unsourced_range_and_explains_the_waiting_period():
    """Items 11 and 23."""
    text = wording.advance_general().text
    assert "cinq à six" not in text and "3 à 6 mois" in text and "temps d’attente" in text
    assert "votre assureur" not in text
