"""The glossary (bot/glossary.yml): short definitions of the words of credit insurance.

:func:`find_terms` reads which terms a message names (entity values first, then the words of the
text); :func:`get` gives one :class:`Term`. Pure functions, no I/O beyond reading the data file once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

import yaml

from bot.text import fold as _fold_text

DATA = Path(__file__).with_name("glossary.yml")


@dataclass(frozen=True)
class Term:
    key: str
    label: str
    definition: str
    aliases: Tuple[str, ...]
    contract: Optional[str] = None  # field of ContractTerms holding this contract's value


def fold(text: Optional[str]) -> str:
    """Lower case, no accents, one kind of apostrophe, single spaces."""
    text = (text or "").replace("\u2019", "'")
    return _fold_text(text, squeeze=True)


@lru_cache(maxsize=1)
def terms() -> Dict[str, Term]:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8")) or {}
    out: Dict[str, Term] = {}
    for key, item in (data.get("terms") or {}).items():
        out[key] = Term(key=key, label=item["label"], definition=re.sub(r"[ \t\r\n]+", " ", item["definition"]).strip(),
                        aliases=tuple(item.get("aliases") or ()), contract=item.get("contract"))
    return out


def get(key: str) -> Optional[Term]:
    return terms().get(key)


@lru_cache(maxsize=1)
def _patterns() -> List[Tuple[re.Pattern, str]]:
    """(pattern, term key), longest alias first, so that "délai de carence" wins over "carence"."""
    pairs = []
    for term in terms().values():
        for alias in set(term.aliases) | {term.label}:
            pairs.append((fold(alias), term.key))
    pairs.sort(key=lambda p: -len(p[0]))
    return [(re.compile(r"(?<![a-z0-9])" + re.escape(a) + r"(?![a-z0-9])"), key) for a, key in pairs if a]


def find_terms(text: Optional[str], entities: Iterable[object] = ()) -> List[str]:
    """The terms named, in the order they appear (entity values, then the text), without duplicates."""
    found: List[Tuple[int, str]] = []
    seen = set()
    for i, value in enumerate(entities):
        if isinstance(value, str):
            for key in _keys_in(fold(value)):
                if key not in seen:
                    seen.add(key)
                    found.append((-1000 + i, key))
    folded = fold(text)
    taken: List[Tuple[int, int]] = []
    for pattern, key in _patterns():
        for m in pattern.finditer(folded):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            taken.append((m.start(), m.end()))
            if key not in seen:
                seen.add(key)
                found.append((m.start(), key))
    return [key for _, key in sorted(found)]


def _keys_in(folded: str) -> List[str]:
    for pattern, key in _patterns():
        if pattern.search(folded):
            return [key]
    return []


def all_aliases() -> List[str]:
    """Every alias of every term (the NLU lookup table `term` lists them)."""
    out: List[str] = []
    for term in terms().values():
        for alias in term.aliases:
            if alias not in out:
                out.append(alias)
    return out
