"""Known vulnerabilities in every lock file (requirements/*.txt), against requirements/audit-allowlist.txt.

    .venv-app/bin/python scripts/audit.py            # make audit (part of make test)
    AUDIT_STRICT=1 .venv-app/bin/python scripts/audit.py   # also fail when a pin could not be checked

pip-audit checks each pin with PyPI's vulnerability data (the per-release JSON API,
``/pypi/NAME/VERSION/json``). Where that endpoint does not answer (some registry mirrors, including
the one these machines use, serve only the per-project document), a pin that is the project's latest
release is checked with the per-project document instead (``/pypi/NAME/json``: its ``vulnerabilities``
are those of the latest release, cached here for 12 h); any other pin is reported as not checked.

Fails (exit 1) on any vulnerability whose id (or one of its aliases) is not in the allow-list; an
allow-list entry names the id, the package and, on one line, why it cannot be fixed (the Rasa pin)
and why it is not reachable here. Entries that no check reported any more are listed (to prune).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional, Set, Tuple

ROOT = Path(__file__).resolve().parent.parent
LOCKS = sorted((ROOT / "requirements").glob("*.txt"))
LOCKS = [p for p in LOCKS if p.name != "audit-allowlist.txt"]
ALLOWLIST = ROOT / "requirements" / "audit-allowlist.txt"
CACHE = Path(os.environ.get("ASSISTANT_CACHE") or Path.home() / ".cache" / "assistant-indemnisation") / "audit"
CACHE_SECONDS = 12 * 3600
NOT_ON_PYPI = "Dependency not found on PyPI"


def load_allowlist(path: Path = ALLOWLIST) -> Dict[str, Tuple[str, str]]:
    """{vulnerability id: (package, reason)}; every entry must give a reason."""
    allowed: Dict[str, Tuple[str, str]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 2)
        if len(parts) < 3 or len(parts[2]) < 20:
            raise SystemExit(f"{path.name}:{number}: expected `ID PACKAGE REASON` with a real reason: {line!r}")
        allowed[parts[0]] = (parts[1].lower(), parts[2])
    return allowed


def pip_audit(lock: Path) -> dict:
    """pip-audit's JSON report for one lock file (pins only: --no-deps --disable-pip)."""
    cmd = [sys.executable, "-m", "pip_audit", "-r", str(lock), "--no-deps", "--disable-pip", "--progress-spinner",
           "off", "--format", "json", "--cache-dir", str(CACHE / "pip-audit")]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError:
        raise SystemExit(f"pip-audit failed on {lock.name} (exit {proc.returncode}):\n{proc.stderr[-2000:]}") from None


def project_document(name: str) -> Optional[dict]:
    """PyPI's per-project JSON (latest release + its vulnerabilities), cached for CACHE_SECONDS."""
    CACHE.mkdir(parents=True, exist_ok=True)
    cached = CACHE / f"{name}.json"
    if cached.exists() and time.time() - cached.stat().st_mtime < CACHE_SECONDS:
        return json.loads(cached.read_text())
    try:
        with urllib.request.urlopen(f"https://pypi.org/pypi/{name}/json", timeout=60) as answer:
            data = json.load(answer)
    except (urllib.error.URLError, TimeoutError, ValueError):
        return None
    slim = {"version": data.get("info", {}).get("version"), "vulnerabilities": data.get("vulnerabilities") or []}
    cached.write_text(json.dumps(slim))
    return slim


def audit_lock(lock: Path) -> Tuple[List[Tuple[str, str, dict]], List[str], int]:
    """(vulnerabilities as (package, version, vuln), pins not checked, pins checked) for one lock file."""
    report = pip_audit(lock)
    found: List[Tuple[str, str, dict]] = []
    unchecked: List[str] = []
    checked = 0
    for dep in report.get("dependencies", []):
        name, version = dep["name"], dep.get("version")
        if "skip_reason" not in dep:
            checked += 1
            found += [(name, version, v) for v in dep.get("vulns", [])]
            continue
        if not dep["skip_reason"].startswith(NOT_ON_PYPI):
            unchecked.append(f"{name}: {dep['skip_reason']}")
            continue
        version = dep["skip_reason"].rsplit("(", 1)[-1].rstrip(")")
        doc = project_document(name)
        if doc and doc["version"] == version:
            checked += 1
            found += [(name, version, {"id": v["id"], "aliases": v.get("aliases") or [],
                                       "fix_versions": v.get("fixed_in") or []}) for v in doc["vulnerabilities"]]
        else:
            unchecked.append(f"{name}=={version}")
    return found, unchecked, checked


def main() -> int:
    allowed = load_allowlist()
    strict = os.environ.get("AUDIT_STRICT", "") == "1"
    failures: List[str] = []
    seen: Set[str] = set()
    for lock in LOCKS:
        found, unchecked, checked = audit_lock(lock)
        rel = lock.relative_to(ROOT)
        print(f">> {rel}: {checked} pins checked, {len(found)} known vulnerabilities, {len(unchecked)} not checked")
        for name, version, vuln in found:
            ids = {vuln["id"], *vuln.get("aliases", [])}
            hit = sorted(ids & set(allowed))
            seen.update(hit)
            fixes = ", ".join(vuln.get("fix_versions") or []) or "none"
            if hit:
                print(f"   allowed: {name}=={version} {vuln['id']} ({allowed[hit[0]][1]})")
            else:
                aliases = sorted(ids - {vuln["id"]})
                failures.append(f"{rel}: {name}=={version} {vuln['id']} {aliases} (fixed in: {fixes})")
        if unchecked:
            print(f"   not checked (PyPI's per-release data unavailable here, pin older than the latest release): "
                  f"{', '.join(unchecked[:12])}{' …' if len(unchecked) > 12 else ''}")
            if strict:
                failures.append(f"{rel}: {len(unchecked)} pins could not be checked (AUDIT_STRICT=1)")
    stale = sorted(set(allowed) - seen)
    if stale:
        print(f"   allow-list entries no check reported (prune them if PyPI's data says they are gone): "
              f"{', '.join(stale)}")
    if failures:
        print("ERROR: known vulnerabilities that are not in requirements/audit-allowlist.txt:", file=sys.stderr)
        for line in failures:
            print(f"   {line}", file=sys.stderr)
        return 1
    print(">> pip-audit: no known vulnerability outside the allow-list")
    return 0


if __name__ == "__main__":
    sys.exit(main())
