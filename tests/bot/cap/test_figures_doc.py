"""docs/cap_figures.md is generated from the rule data and must stay in sync."""
from pathlib import Path

from bot.cap.figures_doc import render
from bot.cap.rules import get_rules

DOC = Path(__file__).resolve().parents[3] / "docs" / "cap_figures.md"


def test_doc_is_up_to_date():
    assert DOC.read_text(encoding="utf-8") == render(), \
        "run: python -m bot.cap.figures_doc > docs/cap_figures.md"


def test_doc_lists_every_figure_with_confidence():
    text = render()
    for entry in get_rules().entries():
        for name in entry.figures:
            assert f"`{entry.id}` |" in text and f"(`{name}`)" in text
    assert "to_confirm" in text and "confirmed" in text


def test_readme_and_cap_doc_link_the_generated_figures_instead_of_copying_them():
    """The figures live in one generated file: README.md and docs/cap.md link it, no hand-kept copy can go stale."""
    for path in (DOC.parents[1] / "README.md", DOC.parent / "cap.md"):
        text = path.read_text(encoding="utf-8")
        assert "cap_figures.md)" in text, f"{path.name} must link docs/cap_figures.md"
        assert "cap-figures:start" not in text and "| Scheme | Entry | Figure |" not in text, \
            f"{path.name} must not copy the generated tables"
