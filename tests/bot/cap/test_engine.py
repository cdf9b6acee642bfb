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
    d = evaluate(req(buyer_country=country, refused=True, country_category=1), ARTICLE_DAY)
    assert (d.scheme, d.eligible, d.public_cover) == ("CAP+ Francexport", True, 500000)
    assert "cap-plus-fx-2021.ceiling_by_country_category" in d.to_confirm  # press summary only


def test_article_abroad_category_two_has_lower_ceiling():
    d = evaluate(req(buyer_country="BR", refused=True, country_category=2), ARTICLE_DAY)
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


@pytest.mark.parametrize("tx", [date(2020, 6, 1), ARTICLE_DAY])
def test_cap_plus_ceiling_is_the_articles_example_to_confirm(tx):
    """Issue 18, item 6: 500 000 € rests on the article's example only, in 2020 and in 2021."""
    d = evaluate(req(refused=True, transaction_date=tx), TODAY)
    ceiling = d.reason("ceiling_per_buyer").data
    assert ceiling["ceiling"] == 500000 and ceiling["example"] and not ceiling["confirmed"]
    assert any(t.endswith("ceiling_per_buyer") for t in d.to_confirm)


@pytest.mark.parametrize("category, public, met", [(1, 500000, True), (2, 250000, True), (3, None, None)])
def test_cap_plus_francexport_categories_given_by_the_insurer(category, public, met):
    d = evaluate(req(buyer_country="BR", refused=True, country_category=category), ARTICLE_DAY)
    assert d.reason("country_category").data["category"] == category
    assert d.reason("country_category").met is met and d.public_cover == public
    assert d.eligible  # category 3 rests on a press summary: to check, never refused on it alone


@pytest.mark.parametrize("country", ["NP", "CN", "BR", "AR", "MA", "US"])
def test_country_category_is_never_taken_from_an_unsourced_table(country):
    """Issue 18, item 5: no public list maps countries to categories."""
    assert get_rules().countries.categories == {}
    d = evaluate(req(buyer_country=country, refused=True), ARTICLE_DAY)
    assert d.public_cover is None and d.total_cover is None
    assert d.reason("country_category").met is None and d.reason("country_category").data["category"] is None
    d = evaluate(req(buyer_country=country, refused=True, country_category=2), ARTICLE_DAY)
    assert d.public_cover == 250000


def test_cap_plus_francexport_2020_ceilings_are_not_computed():
    """No established 2020 ceilings: they depend on the category, never a figure from 2021."""
    d = evaluate(req(buyer_country="BR", refused=True, country_category=1, transaction_date=date(2020, 6, 1)), TODAY)
    assert d.public_cover is None and d.reason("country_category").data["known"] is False


# ---- countries ----------------------------------------------------------------------------------

@pytest.mark.parametrize("country, tx, code, met", [
    ("DE", date(2021, 12, 31), "country_not_closed", True),
    ("DE", date(2022, 1, 1), "country_not_marketable", None),   # the date the list came back is not sourced
    ("US", date(2024, 5, 1), "country_not_marketable", None),
    ("GB", date(2024, 5, 1), "country_not_marketable", None),
    ("CN", date(2024, 5, 1), "country_not_marketable", True),
    ("MA", date(2024, 5, 1), "country_not_marketable", True),
    ("RU", date(2021, 6, 1), "country_not_closed", True),
    ("RU", date(2022, 3, 1), "country_not_closed", None),       # the list of closed countries is not sourced
    ("KP", date(2021, 6, 1), "country_not_closed", None),
])
def test_francexport_countries_unsourced_rules_never_decide_alone(country, tx, code, met):
    """Issue 18, item 5: an unsourced date or list makes a check, never a refusal."""
    d = evaluate(req(buyer_country=country, transaction_date=tx), TODAY)
    assert d.scheme == "CAP Francexport" and d.eligible
    assert d.reason(code).met is met


def test_marketable_countries_are_the_eu_and_nine_others_from_one_list():
    """One source of truth: the EU's members come from bot/parsing/countries.yml."""
    from bot.guarantee_intent import EU
    from bot.parsing.countries import COUNTRY_GROUPS
    countries = get_rules().countries
    assert countries.marketable == COUNTRY_GROUPS["EU"] | {"AU", "CA", "IS", "JP", "NZ", "NO", "CH", "GB", "US"}
    assert EU is COUNTRY_GROUPS["EU"] and len(EU) == 27
    assert not countries.is_marketable("MA")


@pytest.mark.parametrize("tx", [date(2019, 6, 1), date(2021, 6, 1), date(2022, 6, 1), date(2024, 6, 1)])
@pytest.mark.parametrize("kw", [{}, {"refused": True}])
def test_a_moroccan_buyer_is_never_said_to_be_covered_by_private_insurers(tx, kw):
    from bot.wording.cap import decision_reply
    d = evaluate(req(buyer_country="MA", transaction_date=tx, **kw), TODAY)
    assert d.reason("country_not_marketable") is None or d.reason("country_not_marketable").met is True
    text = decision_reply(d).text
    assert "assureurs privés" not in text and "trop risqué" not in text


@pytest.mark.parametrize("country", ["FR", "RE", "GP", "MQ", "GF", "YT"])
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


@pytest.mark.parametrize("size, met, public", [("PME", True, 200000), ("ETI", True, 200000), ("TPE", True, 200000),
                                               ("GE", None, None), (None, None, 200000)])
def test_company_size_2020(size, met, public):
    d = evaluate(req(transaction_date=date(2020, 6, 1), company_size=size), TODAY)
    assert d.reason("company_turnover").met is met and d.eligible
    assert d.public_cover == public  # issue 18, item 16: a large company gets no amount until its turnover is known


@pytest.mark.parametrize("tx, age, met", [(date(2020, 6, 1), None, None), (date(2020, 6, 1), 2, True),
                                          (date(2020, 6, 1), 1, False)])
def test_company_age_condition_2020(tx, age, met):
    """Issue 18, item 7: "existence légale d'au moins deux ans" (press: to_confirm)."""
    d = evaluate(req(transaction_date=tx, company_age_years=age), TODAY)
    assert d.reason("company_age").met is met and d.reason("company_age").data["min_years"] == 2
    assert "cap-2020.company_age_min_years" in d.to_confirm
    assert evaluate(req(transaction_date=date(2021, 6, 1)), TODAY).reason("company_age") is None


def test_turnover_2020_cites_sources_that_mention_turnover():
    fig = get_rules().entry("cap-2020").figure("turnover_max_eur")
    assert fig.confidence == "to_confirm" and "tribune-2020-04" not in fig.sources
    assert {"tribune-2020-07-02", "actu-transport-2020-cap"} <= set(fig.sources)


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
    d = evaluate(req(buyer_country="CN", currency="USD", refused=True, country_category=1), ARTICLE_DAY)
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


@pytest.mark.parametrize("kw", [{}, {"refused": True}])
def test_cap_francexport_existed_from_october_2018(kw):
    """Issue 18, item 1: a 2019 sale abroad is in the 2018 period (figures not sourced: to check)."""
    d = evaluate(req(buyer_country="MA", transaction_date=date(2019, 6, 1), **kw), TODAY)
    assert d.reason("in_force_at_transaction_date").met is True
    assert d.rule_set[0] in ("cap-fx-2018", "cap-plus-fx-2018")
    assert d.eligible and d.public_cover is None
    assert d.reason("country_eligible").met is None
    scheme = get_rules().scheme(d.scheme)
    assert scheme.first_day == date(2018, 10, 10)
    before = evaluate(req(buyer_country="MA", transaction_date=date(2018, 10, 9), **kw), TODAY)
    assert before.reason("in_force_at_transaction_date").data["position"] == "before_start"


def test_cap_francexport_history_and_legal_basis():
    """Issue 18, items 1 and 12."""
    rules = get_rules()
    fx = rules.scheme("CAP Francexport")
    assert fx.fact("launched_on") == date(2018, 10, 10) and fx.history["launched_on"].confirmed
    assert fx.fact("reinforced_on") == date(2020, 4, 15)
    for name in ("CAP Francexport", "CAP+ Francexport"):
        for entry in rules.scheme(name).entries:
            cited = set(entry.sources) | {s for f in entry.figures.values() for s in f.sources}
            assert "loi-2020-289-art7" not in cited and "loi-2020-1721-art215" not in cited, entry.id
            assert "code-assurances-l432-2-1e" in entry.sources, entry.id
    for name in ("CAP", "CAP+"):
        assert rules.scheme(name).fact("reactivated_on") == date(2020, 4, 15)


def test_cap_plus_quotite_is_the_insurers_from_the_decree():
    """Issue 18, item 4: ≤ 80 % is guaranteed by the credit insurer (décret 2020-397 art. 4)."""
    fig = get_rules().entry("cap-plus-2020").figure("quotite_max")
    assert fig.confirmed and "decret-2020-397-art3-4" in fig.sources and "assureur-crédit" in fig.note


def test_francexport_still_open_is_to_confirm():
    d = evaluate(req(buyer_country="CN"), TODAY)
    assert d.eligible and d.can_apply_now and d.closure_confidence == "to_confirm"
    assert "CAP Francexport.closure" in d.to_confirm


@pytest.mark.parametrize("tx, share", [(date(2020, 3, 16), D("0.75")), (date(2020, 12, 31), D("0.75")),
                                       (date(2021, 6, 30), D("0.2"))])
def test_cap_relais_mentioned_when_in_force(tx, share):
    d = evaluate(req(transaction_date=tx), TODAY)
    assert d.reason("cap_relais_in_force").data["state_share"] == share
    assert d.reason("cap_relais_in_force").data["state_premium_share"] == share  # premiums shared too


@pytest.mark.parametrize("as_of, mentioned, planned_end", [
    (date(2020, 5, 1), False, None),                  # not agreed yet (June 2020)
    (date(2020, 7, 1), True, date(2020, 12, 31)),     # as planned when agreed
    (date(2020, 12, 20), True, date(2021, 6, 30)),    # extended on 14/12/2020
])
def test_cap_relais_follows_what_was_known_at_the_as_of_date(as_of, mentioned, planned_end):
    """Issue 18, item 8."""
    d = evaluate(req(refused=True, transaction_date=as_of), as_of)
    relais = d.reason("cap_relais_in_force")
    assert (relais is not None) is mentioned
    if mentioned:
        assert relais.data["planned_end"] == planned_end and not relais.data["ended"]


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
