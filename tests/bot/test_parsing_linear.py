"""The parsers of bot/parsing run in linear time on hostile input (issue #17, finding 3).

``parse_amount`` was quadratic on long digit strings (0.4 s for 4 000 digits, 1.4 s on this machine under
load; about 250 s for 100 000). Each parser here reads 100 000-character inputs of the shapes that
hurt regular expressions, in a child process with a bound that is very large for linear code (a few
tenths of a second each on a loaded 2-core machine) and very small for quadratic code; the child is
killed past the bound, so a regression fails the test instead of hanging it.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SIZE = 100_000
BOUND_SECONDS = 8.0  # per call; linear code takes < 1 s here, the quadratic version ~250 s

CHILD = r"""
import json, sys, time
from bot.parsing import parse_amount, read_amount, parse_date, normalise_scheme, normalise_country
n = int(sys.argv[1])
shapes = {"digits": "1" * n, "digit-space": "1 " * (n // 2), "digit-comma": "1," * (n // 2),
          "digit-dot": "1." * (n // 2), "groups": "1 000 " * (n // 6), "percent": "9" * (n - 1) + "%",
          "days": "9" * (n - 6) + " jours", "words": "mille " * (n // 6), "mixed": "12 300 € le 15/03/2021 " * (n // 23),
          "slashes": "1/" * (n // 2), "dashes": "1-" * (n // 2), "letters": "a" * n, "spaces": " " * n,
          "decimal": "1" * (n - 2) + ",5", "euros": "€" * n, "month": "1 mars " * (n // 7)}
worst = {}
for name, text in shapes.items():
    for f in (parse_amount, read_amount, parse_date, normalise_scheme, normalise_country):
        start = time.perf_counter()
        f(text)
        worst[f"{f.__name__}/{name}"] = time.perf_counter() - start
print(json.dumps(worst))
"""


def test_every_parser_reads_100_000_hostile_characters_in_linear_time():
    calls = 16 * 5
    proc = subprocess.run([sys.executable, "-c", CHILD, str(SIZE)], cwd=ROOT, capture_output=True, text=True,
                          timeout=BOUND_SECONDS * calls, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    times = json.loads(proc.stdout)
    slow = {k: round(v, 2) for k, v in times.items() if v > BOUND_SECONDS}
    assert not slow, slow


def test_a_huge_number_is_no_amount_and_no_crash():
    from bot.parsing import parse_amount

    assert parse_amount("1" * 40 + ",5 €") is None  # was Decimal.quantize -> InvalidOperation
    assert parse_amount("9" * 5000) is None
    parse_amount("1 000 " * 20_000 + ",5 €")  # absurd grouping: whatever it reads, no crash
    assert str(parse_amount("123456789012 €")) == "123456789012"
    assert str(parse_amount("45 000 €")) == "45000" and str(parse_amount("12.300,50 €")) == "12300.50"
