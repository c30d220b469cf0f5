"""Neutral identities: the core sees platform ids as strings, never platform objects."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ChannelRef:
    """A channel of a group (Discord guild / Slack workspace / the console)."""

    platform: str
    group_id: str
    channel_id: str


@dataclass(frozen=True, slots=True)
class MemberRef:
    """A member of a platform. `name` is for display only and may change."""

    platform: str
    member_id: str
    name: str = ""

    @property
    def label(self) -> str:
        return self.name or self.member_id
