"""The command catalogue (bot/commands.py) held against each front end: every front end
offers exactly the catalogue's commands (less the ones it offers another way, plus its own),
lists each in its help, and takes each when it is run."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

from bot.commands import FRONT_END_ONLY, offered_on


def expected_names(front_end: str) -> set[str]:
    return {command.name for command in offered_on(front_end)} | set(FRONT_END_ONLY[front_end])


def check_names(front_end: str, offered: Iterable[str]) -> None:
    offered = set(offered)
    expected = expected_names(front_end)
    assert offered - expected == set(), f"{front_end} offers commands the catalogue lacks"
    assert expected - offered == set(), f"{front_end} lacks catalogue commands"


def check_help(front_end: str, help_text: str) -> None:
    missing = [name for name in expected_names(front_end) if name not in help_text]
    assert missing == [], f"{front_end}'s help does not mention {missing}"


async def check_each_runs(
    front_end: str, run: Callable[[str], Awaitable[str]], unknown: str
) -> None:
    """Run every catalogue command the front end offers, with no words, as an admin: each is
    taken (a reply that is not the front end's `unknown` answer)."""
    for command in offered_on(front_end):
        reply = await run(command.name)
        assert reply.strip(), f"{front_end}: `{command.name}` gave no reply"
        assert unknown not in reply, f"{front_end}: `{command.name}` is unknown: {reply}"
