"""The limits module: trimming, splitting, escaping and packing embeds; and the custom ids
qotd's buttons carry, built and read by one helper."""

from __future__ import annotations

import re
from pathlib import Path

import discord
import pytest

from adapters.discord import limits, markers
from adapters.discord.components import AnswerButton, QuizButton, QuizStopButton, WriteButton
from adapters.discord.rating import RateButton
from adapters.discord.votes import VoteButton
from bot.domain import action_ids

FRONT_END = Path(limits.__file__).parent


def test_clip_keeps_short_text_and_marks_a_cut_with_a_pointer():
    assert limits.clip("short", 10) == "short"
    cut = limits.clip("word " * 100, 50, "(see the thread)")
    assert len(cut) <= 50
    assert cut.endswith("… (see the thread)")


def test_split_text_drops_nothing_and_respects_the_limit():
    text = ("paragraph one. " * 40 + "\n\n") * 5 + "x" * 3000
    pieces = limits.split_text(text, 1000)
    assert all(len(piece) <= 1000 for piece in pieces)
    assert "".join(pieces).replace(" ", "").replace("\n", "") == text.replace(" ", "").replace(
        "\n", ""
    )


def test_escape_stops_mass_role_and_user_pings_and_markdown():
    escaped = limits.escape("@everyone @here <@&123456789012345678> <@123456789012345678> **b**")
    assert "@everyone" not in escaped and "@here" not in escaped
    assert "<@&123456789012345678>" not in escaped
    assert "\\*\\*b\\*\\*" in escaped


def test_add_field_continues_a_long_value():
    embed = discord.Embed(title="t")
    limits.add_field(embed, "Key points", "point " * 500)
    assert len(embed.fields) == 3
    assert all(len(field.value or "") <= limits.FIELD_VALUE for field in embed.fields)


def test_pack_embeds_keeps_each_message_within_6000_characters_and_10_embeds():
    embeds = [discord.Embed(description="x" * 4000) for _ in range(5)]
    embeds += [discord.Embed(description="y") for _ in range(12)]
    messages = limits.pack_embeds(embeds)
    assert all(sum(limits.embed_size(e) for e in message) <= 6000 for message in messages)
    assert all(len(message) <= 10 for message in messages)
    assert sum(len(message) for message in messages) == 17


def test_every_limit_the_module_declares_is_checked_somewhere_in_the_front_end():
    own = Path(limits.__file__).read_text()
    declared = re.findall(r"^([A-Z_]+) = ", own, re.MULTILINE)
    sources = [path for path in FRONT_END.glob("*.py") if path.name != "limits.py"]
    elsewhere = "\n".join(path.read_text() for path in sources)
    unused = [
        name
        for name in declared
        if f"limits.{name}" not in elsewhere and len(re.findall(rf"\b{name}\b", own)) < 2
    ]
    assert unused == []


@pytest.mark.parametrize(
    ("custom_id", "values"),
    [
        (action_ids.ANSWER, {"post": "123", "letter": "C"}),
        (action_ids.WRITE, {"post": "123"}),
        (markers.WRITTEN, {"post": "999999999999999999"}),
        (action_ids.QUIZ, {"kind": "review", "quiz": "7", "position": "12", "letter": "A"}),
        (action_ids.QUIZ_STOP, {"kind": "quiz", "quiz": "7"}),
        (action_ids.RATE, {"post": "5", "rating": "easy"}),
        (action_ids.VOTE, {"answer": "999999999999999999"}),
    ],
)
def test_a_custom_id_reads_back_exactly_what_built_it(custom_id, values):
    built = custom_id.build(**values)
    match = custom_id.match(built)
    assert match is not None and match.groupdict() == values
    assert len(built) <= 100  # Discord's limit on a custom id
    # Every button id is one a handler takes (the modal's id is no button's).
    assert markers.is_stale_button(built) == (custom_id is markers.WRITTEN)
    assert custom_id.match(built + ":x") is None


def test_the_buttons_route_clicks_with_the_patterns_their_ids_are_built_from():
    for button, custom_id in (
        (AnswerButton, action_ids.ANSWER),
        (WriteButton, action_ids.WRITE),
        (QuizButton, action_ids.QUIZ),
        (QuizStopButton, action_ids.QUIZ_STOP),
        (RateButton, action_ids.RATE),
        (VoteButton, action_ids.VOTE),
    ):
        assert button.__discord_ui_compiled_template__ is custom_id.pattern
