"""Groups and members: platform ids mapped to database ids."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.identity import MemberRef
from bot.storage.answers import leave_boards
from bot.storage.sql import insert_ignore
from bot.storage.tables import groups, members


class MemberRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def group_id(self, platform: str, external_id: str, now: datetime) -> int:
        """The group's database id, creating the group on first sight."""
        existing = await self.find_group(platform, external_id)
        if existing is not None:
            return existing
        await self._connection.execute(
            insert_ignore(self._connection, groups).values(
                platform=platform, external_id=external_id, created_at=now
            )
        )
        found = await self.find_group(platform, external_id)
        assert found is not None
        return found

    async def find_group(self, platform: str, external_id: str) -> int | None:
        return await self._connection.scalar(
            select(groups.c.id).where(
                groups.c.platform == platform, groups.c.external_id == external_id
            )
        )

    async def member_id(self, member: MemberRef, now: datetime) -> int:
        """The member's database id, creating the member and refreshing the display name."""
        return (await self.member_ids([member], now))[(member.platform, member.member_id)]

    async def member_ids(
        self, refs: Iterable[MemberRef], now: datetime
    ) -> dict[tuple[str, str], int]:
        """Database ids for many members in one statement, creating new ones and refreshing names."""
        wanted = {(ref.platform, ref.member_id): ref for ref in refs}
        if not wanted:
            return {}
        rows = [
            {
                "platform": platform,
                "external_id": external,
                "name": ref.name[:100],
                "created_at": now,
            }
            for (platform, external), ref in sorted(wanted.items())
        ]
        result = await self._connection.execute(
            _member_upsert(self._connection.dialect.name),
            rows,
        )
        return {(row.platform, row.external_id): row.id for row in result}

    async def find_member(self, member: MemberRef) -> int | None:
        return await self._connection.scalar(
            select(members.c.id).where(
                members.c.platform == member.platform, members.c.external_id == member.member_id
            )
        )

    async def delete_member(self, member_id: int) -> None:
        """Delete a member; answers, scores and quizzes go with it (ON DELETE CASCADE)."""
        await leave_boards(self._connection, member_id)
        await self._connection.execute(delete(members).where(members.c.id == member_id))


@cache
def _member_upsert(dialect_name: str) -> Any:
    """Insert members or refresh their names (an empty name never overwrites a known one)."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    statement = dialect.insert(members)
    keep_known = case(
        (statement.excluded.name == "", members.c.name), else_=statement.excluded.name
    )
    return statement.on_conflict_do_update(
        index_elements=["platform", "external_id"], set_={"name": keep_known}
    ).returning(members.c.id, members.c.platform, members.c.external_id)
