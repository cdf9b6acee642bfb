"""Claim follow-ups resolved against the conversation's focus and the last list shown (issue 16, points 1, 8)."""
import pytest

from tests.actions.support import make_tracker, run_action, texts

pytest.importorskip("rasa_sdk")


def _with_history(tracker, *, slots=None, shown=(), focus_event=None):
    """The tracker after earlier answers: the claim buttons of a list shown, then the focus slots set."""
    events = []
    if shown:
        buttons = [{"title": ref, "payload": '/ask_claim_status{"claim_ref":"%s"}' % ref} for ref in shown]
        events += [{"event": "user", "text": "liste", "parse_data": {}},
                   {"event": "bot", "text": "Vous avez des dossiers.", "data": {"buttons": buttons}}]
    for name, value in (focus_event or {}).items():
        events.append({"event": "slot", "name": name, "value": value})
    events.append({"event": "action", "name": "action_listen"})
    tracker.events[:0] = events
    tracker.slots.update(slots or {})
    return tracker


def _run(action_cls, text, intent, *, pid=1, slots=None, shown=(), entities=None):
    tracker = make_tracker(text, intent, pid=pid, slots=dict(slots or {}), entities=entities, sender=f"conv-{pid}")
    _with_history(tracker, slots=slots, shown=shown, focus_event=slots)
    return run_action(action_cls(), tracker)


def _status(text, **kwargs):
    from actions.claims import ActionClaimStatus
    return _run(ActionClaimStatus, text, "ask_claim_status", **kwargs)


def test_a_question_without_reference_is_about_the_claim_in_focus(seeded_store):
    messages, events = _status("c'était combien déjà ?", pid=3, slots={"claim_ref": "SIN-2026-000402"})
    assert "14 200" in texts(messages).replace("\u202f", " ") and "Duquel" not in texts(messages)
    assert {"event": "slot", "name": "claim_ref", "value": "SIN-2026-000402"} in [
        {k: e[k] for k in ("event", "name", "value")} for e in events]


def test_the_newest_and_the_oldest_of_the_list_shown(seeded_store):
    shown = ("SIN-2026-000200", "SIN-2026-000224", "SIN-2022-000212")
    messages, events = _status("le plus vieux des trois il s'est terminé comment ?", pid=2, shown=shown)
    answer = texts(messages).replace("\u202f", " ")
    assert "SIN-2022-000212" in answer and "9 060,45" in answer and "récupéré toute la somme" in answer
    messages, _ = _status("et le plus récent c'est lequel ?", pid=2, shown=shown)
    assert "SIN-2026-000200" in texts(messages)


def test_the_one_that_was_paid_in_the_list_shown(seeded_store):
    from actions.indemnity import ActionClaimPayout
    shown = ("SIN-2026-000228", "SIN-2026-000216", "SIN-2026-000204")
    messages, _ = _run(ActionClaimPayout, "celui qui a été payé, combien ?", "ask_claim_payout", pid=2, shown=shown)
    assert "SIN-2026-000204" in texts(messages) and "versé 55" in texts(messages).replace("\u202f", " ")


def test_the_other_claim_on_a_buyer(seeded_store):
    messages, _ = _status("et l'autre sur moreau ?", pid=2, slots={"claim_ref": "SIN-2023-000206",
                                                                   "buyer": "Carrières Moreau SAS"})
    assert "SIN-2026-000218" in texts(messages) and "SIN-2023-000206" not in texts(messages)


def test_payout_on_the_claim_in_focus_is_its_estimate_not_the_general_rule(seeded_store):
    from actions.indemnity import ActionClaimPayout
    messages, _ = _run(ActionClaimPayout, "vous paierez combien dessus ?", "ask_claim_payout", pid=2,
                       slots={"claim_ref": "SIN-2026-000224", "buyer": "Martin Logistique SAS"})
    answer = texts(messages).replace("\u202f", " ")
    assert "SIN-2026-000224" in answer and "7 056,38" in answer


def test_recovered_on_an_indemnified_claim_says_what_subrogation_is(seeded_store):
    messages, _ = _status("et vous avez récupéré quelque chose auprès de dupuis depuis ?", pid=1,
                          slots={"claim_ref": "SIN-2021-000123"})
    answer = texts(messages).replace("\u202f", " ")
    assert "2 300" in answer and "subrogation" in answer


def test_when_we_pay_if_collection_fails_uses_the_contract_waiting_period(seeded_store):
    from datetime import timedelta

    from bot.wording.format import day
    messages, _ = _status("et le dossier fournier en recouvrement, si ça échoue vous payez quand ?", pid=2)
    answer = texts(messages)
    from bot.store import queries
    from bot.store.db import get_engine, session_scope
    with session_scope(get_engine(seeded_store)) as session:
        claim = queries.claim_by_ref(session, 2, "SIN-2026-000223")
    assert "180 jours" in answer.replace("\u00a0", " ") and day(claim.due_date + timedelta(days=180)) in answer


def test_declared_in_time_on_the_claim_in_focus(seeded_store):
    messages, _ = _status("jsp si g bien declaré ds les temps", pid=2, slots={"claim_ref": "SIN-2026-000207"})
    assert texts(messages).startswith("Oui") and "30" in texts(messages)


def test_advance_payment_on_a_named_buyer_is_a_short_honest_answer(seeded_store):
    from actions.indemnity import ActionAdvanceIndemnification
    messages, _ = _run(ActionAdvanceIndemnification, "on peut être payés en avance sur giraud ?",
                       "ask_advance_indemnification", pid=1)
    answer = texts(messages)
    assert "indemnisation avancée" in answer and "SIN-2026-000101" in answer and "inquiète" not in answer
    messages, _ = _run(ActionAdvanceIndemnification, "on peut être payés avant la fin du délai ?",
                       "ask_advance_indemnification", pid=2, slots={"claim_ref": "SIN-2026-000224"})
    assert texts(messages).startswith("Non") and "ne prévoit pas" in texts(messages)


def test_list_filters_by_buyer_country_and_total(seeded_store):
    from actions.claims import ActionListClaims
    messages, _ = _run(ActionListClaims, "ceux sur laiterie girard ?", "list_claims", pid=2)
    assert all(r in texts(messages) for r in ("SIN-2026-000204", "SIN-2026-000216", "SIN-2026-000228"))
    assert "agrément" not in texts(messages)
    messages, _ = _run(ActionListClaims, "et ceux sur l'espagne ?", "list_claims", pid=3)
    assert "García" in texts(messages) and "Medisupply" not in texts(messages)
    messages, _ = _run(ActionListClaims, "vous m'avez payé combien en tout sur les dossiers indemnisés ?",
                       "list_claims", pid=2)
    assert "117 527,42" in texts(messages).replace("\u202f", " ")
    messages, _ = _run(ActionListClaims, "et martin logistique ils ont combien de dossiers chez vous", "list_claims",
                       pid=2)
    assert "3 dossiers sur Martin Logistique SAS" in texts(messages)


def test_a_buyer_follow_up_the_nlu_did_not_understand_is_answered(seeded_store):
    from actions.fallback import ActionFallback
    messages, _ = _run(ActionFallback, "et garcia ?", "nlu_fallback", pid=3, slots={"claim_ref": "SIN-2026-000401"})
    assert "SIN-2026-000403" in texts(messages)
    messages, _ = _run(ActionFallback, "et celui sur lopez", "nlu_fallback", pid=2,
                       shown=("SIN-2026-000207", "SIN-2026-000228"))
    assert "SIN-2026-000207" in texts(messages)


def test_a_claim_follow_up_read_as_a_complaint_is_answered_even_when_it_names_the_buyer(seeded_store):
    """The buyer named in the message fills the buyer slot: the answer before it was still about the claim."""
    from actions.conversation import ActionLogComplaint
    from tests.actions.support import make_tracker
    text = "et vous avez récupéré quelque chose auprès de dupuis depuis ?"
    tracker = make_tracker(text, "complain", pid=1, slots={"claim_ref": "SIN-2021-000123", "buyer": "dupuis"},
                           entities=[{"entity": "buyer", "value": "dupuis"}])
    tracker.events[:0] = [{"event": "action", "name": "action_claim_payout"},
                          {"event": "slot", "name": "claim_ref", "value": "SIN-2021-000123"},
                          {"event": "action", "name": "action_listen"}]
    tracker.events.append({"event": "slot", "name": "buyer", "value": "dupuis"})
    messages, _ = run_action(ActionLogComplaint(), tracker)
    assert "2 300" in texts(messages).replace("\u202f", " ") and "réclamation" not in texts(messages)


def test_payout_action_answers_the_declared_amount_and_names_a_refused_claim(seeded_store):
    from actions.indemnity import ActionClaimPayout
    messages, _ = _run(ActionClaimPayout, "combien j'avais déclaré exactement dessus ?", "ask_claim_payout", pid=2,
                       slots={"claim_ref": "SIN-2024-000227"})
    assert "8 358,16" in texts(messages).replace("\u202f", " ")
    messages, _ = _run(ActionClaimPayout, "vous me payez combien sur entrepôts bernard, le refusé ?",
                       "ask_claim_payout", pid=2)
    assert "SIN-2024-000227" in texts(messages) and "refusé" in texts(messages)


def test_an_agrement_follow_up_is_not_taken_for_a_claim_question(seeded_store):
    from actions.guarantee import ActionGuarantee
    messages, _ = _run(ActionGuarantee, "celui de la distribution", "ask_guarantee", pid=2,
                       slots={"claim_ref": "SIN-2026-000224"})
    assert "Martin Distribution" in texts(messages) and "SIN-2026-000229" not in texts(messages)


def test_a_payout_question_on_a_named_claim_the_nlu_missed_gets_the_amount_and_the_stage(seeded_store):
    from actions.fallback import ActionFallback
    messages, _ = _run(ActionFallback, "rebonjour, pour le dossier chez giraud vous me versez combien au final et quand ?",
                       "nlu_fallback", pid=1)
    answer = texts(messages)
    assert "SIN-2026-000101" in answer and "délai de carence" in answer and "compris" not in answer
