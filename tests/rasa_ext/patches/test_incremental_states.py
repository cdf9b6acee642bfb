"""The incremental dialogue states give exactly Rasa's states (issue #10 hot path, rasa_ext/patches/incremental_states.py).

Random conversations over the project's own domain (intents, actions, slots, forms), with every event kind that
changes the history (reverts, restarts, new sessions, rejected and follow-up actions, rule-only turns): after each
event, every flag combination the policies use is compared with Rasa's own implementation on the same tracker.
Then the real model: conversations through the trained assistant, each policy call checked against Rasa's.
"""
from __future__ import annotations

import asyncio
import random
from pathlib import Path

import pytest

from rasa_ext import patches
from rasa_ext.patches import incremental_states

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (ActionExecuted, ActionExecutionRejected, ActionReverted, ActiveLoop,
                                     BotUttered, FollowupAction, Restarted, SessionStarted, SlotSet,
                                     UserUttered, UserUtteranceReverted)
from rasa.shared.core.slots import BooleanSlot, CategoricalSlot, FloatSlot
from rasa.shared.core.trackers import DialogueStateTracker

ROOT = Path(__file__).resolve().parents[3]
patches.install()  # as in the Rasa server (scripts/rasa_server.py): the agent below runs with every patch
ORIGINAL = incremental_states.install()  # Rasa's own implementation (idempotent: returns it once installed)


@pytest.fixture(scope="module")
def domain():
    return Domain.load(str(ROOT / "domain.yml"))


def _slot_value(slot, rng):
    if isinstance(slot, BooleanSlot):
        return rng.choice([True, False])
    if isinstance(slot, FloatSlot):
        return rng.choice([0.0, 0.5, 1.0])
    if isinstance(slot, CategoricalSlot):
        return rng.choice([v for v in slot.values if v != "__other__"] or ["x"])
    return rng.choice(["SIN-2021-000123", "Bâtiments Lefèvre", None, "x"])


def _random_event(domain, rng):
    forms = list(domain.form_names) or [None]
    kind = rng.choices(["user", "action", "slot", "loop", "bot", "rejected", "reverted", "utt_reverted",
                        "restart", "session", "followup"], weights=[20, 30, 12, 6, 8, 2, 2, 2, 1, 1, 2])[0]
    if kind == "user":
        intent = rng.choice(domain.intents)
        entities = []
        if domain.entities and rng.random() < 0.3:
            entities = [{"entity": rng.choice(domain.entities), "value": "x", "start": 0, "end": 1}]
        return UserUttered(rng.choice(["bonjour", "où en est mon dossier", "stop"]), {"name": intent, "confidence": 1.0},
                           entities)
    if kind == "action":
        return ActionExecuted(rng.choice(domain.action_names_or_texts), hide_rule_turn=rng.random() < 0.3)
    if kind == "slot":
        slot = rng.choice(domain.slots)
        return SlotSet(slot.name, _slot_value(slot, rng))
    if kind == "loop":
        return ActiveLoop(rng.choice(forms + [None]))
    if kind == "bot":
        return BotUttered("réponse")
    if kind == "rejected":
        return ActionExecutionRejected(rng.choice(forms) or "action_listen")
    if kind == "reverted":
        return ActionReverted()
    if kind == "utt_reverted":
        return UserUtteranceReverted()
    if kind == "restart":
        return Restarted()
    if kind == "session":
        return SessionStarted()
    return FollowupAction(rng.choice(domain.action_names_or_texts))


@pytest.mark.parametrize("seed", range(12))
def test_random_conversations_give_rasas_states_after_every_event(domain, seed):
    rng = random.Random(seed)
    rule_only = {"rule_only_slots": [s.name for s in domain.slots[:3]], "rule_only_loops": list(domain.form_names)[:1]}
    tracker = DialogueStateTracker(f"random-{seed}", domain.slots)
    tracker.update(ActionExecuted("action_listen"))
    calls = [(False, False, None), (False, True, rule_only), (True, False, None), (True, True, rule_only),
             (False, True, {"rule_only_slots": [], "rule_only_loops": []})]
    for _ in range(160):
        tracker.update(_random_event(domain, rng), domain)
        for omit, ignore, data in calls:
            expected = ORIGINAL(domain, tracker, omit, ignore, data)
            got = incremental_states.states_for_tracker_history(domain, tracker, omit, ignore, data)
            assert got == expected, (seed, len(tracker.events), omit, ignore)
            for state in got:  # callers change what they get (featurizers drop a user turn's text)
                state.pop("user", None)
                for sub in state.values():
                    if isinstance(sub, dict):
                        sub.clear()
        again = incremental_states.states_for_tracker_history(domain, tracker, False, True, rule_only)
        assert again == ORIGINAL(domain, tracker, False, True, rule_only)


def test_a_copy_of_a_tracker_or_another_domain_starts_again(domain):
    tracker = DialogueStateTracker("copies", domain.slots)
    for event in (ActionExecuted("action_listen"), UserUttered("bonjour", {"name": "greet", "confidence": 1.0}),
                  ActionExecuted("utter_greet"), ActionExecuted("action_listen")):
        tracker.update(event, domain)
    first = incremental_states.states_for_tracker_history(domain, tracker)
    travelled = tracker.travel_back_in_time(tracker.events[1].timestamp)
    assert incremental_states.states_for_tracker_history(domain, travelled) == ORIGINAL(domain, travelled)
    other = Domain.load(str(ROOT / "domain.yml"))
    assert incremental_states.states_for_tracker_history(other, tracker) == first == ORIGINAL(other, tracker)


def test_the_assistants_policies_get_rasas_states_in_real_conversations(tmp_path, monkeypatch):
    """The trained model, the cached tracker store: every call of a whole conversation compared with Rasa's."""
    model = ROOT / "models" / "assistant.tar.gz"
    if not model.exists():
        pytest.skip("models/assistant.tar.gz is missing: `make train` first (make test does)")
    import rasa.core.agent
    from rasa.core.agent import load_agent

    from rasa_ext.tracker_store import ResilientSQLTrackerStore

    checked = {"calls": 0}

    def checking(self, tracker, omit_unset_slots=False, ignore_rule_only_turns=False, rule_only_data=None):
        got = incremental_states.states_for_tracker_history(self, tracker, omit_unset_slots, ignore_rule_only_turns,
                                                            rule_only_data)
        assert got == ORIGINAL(self, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
        checked["calls"] += 1
        return got

    monkeypatch.setattr(Domain, "states_for_tracker_history", checking)

    async def run():
        agent = await load_agent(model_path=str(model))
        store = ResilientSQLTrackerStore(domain=agent.domain, dialect="sqlite", db=str(tmp_path / "t.db"))
        agent.tracker_store = agent.processor.tracker_store = store
        for sender, texts in {
            "cap": ["bonjour", "je voudrais savoir si le CAP peut m'aider", "mon client est en Espagne", "stop",
                    "merci"],
            "worried": ["je suis très inquiet mon client ne paie plus", "vous êtes un robot ?", "je veux un humain",
                        "non finalement", "c'est quoi le CAP+ ?", "/restart", "bonjour"],
            "declare": ["je veux déclarer un impayé", "Bâtiments Lefèvre", "c'est quoi une franchise ?", "FA-2026-1",
                        "4 200 €", "zzzz qsdf", "au revoir"],
        }.items():
            for text in texts:
                await agent.handle_text(text, sender_id=sender)
    assert rasa.core.agent  # imported for load_agent's side effects only
    asyncio.run(run())
    assert checked["calls"] > 50
