"""bot/parsing/countries.yml is the one list of countries: the parser's table, the NLU lookup
table (data/nlu/countries_lookup.yml, generated) and the codes of the CAP rule data agree with it."""
from pathlib import Path

import pytest
import yaml

from bot.cap.rules import RULES_DIR
from bot.parsing import COUNTRIES, normalise_country
from bot.parsing.countries import (COUNTRY_DATA, COUNTRY_GROUPS, load_countries, load_groups, nlu_lookup_entries,
                                   render_nlu_lookup)

ROOT = Path(__file__).resolve().parents[2]
LOOKUP_FILE = ROOT / "data" / "nlu" / "countries_lookup.yml"


def test_nlu_lookup_file_is_generated_from_the_country_data():
    assert LOOKUP_FILE.read_text(encoding="utf-8") == render_nlu_lookup(), (
        "data/nlu/countries_lookup.yml is out of date: run "
        "`python -m bot.parsing --nlu-lookup > data/nlu/countries_lookup.yml`")


def test_nlu_lookup_is_the_only_country_lookup():
    tables = []
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            if item.get("lookup") == "country":
                tables.append(path.name)
    assert tables == ["countries_lookup.yml"]


def test_lookup_entries_longest_first_with_unaccented_and_unhyphenated_variants():
    entries = nlu_lookup_entries()
    assert len(entries) == len(set(entries)) == 279
    assert [len(e) for e in entries] == sorted((len(e) for e in entries), reverse=True)
    assert {"Bosnie-Herzégovine", "Bosnie Herzégovine", "Bosnie-Herzegovine", "Bosnie Herzegovine"} <= set(entries)
    assert entries.index("Guinée équatoriale") < entries.index("Guinée")


def test_parser_table_is_the_codes_with_aliases():
    assert COUNTRIES == {c.code: c.aliases for c in COUNTRY_DATA.values() if c.aliases}
    assert len(COUNTRIES) == 82 and sum(len(a) for a in COUNTRIES.values()) == 343
    assert list(COUNTRIES)[:3] == ["FR", "DE", "BE"]  # file order = tie-break order of the parser
    assert COUNTRY_DATA["NO"].aliases[0] == "norvege"


def test_every_written_name_of_a_known_country_parses_to_its_code():
    for country in COUNTRY_DATA.values():
        if country.aliases:
            for name in country.names:
                assert normalise_country(name) == country.code, name


def test_cap_rule_data_codes_are_listed():
    data = yaml.safe_load((RULES_DIR / "countries.yml").read_text(encoding="utf-8"))
    codes = set(data["domestic"]["value"]) | set(data["marketable"]["value"])
    codes |= {item["code"] for item in data["closed"]["value"]}
    codes |= {code for group in data["categories"]["value"].values() for code in group}
    assert codes - set(COUNTRY_DATA) - set(COUNTRY_GROUPS) == set()


def test_the_eu_is_one_group_used_by_the_cap_rules_and_the_contract_scope():
    """One source of truth for country lists (issue 18): the EU's members are listed once."""
    from bot.cap.rules import get_rules
    from bot.guarantee_intent import EU
    assert len(COUNTRY_GROUPS["EU"]) == 27 and COUNTRY_GROUPS["EU"] <= set(COUNTRY_DATA)
    assert EU is COUNTRY_GROUPS["EU"]
    assert COUNTRY_GROUPS["EU"] <= get_rules().countries.marketable
    data = yaml.safe_load((RULES_DIR / "countries.yml").read_text(encoding="utf-8"))
    assert "EU" in data["marketable"]["value"]


def test_every_domestic_code_of_the_cap_rules_is_read_by_the_parser():
    """Issue 18, item 13: RE, GP... are listed as domestic, so the parser must accept their codes."""
    from bot.cap.rules import get_rules
    for code in get_rules().countries.domestic:
        assert normalise_country(code) == code


def test_bad_group_is_refused(tmp_path):
    path = tmp_path / "countries.yml"
    path.write_text("DE: {names: [Allemagne]}\n_groups:\n  EU: [DE, XX]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="codes listed in this file"):
        load_groups(path)


@pytest.mark.parametrize("text, problem", [
    ("NO: {names: [Norvège]}\n", "ISO 3166 alpha-2 code"),  # unquoted NO is YAML's false
    ("DE: {aliases: [Allemagne]}\n", "must be folded"),
    ("DE: {aliases: [allemagne]}\nAT: {aliases: [allemagne]}\n", "already belongs to DE"),
    ("DE: {names: Allemagne}\n", "list of non-empty texts"),
    ("DE: {nom: [Allemagne]}\n", "'names' and/or 'aliases'"),
])
def test_bad_country_data_is_refused(tmp_path, text, problem):
    path = tmp_path / "countries.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=problem):
        load_countries(path)
