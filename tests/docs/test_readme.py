"""README.md is the front door: short, the two commands, and a way to every document in docs/."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_is_short():
    assert len(README.splitlines()) <= 220


def test_readme_gives_the_two_commands():
    assert "make run" in README and "make test" in README


def test_readme_links_every_document():
    linked = set(re.findall(r"\]\((docs/[^)#\s]+)", README))
    documents = {f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md")}
    assert documents <= linked, f"not linked from README.md: {sorted(documents - linked)}"
