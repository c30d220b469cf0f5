"""The limits module: trimming, splitting, escaping and packing embeds."""

from __future__ import annotations

import discord

from adapters.discord import limits


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
