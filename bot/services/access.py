"""Who is acting, and the checks every action shares: where it came from, and admin rights."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.identity import ChannelRef, MemberRef
from bot.domain.subscription import Subscription
from bot.errors import NotSubscribed, NotThisChannel, PermissionDenied
from bot.storage.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class Actor:
    """A member, with what the front end found out about their platform permissions."""

    member: MemberRef
    is_admin: bool = False


def require_here(owner: ChannelRef, here: ChannelRef, what: str = "question") -> None:
    """Invariant 13: a post, review or schedule is acted on only from its own channel.

    `owner` is the channel the database says the thing belongs to; `here` is the channel the
    platform says the action came from (never an id read from a button or form)."""
    if owner != here:
        raise NotThisChannel(what)


def require_admin(actor: Actor, subscription: Subscription | None, action: str) -> None:
    """Admin actions need the platform's admin permission or a place in the channel's admins."""
    if actor.is_admin:
        return
    if subscription is not None and actor.member.member_id in subscription.admins:
        return
    raise PermissionDenied(
        f"Only admins can {action}: on Discord that is Manage Server, on Slack a workspace "
        "admin or a member listed as an admin of this channel's schedule."
    )


async def admin_subscription(
    uow: UnitOfWork, channel: ChannelRef, actor: Actor, action: str
) -> Subscription:
    """The channel's subscription for an admin action: permission first, then existence."""
    subscription = await uow.subscriptions.for_channel(channel)
    require_admin(actor, subscription, action)
    if subscription is None:
        raise NotSubscribed()
    return subscription
