"""Claim status and claim list actions: identity-scoped, store work off the event loop."""
import asyncio
import threading

import pytest

from tests.actions.support import make_tracker, payloads, run_action, texts

pytest.importorskip("rasa_sdk")


def status(text, **kwargs):
    from actions.claims import ActionClaimStatus
    entities = kwargs.pop("entities", None)
    return run_action(ActionClaimStatus(), make_tracker(text, "ask_claim_status", entities=entities, **kwargs))


def test_own_claim_is_answered_with_stage_amount_and_next_step(seeded_store):
    messages, events = status("Où en est mon dossier SIN-2021-000123 ?")
    answer = texts(messages)
    assert "SIN-2021-000123" in answer and "€" in answer
    assert "Prochain" in answer or "prochaine" in answer  # the next step is given
    assert events and events[0]["name"] == "claim_ref" and events[0]["value"] == "SIN-2021-000123"


def test_loosely_written_ref_is_understood(seeded_store):
    messages, _ = status("statut sin 2021 000123 svp")
    assert "SIN-2021-000123" in texts(messages) and "€" in texts(messages)


def test_foreign_ref_answers_exactly_like_unknown_ref(seeded_store):
    foreign, _ = status("dossier SIN-2021-000456")      # belongs to company 3
    unknown, _ = status("dossier SIN-2099-999999")
    assert texts(foreign).replace("SIN-2021-000456", "<ref>") == texts(unknown).replace("SIN-2099-999999", "<ref>")
    assert payloads(foreign) == payloads(unknown)
    assert "€" not in texts(foreign)


@pytest.mark.parametrize("text", ["SIN-2021-12", "sin-21-000123", "SIN-2021-000123'; DROP TABLE claims;--"])
def test_malformed_or_hostile_refs_get_a_clear_answer(seeded_store, text):
    messages, _ = status(text)
    assert messages and texts(messages)
    # the store is intact after SQL metacharacters
    again, _ = status("SIN-2021-000123")
    assert "€" in texts(again)


def test_not_signed_in_gets_no_account_data(seeded_store):
    messages, _ = status("SIN-2021-000123", signed=False)
    assert "€" not in texts(messages) and "Connectez-vous" in texts(messages)
    messages, _ = status("SIN-2021-000123", signed=False, auth_status="expired")
    assert "expiré" in texts(messages)


def test_identity_is_not_taken_from_slots_or_sender(seeded_store):
    messages, _ = status("SIN-2021-000123", signed=False, slots={"policyholder_id": 1}, sender="web-ph1-abc")
    assert "€" not in texts(messages)


def test_without_ref_several_open_claims_are_offered_as_buttons(seeded_store):
    messages, _ = status("où en est mon dossier ?", pid=2)
    assert any(p.startswith('/ask_claim_status{"claim_ref":"SIN-') for p in payloads(messages))


def test_list_claims_and_next_page(seeded_store):
    from actions.claims import ActionListClaims
    first, _ = run_action(ActionListClaims(), make_tracker("tous mes dossiers", "list_claims", pid=2))
    second, _ = run_action(ActionListClaims(), make_tracker(
        '/list_claims{"status":"all","page":2}', "list_claims", pid=2,
        entities=[{"entity": "status", "value": "all"}, {"entity": "page", "value": 2}]))
    refs = lambda ms: {p for p in payloads(ms) if "claim_ref" in p}  # noqa: E731
    assert refs(first) and refs(second) and not (refs(first) & refs(second))


def test_store_failure_is_an_apology_with_a_person(seeded_store, monkeypatch):
    from bot.store import queries

    def broken(*args, **kwargs):
        raise RuntimeError("database is down")
    monkeypatch.setattr(queries, "claim_by_ref", broken)
    messages, _ = status("SIN-2021-000123")
    assert "désolé" in texts(messages) and "/request_human" in payloads(messages)


def test_store_work_runs_off_the_event_loop_thread(seeded_store, monkeypatch):
    from bot.store import queries
    seen = {}
    original = queries.claim_by_ref

    def spy(*args, **kwargs):
        seen["thread"] = threading.get_ident()
        return original(*args, **kwargs)
    monkeypatch.setattr(queries, "claim_by_ref", spy)
    from actions.claims import ActionClaimStatus
    from rasa_sdk.executor import CollectingDispatcher

    async def main():
        seen["loop_thread"] = threading.get_ident()
        ticks = 0

        async def ticker():
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0)
        task = asyncio.create_task(ticker())
        await ActionClaimStatus().run(CollectingDispatcher(), make_tracker("SIN-2021-000123", "ask_claim_status"), {})
        task.cancel()
        return ticks
    ticks = asyncio.run(main())
    assert seen["thread"] != seen["loop_thread"]
    assert ticks > 0  # the loop kept running while the store was read
