"""The tracker store's in-memory cache (issue #10): faster, and never a different conversation than the database's.

Each test compares what the cached store hands out with what a cache-less store reads from the
same database (``current_state`` with every event): equal after a hit, after another replica
wrote, after rows were erased, after a turn that failed before its save, across a new session.
The replica tests run on SQLite and on the local PostgreSQL (skipped with the reason if absent).
"""
from __future__ import annotations

import asyncio
import time
import uuid

import pytest
import sqlalchemy as sa
import sqlalchemy.exc

from bot.settings import load_settings
from rasa_ext import patches
from rasa_ext.tracker_store import ResilientSQLTrackerStore
from tests.pgadmin import run_admin_sql

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (ActionExecuted, BotUttered, SessionStarted, SlotSet,
                                     UserUttered)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [greet, claim_status]
slots:
  claim_ref:
    type: text
    mappings: [{type: custom}]
responses:
  utter_greet: [{text: "Bonjour"}]
""")
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"


@pytest.fixture(autouse=True, scope="module")
def _rasa_patches():
    patches.install()  # as in the Rasa server (scripts/rasa_server.py): the cached trackers keep their states


def run(coro):
    return asyncio.run(coro)


def turn(tracker: DialogueStateTracker, text: str, ref: str | None = None) -> None:
    stamp = time.time()
    tracker.update(UserUttered(text, {"name": "claim_status", "confidence": 0.9}, timestamp=stamp))
    if ref:
        tracker.update(SlotSet("claim_ref", ref, timestamp=stamp))
    tracker.update(ActionExecuted("utter_greet", timestamp=stamp))
    tracker.update(BotUttered(f"réponse à {text}", timestamp=stamp))
    tracker.update(ActionExecuted("action_listen", timestamp=stamp))


def state(tracker):
    return None if tracker is None else tracker.current_state(EventVerbosity.ALL)


def rows(store, sender):
    with store.engine.connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender}).scalar()


def all_events(store, sender):
    """Every stored event, all sessions (``retrieve`` starts at the latest SessionStarted)."""
    return list(run(store.retrieve_full_tracker(sender)).events)


@pytest.fixture(params=["sqlite", "postgresql"])
def stores(request, tmp_path):
    """Two cached stores (two replicas) and one cache-less reader on the same database."""
    if request.param == "sqlite":
        kwargs = dict(dialect="sqlite", db=str(tmp_path / "tracker.db"))
        cleanup = None
    else:
        import psycopg2

        name = f"cache_test_{uuid.uuid4().hex[:8]}"
        try:
            run_admin_sql(f'CREATE DATABASE "{name}"', PG_ADMIN_URL)
        except psycopg2.OperationalError as exc:
            pytest.skip(f"PostgreSQL at 127.0.0.1:5432 is not reachable: {exc}")
        kwargs = dict(dialect="postgresql", host="127.0.0.1", port=5432, username="postgres", db=name)

        def cleanup():
            run_admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', PG_ADMIN_URL)
    made = [ResilientSQLTrackerStore(domain=DOMAIN, retry_seconds=1.0, cache_size=cache, **kwargs)
            for cache in (100, 100, 0)]
    yield made
    for store in made:
        store.engine.dispose()
    if cleanup:
        cleanup()


def new_conversation(store, sender, turns=3):
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    tracker.update(ActionExecuted("action_listen"))
    run(store.save(tracker))
    tracker = run(store.retrieve(sender))
    for i in range(turns):
        turn(tracker, f"message {i}", ref=f"SIN-2021-{i:06d}")
    run(store.save(tracker))
    return tracker


def test_a_hit_hands_back_the_saved_conversation_without_reloading(stores):
    one, _two, plain = stores
    sender = f"hit-{uuid.uuid4().hex[:6]}"
    saved = new_conversation(one, sender)
    loads = one.cache_stats["load"]
    again = run(one.retrieve(sender))
    assert again is saved and one.cache_stats["load"] == loads and one.cache_stats["hit"] >= 1
    assert state(again) == state(run(plain.retrieve(sender)))
    assert again.get_slot("claim_ref") == "SIN-2021-000002"
    turn(again, "et maintenant ?", ref="SIN-2021-000999")
    run(one.save(again))
    assert one.cache_stats["fast_save"] >= 2
    fresh = run(plain.retrieve(sender))
    assert state(fresh) == state(again) and fresh.get_slot("claim_ref") == "SIN-2021-000999"
    assert rows(one, sender) == len(all_events(plain, sender))


def test_what_another_replica_wrote_is_replayed_on_top(stores):
    one, two, plain = stores
    sender = f"replica-{uuid.uuid4().hex[:6]}"
    new_conversation(one, sender)
    on_two = run(two.retrieve(sender))
    turn(on_two, "sur l'autre réplique", ref="SIN-2021-000777")
    run(two.save(on_two))
    back_on_one = run(one.retrieve(sender))
    assert one.cache_stats["caught_up"] == 1
    assert state(back_on_one) == state(run(plain.retrieve(sender)))
    assert back_on_one.get_slot("claim_ref") == "SIN-2021-000777"
    turn(back_on_one, "retour sur la première", ref="SIN-2021-000888")
    run(one.save(back_on_one))
    users = [e.text for e in run(plain.retrieve(sender)).events if isinstance(e, UserUttered)]
    assert users == ["message 0", "message 1", "message 2", "sur l'autre réplique", "retour sur la première"]


def test_erased_rows_are_never_served_from_memory(stores):
    one, _two, plain = stores
    sender = f"erased-{uuid.uuid4().hex[:6]}"
    new_conversation(one, sender)
    with one.engine.begin() as conn:  # what `python -m bot.gdpr erase` and the retention purge do
        conn.execute(sa.text("DELETE FROM events WHERE sender_id = :s"), {"s": sender})
    assert run(one.retrieve(sender)) is None
    # Erased, then the person writes again: only the new rows exist, nothing of the erased ones.
    new_conversation(plain, sender, turns=1)
    again = run(one.retrieve(sender))
    assert [e.text for e in again.events if isinstance(e, UserUttered)] == ["message 0"]
    assert state(again) == state(run(plain.retrieve(sender)))


def test_a_turn_that_failed_before_its_save_is_forgotten(stores):
    one, _two, plain = stores
    sender = f"failed-{uuid.uuid4().hex[:6]}"
    new_conversation(one, sender)
    held = run(one.retrieve(sender))
    turn(held, "ce tour échoue", ref="SIN-2021-000555")  # ...and is never saved
    again = run(one.retrieve(sender))
    assert again is not held and "ce tour échoue" not in [getattr(e, "text", None) for e in again.events]
    assert state(again) == state(run(plain.retrieve(sender)))


def test_a_tracker_held_by_a_request_is_not_handed_out_twice(stores):
    one, _two, plain = stores
    sender = f"held-{uuid.uuid4().hex[:6]}"
    new_conversation(one, sender)
    first = run(one.retrieve(sender))
    reader = run(one.retrieve(sender))  # e.g. the agent desk reading the conversation meanwhile
    assert reader is not first and state(reader) == state(first)
    turn(first, "pendant la lecture")
    run(one.save(first))  # not the cached object any more: Rasa's counting save
    run(one.save(first))  # a repeated save adds nothing
    fresh = run(plain.retrieve(sender))
    assert state(fresh) == state(first) and rows(one, sender) == len(all_events(plain, sender))


def test_a_new_session_is_read_back_as_rasa_reads_it(stores):
    one, _two, plain = stores
    sender = f"session-{uuid.uuid4().hex[:6]}"
    tracker = new_conversation(one, sender)
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    tracker.update(SlotSet("claim_ref", "SIN-2021-000002"))
    tracker.update(ActionExecuted("action_listen"))
    turn(tracker, "nouvelle session")
    run(one.save(tracker))
    again = run(one.retrieve(sender))
    assert again is not tracker  # reloaded: only the new session, as Rasa's own store returns it
    assert state(again) == state(run(plain.retrieve(sender)))
    assert [e.text for e in again.events if isinstance(e, UserUttered)] == ["nouvelle session"]


def test_a_save_retried_after_a_connection_error_appends_nothing_twice(stores, monkeypatch):
    one, _two, plain = stores
    sender = f"retry-{uuid.uuid4().hex[:6]}"
    new_conversation(one, sender)
    tracker = run(one.retrieve(sender))
    turn(tracker, "enregistré après une coupure")
    real = ResilientSQLTrackerStore._fast_save

    def commits_then_drops_the_connection(self, t):
        real(self, t)
        raise sqlalchemy.exc.OperationalError("COMMIT", {}, Exception("server closed the connection"))
    monkeypatch.setattr(ResilientSQLTrackerStore, "_fast_save", commits_then_drops_the_connection)
    run(one.save(tracker))
    assert [e.as_dict() for e in run(plain.retrieve(sender)).events] == [e.as_dict() for e in tracker.events]
    assert rows(one, sender) == len(all_events(plain, sender))
    assert one.cache_stats["counted_save"] >= 1


def test_the_cache_is_bounded_and_can_be_turned_off(tmp_path, monkeypatch):
    store = ResilientSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "t.db"), cache_size=2)
    for i in range(4):
        new_conversation(store, f"lru-{i}", turns=1)
        run(store.retrieve(f"lru-{i}"))
    assert list(store._cache) == ["lru-2", "lru-3"]
    env = {"ASSISTANT_VAR_DIR": str(tmp_path), "TRACKER_CACHE_SIZE": "0"}
    monkeypatch.setattr("bot.settings._cached", load_settings(env))  # settings are read once per process
    off = ResilientSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "t.db"))
    assert off.cache_size == 0 and run(off.retrieve("lru-0")) is not run(off.retrieve("lru-0"))
    assert not off._cache
    with pytest.raises(ValueError, match="TRACKER_CACHE_SIZE"):
        load_settings({**env, "TRACKER_CACHE_SIZE": "-1"})
