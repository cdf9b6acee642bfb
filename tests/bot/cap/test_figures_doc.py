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
        for name, fig in entry.figures.items():
            assert f"`{entry.id}` |" in text and f"(`{name}`)" in text
    assert "to_confirm" in text and "confirmed" in text


def test_readme_embeds_the_same_figures():
    from bot.cap.figures_doc import readme_block
    readme = (DOC.parents[1] / "README.md").read_text(encoding="utf-8")
    assert readme_block() in readme, "run: python -m bot.cap.figures_doc --readme"
