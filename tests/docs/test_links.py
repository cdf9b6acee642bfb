"""Every relative link of README.md and docs/ points to a file that exists and, with a ``#fragment``, to a heading that
exists there (GitHub's anchor rules). Code that points into the docs (``docs/<name>.md#<anchor>`` in a comment or a
docstring) is held to the same rule, so a renamed heading cannot leave a dead pointer behind."""
from __future__ import annotations

import os
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterator, List, Set, Tuple

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]

FENCE = re.compile(r"^\s*(```|~~~)")
INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$")
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
HTML_ANCHOR = re.compile(r"<a\s+[^>]*(?:name|id)=\"([^\"]+)\"", re.IGNORECASE)
EXTERNAL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")  # http:, https:, mailto:…

CODE_SUFFIXES = {".py", ".yml", ".yaml", ".sh", ".toml", ".cfg", ".ini", ".js", ".html", ".css", ".txt", ".example"}
CODE_NAMES = {"Makefile", "Dockerfile"}
SKIP_DIRS = {".git", "node_modules", "models", "var", "results", "__pycache__", ".rasa"}
CODE_POINTER = re.compile(r"\bdocs/((?:[\w-]+/)*[\w.-]+\.md)(?:#([\w-]+))?")


def _outside_code(lines: List[str]) -> Iterator[Tuple[int, str]]:
    """(line number, text) of the lines outside fenced code blocks, inline code spans blanked out."""
    fenced = False
    for number, line in enumerate(lines, 1):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced and not line.startswith("    "):
            yield number, INLINE_CODE.sub(lambda m: " " * len(m.group(0)), line)


def github_anchor(heading: str) -> str:
    """The id GitHub gives a heading: its rendered text, lower case, anything but letters, digits, marks,
    connector punctuation (``_``), spaces and hyphens dropped, then every space made a hyphen."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # links and images: their text
    text = re.sub(r"<[^>]+>", "", text).replace("`", "")
    text = re.sub(r"(\*{1,3})(.+?)\1", r"\2", text)
    kept = "".join(c for c in text.lower()
                   if c in " -" or unicodedata.category(c)[0] in "LMN" or unicodedata.category(c) == "Pc")
    return kept.replace(" ", "-")


@lru_cache(maxsize=None)
def anchors(path: Path) -> Set[str]:
    found: Set[str] = set()
    seen: Dict[str, int] = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    for _, line in _outside_code(lines):
        found.update(HTML_ANCHOR.findall(line))
    fenced = False
    for line in lines:
        if FENCE.match(line):
            fenced = not fenced
            continue
        match = None if fenced else HEADING.match(line)
        if match:
            slug = github_anchor(match.group(2))
            count = seen.get(slug, 0)
            seen[slug] = count + 1
            found.add(slug if count == 0 else f"{slug}-{count}")
    return found


def links(path: Path) -> Iterator[Tuple[int, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in _outside_code(lines):
        for target in INLINE_LINK.findall(line):
            yield number, target
        definition = REFERENCE_DEF.match(line)
        if definition:
            yield number, definition.group(1)


def problem(source: Path, target: str) -> str:
    """Why ``target`` (relative to ``source``'s folder) does not resolve, or '' when it does."""
    file_part, _, fragment = target.partition("#")
    dest = (source.parent / file_part).resolve() if file_part else source
    try:
        dest.relative_to(ROOT)
    except ValueError:
        return "points outside the repository"
    if not dest.exists():
        return "no such file"
    if fragment and dest.suffix == ".md" and fragment not in anchors(dest):
        return f"no heading #{fragment} in {dest.relative_to(ROOT)}"
    return ""


def test_the_checker_knows_githubs_anchor_rules():
    assert github_anchor("Training time (`bench/train.py`, issue #10)") == "training-time-benchtrainpy-issue-10"
    assert github_anchor("Handoff: bot → person") == "handoff-bot--person"
    assert github_anchor("Données **personnelles** & RGPD") == "données-personnelles--rgpd"
    assert github_anchor("rasa_server.py [settings](x.md)") == "rasa_serverpy-settings"


def test_the_checker_sees_links_but_not_code():
    lines = ["see [a](a.md#x) and ![b](img/b.png) but not `[c](c.md)`", "```", "[d](d.md)", "```",
             "[ref]: e.md", "    [f](f.md) is an indented code block"]
    found = []
    for _, line in _outside_code(lines):
        found += INLINE_LINK.findall(line)
        found += [m.group(1) for m in [REFERENCE_DEF.match(line)] if m]
    assert found == ["a.md#x", "img/b.png", "e.md"]


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(doc: Path):
    broken = []
    for number, target in links(doc):
        if not target or EXTERNAL.match(target):
            continue
        why = problem(doc, target)
        if why:
            broken.append(f"{doc.relative_to(ROOT)}:{number}: ({target}) {why}")
    assert not broken, "\n".join(broken)


def _code_files() -> Iterator[Path]:
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [d for d in subfolders if d not in SKIP_DIRS and not d.startswith(".venv")]
        for name in files:
            path = Path(folder) / name
            if path.suffix in CODE_SUFFIXES or name in CODE_NAMES or name.startswith("Dockerfile"):
                yield path


def test_pointers_from_code_into_the_docs_resolve():
    broken = []
    for path in _code_files():
        if path == Path(__file__).resolve():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            for name, fragment in CODE_POINTER.findall(line):
                why = problem(ROOT / "README.md", f"docs/{name}" + (f"#{fragment}" if fragment else ""))
                if why:
                    broken.append(f"{path.relative_to(ROOT)}:{number}: docs/{name}#{fragment} {why}")
    assert not broken, "\n".join(broken)
