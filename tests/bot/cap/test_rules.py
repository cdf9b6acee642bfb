"""Schema check of the CAP rule files: the real files pass, broken copies fail with clear messages."""
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from bot.cap.rules import loading as rules_mod  # where get_rules looks load_rules up
from bot.cap.rules import RULES_DIR, SCHEMES, RuleError, get_rules, load_rules


@pytest.fixture()
def rules_copy(tmp_path):
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    return target


def _edit(path: Path, fn):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    fn(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _errors(directory) -> str:
    with pytest.raises(RuleError) as info:
        load_rules(directory)
    return "\n".join(info.value.errors)


def test_real_rules_load_and_cover_every_scheme():
    rules = get_rules()
    assert tuple(rules.schemes) == SCHEMES
    assert rules_mod.check() == len(rules.entries()) >= 12


def test_rules_are_cached_not_reparsed(monkeypatch):
    first = get_rules()
    monkeypatch.setattr(rules_mod, "load_rules", lambda *a, **k: pytest.fail("re-parsed"))
    assert get_rules() is first


def test_every_entry_has_source_and_confidence_per_figure():
    rules = get_rules()
    for entry in rules.entries():
        assert entry.sources, entry.id
        for fig in entry.figures.values():
            assert fig.confidence in ("confirmed", "to_confirm"), (entry.id, fig.name)
            for sid in fig.sources or entry.sources:
                assert sid in rules.sources


def test_legal_sources_are_cited():
    cited = {s for e in get_rules().entries() for s in e.sources}
    assert {"loi-2020-289-art7", "loi-2020-1721-art215", "decret-2020-397", "article-2021-03-31"} <= cited


def test_no_overlap_and_closure_after_last_entry():
    for scheme in get_rules().schemes.values():
        for prev, cur in zip(scheme.entries, scheme.entries[1:]):
            assert prev.valid_to is not None and cur.valid_from == prev.valid_to + timedelta(days=1)
        if scheme.closure.closed_from:
            assert scheme.closure.closed_from == scheme.entries[-1].valid_to + timedelta(days=1)


def test_closure_dates():
    rules = get_rules()
    assert rules.scheme("CAP").closure.closed_from == date(2022, 1, 1)
    assert rules.scheme("CAP+").closure.last_open_day == date(2021, 12, 31)
    assert rules.scheme("Cap Relais").closure.last_open_day == date(2021, 6, 30)
    assert rules.scheme("CAP Francexport").closure.confidence == "to_confirm"


def test_disagreeing_sources_are_recorded_with_applied_value():
    fig = get_rules().entry("cap-fx-2021").figure("topup_ratio_max")
    assert fig.confidence == "to_confirm"
    assert {a["value"] for a in fig.alternatives} >= {0.5}
    assert get_rules().entry("cap-plus-2021").figure("ceiling_per_buyer").alternatives


def test_copy_of_real_rules_is_valid(rules_copy):
    assert set(load_rules(rules_copy).schemes) == set(SCHEMES)


def test_overlapping_periods_are_rejected(rules_copy):
    def overlap(d):
        d["entries"][1]["valid_from"] = date(2020, 12, 1)
    _edit(rules_copy / "cap.yml", overlap)
    msg = _errors(rules_copy)
    assert "cap.yml" in msg and "'cap-2020'" in msg and "'cap-2021'" in msg and "overlap" in msg


def test_open_ended_entry_followed_by_another_is_an_overlap(rules_copy):
    _edit(rules_copy / "cap_plus.yml", lambda d: d["entries"][0].update(valid_to=None))
    assert "overlap" in _errors(rules_copy)


def test_bad_figure_value_names_file_entry_and_figure(rules_copy):
    _edit(rules_copy / "cap.yml", lambda d: d["entries"][1]["figures"]["topup_ratio_max"].update(value="deux"))
    msg = _errors(rules_copy)
    assert "cap.yml: entry 'cap-2021': figure 'topup_ratio_max'" in msg and "number" in msg


@pytest.mark.parametrize("breakage, expected", [
    (lambda d: d["entries"][0].pop("valid_from"), "'valid_from' must be a date"),
    (lambda d: d["entries"][0].update(valid_from="le 15 avril"), "'valid_from' must be a date"),
    (lambda d: d["entries"][0].pop("valid_to"), "'valid_to' is required"),
    (lambda d: d["entries"][0].update(valid_to=date(2019, 1, 1)), "is before valid_from"),
    (lambda d: d["entries"][0].update(sources=[]), "'sources' must be a non-empty list"),
    (lambda d: d["entries"][0].update(sources=["loi-inconnue"]), "unknown source id 'loi-inconnue'"),
    (lambda d: d["entries"][0]["figures"]["topup_ratio_max"].update(confidence="sure"), "'confidence' must be"),
    (lambda d: d["entries"][0]["figures"].update(topup_ratoi={"value": 1, "confidence": "confirmed"}),
     "unknown figure name"),
    (lambda d: d["entries"][0]["figures"].pop("topup_ratio_max"), "'topup_ratio_max' is required"),
    (lambda d: d["entries"][0]["figures"]["topup_ratio_max"].update(alternatives=[{"value": 3}]),
     "must say which value is 'applied'"),
    (lambda d: d.update(scheme="CAP++"), "'scheme' must be one of"),
    (lambda d: d.update(mechanism="magic"), "'mechanism' must be one of"),
    (lambda d: d["closure"].update(closed_to_new_requests_from=date(2021, 6, 1), last_open_day=date(2021, 5, 31)),
     "closure: scheme closed from 2021-06-01"),
    (lambda d: d["entries"][1].update(id="cap-2020"), "id already used"),
])
def test_schema_failures(rules_copy, breakage, expected):
    _edit(rules_copy / "cap.yml", breakage)
    msg = _errors(rules_copy)
    assert "cap.yml" in msg and expected in msg, msg


def test_bad_ceiling_category_and_country_codes(rules_copy):
    _edit(rules_copy / "cap_plus_francexport.yml",
          lambda d: d["entries"][2]["figures"]["ceiling_by_country_category"].update(value={4: 10}))
    _edit(rules_copy / "countries.yml", lambda d: d["marketable"].update(value=["DE", "Allemagne"]))
    msg = _errors(rules_copy)
    assert "cap_plus_francexport.yml: entry 'cap-plus-fx-2021'" in msg and "category 4" in msg
    assert "countries.yml: 'marketable'" in msg


def test_bad_history_fact(rules_copy):
    _edit(rules_copy / "cap_francexport.yml", lambda d: d["history"]["launched_on"].update(value="octobre 2018"))
    _edit(rules_copy / "cap_relais.yml", lambda d: d["history"].update(founded={"value": 1, "confidence": "confirmed"}))
    msg = _errors(rules_copy)
    assert "cap_francexport.yml: history fact 'launched_on': value must be a date" in msg
    assert "cap_relais.yml: history fact 'founded': unknown history fact name" in msg


def test_every_figure_resting_on_press_only_is_to_confirm():
    """Issue 18: evidence must be a public text; where only press/vendor summaries (or nothing official)
    support a figure, it is to_confirm."""
    rules = get_rules()
    official = {"law", "decree", "official", "agreement", "article"}
    for entry in rules.entries():
        for fig in entry.figures.values():
            kinds = {rules.sources[s].kind for s in (fig.sources or entry.sources)}
            if fig.confirmed and fig.value is not None and not isinstance(fig.value, bool):
                assert kinds & (official | {"internal"}), (entry.id, fig.name, kinds)
    for name in ("cap-plus-2020", "cap-plus-2021"):
        assert rules.entry(name).figure("ceiling_per_buyer").confidence == "to_confirm"
    for name in ("cap-plus-fx-2021", "cap-plus-fx-2022"):
        assert rules.entry(name).figure("ceiling_by_country_category").confidence == "to_confirm"
    assert rules.entry("cap-fx-2022").figure("excluded_countries").confidence == "to_confirm"
    assert rules.countries.confidence["closed"] == "to_confirm"


def test_norway_problem_is_caught(rules_copy):
    text = (rules_copy / "countries.yml").read_text(encoding="utf-8").replace('"NO"', "NO")
    (rules_copy / "countries.yml").write_text(text, encoding="utf-8")
    assert "False" in _errors(rules_copy)


def test_invalid_yaml_and_missing_scheme(rules_copy):
    (rules_copy / "cap.yml").write_text("scheme: CAP\nentries: [\n", encoding="utf-8")
    (rules_copy / "cap_relais.yml").unlink()
    msg = _errors(rules_copy)
    assert "cap.yml: not valid YAML" in msg
    assert "no rule file defines scheme 'Cap Relais'" in msg


def test_duplicate_scheme_file(rules_copy):
    shutil.copy(rules_copy / "cap.yml", rules_copy / "cap_copy.yml")
    assert "already defined in cap.yml" in _errors(rules_copy)


def test_missing_directory(tmp_path):
    assert "rules directory not found" in _errors(tmp_path / "nope")
