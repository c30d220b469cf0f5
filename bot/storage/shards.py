"""The due-work queries' condition for the platforms this process serves, in part when they
are sharded across processes (see bot.shards)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import BigInteger, and_, case, cast, or_

from bot.shards import SNOWFLAKE_SHIFT, Shards


def served(
    platform: Any,
    external_id: Any,
    platforms: Iterable[str],
    shards: Mapping[str, Shards] | None = None,
) -> Any:
    """Rows of `platforms` (by their `platform` column), keeping of a sharded platform only
    the rows whose `external_id` (a snowflake, as text) is on one of this process's shards.

    Without shards this is `platform IN (...)`, the query exactly as unsharded. The shard is
    `(id / 2^22) % count` in integer arithmetic, the same on SQLite and PostgreSQL; the id
    is cast inside a CASE on the platform, so another platform's ids (a Slack `T0123`) are
    never cast, whatever order the database evaluates the conditions in.
    """
    platforms = list(platforms)
    sharded = {name: shards[name] for name in platforms if shards and name in shards}
    if not sharded:
        return platform.in_(platforms)
    whole = [name for name in platforms if name not in sharded]
    conditions = [platform.in_(whole)] if whole else []
    for name, own in sorted(sharded.items()):
        snowflake = case((platform == name, cast(external_id, BigInteger)))
        shard = (snowflake // (1 << SNOWFLAKE_SHIFT)) % own.count
        conditions.append(and_(platform == name, shard.in_(sorted(own.ids))))
    return conditions[0] if len(conditions) == 1 else or_(*conditions)
