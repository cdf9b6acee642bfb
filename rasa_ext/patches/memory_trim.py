"""Give the memory freed after loading the model back to the system (glibc ``malloc_trim``).

Loading the NLU model makes TensorFlow build and run its graphs once; the temporary buffers are
freed, but glibc keeps the freed pages in the process (measured: docs/benchmarks.md#memory-trim). The Rasa
server trims once when it has started (the model is loaded before that) and then every ``MALLOC_TRIM_SECONDS``
(default 15, 0 = only at start), in a thread, together with two malloc arenas (``scripts/rasa_server.py``).
Not glibc (musl, macOS): nothing is done.

Switched on by :func:`install` (called by :func:`rasa_ext.patches.install`, which the server launcher calls);
the web channels give it the moment the server has started (:func:`attach` on their blueprints).
"""
from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import functools
import logging
from typing import Any, Optional

from bot.settings import Settings, get_settings

logger = logging.getLogger(__name__)
_installed = False
_started = False


def install() -> None:
    """Turns the trim on in this process (idempotent); without it, :func:`attach` registers a listener that does nothing."""
    global _installed
    _installed = True


@functools.lru_cache(maxsize=None)
def _libc() -> Optional[Any]:
    """glibc, looked up once (``find_library`` runs ``ldconfig``); None elsewhere."""
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        libc = ctypes.CDLL(name)
        return libc if hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


def release() -> bool:
    """Returns True if glibc gave memory back to the system."""
    libc = _libc()
    return bool(libc.malloc_trim(0)) if libc is not None else False


def interval_seconds(settings: Optional[Settings] = None) -> float:
    """``MALLOC_TRIM_SECONDS`` (0: only at start)."""
    return (settings or get_settings()).process.malloc_trim_seconds


async def _periodic(interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        await asyncio.to_thread(release)


def attach(blueprint: Any) -> None:
    """Registers the trim on a channel's blueprint; the first channel started in a process runs it (once installed)."""
    interval = interval_seconds()

    @blueprint.listener("after_server_start")
    async def _trim_after_start(app: Any, _loop: Any) -> None:
        global _started
        if _started or not _installed:
            return
        _started = True
        released = await asyncio.to_thread(release)
        logger.info("memory freed after the model load returned to the system: %s", released)
        if interval > 0:
            app.add_task(_periodic(interval))
