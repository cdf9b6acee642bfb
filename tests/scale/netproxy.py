"""A small TCP proxy for fault and scale tests: cut, slow down and restore a dependency, or balance.

``NetProxy(targets)`` listens on a free local port and forwards every connection to one of
``targets`` (round-robin, skipping a target that refuses the connection: a load balancer with a
passive health check). The test controls it:

- ``cut()``: every open connection is dropped and new ones are closed at once (the service is
  down, as seen by its clients); ``restore()`` brings it back.
- ``slow(seconds)``: every chunk of data waits ``seconds`` before being forwarded (a database or a
  server that hangs); ``restore()`` ends it.

It runs its own asyncio loop in a daemon thread, so tests drive it from plain synchronous code.
The shared PostgreSQL and Redis of the machine are never stopped: only this proxy is.
"""
from __future__ import annotations

import asyncio
import itertools
import threading
from typing import List, Sequence, Set, Tuple

Target = Tuple[str, int]


class NetProxy:
    def __init__(self, targets: Sequence[Target], host: str = "127.0.0.1") -> None:
        self.targets: List[Target] = list(targets)
        self.host = host
        self.mode = "up"
        self.delay = 0.0
        self.connections = 0  # accepted and forwarded, for tests that check the balancing
        self.refused = 0  # connections dropped at once because the proxy was cut
        self.per_target = {t: 0 for t in self.targets}
        self._rr = itertools.count()
        self._open: Set[asyncio.Transport] = set()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="netproxy", daemon=True)
        self._thread.start()
        self.port = self._call(self._start())

    # --- control (from any thread) -------------------------------------------------------------

    def cut(self) -> None:
        self.mode = "down"
        self._call(self._drop_all())

    def slow(self, seconds: float) -> None:
        self.delay = float(seconds)

    def restore(self) -> None:
        self.delay = 0.0
        self.mode = "up"

    def close(self) -> None:
        if not self._thread.is_alive():
            return  # already closed
        self._call(self._shutdown())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    # --- internals -------------------------------------------------------------------------------

    def _call(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(15)

    async def _start(self) -> int:
        self._server = await asyncio.start_server(self._handle, self.host, 0)
        return self._server.sockets[0].getsockname()[1]

    async def _shutdown(self) -> None:
        self._server.close()
        await self._drop_all()
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _drop_all(self) -> None:
        for transport in list(self._open):
            transport.abort()
        self._open.clear()

    async def _connect_upstream(self):
        for _ in range(len(self.targets)):
            target = self.targets[next(self._rr) % len(self.targets)]
            try:
                reader, writer = await asyncio.wait_for(asyncio.open_connection(*target), 5)
            except (OSError, asyncio.TimeoutError):
                continue  # refused: that replica is down, try the next one
            self.per_target[target] += 1
            return reader, writer
        return None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.mode == "down":
            self.refused += 1
            writer.transport.abort()
            return
        upstream = await self._connect_upstream()
        if upstream is None or self.mode == "down":
            writer.transport.abort()
            if upstream is not None:
                upstream[1].transport.abort()
            return
        self.connections += 1
        up_reader, up_writer = upstream
        pair = (writer.transport, up_writer.transport)
        self._open.update(pair)
        pipes = [asyncio.ensure_future(self._pipe(reader, up_writer)),
                 asyncio.ensure_future(self._pipe(up_reader, writer))]
        try:
            await asyncio.wait(pipes, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for pipe in pipes:
                pipe.cancel()
            for transport in pair:
                self._open.discard(transport)
                transport.abort()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                data = await reader.read(65536)
                if not data or self.mode == "down":
                    return
                if self.delay:
                    await asyncio.sleep(self.delay)
                    if self.mode == "down":
                        return
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            return
