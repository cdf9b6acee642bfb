"""Helpers to run actions with rasa_sdk's Tracker and CollectingDispatcher against a seeded store."""
from __future__ import annotations

import asyncio


def make_tracker(text="", intent="greet", *, signed=True, slots=None, entities=None, sender="conv-1", pid=1,
                 auth_status=None):
    from rasa_sdk import Tracker

    from bot.auth import Identity, sign_identity
    from bot.settings import get_settings
    metadata = {}
    if signed:
        metadata = {"identity": sign_identity(get_settings(), Identity(policyholder_id=pid, channel="web"), sender),
                    "auth_status": "verified"}
    elif auth_status:
        metadata = {"auth_status": auth_status}
    message = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": entities or [],
               "metadata": metadata}
    events = [{"event": "user", "text": text, "parse_data": message, "metadata": metadata}]
    return Tracker(sender, slots or {}, message, events, False, None, {}, "action_listen")


def run_action(action, tracker):
    from rasa_sdk.executor import CollectingDispatcher
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages, events


def said(message):
    """What a message says: its text and the detail behind its « Voir le détail » button (the answer
    shows the first part; the facts checked here may be in either)."""
    return " ".join([message.get("text") or ""] + list(message.get("detail") or []))


def texts(messages):
    return " ".join(said(m) for m in messages)


def payloads(messages):
    return [b["payload"] for m in messages for b in (m.get("buttons") or [])]
