"""The evaluation player's checks (bench/conversations.py): each check fails when it should."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("bench_conversations", ROOT / "bench" / "conversations.py")
conv = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(conv)

NONE = {"ticket": 0, "callback": 0, "declaration": 0, "complaint": 0}


def test_fold_ignores_case_accents_spaces_and_apostrophes():
    assert conv.fold("Déjà\u202f18\u00a0400\u202f€ — l’Assureur") == "deja 18 400 € — l'assureur"


def test_silent_reply_fails_whatever_the_expectations():
    assert conv.check_turn({}, "", None, NONE) == ["silent"]
    assert conv.check_turn({}, "   \n", None, NONE) == ["silent"]


def test_contains_checks():
    text = "Votre dossier SIN-2021-000123 est indemnisé : 18\u202f400\u00a0€."
    assert conv.check_turn({"contains_any": ["indemnise", "refuse"]}, text, None, NONE) == []
    assert conv.check_turn({"contains_any": ["refuse"]}, text, None, NONE) == ["contains_any"]
    assert conv.check_turn({"contains_all": ["sin-2021-000123", "18 400"]}, text, None, NONE) == []
    assert conv.check_turn({"contains_all": ["18 400", "2022"]}, text, None, NONE) == ["contains_all"]
    assert conv.check_turn({"not_contains": ["Je ne trouve pas"]}, text, None, NONE) == []
    assert conv.check_turn({"not_contains": ["INDEMNISÉ"]}, text, None, NONE) == ["not_contains"]


def test_form_and_side_effects():
    assert conv.check_turn({"form": "none"}, "ok", "declaration", NONE) == ["form_still_active"]
    assert conv.check_turn({"form": "none"}, "ok", None, NONE) == []
    assert conv.check_turn({"form": "declaration"}, "ok", "declaration", NONE) == []
    assert conv.check_turn({"form": "declaration"}, "ok", "callback", NONE) == ["wrong_form"]
    ticket = dict(NONE, ticket=1)
    assert conv.check_turn({"side_effect": "none"}, "ok", None, ticket) == ["unwanted_ticket"]
    assert conv.check_turn({"side_effect": "ticket"}, "ok", None, ticket) == []
    assert conv.check_turn({"handoff": True}, "Un conseiller vous rappelle.", None, NONE) == []
    assert conv.check_turn({"handoff": True}, "Voici vos dossiers.", None, NONE) == ["no_person_offered"]


def test_unknown_expectation_keys_are_reported():
    assert conv.check_turn({"contain_any": ["x"]}, "x", None, NONE) == ["bad_expectation:contain_any"]


def test_every_set_is_well_formed():
    """Each conversation has an id, a company (1-4 or null) and turns whose expectations use known keys."""
    ids = set()
    for path in sorted((ROOT / "bench" / "conversations").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for c in data["conversations"]:
            assert c["id"] not in ids, c["id"]
            ids.add(c["id"])
            assert c.get("company") in (None, 1, 2, 3, 4), c["id"]
            assert c.get("desk", "open") in ("open", "closed"), c["id"]
            assert c["turns"], c["id"]
            for turn in c["turns"]:
                assert isinstance(turn["user"], str) and turn["user"].strip(), c["id"]
                assert set(turn.get("expect") or {}) <= conv.KNOWN_KEYS, (c["id"], turn["user"])
                form = (turn.get("expect") or {}).get("form")
                assert form in (None, "none", "declaration", "cap", "callback"), (c["id"], form)


def _store(path):
    """A small store like the real one: WAL, foreign keys, an AUTOINCREMENT table, a server connection kept open."""
    import sqlite3
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA foreign_keys=ON")
    db.executescript("""
        CREATE TABLE claims (id INTEGER PRIMARY KEY, ref TEXT NOT NULL, stage TEXT NOT NULL);
        CREATE TABLE invoices (id INTEGER PRIMARY KEY, claim_id INTEGER NOT NULL REFERENCES claims(id), amount TEXT);
        CREATE TABLE audit_log (id INTEGER PRIMARY KEY AUTOINCREMENT, what TEXT);
        CREATE TABLE ref_counters (year INTEGER PRIMARY KEY, last INTEGER NOT NULL);
        INSERT INTO claims VALUES (1, 'SIN-2021-000123', 'paid'), (2, 'SIN-2026-000101', 'open');
        INSERT INTO invoices VALUES (1, 1, '1000'), (2, 2, '500');
        INSERT INTO audit_log (what) VALUES ('seed');
        INSERT INTO ref_counters VALUES (2026, 101);
    """)
    return db


def _dump(path):
    import sqlite3
    import contextlib
    with contextlib.closing(sqlite3.connect(path)) as db:
        return list(db.iterdump())


def test_store_reset_undoes_inserts_updates_and_deletes_while_a_server_holds_the_store(tmp_path):
    store = tmp_path / "claims.db"
    server = _store(store)  # stays open, foreign keys on, like the action server's connection
    before = _dump(store)
    reset = conv.StoreReset(store, tmp_path / "snapshot.db")
    assert reset.restore() == []  # nothing changed yet: no table rewritten

    # what a conversation does: a declaration (claim + invoice, counter bumped), an audit line, a deletion
    server.execute("UPDATE ref_counters SET last = 102 WHERE year = 2026")
    server.execute("INSERT INTO claims VALUES (3, 'SIN-2026-000102', 'declared')")
    server.execute("INSERT INTO invoices VALUES (3, 3, '750')")
    server.execute("INSERT INTO audit_log (what) VALUES ('declaration')")
    server.execute("UPDATE claims SET stage = 'closed' WHERE id = 2")
    server.execute("DELETE FROM invoices WHERE id = 1")
    assert _dump(store) != before

    assert sorted(reset.restore()) == ["audit_log", "claims", "invoices", "ref_counters", "sqlite_sequence"]
    assert _dump(store) == before
    # the server's connection reads the demo data again, and the next id is the one the first run would get
    assert server.execute("SELECT count(*) FROM claims").fetchone()[0] == 2
    server.execute("INSERT INTO audit_log (what) VALUES ('next')")
    assert server.execute("SELECT max(id) FROM audit_log").fetchone()[0] == 2
    assert server.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    server.close()
