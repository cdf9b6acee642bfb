"""The whole answer of an action stays short (≤ MAX_WORDS words); « Voir le détail » says the rest."""
import pytest

from tests.actions.support import make_tracker, run_action

pytest.importorskip("rasa_sdk")

from bot.wording.reply import DETAIL_PAYLOAD, MAX_WORDS, Button, Reply, word_count

SENTENCE = "Votre dossier avance bien et nous vous tiendrons au courant de la suite très vite."  # 15 words


def _say_all(replies):
    from rasa_sdk.executor import CollectingDispatcher

    from actions.common import say
    dispatcher = CollectingDispatcher()
    for reply in replies:
        say(dispatcher, reply)
    return dispatcher.messages


def _total(messages):
    return sum(word_count(m.get("text")) for m in messages)


def test_several_bubbles_share_one_budget():
    messages = _say_all([Reply(" ".join([SENTENCE] * 3)), Reply(" ".join([SENTENCE] * 3)), Reply(SENTENCE)])
    assert _total(messages) <= MAX_WORDS
    detail = [p for m in messages for p in m.get("detail") or []]
    assert word_count(" ".join(detail)) + _total(messages) == 7 * word_count(SENTENCE)
    assert [b["payload"] for m in messages for b in m.get("buttons") or []].count(DETAIL_PAYLOAD) == 1


def test_a_question_with_buttons_is_always_shown():
    question = Reply("Voulez-vous déclarer cette facture maintenant ?", [Button("Oui", "/affirm")])
    messages = _say_all([Reply(" ".join([SENTENCE] * 4)), question])
    assert messages[-1]["text"].startswith("Voulez-vous déclarer")
    assert messages[-1]["buttons"] == [{"title": "Oui", "payload": "/affirm"}]


def test_show_detail_says_the_rest_of_the_previous_answer():
    from actions.detail import ActionShowDetail
    first = _say_all([Reply(" ".join([SENTENCE] * 6))])
    assert first[0].get("detail")
    tracker = make_tracker("/show_detail", "show_detail", signed=False)
    tracker.events[:0] = [{"event": "user", "text": "où en est mon dossier ?"},
                          {"event": "bot", "text": first[0]["text"], "metadata": {"detail": first[0]["detail"]}}]
    messages, events = run_action(ActionShowDetail(), tracker)
    assert events == [] and " ".join(first[0]["detail"]).startswith(messages[0]["text"][:40])
    assert _total(messages) <= MAX_WORDS


def test_show_detail_after_a_message_with_two_questions_gives_the_detail_of_both_answers():
    from actions.detail import previous_detail

    events = [{"event": "user", "text": "bonjour"}, {"event": "bot", "text": "Bonjour.", "metadata": {"detail": ["old"]}},
              {"event": "user", "text": "où en est le dossier", "parse_data": {"split": {"part": 1, "of": 2}}},
              {"event": "bot", "text": "Statut.", "metadata": {"detail": ["statut 1", "statut 2"]}},
              {"event": "user", "text": "et l'agrément ?", "parse_data": {"split": {"part": 2, "of": 2}}},
              {"event": "bot", "text": "Agrément.", "metadata": {"detail": ["agrément 1"]}},
              {"event": "user", "text": "/show_detail"}]
    assert previous_detail(events) == ["statut 1", "statut 2", "agrément 1"]
    events[4]["parse_data"] = {}  # two messages: only the last answer's detail
    assert previous_detail(events) == ["agrément 1"]


def test_show_detail_with_nothing_more_says_so():
    from actions.detail import ActionShowDetail
    tracker = make_tracker("plus de détails", "show_detail", signed=False)
    tracker.events[:0] = [{"event": "user", "text": "bonjour"}, {"event": "bot", "text": "Bonjour.", "metadata": {}}]
    messages, _ = run_action(ActionShowDetail(), tracker)
    assert "pas d’autre détail" in messages[0]["text"]


def test_real_long_answers_are_short(seeded_store):
    """The longest answers of the evaluation set: the claim process, the fees, a claim's status."""
    from actions.claims import ActionClaimStatus
    from actions.conversation import ActionClaimProcess
    from actions.fees import ActionFees
    for action, text, intent, extra in [
        (ActionClaimProcess(), "comment ça se passe une indemnisation ?", "ask_claim_process", {}),
        (ActionFees(), "mes frais ?", "ask_fees", {}),
        (ActionClaimStatus(), "où en est le dossier SIN-2021-000123 ?", "ask_claim_status",
         {"entities": [{"entity": "claim_ref", "value": "SIN-2021-000123"}]}),
    ]:
        messages, _ = run_action(action, make_tracker(text, intent, **extra))
        assert 0 < _total(messages) <= MAX_WORDS, (text, messages)
        assert len(messages) <= 3, (text, len(messages))
