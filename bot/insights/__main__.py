"""``python -m bot.insights refresh|export-nlu``.

- ``refresh [--rebuild]``: fold the new events of the tracker store into the aggregate tables
  (JSON report on stdout); ``--rebuild`` drops them and starts over.
- ``export-nlu [--out FILE]``: the accepted review decisions as Rasa NLU YAML (stdout by default),
  for the maintainers to review, add under ``data/nlu/`` and retrain.

Stores: ``DATABASE_URL`` (claims store) and the tracker store Rasa uses (``TRACKER_STORE_URL``, else
``<ASSISTANT_VAR_DIR>/tracker.db``); ``--database-url`` / ``--tracker-url`` override them.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import List, Optional


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot.insights", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    refresh = sub.add_parser("refresh", help="fold new conversation events into the insights tables")
    refresh.add_argument("--tracker-url", help="tracker store as a SQLAlchemy URL (default: as Rasa)")
    refresh.add_argument("--rebuild", action="store_true", help="drop the insights tables and rebuild them")
    export = sub.add_parser("export-nlu", help="accepted review decisions as Rasa NLU YAML")
    export.add_argument("--database-url", help="claims store (default: DATABASE_URL)")
    export.add_argument("--out", type=Path, help="write to this file instead of stdout")
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    args = _parser().parse_args(argv)
    from bot.settings import get_settings
    from bot.store.db import get_engine, session_scope

    settings = get_settings()
    if args.command == "refresh":
        from bot.gdpr.tracker import tracker_url
        from bot.insights.refresh import refresh

        report = refresh(get_engine(args.tracker_url or tracker_url(settings)), rebuild=args.rebuild)
        print(json.dumps(report.as_dict(), indent=2))
        return 0
    from bot.insights.review import export_nlu

    with session_scope(get_engine(args.database_url or settings.database.url)) as session:
        body, count = export_nlu(session)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(body, encoding="utf-8")
        print(f"{count} example(s) written to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
