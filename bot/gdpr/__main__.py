"""``python -m bot.gdpr``: the retention purge, a policyholder's export and erasure.

    python -m bot.gdpr purge [--dry-run] [--now 2026-01-01T00:00:00+00:00]
    python -m bot.gdpr export --policyholder 1 [--out export.json]
    python -m bot.gdpr erase --policyholder 1 --yes

Stores: ``DATABASE_URL`` (claims store) and the tracker store Rasa uses (``TRACKER_STORE_URL``,
else ``<ASSISTANT_VAR_DIR>/tracker.db``); ``--database-url`` / ``--tracker-url`` override them,
``--no-tracker`` leaves the tracker store alone. Reports are JSON on stdout.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import List, Optional

from bot import logmask


def _now(raw: Optional[str]) -> datetime:
    if not raw:
        return datetime.now(timezone.utc)
    value = datetime.fromisoformat(raw)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot.gdpr", description=__doc__.split("\n\n")[0])
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--database-url", help="claims store (default: DATABASE_URL / var/claims.db)")
    common.add_argument("--tracker-url", help="tracker store as a SQLAlchemy URL (default: as Rasa)")
    common.add_argument("--no-tracker", action="store_true", help="do not touch the tracker store")
    common.add_argument("--operator", default="", help="who runs the command (written in the audit log)")
    sub = parser.add_subparsers(dest="command", required=True)
    purge = sub.add_parser("purge", parents=[common], help="delete conversation data past its retention")
    purge.add_argument("--dry-run", action="store_true", help="count, change nothing")
    purge.add_argument("--now", help="ISO date-time used as the clock (default: now, UTC)")
    purge.add_argument("--retention-days", type=int, help="default: RETENTION_DAYS (90)")
    purge.add_argument("--audit-retention-days", type=int, help="default: AUDIT_RETENTION_DAYS (365)")
    export = sub.add_parser("export", parents=[common], help="everything held about a policyholder, as JSON")
    export.add_argument("--policyholder", type=int, required=True)
    export.add_argument("--out", type=Path, help="write the JSON there (mode 0600) instead of stdout")
    erase = sub.add_parser("erase", parents=[common], help="erase a policyholder's conversation and personal data")
    erase.add_argument("--policyholder", type=int, required=True)
    erase.add_argument("--yes", action="store_true", help="required: erasure cannot be undone")
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    args = _parser().parse_args(argv)
    logmask.configure("gdpr")
    from bot.gdpr import retention, subject
    from bot.gdpr.tracker import TrackerStore, tracker_url
    from bot.settings import load_settings
    from bot.store.db import get_engine

    settings = load_settings()
    engine = get_engine(args.database_url or settings.database.url)
    tracker = None if args.no_tracker else TrackerStore(args.tracker_url or tracker_url(settings))
    who = f"system:gdpr-{args.command}" + (f":{args.operator}" if args.operator else "")
    if args.command == "purge":
        report = retention.purge(
            engine, tracker, _now(args.now),
            args.retention_days or settings.gdpr.retention_days,
            args.audit_retention_days or settings.gdpr.audit_retention_days, dry_run=args.dry_run)
        print(json.dumps(report.as_dict(), indent=2))
        return 0
    try:
        if args.command == "export":
            data = subject.export_json(subject.export(engine, tracker, args.policyholder, who=who))
            if args.out:
                fd = os.open(str(args.out), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(data)
                print(json.dumps({"policyholder_id": args.policyholder, "written": str(args.out)}))
            else:
                print(data)
            return 0
        if not args.yes:
            print("erase cannot be undone: add --yes to confirm", file=sys.stderr)
            return 2
        print(json.dumps(subject.erase(engine, tracker, args.policyholder, who=who).as_dict(), indent=2))
        return 0
    except subject.UnknownPolicyholder:
        print(f"no policyholder {args.policyholder}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
