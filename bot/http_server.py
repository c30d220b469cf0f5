"""The worker's status over HTTP: `/healthz` for load balancers and process supervisors,
`/metrics` for Prometheus. Served on its own port (`--http-port`, QOTD_HTTP_PORT) in every
mode, and beside `/slack/events` by the Slack HTTP server."""

from __future__ import annotations

import errno
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web

from bot.errors import QotdError
from bot.health import check_health
from bot.metrics import CONTENT_TYPE_LATEST
from bot.services.context import Core

log = logging.getLogger(__name__)
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"


def status_routes(core: Core) -> list[web.RouteDef]:
    """GET /healthz (200, or 503 naming what failed) and GET /metrics."""

    async def health(_: web.Request) -> web.Response:
        checked = await check_health(core)
        return web.json_response(checked.body(), status=200 if checked.ok else 503)

    async def metrics(_: web.Request) -> web.Response:
        # The content type carries a charset, which aiohttp takes only as a raw header.
        return web.Response(
            body=core.metrics.exposition(), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )

    return [web.get(HEALTH_PATH, health), web.get(METRICS_PATH, metrics)]


@asynccontextmanager
async def serving_status(core: Core, port: int | None, host: str) -> AsyncIterator[int | None]:
    """Serve the status routes on `host:port` while the block runs, and yield the bound port
    (port 0 picks a free one); with no port, serve nothing and yield None."""
    if port is None:
        yield None
        return
    server = web.Application()
    server.add_routes(status_routes(core))
    runner = web.AppRunner(server, access_log=None)
    await runner.setup()
    try:
        try:
            await web.TCPSite(runner, host=host, port=port).start()
        except OSError as error:
            reason = (
                "it is already in use"
                if error.errno == errno.EADDRINUSE
                else error.strerror or type(error).__name__
            )
            raise QotdError(
                f"Cannot serve /healthz and /metrics on {host}:{port}: {reason} "
                "(choose another port with --http-port or QOTD_HTTP_PORT)."
            ) from None
        bound = int(runner.addresses[0][1])
        log.info("serving %s and %s on port %s", HEALTH_PATH, METRICS_PATH, bound)
        yield bound
    finally:
        await runner.cleanup()
