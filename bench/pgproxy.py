"""A loopback TCP forwarder the bench controls, one listening port per worker (bench/faults.py).

`cut(slot)` is a silent network partition: bytes stop flowing both ways on every connection
of that slot, nothing is closed, and new connections are accepted but get no bytes (the
upstream connection is only opened once healed). `heal(slot)` resumes forwarding; bytes held
during the cut are delivered then, as TCP would after a partition shorter than its timeouts.

It runs its own event loop in a thread, so the bench's own work never slows the forwarding.
`upstream_ports(slot)` are the local ports of the slot's connections to the server, which is
what PostgreSQL shows as pg_stat_activity.client_port: the way to tell whose backend is whose.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from dataclasses import dataclass, field
from typing import Any

CHUNK = 65536


@dataclass
class _Slot:
    server: asyncio.Server
    flowing: asyncio.Event
    port: int
    upstream_ports: set[int] = field(default_factory=set)
    connections: set[asyncio.Task[None]] = field(default_factory=set)


class Proxy:
    def __init__(self, upstream_host: str, upstream_port: int, slots: int) -> None:
        self._host = upstream_host
        self._port = upstream_port
        self._count = slots
        self._slots: list[_Slot] = []
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    # -- control, from the bench's thread ---------------------------------------------------

    def start(self, timeout: float = 10.0) -> None:
        self._thread.start()
        self._call(self._open(), timeout)

    def port(self, slot: int) -> int:
        return self._slots[slot].port

    def cut(self, slot: int) -> int:
        """Stop forwarding for `slot`; returns how many connections were frozen."""
        return int(self._call(self._cut(slot)))

    def heal(self, slot: int) -> None:
        self._call(self._heal(slot))

    def upstream_ports(self, slot: int) -> set[int]:
        return set(self._call(self._ports(slot)))

    def close(self, timeout: float = 10.0) -> None:
        if not self._thread.is_alive():
            return
        with contextlib.suppress(Exception):
            self._call(self._close(), timeout)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout)

    def _call(self, coroutine: Any, timeout: float = 10.0) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    # -- inside the proxy's loop ------------------------------------------------------------

    async def _open(self) -> None:
        for index in range(self._count):
            flowing = asyncio.Event()
            flowing.set()

            def accept(reader: Any, writer: Any, index: int = index) -> None:
                task = asyncio.ensure_future(self._connection(self._slots[index], reader, writer))
                self._slots[index].connections.add(task)
                task.add_done_callback(self._slots[index].connections.discard)

            server = await asyncio.start_server(accept, "127.0.0.1", 0)
            port = int(server.sockets[0].getsockname()[1])
            self._slots.append(_Slot(server, flowing, port))

    async def _cut(self, index: int) -> int:
        slot = self._slots[index]
        slot.flowing.clear()
        return len(slot.connections)

    async def _heal(self, index: int) -> None:
        self._slots[index].flowing.set()

    async def _ports(self, index: int) -> set[int]:
        return set(self._slots[index].upstream_ports)

    async def _close(self) -> None:
        for slot in self._slots:
            slot.server.close()
            slot.flowing.set()
            for task in list(slot.connections):
                task.cancel()
        for slot in self._slots:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(slot.server.wait_closed(), 2)

    async def _connection(
        self, slot: _Slot, client_reader: asyncio.StreamReader, client: asyncio.StreamWriter
    ) -> None:
        upstream: asyncio.StreamWriter | None = None
        port = None
        try:
            # Accepted during a cut: the client waits with no bytes until the heal.
            await slot.flowing.wait()
            upstream_reader, upstream = await asyncio.open_connection(self._host, self._port)
            port = int(upstream.get_extra_info("sockname")[1])
            slot.upstream_ports.add(port)
            pumps = [
                asyncio.ensure_future(self._pump(slot, client_reader, upstream)),
                asyncio.ensure_future(self._pump(slot, upstream_reader, client)),
            ]
            try:
                # Either side closing ends the pair (once forwarding, so a cut holds it open).
                await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for pump in pumps:
                    pump.cancel()
        except (OSError, asyncio.CancelledError):
            pass
        finally:
            if port is not None:
                slot.upstream_ports.discard(port)
            for writer in (client, upstream):
                if writer is not None:
                    with contextlib.suppress(Exception):
                        writer.close()

    @staticmethod
    async def _pump(slot: _Slot, source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        while True:
            await slot.flowing.wait()
            data = await source.read(CHUNK)
            # Read just as a cut began: held, like bytes in flight during a partition.
            await slot.flowing.wait()
            if not data:
                return
            sink.write(data)
            await sink.drain()
