"""Every message gets an answer within a bounded time, even when a service behind Rasa fails.

What Rasa 3.6 does on its own, and what this module changes:

- **Action server down or erroring**: the processor logs the exception, drops the action's events
  and goes on; the person gets *no reply at all*. Here, a turn that produced no bot message gets
  the apology of :mod:`bot.wording.faults` with the offer of a person (unless the conversation is
  paused because a person took it over: then the silence is on purpose).
- **Action server hanging**: Rasa waits 5 minutes (``DEFAULT_REQUEST_TIMEOUT``, hard-coded: the
  ``action_endpoint`` of ``endpoints.yml`` has no timeout setting in 3.6). :func:`apply_action_timeout`
  bounds the call to ``ACTION_TIMEOUT_SECONDS`` (default 10 s).
- **Lock store (Redis) or conversation store (PostgreSQL) down**: ``agent.handle_message`` raises;
  the socket.io handler would swallow the error, the REST webhook would answer HTTP 500. Here the
  person gets the apology. The conversation store raises only when it really cannot work (see
  :mod:`rasa_ext.tracker_store`), instead of Rasa's silent switch to an in-memory store.
- **Anything slower than ``REPLY_DEADLINE_SECONDS``** (default 20 s): the person gets the apology at
  the deadline; the turn keeps running and is recorded when it ends (it is not cancelled, so no
  event of a turn is half-written by a cancellation).

Used by the secure socket.io and REST channels and by the messaging channels (``handle_inbound``).
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Set, Text

from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage

from bot.settings import Settings, get_settings
from bot.wording import faults
from bot.wording.reply import Reply

logger = logging.getLogger(__name__)

_background: Set["asyncio.Task[Any]"] = set()


def action_timeout(settings: Optional[Settings] = None) -> float:
    return (settings or get_settings()).rasa.action_timeout_seconds


def reply_deadline(settings: Optional[Settings] = None) -> float:
    return (settings or get_settings()).rasa.reply_deadline_seconds


def apply_action_timeout(settings: Optional[Settings] = None) -> float:
    """Bound Rasa's call to the action server (Rasa 3.6 reads this module constant at each call)."""
    import rasa.core.actions.action as rasa_action

    seconds = action_timeout(settings)
    rasa_action.DEFAULT_REQUEST_TIMEOUT = seconds
    return seconds


class WatchedOutput(OutputChannel):
    """Passes every bot message to the real output channel and counts them."""

    def __init__(self, inner: OutputChannel) -> None:
        super().__init__()
        self.inner = inner
        self.sent = 0

    def name(self) -> Text:  # type: ignore[override]  # the real channel's name (channel-specific responses)
        return self.inner.name()

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        self.sent += 1
        await self.inner.send_response(recipient_id, message)

    def __getattr__(self, item: str) -> Any:  # attributes of the real channel (e.g. ``paired``)
        inner = self.__dict__.get("inner")
        if inner is None:
            raise AttributeError(item)
        return getattr(inner, item)


def _log_late_failure(task: "asyncio.Task[Any]") -> None:
    _background.discard(task)
    if not task.cancelled() and task.exception() is not None:
        logger.error("a message handled after its deadline failed: %r", task.exception())


async def apologise(output: OutputChannel, recipient_id: Text, reply: Reply) -> None:
    try:
        await output.send_response(recipient_id, reply.as_message())
    except Exception:
        logger.exception("could not send the apology to %s", recipient_id)


async def conversation_paused(sender_id: Text) -> bool:
    """True when Rasa paused this conversation (handoff to a person, see ``actions/handoff.py``):
    the bot is silent on purpose while an agent answers from the desk."""
    try:
        from sanic import Sanic

        agent = Sanic.get_app().ctx.agent  # the Rasa server's app (one per process)
        tracker = await agent.tracker_store.retrieve(sender_id)
        return bool(tracker is not None and tracker.is_paused())
    except Exception:
        logger.debug("could not tell whether %s is paused", sender_id, exc_info=True)
        return False


async def handle_guarded(on_new_message: Callable[[UserMessage], Awaitable[Any]], message: UserMessage,
                         deadline: Optional[float] = None) -> str:
    """Hand ``message`` to Rasa; make sure the person gets an answer within ``deadline`` seconds.

    Returns what happened: ``answered``, ``failed`` (an error, apology sent), ``silent`` (no bot
    message, apology sent), ``paused`` (no bot message because an agent has the conversation, no
    apology) or ``late`` (deadline passed, apology sent, the turn still running).
    """
    inner = message.output_channel
    watched = WatchedOutput(inner)
    message.output_channel = watched
    task = asyncio.ensure_future(on_new_message(message))
    limit = reply_deadline() if deadline is None else deadline
    done, _pending = await asyncio.wait({task}, timeout=limit)
    if not done:
        logger.error("no answer to conversation %s within %.0f s: apologising", message.sender_id, limit)
        _background.add(task)
        task.add_done_callback(_log_late_failure)
        if watched.sent == 0:
            await apologise(inner, message.sender_id, faults.too_slow())
        return "late"
    error = task.exception()
    if error is not None:
        logger.error("conversation %s: message not handled (%s: %s): apologising", message.sender_id,
                     type(error).__name__, error, exc_info=error)
        if isinstance(inner, CollectingOutputChannel):
            inner.messages.clear()  # the turn was not recorded: answers without it would mislead
        await apologise(inner, message.sender_id, faults.unavailable())
        return "failed"
    if watched.sent == 0 and await conversation_paused(message.sender_id):
        return "paused"  # handed to a person (ConversationPaused): the agent desk answers, not the bot
    if watched.sent == 0:
        logger.error("conversation %s: the assistant produced no reply: apologising", message.sender_id)
        await apologise(inner, message.sender_id, faults.unavailable())
        return "silent"
    return "answered"


apply_action_timeout()
