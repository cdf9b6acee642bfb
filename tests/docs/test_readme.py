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


def _layout_rows():
    section = README.split("## Layout", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("| `")]


def test_layout_section_names_paths_that_exist():
    """Every path named in the first column of README's layout table exists in the tree."""
    rows = _layout_rows()
    assert rows, "README.md has no layout table"
    for row in rows:
        for path in re.findall(r"`([^`]+)`", row.split("|")[1]):
            assert (ROOT / path.rstrip("/")).exists(), f"README layout names {path!r}, which does not exist"


def test_layout_section_covers_every_top_level_folder():
    """Every tracked top-level folder of the project appears in README's layout table."""
    import subprocess

    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    folders = {line.split("/", 1)[0] for line in tracked.splitlines() if "/" in line and not line.startswith(".")}
    named = {p.split("/", 1)[0] for row in _layout_rows() for p in re.findall(r"`([^`]+)`", row.split("|")[1])}
    assert folders <= named, f"top-level folders missing from README's layout: {sorted(folders - named)}"
