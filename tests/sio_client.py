"""A socket.io client that speaks like rasa-webchat (session_request, user_uttered), for the e2e and security suites.

It uses the long-polling transport (python-engineio's asyncio websocket client needs a newer aiohttp than Rasa 3.6
pins; the browser tests cover the websocket transport the widget uses) and closes it at once (``abort=True``): a
polite disconnect waits for the pending poll, about 30 s per conversation. After each message it waits for the first
reply, then until the bot has been quiet for ``quiet`` seconds.
"""
from __future__ import annotations

import asyncio
import uuid
from typing import Any, Dict, List, Optional

import socketio


async def aconverse(url: str, messages: List[Any], token: Optional[str] = None, connect_token: Optional[str] = None,
                    session_id: Optional[str] = None, custom: Optional[Dict[str, Any]] = None, quiet: float = 0.8,
                    timeout: float = 30, headers: Optional[Dict[str, str]] = None, raw: bool = False):
    """Send each message (a text, or with ``raw`` any payload) and collect the bot messages that follow it."""
    client = socketio.AsyncClient(reconnection=False)
    current: List[Dict[str, Any]] = []
    confirmed = asyncio.Event()
    loop = asyncio.get_running_loop()
    last = {"t": 0.0}

    @client.on("session_confirm")
    async def _confirm(_data):
        confirmed.set()

    @client.on("bot_uttered")
    async def _bot(data):
        current.append(data)
        last["t"] = loop.time()

    connect_url = url + (f"?token={connect_token}" if connect_token else "")
    await client.connect(connect_url, transports=["polling"], socketio_path="/socket.io", headers=headers or {})
    replies: List[List[Dict[str, Any]]] = []
    try:
        session_id = session_id or uuid.uuid4().hex
        await client.emit("session_request", {"session_id": session_id})
        await asyncio.wait_for(confirmed.wait(), 10)
        for message in messages:
            current.clear()
            if raw:
                data = message
            else:
                data = {"message": message, "session_id": session_id, "customData": dict(custom or {})}
                if token is not None:
                    data["customData"]["token"] = token
            await client.emit("user_uttered", data)
            start = loop.time()
            while loop.time() - start < timeout:
                await asyncio.sleep(0.05)
                if current and loop.time() - last["t"] > quiet:
                    break
                if raw and not current and loop.time() - start > 3.0:
                    break  # payloads the channel drops get no answer: do not wait the full timeout
            replies.append(list(current))
    finally:
        await client.eio.disconnect(abort=True)
    return replies


def converse(url: str, messages: List[Any], **kwargs: Any) -> List[List[Dict[str, Any]]]:
    """Send messages one by one; returns, for each, the list of bot messages received."""
    return asyncio.run(aconverse(url, messages, **kwargs))


def texts(replies: List[Dict[str, Any]]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)
