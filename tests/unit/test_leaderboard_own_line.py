"""Every front end's leaderboard carries the asker's own line, ranked or not (unit tests of
the rendering functions: no database, no platform)."""

from __future__ import annotations

import pytest

from adapters.discord import replies as discord_replies
from adapters.slack import replies as slack_replies
from bot.domain.periods import Period, Scope
from bot.services.boards import BoardEntry, Leaderboard, OwnRank, own_rank

TOP = (BoardEntry(1, "Ana", 40, 1), BoardEntry(2, "Bo", 15, 2))


def board(me: OwnRank, period: Period = Period.WEEK) -> Leaderboard:
    return Leaderboard(period, Scope.GROUP, TOP, me, members=3)


def discord_text(value: Leaderboard) -> str:
    return discord_replies.leaderboard_embed(value).description or ""


def slack_text(value: Leaderboard) -> str:
    message = slack_replies.leaderboard(value)
    return "\n".join(str(block["text"]["text"]) for block in message.dicts())  # type: ignore[index]


RENDERERS = [pytest.param(discord_text, id="discord"), pytest.param(slack_text, id="slack")]


@pytest.mark.parametrize("render", RENDERERS)
def test_a_member_without_points_sees_that_they_are_not_ranked_yet(render):
    text = render(board(OwnRank(None, "Cy", 0, None)))
    assert text.splitlines()[-1] == (
        "… you: — not ranked yet (0 points this week): answer a daily question to get on the board"
    )


@pytest.mark.parametrize("render", RENDERERS)
def test_a_member_below_the_top_sees_their_rank(render):
    text = render(board(OwnRank(3, "Cy", 2, 3)))
    assert text.splitlines()[-1] == "… you: #3 of 3 with 2 points"


@pytest.mark.parametrize("render", RENDERERS)
def test_a_member_in_the_top_still_gets_their_own_line(render):
    text = render(board(OwnRank(1, "Ana", 40, 1)))
    assert text.splitlines()[-1] == "… you: #1 of 3 with 40 points"


@pytest.mark.parametrize("render", RENDERERS)
def test_an_empty_board_still_says_where_the_asker_stands(render):
    empty = Leaderboard(Period.MONTH, Scope.CHANNEL, (), OwnRank(None, "Cy", 0, None), 0)
    lines = render(empty).splitlines()
    assert "No points yet." in lines
    assert lines[-1].startswith("… you: — not ranked yet (0 points this month)")


def test_the_own_line_names_the_period_in_words():
    assert "(0 points this week)" in own_rank(board(OwnRank(None, "Cy", 0, None), Period.WEEK))
    assert "(0 points this month)" in own_rank(board(OwnRank(None, "Cy", 0, None), Period.MONTH))
    assert "(0 points so far)" in own_rank(board(OwnRank(None, "Cy", 0, None), Period.ALL))
    assert own_rank(board(OwnRank(2, "Cy", 1, 3))) == "you: #2 of 3 with 1 point"
