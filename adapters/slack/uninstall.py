"""A workspace that uninstalls the app or revokes its bot token: its installation is
deleted and its channels' schedules are paused with a reason; other workspaces go on."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.listener.async_builtins import AsyncTokenRevocationListeners

from adapters.slack.chat import PLATFORM
from adapters.slack.identity import member_ref
from adapters.slack.installations import WorkspaceClients
from bot.errors import NotSubscribed
from bot.services import subscriptions
from bot.services.access import Actor
from bot.services.context import Core
from bot.services.groups import group_channels

log = logging.getLogger(__name__)

UNINSTALLED = "The app was uninstalled from this workspace: install it again, then `/qotd resume`."
REVOKED = "The app's access to this workspace was revoked: install it again, then `/qotd resume`."
EVENTS = ("app_uninstalled", "tokens_revoked")


class Uninstalls:
    """Handles `app_uninstalled` and `tokens_revoked`: installed in many workspaces, through
    the installation store's own delete methods (Bolt's token revocation listeners); with one
    bot token from the environment (`clients` None) there is nothing to delete, and the
    workspace's schedules are paused all the same."""

    def __init__(self, core: Core, clients: WorkspaceClients | None = None) -> None:
        self.core = core
        self.clients = clients
        self._revocations = (
            AsyncTokenRevocationListeners(clients.store) if clients is not None else None
        )

    async def handle(self, event: dict[str, Any], context: AsyncBoltContext) -> None:
        """Forget what Slack says is gone; pause the workspace once its bot token is."""
        team_id = context.team_id
        if event.get("type") == "app_uninstalled":
            if self._revocations is not None:
                await self._revocations.handle_app_uninstalled_events(context)
            reason = UNINSTALLED
        else:
            if self._revocations is not None:
                await self._revocations.handle_tokens_revoked_events(event, context)
            if not (event.get("tokens") or {}).get("bot"):
                return  # only members' tokens: the bot still posts
            reason = REVOKED
        if team_id:
            if self.clients is not None:
                self.clients.forget(team_id)
            paused = await pause_workspace(self.core, team_id, reason)
            log.info("%s in %s: paused %d schedules", event.get("type"), team_id, paused)


async def pause_workspace(core: Core, team_id: str, reason: str) -> int:
    """Pause every scheduled channel of the workspace with `reason`; how many there were."""
    app_actor = Actor(member_ref("app", "qotd"), is_admin=True)
    paused = 0
    for channel in await group_channels(core, PLATFORM, team_id):
        try:
            await subscriptions.pause(core, channel, app_actor, reason)
        except NotSubscribed:  # removed meanwhile
            continue
        paused += 1
    return paused
