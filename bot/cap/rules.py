"""Load and check the CAP rule data (``bot/cap/rules/*.yml``).

The YAML files are data, not code: one file per scheme (``scheme:``), plus ``sources.yml`` (the
catalogue of cited texts) and ``countries.yml`` (domestic, marketable, closed countries and the risk
categories used by CAP+ Francexport).

``get_rules()`` loads the default directory once and caches the result; ``load_rules(path)`` loads
and validates any directory (used by tests). Every problem found is reported in one
:class:`RuleError` whose lines name the file and the entry, for example::

    cap.yml: entry 'cap-2021': figure 'topup_ratio_max': value must be a number > 0 (got 'deux')
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Dict, FrozenSet, List, Mapping, Optional, Tuple

import yaml

RULES_DIR = Path(__file__).resolve().parent / "rules"

SCHEMES: Tuple[str, ...] = ("CAP", "CAP+", "CAP Francexport", "CAP+ Francexport", "Cap Relais")
MECHANISMS = ("top_up", "substitute", "reinsurance")
LOCATIONS = ("domestic", "abroad", "any")
CONFIDENCES = ("confirmed", "to_confirm")
SOURCE_KINDS = ("law", "decree", "official", "agreement", "article", "press", "internal")


class RuleError(ValueError):
    """The rule data is invalid. ``errors`` lists every problem (one line each)."""

    def __init__(self, errors: List[str]):
        self.errors = list(errors)
        super().__init__("Invalid CAP rule data:\n  - " + "\n  - ".join(self.errors))


# ----------------------------------------------------------------------------------------------
# Data objects (frozen: the rule set is shared and cached)


@dataclass(frozen=True)
class Source:
    id: str
    kind: str
    title: str
    url: Optional[str] = None
    note: Optional[str] = None

    def as_dict(self) -> Dict[str, Any]:
        out = {"id": self.id, "kind": self.kind, "title": self.title}
        if self.url:
            out["url"] = self.url
        return out


@dataclass(frozen=True)
class Figure:
    name: str
    value: Any
    confidence: str
    sources: Tuple[str, ...] = ()
    note: Optional[str] = None
    alternatives: Tuple[Mapping[str, Any], ...] = ()

    @property
    def confirmed(self) -> bool:
        return self.confidence == "confirmed"


@dataclass(frozen=True)
class RuleEntry:
    id: str
    scheme: str
    valid_from: date
    valid_to: Optional[date]
    sources: Tuple[str, ...]
    figures: Mapping[str, Figure]
    notes: Mapping[str, str] = field(default_factory=dict)
    file: str = ""

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def value(self, name: str, default: Any = None) -> Any:
        fig = self.figures.get(name)
        return default if fig is None else fig.value

    def figure(self, name: str) -> Optional[Figure]:
        return self.figures.get(name)


@dataclass(frozen=True)
class Closure:
    closed_from: Optional[date]
    last_open_day: Optional[date]
    confidence: str
    sources: Tuple[str, ...]
    note: Optional[str] = None


@dataclass(frozen=True)
class Scheme:
    name: str
    operator: str
    mechanism: str
    buyer_location: str
    closure: Closure
    entries: Tuple[RuleEntry, ...]
    file: str = ""

    def entry_at(self, day: date) -> Optional[RuleEntry]:
        for entry in self.entries:
            if entry.covers(day):
                return entry
        return None

    @property
    def first_day(self) -> date:
        return self.entries[0].valid_from

    @property
    def last_day(self) -> Optional[date]:
        return self.entries[-1].valid_to

    def closed_at(self, day: date) -> bool:
        return self.closure.closed_from is not None and day >= self.closure.closed_from


@dataclass(frozen=True)
class Countries:
    domestic: FrozenSet[str]
    marketable: FrozenSet[str]
    closed: Tuple[Tuple[str, Optional[date]], ...]
    categories: Mapping[str, int]
    confidence: Mapping[str, str]
    sources: Tuple[str, ...] = ()

    def is_domestic(self, code: str) -> bool:
        return code in self.domestic

    def is_marketable(self, code: str) -> bool:
        return code in self.marketable

    def is_closed(self, code: str, day: date) -> bool:
        return any(c == code and (start is None or day >= start) for c, start in self.closed)

    def category(self, code: str) -> Optional[int]:
        return self.categories.get(code)


@dataclass(frozen=True)
class RuleSet:
    schemes: Mapping[str, Scheme]
    sources: Mapping[str, Source]
    countries: Countries
    directory: str = ""

    def scheme(self, name: str) -> Scheme:
        return self.schemes[name]

    def entries(self) -> List[RuleEntry]:
        return [e for s in self.schemes.values() for e in s.entries]

    def entry(self, entry_id: str) -> RuleEntry:
        for e in self.entries():
            if e.id == entry_id:
                return e
        raise KeyError(entry_id)


# ----------------------------------------------------------------------------------------------
# Figure vocabulary: name -> checker returning an error message or None


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float, Decimal)) and not isinstance(v, bool)


def _dec(v: Any) -> Decimal:
    return Decimal(str(v))


def _number(minimum: float = 0, strict: bool = False, nullable: bool = False, maximum: Optional[float] = None):
    def check(v: Any) -> Optional[str]:
        if v is None:
            return None if nullable else "value must not be null"
        bound = ">" if strict else ">="
        if not _is_number(v) or (v <= minimum if strict else v < minimum) or (maximum is not None and v > maximum):
            extra = f" and <= {maximum}" if maximum is not None else ""
            return f"value must be a number {bound} {minimum}{extra}{' or null' if nullable else ''} (got {v!r})"
        return None
    return check


def _ratio(nullable: bool = False):
    return _number(0, nullable=nullable, maximum=1)


def _bool(v: Any) -> Optional[str]:
    return None if isinstance(v, bool) else f"value must be true or false (got {v!r})"


def _enum(*allowed: str):
    def check(v: Any) -> Optional[str]:
        return None if v in allowed else f"value must be one of {', '.join(allowed)} (got {v!r})"
    return check


def _int_positive(v: Any) -> Optional[str]:
    if isinstance(v, int) and not isinstance(v, bool) and v > 0:
        return None
    return f"value must be a whole number > 0 (got {v!r})"


def _currencies(v: Any) -> Optional[str]:
    if isinstance(v, list) and v and all(isinstance(c, str) and len(c) == 3 and c.isupper() for c in v):
        return None
    return f"value must be a non-empty list of ISO 4217 codes like EUR (got {v!r})"


def _probability_range(v: Any) -> Optional[str]:
    if (isinstance(v, list) and len(v) == 2 and all(_is_number(x) and 0 <= x <= 1 for x in v)
            and v[0] <= v[1]):
        return None
    return f"value must be [low, high] with 0 <= low <= high <= 1 (got {v!r})"


def _category_ceilings(v: Any) -> Optional[str]:
    if not isinstance(v, dict) or not v:
        return f"value must map country categories (1, 2, 3) to amounts (got {v!r})"
    for k, amount in v.items():
        if not isinstance(k, int) or isinstance(k, bool) or k not in (1, 2, 3):
            return f"category {k!r} must be 1, 2 or 3"
        if not _is_number(amount) or amount < 0:
            return f"ceiling for category {k} must be a number >= 0 (got {amount!r})"
    return None


FIGURE_CHECKS: Dict[str, Callable[[Any], Optional[str]]] = {
    "insurer_decision": _enum("partial", "refused_or_cancelled"),
    "topup_ratio_max": _number(0, strict=True),
    "topup_capped_at_requested": _bool,
    "ceiling_per_buyer": _number(0, nullable=True),
    "ceiling_by_country_category": _category_ceilings,
    "insurer_retained_share_min": _ratio(),
    "quotite_max": _ratio(nullable=True),
    "buyer_default_probability": _probability_range,
    "turnover_max_eur": _number(0, strict=True, nullable=True),
    "turnover_max_inclusive": _bool,
    "requires_existing_policy": _bool,
    "credit_term_max_days": _int_positive,
    "french_content_min": _ratio(),
    "currencies": _currencies,
    "excluded_countries": _enum("closed_only", "marketable_and_closed"),
    "state_share": _ratio(),
    "client_action_required": _bool,
}

REQUIRED_BY_MECHANISM = {
    "top_up": ("insurer_decision", "topup_ratio_max"),
    "substitute": ("insurer_decision",),
    "reinsurance": ("state_share",),
}
FIGURE_KEYS = {"value", "confidence", "sources", "note", "alternatives", "applied"}
FILE_KEYS = {"scheme", "operator", "mechanism", "buyer_location", "closure", "entries"}
ENTRY_KEYS = {"id", "valid_from", "valid_to", "sources", "figures", "notes"}
CLOSURE_KEYS = {"closed_to_new_requests_from", "last_open_day", "confidence", "sources", "note"}


def _normalise_value(name: str, value: Any) -> Any:
    """Numbers become Decimal (exact arithmetic); lists become tuples."""
    if value is None or isinstance(value, bool):
        return value
    if _is_number(value):
        return _dec(value)
    if isinstance(value, list):
        return tuple(_dec(x) if _is_number(x) else x for x in value)
    if isinstance(value, dict):
        return {k: (_dec(v) if _is_number(v) else v) for k, v in value.items()}
    return value


# ----------------------------------------------------------------------------------------------
# Loading


def _read_yaml(path: Path, errors: List[str]) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except yaml.YAMLError as exc:
        errors.append(f"{path.name}: not valid YAML: {exc}".replace("\n", " "))
    except OSError as exc:
        errors.append(f"{path.name}: cannot be read: {exc}")
    return None


def _source_list(raw: Any, where: str, known: Mapping[str, Source], errors: List[str],
                 required: bool = True) -> Tuple[str, ...]:
    if raw is None and not required:
        return ()
    if not isinstance(raw, list) or (required and not raw) or not all(isinstance(s, str) for s in raw):
        errors.append(f"{where}: 'sources' must be a non-empty list of source ids (got {raw!r})")
        return ()
    for sid in raw:
        if sid not in known:
            errors.append(f"{where}: unknown source id {sid!r} (not in sources.yml)")
    return tuple(raw)


def _load_sources(path: Path, errors: List[str]) -> Dict[str, Source]:
    data = _read_yaml(path, errors)
    out: Dict[str, Source] = {}
    if data is None:
        if path.exists():
            return out
        errors.append(f"{path.name}: missing (the catalogue of sources is required)")
        return out
    items = data.get("sources") if isinstance(data, dict) else None
    if not isinstance(items, list):
        errors.append(f"{path.name}: must contain a 'sources:' list")
        return out
    for i, item in enumerate(items):
        where = f"{path.name}: source #{i + 1}"
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item.get("title"):
            errors.append(f"{where}: needs at least 'id' and 'title'")
            continue
        if item["id"] in out:
            errors.append(f"{where}: duplicate source id {item['id']!r}")
        if item.get("kind") not in SOURCE_KINDS:
            errors.append(f"{where} ({item['id']}): 'kind' must be one of {', '.join(SOURCE_KINDS)}")
        out[item["id"]] = Source(item["id"], str(item.get("kind")), str(item["title"]), item.get("url"),
                                 item.get("note"))
    return out


def _code_list(raw: Any, where: str, errors: List[str]) -> List[str]:
    if not isinstance(raw, list) or not all(isinstance(c, str) and len(c) == 2 and c.isupper() for c in raw):
        errors.append(f"{where}: must be a list of ISO 3166 alpha-2 codes like DE (got {raw!r})")
        return []
    return list(raw)


def _load_countries(path: Path, sources: Mapping[str, Source], errors: List[str]) -> Countries:
    name = path.name
    data = _read_yaml(path, errors)
    empty = Countries(frozenset(), frozenset(), (), {}, {})
    if not isinstance(data, dict):
        if data is not None or not path.exists():
            errors.append(f"{name}: must be a mapping with domestic, marketable, closed, categories")
        return empty
    confidence: Dict[str, str] = {}
    all_sources: List[str] = []
    for key in ("domestic", "marketable", "closed", "categories"):
        block = data.get(key)
        if not isinstance(block, dict) or "value" not in block:
            errors.append(f"{name}: '{key}' must be a mapping with 'value' and 'confidence'")
            data[key] = {"value": None}
            continue
        if block.get("confidence") not in CONFIDENCES:
            errors.append(f"{name}: '{key}': confidence must be confirmed or to_confirm")
        confidence[key] = block.get("confidence", "to_confirm")
        all_sources += _source_list(block.get("sources"), f"{name}: '{key}'", sources, errors)
    domestic = _code_list(data["domestic"]["value"], f"{name}: 'domestic'", errors)
    marketable = _code_list(data["marketable"]["value"], f"{name}: 'marketable'", errors)
    closed: List[Tuple[str, Optional[date]]] = []
    raw_closed = data["closed"]["value"]
    if not isinstance(raw_closed, list):
        errors.append(f"{name}: 'closed' value must be a list of {{code, from}}")
    else:
        for item in raw_closed:
            if (not isinstance(item, dict) or not isinstance(item.get("code"), str) or len(item["code"]) != 2
                    or not (item.get("from") is None or isinstance(item.get("from"), date))):
                errors.append(f"{name}: 'closed': bad item {item!r} (needs code: XX, from: YYYY-MM-DD or null)")
                continue
            closed.append((item["code"], item.get("from")))
    categories: Dict[str, int] = {}
    raw_cat = data["categories"]["value"]
    if not isinstance(raw_cat, dict):
        errors.append(f"{name}: 'categories' value must map 1/2/3 to lists of codes")
    else:
        for cat, codes in raw_cat.items():
            if cat not in (1, 2, 3):
                errors.append(f"{name}: 'categories': category {cat!r} must be 1, 2 or 3")
                continue
            for code in _code_list(codes, f"{name}: 'categories' {cat}", errors):
                if code in categories:
                    errors.append(f"{name}: 'categories': {code} is in categories {categories[code]} and {cat}")
                categories[code] = cat
    return Countries(frozenset(domestic), frozenset(marketable), tuple(closed), categories, confidence,
                     tuple(dict.fromkeys(all_sources)))


def _load_figures(raw: Any, where: str, sources: Mapping[str, Source], errors: List[str]) -> Dict[str, Figure]:
    figures: Dict[str, Figure] = {}
    if not isinstance(raw, dict) or not raw:
        errors.append(f"{where}: 'figures' must be a non-empty mapping")
        return figures
    for fname, spec in raw.items():
        fwhere = f"{where}: figure '{fname}'"
        if fname not in FIGURE_CHECKS:
            errors.append(f"{fwhere}: unknown figure name (known: {', '.join(sorted(FIGURE_CHECKS))})")
            continue
        if not isinstance(spec, dict) or "value" not in spec:
            errors.append(f"{fwhere}: must be a mapping with at least 'value' and 'confidence'")
            continue
        unknown = set(spec) - FIGURE_KEYS
        if unknown:
            errors.append(f"{fwhere}: unknown key(s) {', '.join(sorted(unknown))}")
        problem = FIGURE_CHECKS[fname](spec["value"])
        if problem:
            errors.append(f"{fwhere}: {problem}")
        if spec.get("confidence") not in CONFIDENCES:
            errors.append(f"{fwhere}: 'confidence' must be confirmed or to_confirm (got {spec.get('confidence')!r})")
        fsources = _source_list(spec.get("sources"), fwhere, sources, errors, required=False)
        alternatives = spec.get("alternatives") or []
        if not isinstance(alternatives, list) or not all(isinstance(a, dict) and "value" in a for a in alternatives):
            errors.append(f"{fwhere}: 'alternatives' must be a list of mappings with 'value'")
            alternatives = []
        for alt in alternatives:
            _source_list(alt.get("sources"), f"{fwhere}: alternative", sources, errors, required=False)
        if alternatives and "applied" not in spec:
            errors.append(f"{fwhere}: has alternatives, so it must say which value is 'applied'")
        if "applied" in spec and spec["applied"] != spec["value"]:
            errors.append(f"{fwhere}: 'applied' ({spec['applied']!r}) must equal 'value' ({spec['value']!r})")
        figures[fname] = Figure(fname, _normalise_value(fname, spec["value"]), spec.get("confidence", "to_confirm"),
                                fsources, spec.get("note"), tuple(alternatives))
    return figures


def _load_scheme(path: Path, sources: Mapping[str, Source], errors: List[str]) -> Optional[Scheme]:
    name = path.name
    data = _read_yaml(path, errors)
    if data is None:
        if path.exists():
            errors.append(f"{name}: empty file")
        return None
    if not isinstance(data, dict):
        errors.append(f"{name}: top level must be a mapping")
        return None
    unknown = set(data) - FILE_KEYS
    if unknown:
        errors.append(f"{name}: unknown key(s) {', '.join(sorted(unknown))}")
    scheme = data.get("scheme")
    if scheme not in SCHEMES:
        errors.append(f"{name}: 'scheme' must be one of {', '.join(SCHEMES)} (got {scheme!r})")
        return None
    mechanism = data.get("mechanism")
    if mechanism not in MECHANISMS:
        errors.append(f"{name}: 'mechanism' must be one of {', '.join(MECHANISMS)} (got {mechanism!r})")
    location = data.get("buyer_location")
    if location not in LOCATIONS:
        errors.append(f"{name}: 'buyer_location' must be one of {', '.join(LOCATIONS)} (got {location!r})")

    closure_raw = data.get("closure")
    closure = Closure(None, None, "to_confirm", ())
    if not isinstance(closure_raw, dict):
        errors.append(f"{name}: 'closure' must be a mapping (closed_to_new_requests_from, last_open_day, "
                      "confidence, sources)")
    else:
        unknown = set(closure_raw) - CLOSURE_KEYS
        if unknown:
            errors.append(f"{name}: closure: unknown key(s) {', '.join(sorted(unknown))}")
        cfrom, clast = closure_raw.get("closed_to_new_requests_from"), closure_raw.get("last_open_day")
        for label, val in (("closed_to_new_requests_from", cfrom), ("last_open_day", clast)):
            if val is not None and not isinstance(val, date):
                errors.append(f"{name}: closure: '{label}' must be a date YYYY-MM-DD or null (got {val!r})")
        if isinstance(cfrom, date) and isinstance(clast, date) and cfrom != clast + timedelta(days=1):
            errors.append(f"{name}: closure: closed_to_new_requests_from must be the day after last_open_day")
        if closure_raw.get("confidence") not in CONFIDENCES:
            errors.append(f"{name}: closure: 'confidence' must be confirmed or to_confirm")
        closure = Closure(cfrom if isinstance(cfrom, date) else None, clast if isinstance(clast, date) else None,
                          closure_raw.get("confidence", "to_confirm"),
                          _source_list(closure_raw.get("sources"), f"{name}: closure", sources, errors),
                          closure_raw.get("note"))

    raw_entries = data.get("entries")
    if not isinstance(raw_entries, list) or not raw_entries:
        errors.append(f"{name}: 'entries' must be a non-empty list")
        return None
    entries: List[RuleEntry] = []
    for i, raw in enumerate(raw_entries):
        if not isinstance(raw, dict):
            errors.append(f"{name}: entry #{i + 1}: must be a mapping")
            continue
        eid = raw.get("id")
        where = f"{name}: entry '{eid}'" if isinstance(eid, str) and eid else f"{name}: entry #{i + 1}"
        if not isinstance(eid, str) or not eid:
            errors.append(f"{where}: 'id' is required")
        unknown = set(raw) - ENTRY_KEYS
        if unknown:
            errors.append(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        vfrom, vto = raw.get("valid_from"), raw.get("valid_to", "missing")
        ok = True
        if not isinstance(vfrom, date):
            errors.append(f"{where}: 'valid_from' must be a date YYYY-MM-DD (got {vfrom!r})")
            ok = False
        if vto == "missing":
            errors.append(f"{where}: 'valid_to' is required (a date, or null when no end is known)")
            ok = False
        elif vto is not None and not isinstance(vto, date):
            errors.append(f"{where}: 'valid_to' must be a date YYYY-MM-DD or null (got {vto!r})")
            ok = False
        if ok and vto is not None and vto < vfrom:
            errors.append(f"{where}: valid_to {vto} is before valid_from {vfrom}")
        esources = _source_list(raw.get("sources"), where, sources, errors)
        figures = _load_figures(raw.get("figures"), where, sources, errors)
        if isinstance(mechanism, str):
            for req in REQUIRED_BY_MECHANISM.get(mechanism, ()):
                if req not in figures:
                    errors.append(f"{where}: figure '{req}' is required for mechanism {mechanism}")
            if mechanism == "substitute" and not ({"ceiling_per_buyer", "ceiling_by_country_category"} & set(figures)):
                errors.append(f"{where}: a substitute scheme needs 'ceiling_per_buyer' or 'ceiling_by_country_category'")
        if location == "abroad" and "excluded_countries" not in figures:
            errors.append(f"{where}: a scheme for buyers abroad needs 'excluded_countries'")
        notes = raw.get("notes") or {}
        if not isinstance(notes, dict):
            errors.append(f"{where}: 'notes' must be a mapping")
            notes = {}
        if ok:
            entries.append(RuleEntry(eid or f"#{i + 1}", scheme, vfrom, vto, esources, figures,
                                     {str(k): str(v) for k, v in notes.items()}, name))

    entries.sort(key=lambda e: e.valid_from)
    for prev, cur in zip(entries, entries[1:]):
        if prev.valid_to is None or cur.valid_from <= prev.valid_to:
            errors.append(f"{name}: entries '{prev.id}' ({prev.valid_from} to {prev.valid_to or 'open'}) and "
                          f"'{cur.id}' ({cur.valid_from} to {cur.valid_to or 'open'}) overlap for scheme {scheme}")
    if entries and closure.closed_from is not None:
        last = entries[-1]
        if last.valid_to is None or last.valid_to >= closure.closed_from:
            errors.append(f"{name}: closure: scheme closed from {closure.closed_from} but entry '{last.id}' "
                          f"is valid until {last.valid_to or 'open'}")
    return Scheme(scheme, str(data.get("operator", "")), str(mechanism), str(location), closure, tuple(entries), name)


def load_rules(directory: Optional[Path] = None) -> RuleSet:
    """Load and validate every rule file of ``directory`` (default: ``bot/cap/rules``).

    Raises :class:`RuleError` listing all problems. Not cached: use :func:`get_rules`.
    """
    directory = Path(directory) if directory is not None else RULES_DIR
    errors: List[str] = []
    if not directory.is_dir():
        raise RuleError([f"{directory}: rules directory not found"])
    sources = _load_sources(directory / "sources.yml", errors)
    countries = _load_countries(directory / "countries.yml", sources, errors)
    schemes: Dict[str, Scheme] = {}
    ids: Dict[str, str] = {}
    for path in sorted(directory.glob("*.yml")):
        if path.name in ("sources.yml", "countries.yml"):
            continue
        scheme = _load_scheme(path, sources, errors)
        if scheme is None:
            continue
        if scheme.name in schemes:
            errors.append(f"{path.name}: scheme {scheme.name!r} already defined in {schemes[scheme.name].file}")
            continue
        for e in scheme.entries:
            if e.id in ids:
                errors.append(f"{path.name}: entry '{e.id}': id already used in {ids[e.id]}")
            ids[e.id] = path.name
        schemes[scheme.name] = scheme
    for name in SCHEMES:
        if name not in schemes and not any(name in err for err in errors):
            errors.append(f"{directory.name}/: no rule file defines scheme {name!r}")
    if errors:
        raise RuleError(errors)
    ordered = {name: schemes[name] for name in SCHEMES}
    return RuleSet(ordered, sources, countries, str(directory))


@functools.lru_cache(maxsize=None)
def _cached(directory: str) -> RuleSet:
    return load_rules(Path(directory))


def get_rules(directory: Optional[Path] = None) -> RuleSet:
    """The validated rule set, parsed once per directory and cached for the process."""
    return _cached(str(Path(directory).resolve() if directory is not None else RULES_DIR))


def check() -> int:
    """Validate the default rule files; return the number of entries (used at start-up)."""
    return len(get_rules().entries())
