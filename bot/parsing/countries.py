"""Countries in what people type: ISO 3166 alpha-2 code from a French name, adjective or code
(:func:`normalise_country`).

The data is ``bot/parsing/countries.yml``, read once at import: one entry per code with
``names`` (how people write the country) and ``aliases`` (the words the parser knows, folded),
and ``_groups`` (named lists of codes, such as ``EU``: :data:`COUNTRY_GROUPS`, the one list used by
the CAP rule data and the contract's territorial scope).
:data:`COUNTRIES`: ISO2 -> (names, adjectives and aliases), folded (lower case, no accents), for
the codes with aliases. :func:`normalise_country` also takes any listed code written in capitals
("RE", "GP": overseas departments with no aliases). The NLU lookup table ``country`` (``data/nlu/countries_lookup.yml``) is
generated from the same file by :func:`render_nlu_lookup` (``python -m bot.parsing --nlu-lookup``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

import yaml

from bot.parsing.text import fold
from bot.text import strip_accents

__all__ = ["COUNTRIES", "COUNTRY_DATA", "COUNTRY_GROUPS", "DATA_FILE", "Country", "load_countries",
           "load_groups", "nlu_lookup_entries", "normalise_country", "render_nlu_lookup"]

DATA_FILE = Path(__file__).resolve().with_name("countries.yml")
NLU_LOOKUP_FILE = "data/nlu/countries_lookup.yml"  # relative to the repository root
_CODE = re.compile(r"[A-Z]{2}")
GROUPS_KEY = "_groups"


@dataclass(frozen=True)
class Country:
    code: str
    names: Tuple[str, ...] = ()  # as people write them (NLU lookup)
    aliases: Tuple[str, ...] = ()  # folded words the parser knows


def _strings(raw: Any, where: str, errors: List[str]) -> Tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(x, str) and x.strip() == x and x for x in raw):
        errors.append(f"{where}: must be a list of non-empty texts (got {raw!r})")
        return ()
    return tuple(raw)


def _read(path: Path) -> Dict[Any, Any]:
    with Path(path).open(encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(data, dict):
        raise ValueError(f"{Path(path).name}: must map ISO 3166 alpha-2 codes to entries")
    return data


def load_groups(path: Path = DATA_FILE) -> Dict[str, frozenset]:
    """The named groups of codes (``_groups:``), each code checked against the file's entries."""
    data = _read(path)
    raw = data.get(GROUPS_KEY) or {}
    errors: List[str] = []
    groups: Dict[str, frozenset] = {}
    if not isinstance(raw, dict):
        raise ValueError(f"{Path(path).name}: '{GROUPS_KEY}' must map group names to lists of codes")
    for name, codes in raw.items():
        where = f"{Path(path).name}: {GROUPS_KEY} {name!r}"
        if not isinstance(name, str) or not re.fullmatch(r"[A-Z]{2,}", name) or name in data:
            errors.append(f"{where}: a group name is in capital letters, like EU, and is not a country code")
            continue
        if not isinstance(codes, list) or not all(isinstance(c, str) and c in data for c in codes):
            errors.append(f"{where}: must be a list of codes listed in this file (got {codes!r})")
            continue
        groups[name] = frozenset(codes)
    if errors:
        raise ValueError("Invalid country data:\n  - " + "\n  - ".join(errors))
    return groups


def load_countries(path: Path = DATA_FILE) -> Dict[str, Country]:
    """Read and check the country file; ``ValueError`` lists every problem."""
    data = {k: v for k, v in _read(path).items() if k != GROUPS_KEY}
    errors: List[str] = []
    countries: Dict[str, Country] = {}
    owner: Dict[str, str] = {}  # alias or name -> code
    for code, entry in data.items():
        where = f"{Path(path).name}: {code!r}"
        if not isinstance(code, str) or not _CODE.fullmatch(code):
            errors.append(f"{where}: the key must be an ISO 3166 alpha-2 code like DE (quote \"NO\")")
            continue
        entry = {} if entry is None else entry
        if not isinstance(entry, dict) or set(entry) - {"names", "aliases"}:
            errors.append(f"{where}: must be a mapping with 'names' and/or 'aliases' (got {entry!r})")
            continue
        names = _strings(entry.get("names"), f"{where}: names", errors)
        aliases = _strings(entry.get("aliases"), f"{where}: aliases", errors)
        for alias in aliases:
            if fold(alias) != alias:
                errors.append(f"{where}: alias {alias!r} must be folded (lower case, no accents): {fold(alias)!r}")
        for kind, values in (("alias", aliases), ("name", names)):
            for value in values:
                other = owner.setdefault(f"{kind}:{value}", code)
                if other != code:
                    errors.append(f"{where}: {kind} {value!r} already belongs to {other}")
        countries[code] = Country(code, names, aliases)
    if errors:
        raise ValueError("Invalid country data:\n  - " + "\n  - ".join(errors))
    return countries


COUNTRY_DATA: Mapping[str, Country] = load_countries()
COUNTRY_GROUPS: Mapping[str, frozenset] = load_groups()
COUNTRIES: Dict[str, Tuple[str, ...]] = {c.code: c.aliases for c in COUNTRY_DATA.values() if c.aliases}


def nlu_lookup_entries(countries: Optional[Mapping[str, Country]] = None) -> List[str]:
    """The NLU lookup entries: every name, also without accents and with spaces for its hyphens,
    longest first (the regex Rasa builds from them tries the entries in this order)."""
    entries = set()
    for country in (COUNTRY_DATA if countries is None else countries).values():
        for name in country.names:
            for variant in (name, strip_accents(name)):
                entries.update((variant, variant.replace("-", " ")))
    return sorted(entries, key=lambda e: (-len(e), e))


def render_nlu_lookup(countries: Optional[Mapping[str, Country]] = None) -> str:
    """The text of ``data/nlu/countries_lookup.yml``."""
    lines = [
        'version: "3.1"',
        "",
        "# GENERATED from bot/parsing/countries.yml (edit that file, then run",
        f"# `python -m bot.parsing --nlu-lookup > {NLU_LOOKUP_FILE}`; a test checks they agree).",
        "# Entries are sorted longest first so that the generated alternation prefers",
        '# "Guinée équatoriale" over "Guinée".',
        "",
        "nlu:",
        "- lookup: country",
        "  examples: |",
    ]
    lines += [f"    - {entry}" for entry in nlu_lookup_entries(countries)]
    return "\n".join(lines) + "\n"


_COUNTRY_INDEX: Dict[str, str] = {}
for _code, _names in COUNTRIES.items():
    for _name in _names:
        _COUNTRY_INDEX[_name] = _code
        _COUNTRY_INDEX[_name.replace("-", " ")] = _code
# longest aliases first, so "coree du nord" wins over "coree"
_COUNTRY_ALIASES = sorted(_COUNTRY_INDEX, key=len, reverse=True)
_SHORT_ALIASES = {"us", "uk", "eau", "rpc", "rfa"}  # only when they stand alone or in capitals
# compiled once (one pattern per alias: more than the re module's cache holds)
_ALIAS_PATTERNS = [(alias, re.compile(r"(?<![a-z])" + re.escape(alias) + r"(?![a-z])")) for alias in _COUNTRY_ALIASES]


def normalise_country(text: Optional[str]) -> Optional[str]:
    """ISO 3166 alpha-2 code for a French country name, adjective or code ("Allemagne", "allemand",
    "USA", "DE"); None when no known country is named."""
    if not text or not isinstance(text, str):
        return None
    raw = text.strip()
    if re.fullmatch(r"[A-Za-z]{2}", raw):
        code = raw.upper()
        if code == "UK":
            return "GB"
        if code in COUNTRIES or (raw.isupper() and code in COUNTRY_DATA):
            return code
    s = fold(raw).replace("-", " ")
    s = re.sub(r"[^a-z' ]", " ", s)
    s = re.sub(r"\s+", " ", s).strip()
    bare = re.sub(r"^(?:en|au|aux|l'|le|la|les|du|de la|des|d')\s*", "", s)
    if bare in _COUNTRY_INDEX and (bare not in _SHORT_ALIASES or bare.upper() in raw):
        return _COUNTRY_INDEX[bare]
    upper_tokens = set(re.findall(r"\b[A-Z]{2,3}\b", raw))
    for alias, pattern in _ALIAS_PATTERNS:
        if alias in _SHORT_ALIASES and alias.upper() not in upper_tokens:
            continue
        if alias in s and pattern.search(s):  # the substring test first: most aliases are not there at all
            return _COUNTRY_INDEX[alias]
    return None
