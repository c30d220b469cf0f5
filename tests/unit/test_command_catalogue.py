"""The command catalogue every front end renders (bot/commands.py)."""

from __future__ import annotations

from bot.commands import CATALOGUE, FRONT_END_ONLY, SUMMARY_LIMIT, command, offered_on


def test_the_catalogue_is_well_formed():
    names = [command.name for command in CATALOGUE]
    assert len(names) == len(set(names))
    assert all(len(command.summary) <= SUMMARY_LIMIT for command in CATALOGUE)
    assert all(
        set(command.elsewhere) <= set(FRONT_END_ONLY) and all(command.elsewhere.values())
        for command in CATALOGUE
    )
    assert not set(names) & {name for names in FRONT_END_ONLY.values() for name in names}


def test_a_command_offered_another_way_is_left_out_of_that_front_ends_commands():
    assert command("rate").elsewhere["discord"]
    assert "rate" not in {entry.name for entry in offered_on("discord")}
    assert "rate" in {entry.name for entry in offered_on("slack")}
