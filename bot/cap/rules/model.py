"""The CAP rule data as objects: sources, figures, entries, schemes, countries, the rule set.

Frozen dataclasses (the rule set is shared and cached), built by :mod:`bot.cap.rules.loading`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Dict, FrozenSet, List, Mapping, Optional, Tuple

__all__ = ["CONFIDENCES", "LOCATIONS", "MECHANISMS", "SCHEMES", "SOURCE_KINDS", "Closure", "Countries", "Figure",
           "RuleEntry", "RuleError", "RuleSet", "Scheme", "Source"]

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
    history: Mapping[str, Figure] = field(default_factory=dict)

    def fact(self, name: str) -> Any:
        """A dated fact of the scheme's ``history`` (``launched_on``, ``agreed_on``...), or None."""
        fig = self.history.get(name)
        return None if fig is None else fig.value

    def planned_end_at(self, day: date) -> Optional[date]:
        """The end of the scheme as it was known on ``day`` (``history.planned_end``), else the
        closure's last open day."""
        known = [item["end"] for item in (self.fact("planned_end") or ()) if item["known_from"] <= day]
        return known[-1] if known else self.closure.last_open_day

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
    categories: Mapping[str, int]  # used only when its confidence is `confirmed` (see engine)
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
