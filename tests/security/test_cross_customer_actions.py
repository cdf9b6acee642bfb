"""Cross-customer attempts straight against the actions (no NLU in the way): 0 leaks.

For every demo company as the asker and every other company's claim reference and buyer, the
actions are run with a correctly signed identity of the asker, with the foreign value given as an
entity, as a slot (slot injection), and in the text. No reply may contain anything owned only by
another company, and a foreign reference / buyer must be answered exactly like an unknown one.
Forged, replayed and unsigned identities get the sign-in answer.
"""
from __future__ import annotations

import time

import pytest

pytest.importorskip("rasa_sdk")

from tests.actions.support import make_tracker, run_action, texts
from tests.security.facts import (UNKNOWN_BUYERS, UNKNOWN_REFS, all_secrets, foreign_secrets, leaks,
                                  load_facts)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A seeded store for the module, and the facts of each company."""
    mp = pytest.MonkeyPatch()
    tmp = tmp_path_factory.mktemp("xcust")
    url = f"sqlite:///{tmp / 'claims.db'}"
    mp.setenv("DATABASE_URL", url)
    mp.setenv("JWT_SECRET", "xcust-secret-" + "x" * 40)
    mp.setenv("ASSISTANT_VAR_DIR", str(tmp))
    import bot.settings as settings_module
    mp.setattr(settings_module, "_cached", None)
    from bot.store.db import get_engine, migrate
    from bot.store.seed import seed_demo
    migrate(url)
    seed_demo(get_engine(url))
    yield load_facts(url)
    mp.undo()
    settings_module._cached = None


def _actions():
    from actions.claims import ActionClaimStatus
    from actions.guarantee import ActionGuarantee
    from actions.indemnity import ActionAdvanceIndemnification
    return {"status": ActionClaimStatus(), "advance": ActionAdvanceIndemnification(), "guarantee": ActionGuarantee()}


def _ref_cases(facts):
    cases = []
    for asker in sorted(facts):
        for other in sorted(facts):
            if other == asker:
                continue
            for ref in sorted(facts[other].refs)[:6]:
                for action in ("status", "advance"):
                    for via in ("entity", "slot"):
                        cases.append((asker, ref, action, via))
    return cases


def _buyer_cases(facts):
    cases = []
    for asker in sorted(facts):
        mine = facts[asker].buyers
        for other in sorted(facts):
            if other == asker:
                continue
            for buyer in sorted(facts[other].buyers - mine)[:6]:
                for via in ("entity", "text"):
                    cases.append((asker, buyer, via))
    return cases


def _ask_ref(asker, ref, action, via):
    text = f"Où en est le dossier {ref} ?" if via == "entity" else "et ce dossier, il en est où ?"
    entities = [{"entity": "claim_ref", "value": ref}] if via == "entity" else []
    slots = {"claim_ref": ref} if via == "slot" else {}
    intent = "ask_claim_status" if action == "status" else "ask_advance_indemnification"
    tracker = make_tracker(text, intent, pid=asker, entities=entities, slots=slots, sender=f"x-{asker}")
    messages, events = run_action(_actions()[action], tracker)
    return text, texts(messages), events


def _ask_buyer(asker, buyer, via):
    text = f"Quel est mon agrément sur {buyer} ?"
    entities = [{"entity": "buyer", "value": buyer}] if via == "entity" else []
    tracker = make_tracker(text, "ask_guarantee", pid=asker, entities=entities, sender=f"x-{asker}")
    messages, events = run_action(_actions()["guarantee"], tracker)
    return text, texts(messages), events


def test_foreign_claim_refs_leak_nothing_and_answer_like_unknown_refs(world):
    cases = _ref_cases(world)
    assert len(cases) >= 150, len(cases)
    baseline = {}
    failures = []
    for asker, ref, action, via in cases:
        typed, answer, events = _ask_ref(asker, ref, action, via)
        found = leaks(answer, foreign_secrets(world, asker), f"{typed} {ref}")  # the attacker supplied the ref
        if found:
            failures.append((asker, ref, action, via, found))
        if any(e.get("event") == "slot" and e.get("value") == ref for e in events):
            failures.append((asker, ref, action, via, "foreign ref kept in a slot"))
        key = (asker, action, via)
        if key not in baseline:
            unknown = _ask_ref(asker, UNKNOWN_REFS[0], action, via)[1]
            baseline[key] = unknown.replace(UNKNOWN_REFS[0], "<ref>", 1)
        if answer.replace(ref, "<ref>", 1) != baseline[key]:
            failures.append((asker, ref, action, via, "differs from an unknown ref", answer, baseline[key]))
    assert not failures, failures[:5]


def test_foreign_buyers_leak_nothing_and_answer_like_unknown_buyers(world):
    cases = _buyer_cases(world)
    assert len(cases) >= 40, len(cases)
    baseline = {}
    failures = []
    for asker, buyer, via in cases:
        typed, answer, _ = _ask_buyer(asker, buyer, via)
        found = leaks(answer, foreign_secrets(world, asker), typed)
        if found:
            failures.append((asker, buyer, via, found))
        if via != "entity":
            continue  # free text: words of the name (a country...) may change the topic, so only leaks count
        key = (asker, via)
        if key not in baseline:
            baseline[key] = _ask_buyer(asker, UNKNOWN_BUYERS[0], via)[1].replace(UNKNOWN_BUYERS[0], "<buyer>")
        if answer.replace(buyer, "<buyer>") != baseline[key]:
            failures.append((asker, buyer, via, "differs from an unknown buyer", answer, baseline[key]))
    assert not failures, failures[:5]


def _forged_metadata(world):
    """Identity claims an attacker can put together: none of them is signed for this conversation."""
    from bot.auth import Identity, sign_identity
    from bot.settings import get_settings, load_settings

    now = int(time.time())
    other_key = load_settings({"JWT_SECRET": "attacker-" + "k" * 40, "ASSISTANT_VAR_DIR": "/tmp"})
    victim = {pid: sign_identity(get_settings(), Identity(policyholder_id=pid, channel="web"), f"web-ph{pid}-victim")
              for pid in world}
    out = []
    for pid in world:
        claim = victim[pid]
        out += [
            {"identity": claim},                                                   # replayed from another conversation
            {"identity": {**claim, "sender_id": "attacker"}},                      # sender id rewritten
            {"identity": sign_identity(other_key, Identity(pid, "web"), "attacker")},  # signed with a guessed key
            {"identity": {**claim, "sig": "f" * 64, "sender_id": "attacker"}},
            {"identity": {"policyholder_id": pid, "channel": "web", "sender_id": "attacker", "iat": now}},
            {"policyholder_id": pid, "auth_status": "verified"},
            {"identity": sign_identity(get_settings(), Identity(pid, "web"), "attacker", now=now - 7200)},  # stale
            {"identity": {**sign_identity(get_settings(), Identity(pid, "web"), "attacker"),
                          "policyholder_id": str(pid)}},
        ]
    return out


def test_forged_replayed_or_unsigned_identity_gets_no_account_data(world):
    from rasa_sdk import Tracker

    cases = _forged_metadata(world)
    assert len(cases) >= 30
    failures = []
    for metadata in cases:
        pid = (metadata.get("identity") or {}).get("policyholder_id") or metadata.get("policyholder_id")
        ref = sorted(world[int(pid)].refs or world[1].refs)[0]
        text = f"Où en est le dossier {ref} ?"
        message = {"text": text, "intent": {"name": "ask_claim_status", "confidence": 1.0},
                   "entities": [{"entity": "claim_ref", "value": ref}], "metadata": metadata}
        events = [{"event": "user", "text": text, "parse_data": message, "metadata": metadata}]
        tracker = Tracker("attacker", {}, message, events, False, None, {}, "action_listen")
        for name, action in _actions().items():
            answer = texts(run_action(action, tracker)[0])
            found = leaks(answer, all_secrets(world), text)
            if "€" in answer or found or "Connectez-vous" not in answer.replace("\u202f", " "):
                failures.append((name, metadata, answer[:200], found))
    assert not failures, failures[:3]
