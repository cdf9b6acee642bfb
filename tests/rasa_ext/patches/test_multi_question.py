"""rasa_ext/patches/multi_question.py: the split step in front of Rasa's MessageProcessor.handle_message.

A fake processor stands for Rasa's (its NLU answers from a table, its handle_message records the turns and
sends what a form would); the real stack is played in tests/e2e/test_multi_question.py.
"""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional

import pytest

from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from rasa_ext.patches import multi_question

NLU = {
    "c'est combien mon agrément sur Leroy": ("ask_guarantee", 0.99),
    "et j'ai des dossiers ouverts chez eux ?": ("list_claims", 0.98),
    "c'est combien mon agrément sur Leroy et j'ai des dossiers ouverts chez eux ?": ("ask_guarantee", 0.9),
    "la facture fait 2 300 €.": ("declare_unpaid", 0.99),
    "Au fait, vous êtes joignables le samedi ?": ("ask_opening_hours", 0.99),
    "quelle différence entre le CAP et le CAP+ ?": ("ask_cap", 0.99),
}
ASK_DUE_DATE = {"text": "Quelle est la date d’échéance de la facture ?"}


class FakeTracker:
    def __init__(self, paused: bool = False, form: Optional[str] = None, requested: Optional[str] = None):
        self.paused, self.active_loop_name, self.slots = paused, form, {"requested_slot": requested}

    def is_paused(self) -> bool:
        return self.paused

    def get_slot(self, name: str) -> Any:
        return self.slots.get(name)


class FakeStore:
    def __init__(self, tracker: Optional[FakeTracker]):
        self.tracker = tracker

    async def retrieve(self, sender_id: str) -> Optional[FakeTracker]:
        return self.tracker


class FakeProcessor:
    def __init__(self, tracker: Optional[FakeTracker] = None):
        self.tracker_store = FakeStore(tracker)
        self.turns: List[UserMessage] = []
        self.parsed: List[str] = []

    def _has_session_expired(self, tracker: Any) -> bool:
        return False

    async def parse_message(self, message: UserMessage, tracker: Any = None) -> Dict[str, Any]:
        self.parsed.append(message.text)
        intent, confidence = NLU.get(message.text, ("nlu_fallback", 0.3))
        return {"text": message.text, "intent": {"name": intent, "confidence": confidence}, "entities": []}


async def fake_handle_message(processor: FakeProcessor, message: UserMessage):
    """Rasa's handle_message as far as the split step sees it: one turn, bot messages to the output channel."""
    processor.turns.append(message)
    intent = (message.parse_data or {"intent": {"name": "?"}})["intent"]["name"]  # "?": not split, Rasa parses
    if intent == "declare_unpaid":  # the form takes the amount and asks the next question
        await message.output_channel.send_response(message.sender_id, {"text": "C’est noté : 2 300 €."})
        await message.output_channel.send_response(message.sender_id, dict(ASK_DUE_DATE))
    elif intent == "ask_opening_hours":  # answered, then the form asks its question again
        await message.output_channel.send_response(message.sender_id, {"text": "Du lundi au vendredi."})
        await message.output_channel.send_response(message.sender_id, dict(ASK_DUE_DATE))
    else:
        await message.output_channel.send_response(message.sender_id, {"text": f"réponse {intent}"})
    if isinstance(message.output_channel, CollectingOutputChannel):
        return message.output_channel.messages
    return None


def play(processor: FakeProcessor, text: str, output: Optional[OutputChannel] = None):
    output = output or CollectingOutputChannel()
    message = UserMessage(text, output, "conv-1", input_channel="secure_rest", message_id="m1",
                          metadata={"identity": "signed"})
    return asyncio.run(multi_question.handle(processor, message, fake_handle_message)), output


def texts(replies):
    return [r.get("text") for r in replies]


def test_two_questions_are_two_turns_of_the_same_conversation_answered_in_order():
    processor = FakeProcessor(FakeTracker())
    replies, _ = play(processor, "c'est combien mon agrément sur Leroy et j'ai des dossiers ouverts chez eux ?")
    assert [t.text for t in processor.turns] == ["c'est combien mon agrément sur Leroy",
                                                 "et j'ai des dossiers ouverts chez eux ?"]
    assert texts(replies) == ["réponse ask_guarantee", "réponse list_claims"]
    first, second = processor.turns
    assert {t.sender_id for t in processor.turns} == {"conv-1"}
    assert first.metadata == second.metadata == {"identity": "signed"}  # the signed identity goes with each clause
    assert first.input_channel == second.input_channel == "secure_rest"
    assert (first.message_id, second.message_id) == ("m1", "m1-2")
    assert first.parse_data["intent"]["name"] == "ask_guarantee"  # parsed once, not again by Rasa
    assert (first.parse_data["split"], second.parse_data["split"]) == ({"part": 1, "of": 2}, {"part": 2, "of": 2})
    assert processor.parsed.count("c'est combien mon agrément sur Leroy") == 1


def test_one_question_goes_to_rasa_untouched():
    processor = FakeProcessor(FakeTracker())
    replies, _ = play(processor, "quelle différence entre le CAP et le CAP+ ?")
    assert [t.text for t in processor.turns] == ["quelle différence entre le CAP et le CAP+ ?"]
    assert processor.turns[0].parse_data is None and processor.parsed == []  # no cut possible: not even parsed
    assert texts(replies) == ["réponse ?"]


def test_in_a_form_the_answer_fills_the_slot_the_question_is_answered_and_the_form_asks_once():
    processor = FakeProcessor(FakeTracker(form="declare_unpaid_form", requested="amount"))
    replies, _ = play(processor, "la facture fait 2 300 €. Au fait, vous êtes joignables le samedi ?")
    assert [t.text for t in processor.turns] == ["la facture fait 2 300 €.", "Au fait, vous êtes joignables le samedi ?"]
    assert texts(replies) == ["C’est noté : 2 300 €.", "Du lundi au vendredi.", ASK_DUE_DATE["text"]]


def test_outside_a_form_a_statement_and_a_question_stay_one_message():
    processor = FakeProcessor(FakeTracker())
    play(processor, "la facture fait 2 300 €. Au fait, vous êtes joignables le samedi ?")
    assert len(processor.turns) == 1 and processor.turns[0].parse_data is None


def test_a_paused_conversation_is_never_split():
    processor = FakeProcessor(FakeTracker(paused=True))
    play(processor, "c'est combien mon agrément sur Leroy et j'ai des dossiers ouverts chez eux ?")
    assert len(processor.turns) == 1


def test_a_message_already_parsed_is_left_alone():
    processor = FakeProcessor(FakeTracker())
    message = UserMessage("c'est combien mon agrément sur Leroy et j'ai des dossiers ouverts chez eux ?",
                          CollectingOutputChannel(), "conv-1", parse_data={"intent": {"name": "x"}, "entities": []})
    asyncio.run(multi_question.handle(processor, message, fake_handle_message))
    assert len(processor.turns) == 1 and processor.parsed == []


class Streaming(OutputChannel):
    """A channel that sends each message as it comes (socket.io, messaging): not a CollectingOutputChannel."""

    def __init__(self):
        super().__init__()
        self.sent: List[Dict[str, Any]] = []

    @classmethod
    def name(cls):
        return "streaming"

    async def send_text_message(self, recipient_id, text, **kwargs):
        self.sent.append({"to": recipient_id, "text": text})


def test_streaming_channels_get_every_answer_in_order_through_their_own_sending():
    processor = FakeProcessor(FakeTracker())
    replies, output = play(processor, "c'est combien mon agrément sur Leroy et j'ai des dossiers ouverts chez eux ?",
                           Streaming())
    assert replies is None
    assert output.sent == [{"to": "conv-1", "text": "réponse ask_guarantee"},
                           {"to": "conv-1", "text": "réponse list_claims"}]
    assert processor.turns[0].output_channel.name() == "streaming"  # channel-specific responses still apply


def test_what_was_answered_is_sent_when_a_later_clause_fails():
    processor = FakeProcessor(FakeTracker())
    calls = []

    async def failing_second(proc, message):
        calls.append(message.text)
        if len(calls) == 2:
            raise RuntimeError("action server down")
        return await fake_handle_message(proc, message)

    output = CollectingOutputChannel()
    message = UserMessage("c'est combien mon agrément sur Leroy et j'ai des dossiers ouverts chez eux ?", output,
                          "conv-1")
    with pytest.raises(RuntimeError):
        asyncio.run(multi_question.handle(processor, message, failing_second))
    assert texts(output.messages) == ["réponse ask_guarantee"]


def test_repeated_form_question_kept_only_the_last_time():
    ask = {"text": "Quel est le montant ?"}
    turns = [[("c", {"text": "A"}), ("c", dict(ask, timestamp=1))], [("c", {"text": "B"}), ("c", dict(ask, timestamp=2))]]
    kept = multi_question._without_repeated_questions(turns)
    assert [m["text"] for _, m in kept] == ["A", "B", "Quel est le montant ?"]
    # an answer that happens to end like the next one is kept when it is not the last message of its clause
    turns = [[("c", {"text": "A"}), ("c", {"text": "X"})], [("c", {"text": "X"}), ("c", {"text": "B"})]]
    assert [m["text"] for _, m in multi_question._without_repeated_questions(turns)] == ["A", "X", "X", "B"]


def test_switched_off_by_the_setting(monkeypatch):
    from bot import settings

    monkeypatch.setenv("SPLIT_QUESTIONS", "0")
    monkeypatch.setattr(settings, "_cached", None)
    processor = FakeProcessor(FakeTracker())
    play(processor, "c'est combien mon agrément sur Leroy et j'ai des dossiers ouverts chez eux ?")
    assert len(processor.turns) == 1 and processor.parsed == []


def test_a_failing_split_step_leaves_the_message_whole():
    processor = FakeProcessor(FakeTracker())

    async def broken(message, tracker=None):
        raise RuntimeError("NLU graph failed")

    processor.parse_message = broken
    replies, _ = play(processor, "c'est combien mon agrément sur Leroy et j'ai des dossiers ouverts chez eux ?")
    assert len(processor.turns) == 1 and texts(replies) == ["réponse ?"]
