"""The claims store for the web APIs: one unit of work (a session, committed on success), and the
same run off the event loop in a worker thread (blocking drivers never stall the server)."""
from __future__ import annotations

import asyncio
from typing import Any, Callable, TypeVar

from bot.settings import get_settings
from bot.store.db import get_engine, session_scope

T = TypeVar("T")


def run(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``func(session, *args, **kwargs)`` in one unit of work. Blocking: call it from a worker thread."""
    with session_scope(get_engine(get_settings().database.url)) as session:
        return func(session, *args, **kwargs)


async def call(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """:func:`run` in a worker thread (``asyncio.to_thread``), for handlers."""
    return await asyncio.to_thread(run, func, *args, **kwargs)
