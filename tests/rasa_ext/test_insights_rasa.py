"""Insights against Rasa itself (Python 3.10 environment, Rasa in process):

1. a conversation saved by Rasa's own SQLTrackerStore (the events Rasa writes, not a copy of their
   shape) gives the expected figures and review candidates;
2. the NLU export round-trips: Rasa's YAML reader reads back the examples and entities, and
   ``rasa data validate`` accepts the project's data plus the export, with the project's domain.
"""
from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

pytest.importorskip("rasa.core.tracker_store")

from bot.insights import metrics, refresh, review
from bot.insights.metrics import Query
from bot.store import db
from bot.store.seed import seed_demo

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 11, 30, 10, 0, tzinfo=timezone.utc).timestamp()
DAY = Query(date(2026, 11, 30), date(2026, 11, 30))


def _conversation(sender: str):
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import (
        ActionExecuted, ActiveLoop, BotUttered, SessionStarted, SlotSet, UserUttered,
    )
    from rasa.shared.core.trackers import DialogueStateTracker

    def user(text, intent, confidence, at, ranking=None):
        ranking = ranking or [{"name": intent, "confidence": confidence}]
        return UserUttered(text, {"name": intent, "confidence": confidence}, timestamp=at,
                           parse_data={"intent": {"name": intent, "confidence": confidence}, "entities": [],
                                       "text": text, "intent_ranking": ranking}, input_channel="web")

    domain = Domain.from_path(str(ROOT / "domain.yml"))
    evs = [
        ActionExecuted("action_session_start", timestamp=T0), SessionStarted(timestamp=T0),
        ActionExecuted("action_listen", timestamp=T0),
        user("jveux declarer 1 truc impayé", "nlu_fallback", 0.4, T0 + 5,
             [{"name": "nlu_fallback", "confidence": 0.4}, {"name": "declare_unpaid", "confidence": 0.35}]),
        ActionExecuted("action_fallback", timestamp=T0 + 6), BotUttered("Je n’ai pas compris.", timestamp=T0 + 7),
        ActionExecuted("action_listen", timestamp=T0 + 7),
        user("je veux declarer un impayé de Martin SA", "declare_unpaid", 0.93, T0 + 20),
        ActionExecuted("action_declare_start", timestamp=T0 + 21), BotUttered("Quel acheteur ?", timestamp=T0 + 21),
        ActiveLoop("declare_unpaid_form", timestamp=T0 + 21), ActionExecuted("action_listen", timestamp=T0 + 21),
        user("Martin SA", "ask_guarantee", 0.5, T0 + 30),
        ActionExecuted("declare_unpaid_form", timestamp=T0 + 31), ActiveLoop(None, timestamp=T0 + 31),
        ActionExecuted("action_handoff", timestamp=T0 + 32), SlotSet("handoff_reason", "request", timestamp=T0 + 32),
        SlotSet("handoff_outcome", "ticket", timestamp=T0 + 32),
        BotUttered("Un conseiller va vous répondre.", timestamp=T0 + 32),
    ]
    return DialogueStateTracker.from_events(sender, evs, slots=domain.slots)


def test_figures_of_a_conversation_saved_by_rasa(tmp_path):
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain

    path = tmp_path / "tracker.db"
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(path))
    asyncio.run(store.save(_conversation("web-ph1-0a1b2c")))
    tracker = db.get_engine(f"sqlite:///{path}")
    assert refresh.refresh(tracker).conversations == 1
    f = metrics.tracker_figures(tracker, DAY)["totals"]
    assert (f["conversations"], f["handed_off"], f["user_messages"], f["fallbacks"]) == (1, 1, 3, 1)
    assert f["forms"]["declare"] == {"started": 1, "completed": 0, "abandoned": 1, "completion_rate": 0.0}
    assert f["median_first_answer_s"] == 2.0 and f["verified"] == 1
    engine = db.get_engine(f"sqlite:///{tmp_path / 'claims.db'}")
    db.migrate(str(engine.url))
    with db.session_scope(engine) as s:
        items = review.candidates(tracker, s, DAY)
    assert [(i.text, i.reasons, i.suggested) for i in items] == [
        ("Martin SA", ["low_confidence"], None),
        ("jveux declarer 1 truc impayé", ["fallback", "rephrased"], "declare_unpaid"),
    ]
    db.dispose_engine(f"sqlite:///{path}")


def test_export_round_trips_through_rasa(tmp_path):
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    path = tmp_path / "tracker.db"
    asyncio.run(SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(path)).save(_conversation("web-ph1-0a1b2c")))
    tracker = db.get_engine(f"sqlite:///{path}")
    refresh.refresh(tracker)
    url = f"sqlite:///{tmp_path / 'claims.db'}"
    db.migrate(url)
    engine = db.get_engine(url)
    seed_demo(engine)
    with db.session_scope(engine) as s:
        items = {i.text: i.event_id for i in review.candidates(tracker, s, DAY)}
        review.decide(tracker, s, [items["jveux declarer 1 truc impayé"]], decision="accepted", intent="declare_unpaid",
                      who="agent:sophie.durand")
        review.decide(tracker, s, [items["Martin SA"]], decision="accepted", intent="declare_unpaid",
                      entities=[{"entity": "buyer", "value": "Martin SA"}], who="agent:sophie.durand")
    out = tmp_path / "export.yml"
    subprocess.run([sys.executable, "-m", "bot.insights", "export-nlu", "--database-url", url, "--out", str(out)],
                   cwd=ROOT, check=True, capture_output=True)
    data = RasaYAMLReader().reads(out.read_text(encoding="utf-8"))
    examples = sorted((m.get("text"), m.get("intent"), [(e["entity"], e["value"]) for e in m.get("entities") or []])
                      for m in data.intent_examples)
    assert examples == [("Martin SA", "declare_unpaid", [("buyer", "Martin SA")]),
                        ("jveux declarer 1 truc impayé", "declare_unpaid", [])]

    data_dir = tmp_path / "data"
    shutil.copytree(ROOT / "data", data_dir)
    shutil.copy(out, data_dir / "nlu" / "review_export.yml")
    run = subprocess.run([sys.executable, "-m", "rasa", "data", "validate", "--domain", str(ROOT / "domain.yml"),
                          "--data", str(data_dir), "--config", str(ROOT / "config.yml")],
                         cwd=tmp_path, capture_output=True, text=True, timeout=600)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-3000:]
    assert "review_export" not in output and "Martin SA" not in output and "jveux" not in output
