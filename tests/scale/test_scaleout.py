"""Issue #10: two Rasa replicas and two action servers sharing the PostgreSQL tracker and the Redis lock store.

- One conversation whose messages alternate between the replicas keeps its state (a form filled
  half on each) and its order (the tracker's events).
- Under load, one replica is killed (SIGKILL); the client fails over to the other, as a load
  balancer would, and no user event is lost.
"""
from __future__ import annotations

import signal
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from bot.wording import declare as declare_wording
from bot.wording import faults
from tests.scale import cluster as cl

FAULT_TEXTS = {faults.unavailable().as_message()["text"], faults.too_slow().as_message()["text"]}
MY_REF = "SIN-2021-000123"


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    reason = cl.unavailable()
    if reason:
        pytest.skip(reason)
    running = cl.start_cluster(tmp_path_factory.mktemp("scale"), rasa_replicas=2, action_replicas=2, prefix="scale")
    yield running
    running.stop()


def test_alternating_replicas_keep_state_and_order(pair):
    sender = f"alt-{uuid.uuid4().hex[:8]}"
    token = pair.token(1)
    turns = [
        ("je veux déclarer un impayé", declare_wording.ask("buyer")),
        ("Bâtiments Lefèvre", declare_wording.ask("invoice_number")),
        ("FA-2026-0777", declare_wording.ask("amount")),
        ("4 200 €", declare_wording.ask("due_date")),
    ]
    for index, (text, expected) in enumerate(turns):
        replica = pair.rasa[index % 2]  # 1, 2, 1, 2: each answer needs the state the other one saved
        status, messages, _ = cl.say(replica.url, sender, text, token=token)
        assert status == 200 and expected.as_message()["text"] in cl.joined(messages), (
            replica.name, text, cl.joined(messages), pair.logs())
    status, messages, _ = cl.say(pair.rasa[0].url, sender, "15/05/2025", token=token)
    summary = cl.joined(messages)
    assert status == 200 and "FA-2026-0777" in summary and "Bâtiments Lefèvre" in summary, summary
    status, messages, _ = cl.say(pair.rasa[1].url, sender, "oui", token=token)
    assert "SIN-" in cl.joined(messages), cl.joined(messages)

    events = cl.tracker_events(pair.tracker_db, pair.sender_id(sender, 1))
    users = [text for kind, _name, text, _ in events if kind == "user"]
    assert users == [t for t, _ in turns] + ["15/05/2025", "oui"]
    stamps = [data["timestamp"] for *_rest, data in events]
    assert stamps == sorted(stamps), "events stored out of order"
    kinds = [kind for kind, *_ in events]
    for i, kind in enumerate(kinds[:-1]):  # every user message is answered before the next one is read
        if kind == "user":
            assert "user" not in kinds[i + 1:i + 2], kinds
    # both action servers did work (the action LB spreads the calls)
    assert all(count > 0 for count in pair.action_lb.per_target.values()), pair.action_lb.per_target


MESSAGES = ["bonjour", f"Où en est mon dossier {MY_REF} ?", "quels sont vos frais ?", "merci"]


def _conversation(pair, sender: str, rounds: int, token: str, log: list, start_index: int) -> dict:
    """Send ``rounds`` messages, round-robin over the replicas that answer (client-side balancing)."""
    out = {"sent": [], "failovers": [], "faults": 0}
    for i in range(rounds):
        text = MESSAGES[i % len(MESSAGES)]
        for attempt in range(4 * len(pair.rasa)):
            replica = pair.rasa[(start_index + i + attempt) % len(pair.rasa)]
            try:
                status, messages, _ = cl.say(replica.url, sender, text, token=token, timeout=60)
            except requests.RequestException as exc:  # that replica is gone: the next one takes the message
                out["failovers"].append((i, replica.name, type(exc).__name__))
                continue
            assert status == 200, (status, messages)
            if any(m.get("text") in FAULT_TEXTS for m in messages):
                # the apology ("souci technique, réessayez"): the turn may not be recorded (e.g. the dead
                # replica's conversation lock expired under the waiting request), so the person sends
                # the message again, as the apology asks; counted as a retry of message i
                out["faults"] += 1
                out["failovers"].append((i, replica.name, "apology"))
                time.sleep(0.5)
                continue
            out["sent"].append(text)
            log.append(time.monotonic())
            break
        else:
            raise AssertionError(f"no replica answered message {i} of {sender}")
    return out


def _at_least_once_in_order(stored: list, sent: list, retried: set) -> bool:
    """``stored`` is ``sent`` in order, except that a message sent again after a failover may be
    there twice (its first replica died after saving it and before answering)."""
    j = 0
    for text in stored:
        if j < len(sent) and text == sent[j]:
            j += 1
        elif j > 0 and text == sent[j - 1] and (j - 1) in retried:
            continue
        else:
            return False
    return j == len(sent)


def test_killing_one_replica_mid_load_loses_no_event(pair):
    conversations, rounds = 6, 8
    token = pair.token(1)
    senders = [f"load-{n}-{uuid.uuid4().hex[:6]}" for n in range(conversations)]
    answered: list = []
    victim = pair.rasa[1]
    killed = threading.Event()

    def killer():
        while len(answered) < conversations * rounds // 3:
            time.sleep(0.05)
        victim.kill(signal.SIGKILL)
        killed.set()

    threading.Thread(target=killer, daemon=True).start()
    with ThreadPoolExecutor(conversations) as pool:
        results = list(pool.map(lambda args: _conversation(pair, args[1], rounds, token, answered, args[0]),
                                enumerate(senders)))
    assert killed.is_set() and not victim.alive()
    assert sum(len(r["failovers"]) for r in results) > 0, "the kill happened after the load: nothing proven"
    for sender, result in zip(senders, results):
        assert result["sent"] == [MESSAGES[i % len(MESSAGES)] for i in range(rounds)]
        stored = cl.user_texts(pair.tracker_db, pair.sender_id(sender, 1))
        retried = {i for i, *_ in result["failovers"]}
        assert _at_least_once_in_order(stored, result["sent"], retried), (sender, stored, result)
    # the survivor answers normally after the kill (the dead replica's locks expired)
    status, messages, _ = cl.say(pair.rasa[0].url, senders[0], MESSAGES[1], token=token)
    assert status == 200 and MY_REF in cl.joined(messages), cl.joined(messages)
