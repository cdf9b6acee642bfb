"""Summary and transcript for the agent, from tracker events."""
from bot.handoff.summary import build_summary, claim_refs, infer_reason, transcript

from tests.bot.handoff.sample_events import action, bot, conversation, user


def test_transcript_has_every_message_in_order_and_no_metadata():
    lines = transcript(conversation())
    assert [l["who"] for l in lines] == ["user", "bot", "user", "bot", "user"]
    assert lines[0]["text"].startswith("Bonjour") and lines[0]["intent"] == "ask_claim_status"
    assert lines[0]["at"] == "2026-03-02T09:00:10+00:00"
    assert lines[3]["buttons"] == ["Parler à un conseiller"]
    assert lines[4]["button"] is True
    assert "sig" not in repr(lines) and "deadbeef" not in repr(lines)


def test_summary_is_structured():
    summary = build_summary(conversation())
    assert summary["reason"] == "request"
    assert summary["intents"] == ["ask_claim_status", "request_human"]
    assert summary["entities"] == [{"entity": "claim_ref", "value": "SIN-2021-000123"}]
    assert summary["claim_refs"] == ["SIN-2021-000123", "SIN-2021-000456"]
    assert summary["last_answers"] == ["Votre dossier SIN-2021-000123 est indemnisé. Le recouvrement continue.",
                                       "Je ne trouve pas ce dossier parmi les vôtres."]
    assert summary["last_action"] == "action_claim_status"
    assert summary["user_messages"] == 3
    assert build_summary(conversation(), reason="complaint")["reason"] == "complaint"


def test_claim_refs_are_normalised_and_deduplicated():
    events = [user("SIN 2021 000123", "ask_claim_status", 1.0), bot("Le dossier SIN-2021-000123 ...", 2.0),
              {"event": "slot", "name": "claim_ref", "value": "sin-2022-000777"}]
    assert claim_refs(events) == ["SIN-2021-000123", "SIN-2022-000777"]


def test_reasons():
    fallback = [user("blabla", "nlu_fallback", 1), action("action_fallback", 2), bot("Je ne suis pas sûr...", 3),
                user("gnagna", "nlu_fallback", 4), action("action_fallback", 5), bot("Un conseiller peut...", 6),
                user("/request_human", "request_human", 7)]
    assert infer_reason(fallback) == "fallback"
    complaint = [user("c'est nul", "complain", 1), action("action_log_complaint", 2), bot("Je suis désolé", 3),
                 user("/request_human", "request_human", 4)]
    assert infer_reason(complaint) == "complaint"
    store = [user("mes dossiers", "list_claims", 1), action("action_list_claims", 2),
             bot("Je suis désolé, je n'arrive pas à lire vos dossiers pour le moment.", 3),
             user("/request_human", "request_human", 4)]
    assert infer_reason(store) == "store_unavailable"
    out = [user("la météo ?", "out_of_scope", 1), action("utter_out_of_scope", 2), bot("Je ne peux pas", 3),
           user("un humain", "request_human", 4)]
    assert infer_reason(out) == "out_of_rules"
    assert infer_reason([user("un humain", "request_human", 1)]) == "request"
    assert infer_reason([]) == "request"


def test_long_texts_are_clipped():
    lines = transcript([user("x" * 5000, "nlu_fallback", 1.0)])
    assert len(lines[0]["text"]) == 2000
