"""Command line: ``python -m bot.store.seed --demo`` / ``--claims N`` (see the package docstring)."""
from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Optional, Sequence

from bot.store.db import get_engine, migrate
from bot.store.seed.bulk import seed_bulk
from bot.store.seed.demo import seed_demo

DESCRIPTION = "Demo and synthetic data for the claims store."


def _parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value}") from exc


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.store.seed", description=DESCRIPTION)
    parser.add_argument("--demo", action="store_true", help="(re)create the four demo companies (default)")
    parser.add_argument("--claims", type=int, default=0, metavar="N", help="add N synthetic claims (bulk)")
    parser.add_argument("--as-of", type=_parse_date, default=None, help="reference date (default: today)")
    parser.add_argument("--database-url", default=None, help="default: DATABASE_URL / bot.settings")
    parser.add_argument("--seed", type=int, default=7, help="random seed of the synthetic data")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    if args.claims < 0:
        parser.error("--claims must be >= 0")
    url = args.database_url
    if not url:
        from bot.settings import get_settings

        url = get_settings().database.url
    migrate(url)
    engine = get_engine(url)
    if args.demo or not args.claims:
        seed_demo(engine, args.as_of)
        print(f"demo data written (as of {(args.as_of or date.today()).isoformat()})", file=sys.stderr)
    if args.claims:
        stats = seed_bulk(engine, args.claims, args.as_of, seed=args.seed, progress=not args.no_progress)
        print(f"{stats.claims} synthetic claims over {stats.policyholders} policyholders "
              f"in {stats.seconds:.1f} s ({stats.backend})", file=sys.stderr)
    return 0
