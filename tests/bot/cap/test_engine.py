"""CAP engine: the source-article example, every rule entry's boundaries, ceilings, ratios,
countries, company size, closure."""
import json
import shutil
from datetime import date, timedelta
from decimal import Decimal

import pytest
import yaml

from bot.cap import CapRequest, evaluate, get_rules, load_rules
from bot.cap.rules import RULES_DIR

ARTICLE_DAY = date(2021, 3, 31)
TODAY = date(2026, 11, 25)
D = Decimal


def req(**kw):
    kw.setdefault("requested", 600000)
    if "refused" not in kw and "cancelled" not in kw:
        kw.setdefault("granted", 200000)
    return CapRequest(**kw)


# ---- the source article (31/03/2021) ------------------------------------------------------------

def test_article_cap_partial_grant():
    d = evaluate(req(), ARTICLE_DAY)
    assert (d.scheme, d.eligible, d.public_cover, d.total_cover) == ("CAP", True, D(400000), D(600000))
    assert d.rule_set[0] == "cap-2021" and d.can_apply_now
    assert "article-2021-03-31" in {s.id for s in d.sources}


def test_article_cap_plus_refusal():
    d = evaluate(req(refused=True), ARTICLE_DAY)
    assert (d.scheme, d.eligible, d.public_cover, d.total_cover) == ("CAP+", True, D(500000), D(500000))
    assert d.rule_set[0] == "cap-plus-2021"


def test_cancelled_is_cap_plus_too():
    d = evaluate(req(cancelled=True), ARTICLE_DAY)
    assert d.scheme == "CAP+" and d.insurer_decision == "cancelled" and d.public_cover == 500000


@pytest.mark.parametrize("country", ["DE", "CN", "US"])
def test_article_abroad_same_mechanism(country):
    d = evaluate(req(buyer_country=country), ARTICLE_DAY)
    assert (d.scheme, d.eligible, d.public_cover, d.total_cover) == ("CAP Francexport", True, 400000, 600000)
    d = evaluate(req(buyer_country=country, refused=True), ARTICLE_DAY)
    assert (d.scheme, d.eligible, d.public_cover) == ("CAP+ Francexport", True, 500000)


def test_article_abroad_category_two_has_lower_ceiling():
    d = evaluate(req(buyer_country="BR", refused=True), ARTICLE_DAY)
    assert d.public_cover == 250000 and d.reason("country_category").data["category"] == 2


def test_asked_today_domestic_schemes_are_closed():
    for kw in ({}, {"refused": True}):
        d = evaluate(req(**kw), TODAY)
        assert d.scheme in ("CAP", "CAP+")
        assert not d.eligible and not d.can_apply_now and d.public_cover == 0
        assert d.closed_to_new_requests and d.closed_since == date(2022, 1, 1)
        assert d.last_open_day == date(2021, 12, 31)
        assert d.reason("in_force_at_transaction_date").data["position"] == "after_end"
        assert d.last_entry in ("cap-2021", "cap-plus-2021")


def test_asked_today_about_a_2021_sale_explains_what_applied():
    d = evaluate(req(transaction_date=ARTICLE_DAY), TODAY)
    assert d.eligible and d.public_cover == 400000 and d.total_cover == 600000
    assert d.closed_to_new_requests and not d.can_apply_now and d.open_to_new_requests is False


# ---- ratios -------------------------------------------------------------------------------------

@pytest.mark.parametrize("tx, requested, granted, public", [
    (date(2020, 6, 1), 600000, 200000, 200000),     # 2020: top-up <= primary
    (date(2020, 6, 1), 300000, 200000, 100000),     # capped at what was requested
    (date(2020, 12, 31), 600000, 200000, 200000),
    (date(2021, 1, 1), 600000, 200000, 400000),     # 2021: <= 2x primary
    (date(2021, 6, 1), 1000000, 200000, 400000),
    (date(2021, 6, 1), 250000, 200000, 50000),      # capped at what was requested
    (date(2021, 12, 31), 600000, 100000, 200000),
])
def test_cap_topup_ratio(tx, requested, granted, public):
    d = evaluate(req(requested=requested, granted=granted, transaction_date=tx), TODAY)
    assert d.eligible and d.public_cover == public and d.total_cover == granted + public


@pytest.mark.parametrize("tx, public", [(date(2020, 6, 1), 100000), (date(2021, 6, 1), 400000),
                                        (date(2023, 6, 1), 400000)])
def test_cap_francexport_ratio(tx, public):
    d = evaluate(req(buyer_country="CN", transaction_date=tx), TODAY)
    assert d.scheme == "CAP Francexport" and d.public_cover == public
    assert any(t.endswith("topup_ratio_max") for t in d.to_confirm)


def test_full_grant_needs_no_scheme():
    d = evaluate(req(granted=600000), ARTICLE_DAY)
    assert d.scheme is None and not d.eligible and d.public_cover == 0 and d.total_cover == 600000
    assert d.reason("insurer_grants_full").met is False


# ---- ceilings -----------------------------------------------------------------------------------

@pytest.mark.parametrize("requested, public", [(400000, 400000), (500000, 500000), (500001, 500000),
                                               (2000000, 500000)])
def test_cap_plus_ceiling(requested, public):
    d = evaluate(req(requested=requested, refused=True), ARTICLE_DAY)
    assert d.public_cover == public


@pytest.mark.parametrize("country, category, public, eligible", [
    ("CN", 1, 500000, True), ("BR", 2, 250000, True), ("AR", 3, 0, False),
])
def test_cap_plus_francexport_categories(country, category, public, eligible):
    d = evaluate(req(buyer_country=country, refused=True), ARTICLE_DAY)
    assert d.reason("country_category").data["category"] == category
    assert d.public_cover == public and d.eligible is eligible


def test_unknown_country_category_is_not_guessed():
    d = evaluate(req(buyer_country="NP", refused=True), ARTICLE_DAY)
    assert d.public_cover is None and d.total_cover is None
    assert d.reason("country_category").met is None
    d = evaluate(req(buyer_country="NP", refused=True, country_category=2), ARTICLE_DAY)
    assert d.public_cover == 250000


# ---- countries ----------------------------------------------------------------------------------

@pytest.mark.parametrize("country, tx, eligible, code", [
    ("DE", date(2021, 12, 31), True, None),
    ("DE", date(2022, 1, 1), False, "country_not_marketable"),
    ("US", date(2024, 5, 1), False, "country_not_marketable"),
    ("GB", date(2024, 5, 1), False, "country_not_marketable"),
    ("CN", date(2024, 5, 1), True, None),
    ("MA", date(2024, 5, 1), True, None),
    ("RU", date(2021, 6, 1), True, None),
    ("RU", date(2022, 3, 1), False, "country_not_closed"),
    ("KP", date(2021, 6, 1), False, "country_not_closed"),
])
def test_francexport_countries(country, tx, eligible, code):
    d = evaluate(req(buyer_country=country, transaction_date=tx), TODAY)
    assert d.scheme == "CAP Francexport" and d.eligible is eligible
    if code:
        assert d.reason(code).met is False


@pytest.mark.parametrize("country", ["FR", "RE", "GP"])
def test_domestic_countries(country):
    assert evaluate(req(buyer_country=country), ARTICLE_DAY).scheme == "CAP"


# ---- company size / turnover, credit term, French content, currency ------------------------------

@pytest.mark.parametrize("scheme_country, tx, turnover, ok", [
    ("FR", date(2020, 6, 1), 1_499_999_999, True),
    ("FR", date(2020, 6, 1), 1_500_000_000, False),   # domestic 2020: strictly below
    ("FR", date(2021, 1, 1), 5_000_000_000, True),    # 2021: all sizes
    ("CN", date(2020, 6, 1), 1_500_000_000, True),    # Francexport 2020: up to and including
    ("CN", date(2020, 6, 1), 1_500_000_001, False),
    ("CN", date(2021, 6, 1), 9_000_000_000, True),
])
def test_turnover(scheme_country, tx, turnover, ok):
    d = evaluate(req(buyer_country=scheme_country, transaction_date=tx, turnover=turnover), TODAY)
    assert d.eligible is ok and d.reason("company_turnover").met is ok


@pytest.mark.parametrize("size, met", [("PME", True), ("ETI", True), ("TPE", True), ("GE", None), (None, None)])
def test_company_size_2020(size, met):
    d = evaluate(req(transaction_date=date(2020, 6, 1), company_size=size), TODAY)
    assert d.reason("company_turnover").met is met and d.eligible


@pytest.mark.parametrize("days, ok", [(360, True), (361, False), (30, True)])
def test_credit_term(days, ok):
    d = evaluate(req(buyer_country="CN", credit_term_days=days), ARTICLE_DAY)
    assert d.eligible is ok and d.reason("credit_term").met is ok


@pytest.mark.parametrize("share, ok", [("0.2", True), ("0.19", False), ("1", True)])
def test_french_content(share, ok):
    d = evaluate(req(buyer_country="CN", french_content_share=D(share)), ARTICLE_DAY)
    assert d.eligible is ok


@pytest.mark.parametrize("currency, ok", [("EUR", True), ("USD", True), ("GBP", False)])
def test_currency(currency, ok):
    d = evaluate(req(buyer_country="CN", currency=currency), ARTICLE_DAY)
    assert d.eligible is ok


def test_usd_ceiling_flags_currency_check():
    d = evaluate(req(buyer_country="CN", currency="USD", refused=True), ARTICLE_DAY)
    assert d.reason("ceiling_currency").met is None


# ---- every entry's boundaries (data-driven) -----------------------------------------------------

def _boundary_cases():
    rules = get_rules()
    for scheme in rules.schemes.values():
        if scheme.name == "Cap Relais":
            continue
        for entry in scheme.entries:
            yield scheme.name, entry.id


def _request_for(scheme_name, tx):
    country = "CN" if "Francexport" in scheme_name else "FR"
    kw = dict(buyer_country=country, transaction_date=tx, turnover=1_000_000, credit_term_days=90,
              french_content_share=D("0.5"))
    if scheme_name.startswith("CAP+"):
        kw["refused"] = True
    return req(**kw)


@pytest.mark.parametrize("scheme_name, entry_id", list(_boundary_cases()))
def test_entry_boundaries(scheme_name, entry_id):
    rules = get_rules()
    scheme = rules.scheme(scheme_name)
    entry = rules.entry(entry_id)
    index = scheme.entries.index(entry)
    inside = [entry.valid_from] + ([entry.valid_to] if entry.valid_to else [entry.valid_from + timedelta(days=3650)])
    for tx in inside:
        d = evaluate(_request_for(scheme_name, tx), TODAY)
        assert d.scheme == scheme_name and d.rule_set[0] == entry_id and d.eligible, (tx, d.reasons)
    before = evaluate(_request_for(scheme_name, entry.valid_from - timedelta(days=1)), TODAY)
    if index == 0:
        assert not before.eligible
        assert all(r.startswith("cap-relais") for r in before.rule_set)
        assert before.reason("in_force_at_transaction_date").data["position"] == "before_start"
    else:
        assert before.rule_set[0] == scheme.entries[index - 1].id
    if entry.valid_to is not None:
        after = evaluate(_request_for(scheme_name, entry.valid_to + timedelta(days=1)), TODAY)
        if index + 1 < len(scheme.entries):
            assert after.rule_set[0] == scheme.entries[index + 1].id
        else:
            assert not after.eligible
            assert after.reason("in_force_at_transaction_date").data["position"] == "after_end"


@pytest.mark.parametrize("as_of, closed", [(date(2021, 12, 31), False), (date(2022, 1, 1), True)])
def test_closure_boundary_for_new_requests(as_of, closed):
    d = evaluate(req(transaction_date=date(2021, 6, 1)), as_of)
    assert d.closed_to_new_requests is closed and d.can_apply_now is (not closed)


def test_not_yet_open():
    d = evaluate(req(), date(2020, 1, 10))
    assert d.reason("open_to_new_requests").data["not_yet_open"] and d.open_to_new_requests is False
    assert not d.closed_to_new_requests


def test_francexport_still_open_is_to_confirm():
    d = evaluate(req(buyer_country="CN"), TODAY)
    assert d.eligible and d.can_apply_now and d.closure_confidence == "to_confirm"
    assert "CAP Francexport.closure" in d.to_confirm


@pytest.mark.parametrize("tx, share", [(date(2020, 3, 16), D("0.75")), (date(2020, 12, 31), D("0.75")),
                                       (date(2021, 6, 30), D("0.2"))])
def test_cap_relais_mentioned_when_in_force(tx, share):
    d = evaluate(req(transaction_date=tx), TODAY)
    assert d.reason("cap_relais_in_force").data["state_share"] == share


@pytest.mark.parametrize("tx", [date(2020, 3, 15), date(2021, 7, 1)])
def test_cap_relais_not_mentioned_outside(tx):
    assert evaluate(req(transaction_date=tx), TODAY).reason("cap_relais_in_force") is None


def test_cap_plus_reasons_to_check():
    d = evaluate(req(refused=True), ARTICLE_DAY)
    assert d.reason("buyer_risk_acceptable").met is None
    assert d.reason("refusal_notice_held").met is None
    assert d.reason("quotite_max").data["max"] == D("0.8")
    assert d.reason("insurer_retained_share").data["min_share"] == D("0.05")


# ---- request validation, JSON, custom rule set ---------------------------------------------------

@pytest.mark.parametrize("kw", [
    {"requested": -1, "granted": 0, "refused": True},
    {"requested": 0, "refused": True},
    {"requested": "abc", "refused": True},
    {"requested": 10, "granted": 5, "refused": True},
    {"requested": 10},
    {"requested": 10, "granted": -5},
    {"requested": 10, "refused": True, "buyer_country": "Allemagne"},
    {"requested": 10, "refused": True, "french_content_share": 20},
    {"requested": 10, "refused": True, "company_size": "XXL"},
    {"requested": 10, "refused": True, "country_category": 4},
])
def test_bad_requests(kw):
    with pytest.raises(ValueError):
        CapRequest(**kw)


def test_defaults():
    r = CapRequest(requested="600000", granted=0)
    assert r.buyer_country == "FR" and r.currency == "EUR" and r.insurer_decision == "refused"
    assert evaluate(r, ARTICLE_DAY).transaction_date == ARTICLE_DAY


def test_as_dict_is_json_with_numbers():
    data = json.loads(json.dumps(evaluate(req(), ARTICLE_DAY).as_dict()))
    for key in ("scheme", "eligible", "public_cover", "total_cover", "reasons", "sources", "rule_set"):
        assert key in data
    assert data["public_cover"] == 400000 and isinstance(data["public_cover"], int)
    assert all({"code", "met", "data"} <= set(r) for r in data["reasons"])


def test_custom_rule_set_is_used(tmp_path):
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    path = target / "cap.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["entries"][1]["figures"]["topup_ratio_max"]["value"] = 3
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    d = evaluate(req(requested=1000000), ARTICLE_DAY, rules=load_rules(target))
    assert d.public_cover == 600000
    assert evaluate(req(requested=1000000), ARTICLE_DAY).public_cover == 400000
