"""Which of a platform's groups this process serves, when a bot's groups are split into
shards run by several processes (Discord: `QOTD_DISCORD_SHARDS`, `QOTD_DISCORD_SHARD_IDS`).

Discord puts a guild on shard `(guild_id >> 22) % shard_count` and delivers its events only
to the process running that shard, so a process makes the posts, reveals and reminders of
its own shards only: the due-work queries apply the same formula (see bot.storage.shards), and
a worker never takes a lease on work another process is there to send.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from bot.ports import Chat

# A snowflake's low 22 bits are worker, process and increment; sharding uses the timestamp.
SNOWFLAKE_SHIFT = 22


@dataclass(frozen=True, slots=True)
class Shards:
    """The shards one process runs, out of `count`."""

    count: int
    ids: frozenset[int]

    def __post_init__(self) -> None:
        if self.count < 1:
            raise ValueError(f"the shard count must be at least 1, not {self.count}")
        if not self.ids:
            raise ValueError("a process runs at least one shard")
        outside = sorted(shard for shard in self.ids if not 0 <= shard < self.count)
        if outside:
            raise ValueError(
                f"shard ids {_listed(outside)} are not below the shard count {self.count} "
                f"(ids go from 0 to {self.count - 1})"
            )

    @classmethod
    def all_of(cls, count: int) -> Shards:
        return cls(count, frozenset(range(count)))

    @property
    def covers_all(self) -> bool:
        """Whether this process runs every shard (then it serves every group, as unsharded)."""
        return len(self.ids) == self.count

    def shard_of(self, snowflake: int) -> int:
        """The shard Discord puts a guild (or any snowflake id) on."""
        return (snowflake >> SNOWFLAKE_SHIFT) % self.count

    def holds(self, snowflake: int) -> bool:
        return self.shard_of(snowflake) in self.ids


def parse_shards(text: str, count: int) -> Shards:
    """`0-3`, `0,2,4` or a mix such as `0-3,8` (ranges inclusive): the shards listed, out of
    `count`. Raises ValueError naming what is wrong."""
    ids: set[int] = set()
    for item in text.replace(" ", "").split(","):
        if not item:
            continue
        first, dash, last = item.partition("-")
        if not first.isdigit() or (dash and not last.isdigit()):
            raise ValueError(f"{item!r} is not a shard id or range: write them like 0-3 or 0,1,2")
        low, high = int(first), int(last) if dash else int(first)
        if high < low:
            raise ValueError(f"the range {item!r} runs backwards: write it as {high}-{low}")
        if high >= count:  # checked before the range is spelled out, so 0-9999999 is quick
            raise ValueError(
                f"shard id {high} is not below the shard count {count} "
                f"(ids go from 0 to {count - 1})"
            )
        ids.update(range(low, high + 1))
    if not ids:
        raise ValueError("list at least one shard id, like 0-3 or 0,1,2")
    return Shards(count, frozenset(ids))


def _listed(ids: list[int]) -> str:
    return ", ".join(str(shard) for shard in ids)


@runtime_checkable
class ServesShards(Protocol):
    """Front ends whose process may serve only some of the platform's groups."""

    @property
    def shards(self) -> Shards | None:
        """The shards this process runs; None when the platform is not sharded."""
        ...


def served_shards(chats: Mapping[str, Chat]) -> dict[str, Shards]:
    """Per platform, the shards this process runs, for platforms where it runs only some;
    a platform not listed is served whole, exactly as without sharding."""
    served = {}
    for platform, chat in chats.items():
        shards = chat.shards if isinstance(chat, ServesShards) else None
        if shards is not None and not shards.covers_all:
            served[platform] = shards
    return served
