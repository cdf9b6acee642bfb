"""Play the multi-turn evaluation conversations against the real stack and score every turn.

    .venv/bin/python bench/conversations.py                       # every set in bench/conversations/
    .venv/bin/python bench/conversations.py --only w1-03 --verbose  # one conversation, replies printed
    .venv/bin/python bench/conversations.py --sets bench/conversations/w2.yml --limit 5

The sets are written by people who did not write the training data (format: bench/conversations/README.md).
The script starts the whole product on free ports (action server, Rasa, web server; a throw-away SQLite store
seeded with the demo companies), signs in as the conversation's demo company with a real token, sends every
user turn through the secure REST channel, then checks, after each turn:

- the reply is not empty (a conversation never goes silent);
- ``contains_any`` / ``contains_all`` / ``not_contains`` on the text of all bubbles (case, accents, apostrophes
  and no-break spaces folded);
- ``form``: which form may be active at the end of the turn, read from Rasa's tracker (``none``: no form);
- ``side_effect``: which rows the turn may have created in the store (tickets, callbacks, declarations,
  complaints), counted in the store before and after the turn;
- ``handoff: true``: the reply offers or brings a person.

Every conversation starts from the demo data: after each one, the tables it changed (a declaration, a ticket, a
complaint, the audit log, a reference counter...) are put back as they were when the stack started
(``StoreReset``), so what one conversation creates never shows in the figures another expects. Each one plays
under a new sender, so Rasa's tracker starts empty too.

It writes ``bench/results/conversations.json`` (every turn with its replies and failed checks) and
``bench/results/conversations.png`` (pass rate per writer, failures per check). Results: docs/conversations.md.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import re
import sqlite3
import statistics
import sys
import tempfile
import time
import unicodedata
import uuid
from datetime import date, timedelta
from collections import Counter, defaultdict
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Dict, List, Optional, Tuple

import requests
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SETS_DIR = ROOT / "bench" / "conversations"
RESULTS = ROOT / "bench" / "results"
FORMS = {"declare_unpaid_form": "declaration", "cap_form": "cap", "callback_form": "callback"}
# rows a turn may create, by kind of side effect (table names are the store's, see bot/store/models)
SIDE_EFFECT_TABLES = {"ticket": "handoff_tickets", "callback": "callback_requests", "declaration": "claims",
                      "complaint": "complaints"}
PERSON_WORDS = ("conseill", "une personne", "un humain", "collegue", "rappel", "equipe")
KNOWN_KEYS = {"contains_any", "contains_all", "not_contains", "form", "side_effect", "handoff"}


def fold(text: str) -> str:
    """Lower case, no accents, one kind of space and apostrophe: what the expectations are compared on."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    text = text.replace("\u2019", "'").replace("\u02bc", "'")
    text = re.sub(r"[\s\u00a0\u202f]+", " ", text)
    return text.lower().strip()


def load_sets(paths: List[Path]) -> List[Dict[str, Any]]:
    conversations = []
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        writer = data.get("writer") or path.stem
        for conv in data.get("conversations") or []:
            conv = dict(conv)
            conv["writer"] = writer
            conv["source"] = path.name
            conversations.append(conv)
    return conversations


def check_turn(expect: Dict[str, Any], text: str, active_form: Optional[str],
               created: Dict[str, int]) -> List[str]:
    """The failed checks of one turn (empty list: the turn passes)."""
    failures: List[str] = []
    folded = fold(text)
    if not folded:
        return ["silent"]
    expect = expect or {}
    unknown = set(expect) - KNOWN_KEYS
    if unknown:
        failures.append(f"bad_expectation:{','.join(sorted(unknown))}")
    anys = [fold(str(x)) for x in expect.get("contains_any") or []]
    if anys and not any(a in folded for a in anys):
        failures.append("contains_any")
    for item in expect.get("contains_all") or []:
        if fold(str(item)) not in folded:
            failures.append("contains_all")
            break
    for item in expect.get("not_contains") or []:
        if fold(str(item)) in folded:
            failures.append("not_contains")
            break
    if "form" in expect:
        wanted = str(expect.get("form") or "none").lower()
        if wanted == "none":
            if active_form is not None:
                failures.append("form_still_active")
        elif active_form not in (None, wanted):
            failures.append("wrong_form")
    if "side_effect" in expect:
        allowed = str(expect.get("side_effect") or "none").lower()
        for kind, count in created.items():
            if count > 0 and kind != allowed:
                failures.append(f"unwanted_{kind}")
    if expect.get("handoff") is True and not any(w in folded for w in PERSON_WORDS):
        failures.append("no_person_offered")
    return failures


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class StoreReset:
    """Puts a SQLite store back to a snapshot: the rows a conversation inserted, updated or deleted, in every table.

    The snapshot is taken with SQLite's online backup (safe while the servers hold the store open). ``restore()``
    runs on the harness's own connection, foreign-key checks off (on that connection only: the servers keep
    theirs), in one ``BEGIN IMMEDIATE`` transaction that waits for a writer of the servers to finish; only the
    tables whose rows differ from the snapshot are rewritten (``sqlite_sequence`` included, so new ids restart
    where they did). The servers' own connections see the demo data again at their next read.
    """

    def __init__(self, store_db: Path, snapshot_db: Path) -> None:
        self.store_db = Path(store_db)
        self.snapshot_db = Path(snapshot_db)
        with contextlib.closing(sqlite3.connect(self.store_db, timeout=60)) as src, \
                contextlib.closing(sqlite3.connect(self.snapshot_db)) as dst:
            src.backup(dst)
            self.tables = [r[0] for r in dst.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
            self.columns = {t: ", ".join(_quote(r[1]) for r in dst.execute(f"PRAGMA table_info({_quote(t)})"))
                            for t in self.tables}
            self.has_sequence = dst.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").fetchone() is not None

    def _differs(self, db: sqlite3.Connection, table: str, columns: str) -> bool:
        main, snap = f"main.{_quote(table)}", f"snapshot.{_quote(table)}"
        # table and column names read from the snapshot's schema
        sql = (f"SELECT (SELECT count(*) FROM {main}) != (SELECT count(*) FROM {snap})"  # noqa: S608
               f" OR EXISTS (SELECT {columns} FROM {main} EXCEPT SELECT {columns} FROM {snap})"
               f" OR EXISTS (SELECT {columns} FROM {snap} EXCEPT SELECT {columns} FROM {main})")
        return bool(db.execute(sql).fetchone()[0])

    def restore(self) -> List[str]:
        """Rewrite the tables that differ from the snapshot; returns their names (empty: nothing had changed)."""
        changed: List[str] = []
        with contextlib.closing(sqlite3.connect(self.store_db, timeout=60, isolation_level=None)) as db:
            db.execute("PRAGMA foreign_keys = OFF")  # outside a transaction, this connection only
            db.execute("ATTACH DATABASE ? AS snapshot", (str(self.snapshot_db),))
            db.execute("BEGIN IMMEDIATE")
            try:
                tables = [(t, self.columns[t]) for t in self.tables]
                if self.has_sequence:
                    tables.append(("sqlite_sequence", "name, seq"))
                for table, columns in tables:
                    if not self._differs(db, table, columns):
                        continue
                    changed.append(table)
                    db.execute(f"DELETE FROM main.{_quote(table)}")  # noqa: S608 (names from the schema)
                    db.execute(f"INSERT INTO main.{_quote(table)} ({columns}) "  # noqa: S608
                               f"SELECT {columns} FROM snapshot.{_quote(table)}")
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("DETACH DATABASE snapshot")
        return changed


class Player:
    """Talks to a running stack: the secure REST channel, Rasa's HTTP API (tracker) and the store (counts)."""

    def __init__(self, rasa_url: str, api_token: str, token_for, store_db: Path,
                 reset: Optional[StoreReset] = None) -> None:
        self.rasa_url = rasa_url
        self.api_token = api_token
        self.token_for = token_for
        self.store_db = store_db
        self.reset = reset

    def counts(self) -> Dict[str, int]:
        with sqlite3.connect(f"file:{self.store_db}?mode=ro", uri=True) as db:
            return {kind: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 (fixed names)
                    for kind, table in SIDE_EFFECT_TABLES.items()}

    def active_form(self, conversation_id: str) -> Optional[str]:
        r = requests.get(f"{self.rasa_url}/conversations/{conversation_id}/tracker",
                         params={"token": self.api_token, "include_events": "NONE"}, timeout=30)
        r.raise_for_status()
        loop = (r.json().get("active_loop") or {}).get("name")
        return FORMS.get(loop, loop) if loop else None

    def send(self, sender: str, text: str, company: Optional[int]) -> Tuple[List[Dict[str, Any]], float]:
        headers = {"Authorization": f"Bearer {self.token_for(company)}"} if company else {}
        started = time.perf_counter()
        r = requests.post(f"{self.rasa_url}/webhooks/secure_rest/webhook",
                          json={"sender": sender, "message": text}, headers=headers, timeout=60)
        elapsed = time.perf_counter() - started
        if r.status_code != 200:
            return [{"text": f"[HTTP {r.status_code}] {r.text[:200]}", "http_error": True}], elapsed
        return r.json(), elapsed

    def play(self, conv: Dict[str, Any], verbose: bool = False) -> Dict[str, Any]:
        """Play one conversation, then put the store back to the demo data (``reset``: the tables it changed)."""
        try:
            result = self._play(conv, verbose)
        finally:
            changed = self.reset.restore() if self.reset else []
        result["reset"] = changed
        if verbose and changed:
            print(f"    (store put back: {', '.join(changed)})")
        return result

    def _play(self, conv: Dict[str, Any], verbose: bool = False) -> Dict[str, Any]:
        from rasa_ext.channels.secure_socketio import conversation_id as channel_conversation_id

        company = conv.get("company")
        session = f"eval-{conv['id']}-{uuid.uuid4().hex[:8]}"
        conversation_id = channel_conversation_id(
            SimpleNamespace(policyholder_id=company) if company else None, session, "rest")
        turns = []
        if verbose:
            print(f"\n=== {conv['id']} ({conv.get('style', '')}, company {company})")
        for index, turn in enumerate(conv.get("turns") or []):
            before = self.counts()
            bubbles, elapsed = self.send(session, str(turn["user"]), company)
            after = self.counts()
            created = {k: after[k] - before[k] for k in after}
            try:
                form = self.active_form(conversation_id)
            except requests.RequestException:
                form = "unknown"
            texts = [b.get("text") or "" for b in bubbles if b.get("text")]
            text = "\n".join(texts)
            failures = check_turn(turn.get("expect") or {}, text, form, created)
            if any(b.get("http_error") for b in bubbles):
                failures.append("http_error")
            turns.append({
                "index": index, "user": turn["user"], "replies": texts,
                "buttons": [btn.get("title") for b in bubbles for btn in (b.get("buttons") or [])],
                "active_form": form, "created": {k: v for k, v in created.items() if v},
                "words": len(text.split()), "bubbles": len(texts), "seconds": round(elapsed, 3),
                "failures": failures, "expect": turn.get("expect") or {}, "why": turn.get("why"),
            })
            if verbose:
                mark = "ok " if not failures else "KO "
                print(f"{mark} > {turn['user']}")
                for t in texts:
                    print("      < " + t.replace("\n", "\n        "))
                if failures:
                    print(f"      ! {failures} (form={form}, created={created})")
        return {"id": conv["id"], "writer": conv["writer"], "style": conv.get("style"), "company": company,
                "turns": turns}


def summarise(results: List[Dict[str, Any]]) -> Dict[str, Any]:
    turns = [t for c in results for t in c["turns"]]
    failed = [t for t in turns if t["failures"]]
    reasons = Counter(f.split(":")[0] for t in failed for f in t["failures"])
    per_writer: Dict[str, List[bool]] = defaultdict(list)
    for conv in results:
        per_writer[conv["writer"]].extend(not t["failures"] for t in conv["turns"])
    words = [t["words"] for t in turns] or [0]
    conv_scores = [sum(not t["failures"] for t in c["turns"]) / max(1, len(c["turns"])) for c in results]
    return {
        "conversations": len(results),
        "turns": len(turns),
        "turns_passed": len(turns) - len(failed),
        "pass_rate": round((len(turns) - len(failed)) / max(1, len(turns)), 4),
        "silent_turns": sum("silent" in t["failures"] for t in turns),
        "conversations_all_passed": sum(score == 1 for score in conv_scores),
        "mean_conversation_score_out_of_10": round(10 * statistics.mean(conv_scores or [0]), 2),
        "failures_by_check": dict(reasons.most_common()),
        "pass_rate_by_writer": {w: round(sum(v) / len(v), 4) for w, v in sorted(per_writer.items())},
        "words_per_answer": {"median": statistics.median(words), "p95": sorted(words)[int(0.95 * (len(words) - 1))],
                             "over_60": sum(w > 60 for w in words), "over_100": sum(w > 100 for w in words)},
        "bubbles_per_answer_max": max((t["bubbles"] for t in turns), default=0),
        "seconds_per_turn_median": round(statistics.median([t["seconds"] for t in turns] or [0]), 3),
    }


def plot(summary: Dict[str, Any], path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    writers = list(summary["pass_rate_by_writer"])
    rates = [100 * summary["pass_rate_by_writer"][w] for w in writers]
    left.bar(writers + ["all"], rates + [100 * summary["pass_rate"]], color="#3b6ea5")
    left.axhline(90, color="#c0392b", linestyle="--", label="target 90 %")
    left.set_ylim(0, 100)
    left.set_ylabel("turns passed (%)")
    left.set_title(f"{summary['turns']} turns, {summary['conversations']} conversations")
    left.legend(loc="lower right")
    checks = list(summary["failures_by_check"].items())[:10]
    right.barh([c for c, _ in checks][::-1], [n for _, n in checks][::-1], color="#e67e22")
    right.set_title("failed checks (turns)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def play_on_new_stack(conversations: List[Dict[str, Any]], desk: str, verbose: bool,
                      reset_store: bool = True) -> List[Dict[str, Any]]:
    """Start the product on free ports with the advisers' desk always open or closed for the coming days."""
    from bot.auth import issue_policyholder_token
    from tests.e2e.stack import start_stack

    env = {name: "100000/60" for name in ("RATE_LIMIT_MESSAGES_IP", "RATE_LIMIT_MESSAGES_IDENTITY",
                                          "RATE_LIMIT_LONG_MESSAGES_IP", "RATE_LIMIT_LONG_MESSAGES_IDENTITY")}
    if desk == "closed":
        today = date.today()
        env["HANDOFF_HOURS"] = "mon-fri 09:00-18:00"
        env["HANDOFF_EXTRA_CLOSED_DAYS"] = ",".join(str(today + timedelta(days=d)) for d in range(-1, 4))
    with tempfile.TemporaryDirectory(prefix="conversations-") as tmp:
        var_dir = Path(tmp)
        stack = start_stack(var_dir, env)
        try:
            settings = stack.settings()
            tokens: Dict[int, str] = {}

            def token_for(company: int) -> str:
                if company not in tokens:
                    tokens[company] = issue_policyholder_token(settings, int(company))
                return tokens[company]

            reset = StoreReset(var_dir / "claims.db", var_dir / "claims-demo-snapshot.db") if reset_store else None
            player = Player(stack.rasa_url, stack.env["RASA_API_TOKEN"], token_for, var_dir / "claims.db", reset)
            return [player.play(conv, verbose) for conv in conversations]
        finally:
            stack.stop()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", nargs="*", type=Path, default=None, help="YAML sets (default: bench/conversations/*.yml)")
    parser.add_argument("--only", default=None, help="play only conversations whose id starts with this")
    parser.add_argument("--limit", type=int, default=0, help="play at most this many conversations")
    parser.add_argument("--verbose", action="store_true", help="print every turn")
    parser.add_argument("--no-reset", action="store_true",
                        help="play every conversation on the store the previous ones left (to measure the reset)")
    parser.add_argument("--out", type=Path, default=RESULTS / "conversations.json")
    args = parser.parse_args(argv)

    paths = args.sets or sorted(p for p in SETS_DIR.glob("*.yml"))
    conversations = load_sets(paths)
    if args.only:
        conversations = [c for c in conversations if c["id"].startswith(args.only)]
    if args.limit:
        conversations = conversations[: args.limit]
    if not conversations:
        print("no conversation to play", file=sys.stderr)
        return 2

    started = time.time()
    by_id = {}
    for desk in ("open", "closed"):
        group = [c for c in conversations if str(c.get("desk") or "open") == desk]
        if group:
            by_id.update({r["id"]: r for r in play_on_new_stack(group, desk, args.verbose, not args.no_reset)})
    results = [by_id[c["id"]] for c in conversations]
    elapsed = time.time() - started

    summary = summarise(results)
    summary["seconds"] = round(elapsed, 1)
    summary["sets"] = [p.name for p in paths]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"summary": summary, "conversations": results}, ensure_ascii=False, indent=1),
                        encoding="utf-8")
    plot(summary, args.out.with_suffix(".png"))
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    print(f"written: {args.out} and {args.out.with_suffix('.png')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
