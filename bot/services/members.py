"""A member's own data: deleting it on request."""

from __future__ import annotations

from bot.domain.identity import MemberRef
from bot.services.context import Core


async def forget_member(core: Core, member: MemberRef) -> bool:
    """Delete every row of the member (answers, scores, streaks, quizzes). False if none."""
    async with core.storage.write() as uow:
        member_id = await uow.members.find_member(member)
        if member_id is None:
            return False
        await uow.members.delete_member(member_id)
    return True
