"""Load and check the rule files of a directory (default: this package's, ``bot/cap/rules``).

``get_rules()`` loads the default directory once and caches the result; ``load_rules(path)`` loads
and validates any directory (used by tests). Every problem found is reported in one
:class:`~bot.cap.rules.model.RuleError` (see :mod:`bot.cap.rules`).
"""
from __future__ import annotations

import functools
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

import yaml

from bot.cap.rules.model import (CONFIDENCES, LOCATIONS, MECHANISMS, SCHEMES, SOURCE_KINDS, Closure, Countries,
                                 Figure, RuleEntry, RuleError, RuleSet, Scheme, Source)
from bot.cap.rules.schema import (CLOSURE_KEYS, ENTRY_KEYS, FIGURE_CHECKS, FIGURE_KEYS, FILE_KEYS, HISTORY_CHECKS,
                                  REQUIRED_BY_MECHANISM, normalise_value)
from bot.parsing.countries import COUNTRY_GROUPS

__all__ = ["RULES_DIR", "check", "get_rules", "load_rules"]

RULES_DIR = Path(__file__).resolve().parent


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
    """ISO 3166 alpha-2 codes; a group name of ``bot/parsing/countries.yml`` (``EU``) stands for its codes."""
    if not isinstance(raw, list) or not all(isinstance(c, str) and ((len(c) == 2 and c.isupper() and c not in
                                                                     COUNTRY_GROUPS) or c in COUNTRY_GROUPS)
                                            for c in raw):
        errors.append(f"{where}: must be a list of ISO 3166 alpha-2 codes like DE, or group names like EU "
                      f"(got {raw!r})")
        return []
    out: List[str] = []
    for code in raw:
        out.extend(sorted(COUNTRY_GROUPS[code]) if code in COUNTRY_GROUPS else [code])
    return list(dict.fromkeys(out))


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


def _load_figures(raw: Any, where: str, sources: Mapping[str, Source], errors: List[str],
                  checks: Mapping[str, Any] = FIGURE_CHECKS, label: str = "figures",
                  kind: str = "figure") -> Dict[str, Figure]:
    figures: Dict[str, Figure] = {}
    if not isinstance(raw, dict) or not raw:
        errors.append(f"{where}: '{label}' must be a non-empty mapping")
        return figures
    for fname, spec in raw.items():
        fwhere = f"{where}: {kind} '{fname}'"
        if fname not in checks:
            errors.append(f"{fwhere}: unknown {kind} name (known: {', '.join(sorted(checks))})")
            continue
        if not isinstance(spec, dict) or "value" not in spec:
            errors.append(f"{fwhere}: must be a mapping with at least 'value' and 'confidence'")
            continue
        unknown = set(spec) - FIGURE_KEYS
        if unknown:
            errors.append(f"{fwhere}: unknown key(s) {', '.join(sorted(unknown))}")
        problem = checks[fname](spec["value"])
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
        figures[fname] = Figure(fname, normalise_value(fname, spec["value"]), spec.get("confidence", "to_confirm"),
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
    history: Dict[str, Figure] = {}
    if data.get("history") is not None:
        history = _load_figures(data["history"], name, sources, errors, HISTORY_CHECKS, "history", "history fact")

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
    return Scheme(scheme, str(data.get("operator", "")), str(mechanism), str(location), closure, tuple(entries), name,
                  history)


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
