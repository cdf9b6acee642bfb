""".env.example and docs/configuration.md are generated from the registry of bot/settings.py.

When a test here fails, regenerate both files (and review the diff):

    python -m bot.settings env-example > .env.example
    python -m bot.settings markdown
"""
import re
from pathlib import Path

from bot import settings

ROOT = Path(__file__).resolve().parents[2]
REGENERATE = "run `python -m bot.settings env-example > .env.example` and `python -m bot.settings markdown`"


def test_env_example_is_generated_from_the_registry():
    assert (ROOT / ".env.example").read_text(encoding="utf-8") == settings.env_example(), REGENERATE


def test_configuration_page_is_generated_from_the_registry():
    page = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert page.count(settings.BEGIN) == 1 and page.count(settings.END) == 1
    assert page == settings.documented_page(page), REGENERATE


def test_every_variable_is_documented_once_in_each_file():
    example = settings.env_example()
    table = settings.markdown_table()
    for var in settings.VARIABLES:
        assert len(re.findall(rf"^# {var.name}=", example, re.M)) == 1, var.name
        assert len(re.findall(rf"^\| `{var.name}` \|", table, re.M)) == 1, var.name


def test_the_example_file_gives_no_secret_and_sources_as_shell():
    for line in settings.env_example().splitlines():
        assert line == "" or line.startswith("#"), line  # everything optional: nothing set by copying it
        name, eq, value = line[2:].partition("=")
        if eq and name in settings.REGISTRY:
            assert not (settings.REGISTRY[name].secret and value), name
            assert " " not in value or value.startswith("'"), line


def test_the_page_keeps_what_is_outside_the_markers():
    page = "# Title\n\nIntro.\n\n<!-- settings:begin -->\nold table\n<!-- settings:end -->\n\nFooter.\n"
    new = settings.documented_page(page)
    assert new.startswith("# Title\n\nIntro.\n\n<!-- settings:begin -->\n### Runtime")
    assert new.endswith("<!-- settings:end -->\n\nFooter.\n") and "old table" not in new


def test_variables_the_shell_scripts_read_are_in_the_registry():
    """``${NAME:-default}`` and similar in the scripts are inputs from the environment: documented too."""
    system = {"HOME", "PWD", "TMPDIR", "PYTHONPATH", "PATH"}
    scripts = list((ROOT / "scripts").glob("*.sh")) + list((ROOT / "deploy" / "docker").glob("*.sh"))
    read = set()
    for path in scripts:
        read |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]*):?[-?+]", path.read_text(encoding="utf-8")))
    assert {"RASA_PORT", "BIND_HOST", "ASSISTANT_CACHE"} <= read  # the pattern finds them
    assert sorted(read - system - set(settings.REGISTRY)) == []
