"""A member's own data: deleting it on request."""

from __future__ import annotations

from bot.domain.identity import MemberRef
from bot.services.context import Core


async def forget_member(core: Core, member: MemberRef) -> bool:
    """Delete every row of the member (answers, scores, streaks, quizzes, suggestions, their
    name on questions they suggested) and take their id off every channel's admin list. False
    if nothing was stored about them."""
    async with core.storage.write() as uow:
        # A listed admin may never have answered: their id is then only in admin lists.
        delisted = await uow.subscriptions.remove_admin(
            member.platform, member.member_id, core.clock.now()
        )
        member_id = await uow.members.find_member(member)
        if member_id is not None:
            # Questions they suggested stay with their groups, without their name.
            await uow.group_questions.forget_credits(member_id)
            await uow.members.delete_member(member_id)
    return member_id is not None or delisted > 0
