"""« bonjour » alone is greeted; a question after the greeting is answered; a buyer's name that looks like
thanks (« cartonage mercier ») is a form answer, not thanks."""
from __future__ import annotations

import pytest

pytest.importorskip("rasa_sdk")

from bot import dialogue
from tests.actions.support import make_tracker, run_action, texts


@pytest.mark.parametrize("text, greeting, rest", [
    ("bonjour", True, ""), ("Bonjour !", True, ""), ("slt", True, ""),
    ("bonjour, healthline nous a été réduit? de combien", True, "healthline nous a ete reduit? de combien"),
    ("bon envoyez qd meme", False, "bon envoyez qd meme"), ("cartonage mercier", False, "cartonage mercier"),
])
def test_greeting_read_from_the_words(text, greeting, rest):
    assert dialogue.is_greeting(text) is greeting
    assert dialogue.after_greeting(text) == rest


def test_thanks_from_the_words_not_a_name():
    assert dialogue.is_thanks("merci") and dialogue.is_thanks("je vous remercie")
    assert not dialogue.is_thanks("cartonage mercier")


def _greet(text, ranking):
    from actions.conversation import ActionGreet
    tracker = make_tracker(text, "greet")
    tracker.latest_message["intent_ranking"] = [{"name": n, "confidence": c} for n, c in ranking]
    return run_action(ActionGreet(), tracker)


def test_a_greeting_alone_is_greeted(store):
    messages, events = _greet("bonjour", [("greet", 0.9), ("thank", 0.05)])
    assert [m.get("response") for m in messages] == ["utter_greet"] and events == []


def test_the_question_after_the_greeting_is_answered(store):
    messages, _ = _greet("bonjour, où en est mon dossier SIN-2021-000123 ?",
                         [("greet", 0.6), ("ask_claim_status", 0.3), ("thank", 0.1)])
    assert "utter_greet" not in [m.get("response") for m in messages]
    assert "SIN-2021-000123" in texts(messages)
