"""A minimal socket.io client that speaks like rasa-webchat (session_request, user_uttered).

It uses the long-polling transport: python-engineio's asyncio websocket client needs a newer aiohttp
than Rasa 3.6 pins. The browser test covers the websocket transport the widget uses."""
from __future__ import annotations

import asyncio
import uuid
from typing import Any, Dict, List, Optional

import socketio


async def _converse(url: str, messages: List[str], token: Optional[str], connect_token: Optional[str],
                    session_id: Optional[str], custom: Optional[Dict[str, Any]], quiet: float, timeout: float):
    client = socketio.AsyncClient(reconnection=False)
    replies: List[List[Dict[str, Any]]] = []
    current: List[Dict[str, Any]] = []
    confirmed = asyncio.Event()
    last = {"t": 0.0}
    loop = asyncio.get_running_loop()

    @client.on("session_confirm")
    async def _confirm(_data):
        confirmed.set()

    @client.on("bot_uttered")
    async def _bot(data):
        current.append(data)
        last["t"] = loop.time()

    connect_url = url + (f"?token={connect_token}" if connect_token else "")
    await client.connect(connect_url, transports=["polling"], socketio_path="/socket.io")
    session_id = session_id or uuid.uuid4().hex
    await client.emit("session_request", {"session_id": session_id})
    await asyncio.wait_for(confirmed.wait(), 10)
    for text in messages:
        current = []
        last["t"] = loop.time()
        data = {"message": text, "session_id": session_id, "customData": dict(custom or {})}
        if token is not None:
            data["customData"]["token"] = token
        await client.emit("user_uttered", data)
        start = loop.time()
        # wait for the first reply, then until the bot has been quiet for `quiet` seconds
        while loop.time() - start < timeout:
            await asyncio.sleep(0.05)
            if current and loop.time() - last["t"] > quiet:
                break
        replies.append(list(current))
    # abort: a polite disconnect waits for the pending long-poll (about 30 s per conversation)
    await client.eio.disconnect(abort=True)
    return replies


def converse(url: str, messages: List[str], token: Optional[str] = None, connect_token: Optional[str] = None,
             session_id: Optional[str] = None, custom: Optional[Dict[str, Any]] = None, quiet: float = 0.8,
             timeout: float = 20) -> List[List[Dict[str, Any]]]:
    """Send messages one by one; returns, for each, the list of bot messages received."""
    return asyncio.run(_converse(url, messages, token, connect_token, session_id, custom, quiet, timeout))


def texts(replies: List[Dict[str, Any]]) -> str:
    return "\n".join(r.get("text", "") for r in replies)
