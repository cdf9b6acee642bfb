"""``python -m bot.cap``: JSON keys, French text, exit code 2 on bad arguments (real subprocess)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cap.cli import main

ROOT = Path(__file__).resolve().parents[3]


def run(*args):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "bot.cap", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def test_json_article_example():
    out = run("--as-of", "2021-03-31", "--requested", "600000", "--granted", "200000", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    for key in ("scheme", "eligible", "public_cover", "total_cover", "reasons", "sources", "rule_set"):
        assert key in data
    assert (data["scheme"], data["eligible"], data["public_cover"], data["total_cover"]) == ("CAP", True, 400000, 600000)
    assert "cap-2021" in data["rule_set"]


def test_french_text_refusal_with_spaced_amount():
    out = run("--as-of", "2021-03-31", "--requested", "600 000", "--refused")
    assert out.returncode == 0, out.stderr
    assert "CAP+" in out.stdout and "500\u202f000\u00a0€" in out.stdout and "vous" in out.stdout


def test_today_says_closed():
    out = run("--as-of", "2026-11-25", "--requested", "600k", "--granted", "200k")
    assert out.returncode == 0
    assert "31 décembre 2021" in out.stdout and "plus faire de nouvelle demande" in out.stdout


BAD = [
    ["--requested", "600000", "--granted", "200000"],                                   # missing --as-of
    ["--as-of", "2021-03-31", "--granted", "200000"],                                   # missing --requested
    ["--as-of", "2021-03-31", "--requested", "600000"],                                 # neither granted nor refused
    ["--as-of", "2021-03-31", "--requested", "-600000", "--refused"],                   # negative
    ["--as-of", "2021-03-31", "--requested", "600000", "--granted", "-5"],
    ["--as-of", "2021-03-31", "--requested", "beaucoup", "--refused"],                  # non-numeric
    ["--as-of", "2021-03-31", "--requested", "12abc", "--refused"],
    ["--as-of", "31/03/2021", "--requested", "600000", "--refused"],                    # bad date
    ["--as-of", "2021-02-30", "--requested", "600000", "--refused"],
    ["--as-of", "2021-03-31", "--requested", "600000", "--refused", "--country", "ZZ"],  # bad country
    ["--as-of", "2021-03-31", "--requested", "600000", "--granted", "200000", "--refused"],  # both
    ["--as-of", "2021-03-31", "--requested", "0", "--refused"],
    ["--as-of", "2021-03-31", "--requested", "600000", "--refused", "--unknown"],
]


@pytest.mark.parametrize("args", BAD)
def test_bad_arguments_exit_2_in_process(args, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("Erreur / Error:") and "usage" in err


@pytest.mark.parametrize("args", [BAD[0], BAD[3], BAD[5], BAD[7], BAD[9], BAD[10]])
def test_bad_arguments_exit_2_subprocess(args):
    out = run(*args)
    assert out.returncode == 2 and out.stdout == ""
    assert "Erreur / Error" in out.stderr


@pytest.mark.parametrize("amount", ["600000", "600 000", "600k", "600K", "0.6M"])
def test_amount_forms(amount, capsys):
    assert main(["--as-of", "2021-03-31", "--requested", amount, "--granted", "200k", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["requested"] == 600000


def test_country_by_name_and_options(capsys):
    assert main(["--as-of", "2021-03-31", "--requested", "600000", "--refused", "--country", "Brésil",
                 "--credit-days", "90", "--french-content", "25%", "--category", "2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["scheme"] == "CAP+ Francexport" and data["public_cover"] == 250000
    assert main(["--as-of", "2021-03-31", "--requested", "600000", "--refused", "--country", "Brésil", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["public_cover"] is None  # the category is not guessed


@pytest.mark.parametrize("code", ["RE", "GP", "MQ", "GF", "YT", "re", "gp"])
def test_overseas_departments_are_domestic(code, capsys):
    """Issue 18, item 13: listed as domestic, so accepted as --country."""
    assert main(["--as-of", "2021-03-31", "--requested", "600000", "--granted", "200000", "--country", code,
                 "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["scheme"] == "CAP" and data["buyer_country"] == code.upper()


@pytest.mark.parametrize("amount", ["600,000", "600,000 €", "1,500"])
def test_ambiguous_amount_is_refused_not_guessed(amount, capsys):
    """Issue 18, item 14: "600,000" is 600 in French but 600 000 in English."""
    assert main(["--as-of", "2021-03-31", "--requested", amount, "--refused"]) == 2
    assert "ambigu" in capsys.readouterr().err


def test_company_age_option(capsys):
    assert main(["--as-of", "2026-11-25", "--transaction-date", "2020-06-01", "--requested", "600000",
                 "--granted", "200000", "--company-age", "1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["eligible"] is False and any(r["code"] == "company_age" and r["met"] is False
                                             for r in data["reasons"])
