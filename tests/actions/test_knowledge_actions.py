"""Glossary, contract values, claims by buyer and focus, filtered lists, how much we pay, practical help."""
import pytest

from tests.actions.support import make_tracker, run_action, said, texts

pytest.importorskip("rasa_sdk")


def run(action, text, intent, **kwargs):
    messages, events = run_action(action, make_tracker(text, intent, **kwargs))
    return [{**m, "text": said(m).replace("\u202f", " ").replace("\xa0", " ")} for m in messages], events


def test_contract_value_then_definition(seeded_store):
    from actions.glossary import ActionGlossary
    messages, _ = run(ActionGlossary(), "la franchise de mon contrat ?", "ask_term", pid=2)
    assert "1 000" in texts(messages) and "franchise" in texts(messages)


def test_visitor_gets_the_definition(seeded_store):
    from actions.glossary import ActionGlossary
    messages, _ = run(ActionGlossary(), "c'est quoi le bodacc", "ask_term", signed=False)
    assert "journal officiel" in texts(messages)


def test_claim_by_buyer_sets_the_focus(seeded_store):
    from actions.claims import ActionClaimStatus
    messages, events = run(ActionClaimStatus(), "le dossier sur giraud il en est où", "ask_claim_status",
                           entities=[{"entity": "buyer", "value": "giraud"}])
    assert "SIN-2026-000101" in texts(messages)
    assert {"claim_ref": "SIN-2026-000101", "buyer": "Charpentes Giraud"} == \
        {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def test_follow_up_on_the_focused_claim(seeded_store):
    from actions.claims import ActionClaimStatus
    messages, _ = run(ActionClaimStatus(), "pourquoi il a été refusé celui-là ?", "ask_claim_status", pid=3,
                      slots={"claim_ref": "SIN-2026-000402"})
    assert "SIN-2026-000402" in texts(messages) and "délai" in texts(messages)


def test_year_omitted_reference(seeded_store):
    from actions.claims import ActionClaimStatus
    messages, _ = run(ActionClaimStatus(), "ou en est le dossier 123", "ask_claim_status")
    assert "SIN-2021-000123" in texts(messages)


def test_filtered_list(seeded_store):
    from actions.claims import ActionListClaims
    messages, _ = run(ActionListClaims(), "mes dossiers 2021", "list_claims")
    assert "SIN-2021-000123" in texts(messages) and "SIN-2026-000101" not in texts(messages)


def test_payout_on_the_focused_claim_and_why(seeded_store):
    from actions.indemnity import ActionClaimPayout
    messages, _ = run(ActionClaimPayout(), "combien vous allez me payer dessus", "ask_claim_payout",
                      slots={"claim_ref": "SIN-2026-000101"})
    assert "565,36" in texts(messages) and "90" in texts(messages)


def test_payout_on_an_amount(seeded_store):
    from actions.indemnity import ActionClaimPayout
    messages, _ = run(ActionClaimPayout(), "si un client me doit 10 000 vous payez combien", "ask_claim_payout", pid=2)
    assert "7 650" in texts(messages) or "7 500" in texts(messages)


def test_refused_claim_payout_does_not_fail(seeded_store):
    from actions.indemnity import ActionClaimPayout
    messages, _ = run(ActionClaimPayout(), "pourquoi pas tout ?", "ask_claim_payout", pid=3,
                      slots={"claim_ref": "SIN-2026-000402"})
    assert texts(messages)


def test_opening_hours_and_sign_in(seeded_store):
    from actions.help import ActionOpeningHours, ActionSignInHelp
    assert "lundi" in texts(run(ActionOpeningHours(), "vos horaires", "ask_opening_hours")[0])
    assert "haut de la page" in texts(run(ActionSignInHelp(), "comment me connecter", "ask_sign_in", signed=False)[0])


def test_why_refused_on_a_buyer_without_refused_claim_gives_the_agrement(seeded_store):
    from actions.claims import ActionClaimStatus
    messages, _ = run(ActionClaimStatus(), "pour lambert c'etait quoi la raison du refus", "ask_claim_status")
    assert "Lambert" in texts(messages) and "information" in texts(messages)


def test_status_and_amount_in_one_message(seeded_store):
    from actions.claims import ActionClaimStatus
    messages, _ = run(ActionClaimStatus(), "le dossier Giraud il en est ou et combien vous allez me verser ?",
                      "ask_claim_status")
    assert "carence" in texts(messages) and "565,36" in texts(messages)


def test_encours_figure_rather_than_definition(seeded_store):
    from actions.glossary import ActionGlossary
    messages, _ = run(ActionGlossary(), "vous pouvez redonner le chiffre de mon encours ?", "ask_term")
    assert "€" in texts(messages)


def test_why_not_more_after_an_agrement(seeded_store):
    from actions.indemnity import ActionClaimPayout
    messages, _ = run(ActionClaimPayout(), "pourquoi seulement 3000 pour l'epicerie ?", "ask_claim_payout", pid=4)
    assert "récente" in texts(messages)


def test_fees_question_about_a_payout_is_answered_as_a_payout(seeded_store):
    from actions.fees import ActionFees
    messages, _ = run(ActionFees(), "vous paierez combien dessus ?", "ask_fees", slots={"claim_ref": "SIN-2026-000101"})
    assert "565,36" in texts(messages)


def test_several_buyers_named_alike_are_listed(seeded_store):
    from actions.claims import ActionListClaims
    messages, _ = run(ActionListClaims(), "et ceux sur martin ?", "list_claims", pid=2)
    assert "Garage Martin" in texts(messages) and "Martin Logistique" in texts(messages)


def test_limit_request_typed_as_a_status_question(seeded_store):
    from actions.claims import ActionClaimStatus
    messages, _ = run(ActionClaimStatus(), "pouvez vous demander a remonter Healthline a 70 000 ?", "ask_claim_status",
                      pid=3, entities=[{"entity": "buyer", "value": "Healthline"}])
    assert "70 000" in texts(messages)


def test_refused_claim_payout_gives_the_reason(seeded_store):
    from actions.indemnity import ActionClaimPayout
    messages, _ = run(ActionClaimPayout(), "pourquoi il a été refusé celui-là ?", "ask_claim_payout", pid=3,
                      slots={"claim_ref": "SIN-2026-000402"})
    assert "délai" in texts(messages) and "prévoyons" not in texts(messages)


def test_named_buyer_wins_over_the_focus(seeded_store):
    from actions.claims import ActionClaimStatus
    messages, _ = run(ActionClaimStatus(), "et le dossier sur giraud il en est ou, et combien vous allez me payer dessus ?",
                      "ask_claim_status", slots={"claim_ref": "SIN-2021-000123"})
    assert "SIN-2026-000101" in texts(messages) and "565,36" in texts(messages)


def test_latest_focus_is_the_claim_when_a_status_set_both():
    from rasa_sdk import Tracker

    from actions.indemnity import latest_focus
    events = [{"event": "action", "name": "action_guarantee"}, {"event": "slot", "name": "buyer", "value": "A"},
              {"event": "action", "name": "action_claim_status"}, {"event": "slot", "name": "claim_ref", "value": "R"},
              {"event": "slot", "name": "buyer", "value": "B"}]
    assert latest_focus(Tracker("s", {}, {}, events, False, None, {}, "action_listen")) == "claim"
