"""The Discord front end reports itself connected only while its gateway session is ready."""

from __future__ import annotations

from tests.discord.harness import DiscordBot


async def test_logged_in_without_the_gateway_is_not_connected(bot: DiscordBot):
    assert bot.front is not None
    assert bot.client.is_closed() is False  # logged in over HTTP
    assert bot.front.connected is False  # but no gateway session is ready


async def test_a_ready_session_is_connected_until_the_front_end_closes(bot: DiscordBot):
    assert bot.front is not None
    bot.client._ready.set()  # what discord.py does on the gateway's READY
    assert bot.front.connected is True

    await bot.close()
    assert bot.front.connected is False
