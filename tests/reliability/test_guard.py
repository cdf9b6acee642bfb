"""The channel guard, the conversation store's retries and the store-call bound, without servers."""
from __future__ import annotations

import asyncio
import time

import pytest
import sqlalchemy.exc
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from rasa_ext import patches
from rasa_ext.channels import resilience
from rasa_ext.tracker_store import ResilientSQLTrackerStore, TrackerStoreUnavailable
from bot.wording import core, faults

APOLOGY = faults.unavailable().as_message()
TOO_SLOW = faults.too_slow().as_message()


@pytest.fixture(autouse=True, scope="module")
def _rasa_patches():
    patches.install()  # as in the Rasa server (scripts/rasa_server.py)


def _message(output=None):
    return UserMessage("bonjour", output or CollectingOutputChannel(), "rest-ph1-abc", input_channel="rest")


def _run(handler, deadline=2.0, output=None):
    output = output or CollectingOutputChannel()

    async def go():
        started = time.monotonic()
        outcome = await resilience.handle_guarded(handler, _message(output), deadline=deadline)
        return outcome, time.monotonic() - started

    outcome, elapsed = asyncio.run(go())
    return outcome, output.messages, elapsed


def test_a_normal_answer_is_passed_through_untouched():
    async def handler(message):
        await message.output_channel.send_response(message.sender_id, {"text": "Bonjour !"})

    outcome, messages, _ = _run(handler)
    assert outcome == "answered"
    assert [m["text"] for m in messages] == ["Bonjour !"]


def test_an_error_becomes_the_apology_with_the_offer_of_a_person():
    async def handler(message):
        await message.output_channel.send_response(message.sender_id, {"text": "réponse partielle"})
        raise ConnectionError("redis down")

    outcome, messages, _ = _run(handler)
    assert outcome == "failed"
    # the turn was not recorded: the partial answer is withdrawn, only the apology remains
    assert [m["text"] for m in messages] == [APOLOGY["text"]]
    assert {"title": "Parler à un conseiller", "payload": "/request_human"} in messages[0]["buttons"]


def test_the_conversation_store_outage_reaches_the_channel():
    """TrackerStoreUnavailable is a BaseException: the guard must still catch it."""
    async def handler(message):
        raise TrackerStoreUnavailable("tracker store unavailable (read)")

    outcome, messages, _ = _run(handler)
    assert outcome == "failed" and messages[-1]["text"] == APOLOGY["text"]


def test_a_turn_without_any_reply_gets_the_apology():
    async def handler(message):  # what Rasa does when the action server is down: logs, says nothing
        return None

    outcome, messages, _ = _run(handler)
    assert outcome == "silent" and [m["text"] for m in messages] == [APOLOGY["text"]]


def test_silence_of_a_conversation_handed_to_a_person_is_not_a_fault(monkeypatch):
    """While an agent has the conversation (ConversationPaused), the bot is silent on purpose."""
    async def paused(_sender_id):
        return True
    monkeypatch.setattr(resilience, "conversation_paused", paused)

    async def handler(message):
        return None

    outcome, messages, _ = _run(handler)
    assert outcome == "paused" and messages == []


def test_a_slow_turn_gets_the_apology_at_the_deadline_and_is_not_cancelled():
    finished = []
    output = CollectingOutputChannel()

    async def handler(message):
        await asyncio.sleep(1.5)
        await message.output_channel.send_response(message.sender_id, {"text": "enfin"})
        finished.append(True)

    async def go():
        started = time.monotonic()
        outcome = await resilience.handle_guarded(handler, _message(output), deadline=0.3)
        elapsed = time.monotonic() - started
        await asyncio.sleep(1.6)  # the turn goes on in the background and ends normally
        return outcome, elapsed

    outcome, elapsed = asyncio.run(go())
    assert outcome == "late" and elapsed < 1.0
    assert [m["text"] for m in output.messages] == [TOO_SLOW["text"], "enfin"]
    assert finished == [True]


def test_the_action_server_call_is_time_bounded(monkeypatch, tmp_path):
    import rasa.core.actions.action as rasa_action

    from bot.settings import load_settings

    monkeypatch.setattr(rasa_action, "DEFAULT_REQUEST_TIMEOUT", rasa_action.DEFAULT_REQUEST_TIMEOUT)
    env = {"ASSISTANT_VAR_DIR": str(tmp_path), "ACTION_TIMEOUT_SECONDS": "4"}
    monkeypatch.setattr("bot.settings._cached", load_settings(env))  # settings are read once per process
    assert resilience.apply_action_timeout() == 4.0
    assert rasa_action.DEFAULT_REQUEST_TIMEOUT == 4.0  # read by RemoteAction.run at each call
    with pytest.raises(ValueError, match="ACTION_TIMEOUT_SECONDS"):
        resilience.apply_action_timeout(load_settings({**env, "ACTION_TIMEOUT_SECONDS": "zero"}))


def test_apology_templates_are_plain_french():
    for text in faults.TEMPLATES.values():
        assert "conseiller" in text and "désolé" in text


# --- the conversation store ---------------------------------------------------------------------

@pytest.fixture
def tracker_store(tmp_path):
    from rasa.shared.core.domain import Domain
    return ResilientSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(tmp_path / "t.db"),
                                    retry_seconds=1.0)


def _flaky(failures):
    calls = {"n": 0}

    async def call(*_args, **_kwargs):
        calls["n"] += 1
        if calls["n"] <= failures:
            raise sqlalchemy.exc.OperationalError("SELECT 1", {}, Exception("server closed the connection"))
        return None
    return call, calls


def test_a_short_database_outage_is_retried_away(tracker_store, monkeypatch):
    from rasa.core.tracker_store import SQLTrackerStore

    call, calls = _flaky(2)
    monkeypatch.setattr(SQLTrackerStore, "_retrieve", call)
    monkeypatch.setattr(ResilientSQLTrackerStore, "_cached_retrieve", call)
    assert asyncio.run(tracker_store.retrieve("someone")) is None
    assert calls["n"] == 3


def test_a_long_outage_is_raised_past_rasas_fail_safe_wrapper(tracker_store, monkeypatch):
    """Rasa's FailSafeTrackerStore would answer 'no tracker' (state lost) and save to memory."""
    from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore
    from rasa.shared.core.trackers import DialogueStateTracker

    call, calls = _flaky(10_000)
    monkeypatch.setattr(SQLTrackerStore, "_retrieve", call)
    monkeypatch.setattr(ResilientSQLTrackerStore, "_cached_retrieve", call)
    monkeypatch.setattr(SQLTrackerStore, "save", call)
    wrapped = FailSafeTrackerStore(tracker_store)
    started = time.monotonic()
    with pytest.raises(TrackerStoreUnavailable):
        asyncio.run(wrapped.retrieve("someone"))
    assert 0.9 <= time.monotonic() - started < 5 and calls["n"] >= 3
    with pytest.raises(TrackerStoreUnavailable):
        asyncio.run(wrapped.save(DialogueStateTracker("someone", [])))
    assert wrapped._fallback_tracker_store is None  # nothing went to the in-memory store


def test_events_survive_in_the_sql_store(tracker_store):
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    tracker = DialogueStateTracker("someone", [])
    tracker.update(UserUttered("bonjour"))
    asyncio.run(tracker_store.save(tracker))
    asyncio.run(tracker_store.save(tracker))  # a retried save appends nothing twice
    again = asyncio.run(tracker_store.retrieve("someone"))
    assert [e.text for e in again.events if isinstance(e, UserUttered)] == ["bonjour"]


# --- the claims store from an action ------------------------------------------------------------

def test_a_slow_claims_store_gets_the_apology_within_the_bound(monkeypatch, tmp_path):
    from rasa_sdk.executor import CollectingDispatcher

    from actions.common import store_call

    monkeypatch.setenv("ASSISTANT_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("STORE_TIMEOUT_SECONDS", "0.5")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr("bot.settings._cached", None)  # settings are read once per process

    def slow_query(_session):
        time.sleep(2)
        return "too late"

    dispatcher = CollectingDispatcher()

    async def go():
        started = time.monotonic()
        result = await store_call(dispatcher, slow_query)
        return result, time.monotonic() - started  # (asyncio.run then waits for the worker thread)

    result, elapsed = asyncio.run(go())
    assert result is None and elapsed < 1.5
    assert dispatcher.messages[0]["text"] == core.store_unavailable().as_message()["text"]
    assert dispatcher.messages[0]["buttons"][0]["payload"] == "/request_human"
