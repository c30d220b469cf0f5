"""Reaching the database at start: retry with backoff while it is down, then migrate."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from bot.errors import QotdError
from bot.storage.database import Database

log = logging.getLogger(__name__)

UNREACHABLE = (OperationalError, InterfaceError, DBAPIError, OSError, asyncio.TimeoutError)


async def connect_with_retry(
    database: Database,
    *,
    attempts: int = 8,
    first_delay: float = 0.5,
    max_delay: float = 15.0,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    """Migrate the database, waiting for it with exponential backoff and jitter.

    A database that is still starting (a container coming up, a failover) is normal at boot;
    one that stays away is reported in one line naming the URL without its password.
    """
    delay = first_delay
    for attempt in range(1, attempts + 1):
        try:
            await database.upgrade()
            if attempt > 1:
                log.info("database reachable after %d attempts", attempt)
            return
        except UNREACHABLE as error:
            reason = _reason(error)
            if attempt == attempts:
                raise QotdError(
                    f"Cannot reach the database {database.safe_url} after {attempts} attempts: {reason}"
                ) from None
            wait = min(max_delay, delay) * random.uniform(0.8, 1.2)
            log.warning(
                "database %s unreachable (attempt %d of %d): %s; retrying in %.1fs",
                database.safe_url,
                attempt,
                attempts,
                reason,
                wait,
            )
            await sleep(wait)
            delay *= 2


def _reason(error: BaseException) -> str:
    original = getattr(error, "orig", None) or error
    text = (
        str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__
    )
    return text[:200]
