"""What every action needs: the verified identity, the store, and a way to run blocking work."""
from __future__ import annotations

import asyncio
import functools
import logging
from typing import Any, Callable, Dict, Optional, TypeVar

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.auth import Identity, verify_identity
from bot.settings import get_settings
from bot.wording.format import typo
from bot.wording.reply import DETAIL_BUTTON, MAX_WORDS, Reply, sentences, shorten, word_count

logger = logging.getLogger(__name__)
T = TypeVar("T")


def latest_user_metadata(tracker: Tracker) -> Dict[str, Any]:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            metadata = event.get("metadata")
            return metadata if isinstance(metadata, dict) else {}
    return {}


def identity(tracker: Tracker) -> Optional[Identity]:
    """The policyholder this conversation is verified for, from the channel's signed metadata.

    Never from sender_id, slots or message text.
    """
    return verify_identity(get_settings(), latest_user_metadata(tracker), tracker.sender_id)


def auth_status(tracker: Tracker) -> str:
    status = latest_user_metadata(tracker).get("auth_status")
    return status if status in {"none", "verified", "expired", "invalid", "unpaired", "phone"} else "none"


def on_the_phone(tracker: Tracker) -> bool:
    """The conversation is a phone call (the voice channel's metadata, rasa_ext/channels/voice.py)."""
    return latest_user_metadata(tracker).get("channel") == "voice"


async def off_loop(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run blocking work (database, HTTP) in a worker thread, never on the event loop."""
    return await asyncio.to_thread(functools.partial(func, *args, **kwargs))


PARSE_INLINE_CHARS = 200


async def parse(func: Callable[..., T], text: Any, *args: Any, **kwargs: Any) -> T:
    """``func(text, *args)``: a parser of what the person typed (bot/parsing, bot/dialogue). The parsers run in
    linear time and messages are capped at 1 000 characters (bot/inbound.py); still, a long text is parsed in
    a worker thread so that no message holds the event loop (and the other conversations) while it is read."""
    if isinstance(text, str) and len(text) > PARSE_INLINE_CHARS:
        return await off_loop(func, text, *args, **kwargs)
    return func(text, *args, **kwargs)


# below this many words left in an answer, a reply without buttons goes behind « Voir le détail »
MIN_WORDS_LEFT = 15
# words kept free by a reply without buttons for the question that often closes an answer
CLOSING_QUESTION_WORDS = 12


def say(dispatcher: CollectingDispatcher, reply: Reply, *, budget: int = MAX_WORDS) -> None:
    """Send ``reply``, keeping the whole answer of this action within ``budget`` words (the fact
    asked comes first): what does not fit goes behind « Voir le détail » (``action_show_detail``).

    A reply with buttons (a question, a choice) is always shown, its first sentences at least; a
    reply without leaves room for such a closing question."""
    sent = dispatcher.messages
    left = budget - sum(word_count(m.get("text")) for m in sent) - (0 if reply.buttons else CLOSING_QUESTION_WORDS)
    last = sent[-1] if sent else None
    if last is not None and not reply.buttons and (last.get("detail") or left < min(MIN_WORDS_LEFT,
                                                                                    word_count(reply.text))):
        # the answer is already full: this reply joins the detail of the previous bubble
        last.setdefault("detail", []).extend(typo(" ".join(p)) for p in sentences(reply.text))
        buttons = last.setdefault("buttons", [])
        if not any(b.get("payload") == DETAIL_BUTTON.payload for b in buttons):
            buttons.insert(0, {"title": typo(DETAIL_BUTTON.title), "payload": DETAIL_BUTTON.payload})
        return
    dispatcher.utter_message(**shorten(reply, max(left, MIN_WORDS_LEFT)).as_message())


async def store_call(dispatcher: CollectingDispatcher, func: Callable[..., T], *args: Any, **kwargs: Any) -> Optional[T]:
    """Run ``func(session, *args)`` on the claims store in a worker thread.

    When the store cannot answer, or not within ``STORE_TIMEOUT_SECONDS`` (default 5: a slow
    database), the person gets a polite apology and the offer of a person, and the action gets None.
    A write that finishes after the bound is still one transaction; a retry is idempotent.
    """
    from bot.store.db import get_engine, session_scope

    def work() -> T:
        with session_scope(get_engine(get_settings().database.url)) as session:
            return func(session, *args, **kwargs)

    try:
        return await asyncio.wait_for(off_loop(work), get_settings().actions.store_timeout_seconds)
    except Exception:
        logger.exception("claims store call %s failed", getattr(func, "__name__", func))
        from bot.wording import core
        say(dispatcher, core.store_unavailable())
        return None


async def audited_call(dispatcher: CollectingDispatcher, who: Identity, func: Callable[..., T], *args: Any,
                       requested: Optional[tuple] = None, **kwargs: Any) -> Optional[T]:
    """:func:`store_call` for reads of account data: ``func(session, who.policyholder_id, *args)``,
    then, in the same unit of work, the audit rows for what it returned (``bot.audit``).

    ``requested=("claim", ref)``: the reference the person asked for; when it is not in the result
    (unknown, or another company's), a ``not_found`` row records the attempt.
    """
    from bot import audit

    def read_and_audit(session, *a: Any, **kw: Any) -> T:
        result = func(session, who.policyholder_id, *a, **kw)
        audit.record_access(session, who, result, requested=requested)
        return result

    read_and_audit.__name__ = getattr(func, "__name__", "read")
    return await store_call(dispatcher, read_and_audit, *args, **kwargs)


# Questions the assistant answers, by intent: what runs when a form is left with a question in the same
# message (« laissez tomber. et mon dossier Dupuis ? »), or while a ticket waits for an agent.
QUESTION_ANSWERS = {
    "ask_claim_status": "action_claim_status", "list_claims": "action_list_claims",
    "ask_guarantee": "action_guarantee", "ask_fees": "action_fees", "ask_claim_process": "action_claim_process",
    "ask_cap": "action_cap", "ask_advance_indemnification": "action_advance_indemnification",
    "ask_term": "action_glossary", "ask_claim_payout": "action_claim_payout",
    "ask_sign_in": "action_sign_in_help", "ask_opening_hours": "action_opening_hours",
}


def answer_next(tracker: Tracker) -> list:
    """[FollowupAction(answer)] when the latest message also asks a question the assistant answers, else []."""
    from rasa_sdk.events import FollowupAction

    from bot.dialogue import is_question
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    text = tracker.latest_message.get("text") or ""
    action = QUESTION_ANSWERS.get(intent or "")
    return [FollowupAction(action)] if action and is_question(text) else []


@functools.lru_cache(maxsize=1)
def _action_classes() -> Dict[str, type]:
    """Every action class of this package by name, found once (walking the subclasses instantiates each one)."""
    import importlib
    import pkgutil

    import actions
    for module in pkgutil.iter_modules(actions.__path__):  # the action server imports them all; a test may not
        importlib.import_module(f"actions.{module.name}")

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    found: Dict[str, type] = {}
    for cls in subclasses(Action):
        try:
            found.setdefault(cls().name(), cls)
        except Exception:  # noqa: BLE001 (abstract helpers and mixins have no name)
            continue
    return found


def action_named(name: str) -> Optional[Action]:
    """A new instance of this package's action called ``name`` (to answer inline, in the action that got the
    message: a FollowupAction after an unexpected action has no rule and the core fallback would undo the turn)."""
    cls = _action_classes().get(name)
    return cls() if cls is not None else None
