"""Several questions in one message, each answered, in order (issue #16): the split step.

Rasa 3.6 reads one intent per message, so « c'est quoi mon agrément sur Martin et j'ai des dossiers ouverts sur
eux ? » got one answer. Rasa's own multi-intent tokenisation (``intent_tokenization_flag``) needs "a+b" intents
trained for every pair and a story per pair, and would still run one action; instead, every message goes through
:func:`handle` before Rasa's ``MessageProcessor.handle_message``:

1. :func:`bot.clauses.pieces` proposes where the text could be cut (« ? » then more text, « et aussi », « au
   fait », « ; », « et j'ai… »…). Most messages have no such place: they go to Rasa untouched, at the cost of a
   regular expression.
2. Otherwise each piece is parsed with the loaded NLU (the same model and graph as the whole message) and
   :func:`bot.clauses.plan` decides: two or more confident, different, answerable questions, or inside a form the
   answer to the form's question and a question. Merged clauses (« bonjour, » + question) are parsed again and
   must keep their question's intent (:func:`bot.clauses.confirm`). When in doubt, the message stays whole.
3. The clauses are played as successive turns of the same conversation by Rasa's own ``handle_message`` (same
   sender, channel, metadata and signed identity; each clause a ``UserUttered`` with the parse already made), so
   what the first answer sets (the claim or buyer in focus, a slot of the form) serves the second (« sur eux »).
   Each clause's parse data says which part of how many it is (``"split": {"part": 2, "of": 2}``), so that
   « Voir le détail » after the message shows the detail of every answer (:mod:`actions.detail`).
   The replies are held until the last clause is answered, then sent in order to the channel's output; the form
   question that a later clause asks again is sent once (the last time).

All channels (socket.io and REST of the web page, messaging channels, the phone) hand their messages to the
processor through ``Agent.handle_message`` under the conversation's lock, so the step applies to all of them and
the clauses of one message are never interleaved with another message of the same conversation. A paused
conversation (a person has it) and button payloads are never split. ``SPLIT_QUESTIONS=0`` turns the step off.

:func:`install` wraps ``MessageProcessor.handle_message`` once (idempotent); :func:`rasa_ext.patches.install`
calls it after the Rasa version check, and the server launcher calls that (``scripts/rasa_server.py``).
"""
from __future__ import annotations

import copy
import logging
import threading
from typing import Any, Awaitable, Callable, Dict, List, Optional, Sequence, Text, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage

from bot import clauses
from bot.settings import get_settings

logger = logging.getLogger(__name__)

SPLIT_KEY = "split"  # in a clause's parse data: {"part": k, "of": n} (actions.detail reads it)
MAX_PIECES = 6  # a longer list of pieces is a text, not a few questions: left whole (and the cost bounded)
_lock = threading.Lock()

Handler = Callable[[Any, UserMessage], Awaitable[Optional[List[Dict[Text, Any]]]]]


class HeldOutput(OutputChannel):
    """Keeps the bot messages of each clause, then sends them in order to the real output channel."""

    def __init__(self, inner: OutputChannel) -> None:
        super().__init__()
        self.inner = inner
        self.turns: List[List[Tuple[Text, Dict[Text, Any]]]] = []

    def name(self) -> Text:  # type: ignore[override]  # the real channel's name (channel-specific responses)
        return self.inner.name()

    def next_turn(self) -> None:
        self.turns.append([])

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        if not self.turns:
            self.next_turn()
        self.turns[-1].append((recipient_id, copy.deepcopy(message)))

    async def flush(self) -> int:
        """Sends what was held; a clause's last message asked again at the end of a later clause (the form's
        question) is sent only the last time. Returns the number of messages sent."""
        kept = _without_repeated_questions(self.turns)
        self.turns = []
        for recipient_id, message in kept:
            await self.inner.send_response(recipient_id, message)
        return len(kept)

    def __getattr__(self, item: str) -> Any:  # attributes of the real channel
        inner = self.__dict__.get("inner")
        if inner is None:
            raise AttributeError(item)
        return getattr(inner, item)


def _shown(message: Dict[Text, Any]) -> Tuple[Any, ...]:
    """What the person sees of a message (the timestamp and metadata differ between two sendings)."""
    return tuple(repr(message.get(key)) for key in ("text", "buttons", "quick_replies", "image", "custom"))


def _without_repeated_questions(turns: Sequence[Sequence[Tuple[Text, Dict[Text, Any]]]]) -> List[Tuple[Text, Dict]]:
    kept: List[Tuple[Text, Dict[Text, Any]]] = []
    for index, turn in enumerate(turns):
        later_ends = {_shown(t[-1][1]) for t in turns[index + 1:] if t}
        for position, (recipient_id, message) in enumerate(turn):
            if position == len(turn) - 1 and _shown(message) in later_ends:
                continue  # the form asks it again after the next answer
            kept.append((recipient_id, message))
    return kept


async def _parse(processor: Any, text: Text, message: UserMessage, tracker: Any) -> Dict[Text, Any]:
    probe = UserMessage(text, None, message.sender_id, input_channel=message.input_channel,
                        metadata=message.metadata)
    return await processor.parse_message(probe, tracker)


async def split(processor: Any, message: UserMessage) -> Optional[List[Tuple[Text, Dict[Text, Any]]]]:
    """The clauses of ``message`` with their parse data, or None when it is answered as one message."""
    if message.parse_data or not isinstance(message.text, str) or not get_settings().rasa.split_questions:
        return None
    found = clauses.pieces(message.text)
    if not 2 <= len(found) <= MAX_PIECES:
        return None
    tracker = await processor.tracker_store.retrieve(message.sender_id)
    requested = None
    if tracker is not None:
        if tracker.is_paused() or processor._has_session_expired(tracker):
            return None  # a person has the conversation / a new session starts: the message as it is
        if tracker.active_loop_name:
            requested = tracker.get_slot("requested_slot")
    parses = [await _parse(processor, piece.text, message, tracker) for piece in found]
    readings = [clauses.Reading.from_parse(p) for p in parses]
    chosen = clauses.plan(found, readings, requested)
    if chosen is None:
        return None
    clause_parses = [await _parse(processor, text, message, tracker) if merged else parses[anchor]
                     for text, merged, anchor in zip(chosen.clauses, chosen.merged, chosen.anchors)]
    if not clauses.confirm(chosen, [readings[a] for a in chosen.anchors],
                           [clauses.Reading.from_parse(p) for p in clause_parses]):
        return None
    return list(zip(chosen.clauses, clause_parses))


async def handle(processor: Any, message: UserMessage, original: Handler) -> Optional[List[Dict[Text, Any]]]:
    """Rasa's ``handle_message`` once per clause of ``message`` (once when the message holds one question)."""
    try:
        parts = await split(processor, message)
    except Exception:  # the step never costs an answer: the message goes whole, as without it
        logger.exception("conversation %s: the split step failed, the message is answered whole", message.sender_id)
        parts = None
    if parts is None:
        return await original(processor, message)
    logger.info("conversation %s: one message answered as %d questions (%s)", message.sender_id, len(parts),
                ", ".join(p[1]["intent"]["name"] for p in parts))
    held = HeldOutput(message.output_channel)
    try:
        for number, (text, parse) in enumerate(parts):
            held.next_turn()
            parse = {**parse, SPLIT_KEY: {"part": number + 1, "of": len(parts)}}  # kept in the UserUttered event
            await original(processor, UserMessage(
                text, held, message.sender_id, parse_data=parse, input_channel=message.input_channel,
                message_id=message.message_id if number == 0 else f"{message.message_id}-{number + 1}",
                metadata=message.metadata))
    finally:
        await held.flush()  # what was answered is sent, even when a later clause failed
    if isinstance(message.output_channel, CollectingOutputChannel):
        return message.output_channel.messages
    return None


def install() -> bool:
    """Wraps ``MessageProcessor.handle_message`` once (a second call finds it wrapped and changes nothing)."""
    from rasa.core.processor import MessageProcessor

    with _lock:
        original = MessageProcessor.handle_message
        if getattr(original, "__module__", None) == __name__:
            return True

        async def handle_message(self: Any, message: UserMessage) -> Optional[List[Dict[Text, Any]]]:
            return await handle(self, message, original)

        handle_message.__wrapped__ = original  # type: ignore[attr-defined]
        MessageProcessor.handle_message = handle_message
        return True
