"""Member text reaches Slack inert, and long text is split where a reader would cut it."""

from __future__ import annotations

from adapters.slack.mrkdwn import code_chunks, escape, from_markdown, split, subteam_mention, trim


def test_member_text_cannot_mention_or_link():
    text = escape("hi <!channel> <!here> <@U123> <!subteam^S1|@team> <https://x|y> & @everyone")
    assert "<" not in text and ">" not in text
    assert "&lt;!channel&gt;" in text and "&amp;" in text
    assert "@everyone" not in text  # a zero-width joiner keeps it from reading as a ping


def test_pack_markdown_becomes_mrkdwn_with_code_left_alone():
    converted = from_markdown(
        "Use **STAR** and *care*:\n\n- a `x_**y**` b\n- [docs](https://e.org/a?b=1&c=2)"
    )
    assert "*STAR*" in converted and "_care_" in converted
    assert "• a `x_**y**` b" in converted
    assert "<https://e.org/a?b=1&amp;c=2|docs>" in converted


def test_long_text_is_split_at_line_or_word_boundaries_within_the_limit():
    text = ("word " * 700 + "\n") * 3
    chunks = split(text, 3000)
    assert all(len(chunk) <= 3000 for chunk in chunks)
    assert " ".join(chunks).split() == text.split()


def test_a_split_never_cuts_an_escaped_entity_in_half():
    chunks = split(escape("&" * 5000), 3000)
    assert all(len(chunk) <= 3000 for chunk in chunks)
    assert all(chunk.endswith(";") for chunk in chunks)


def test_long_code_is_split_into_fenced_chunks():
    chunks = code_chunks("x = 1\n" * 1000, 3000)
    assert len(chunks) > 1
    assert all(
        chunk.startswith("```\n") and chunk.endswith("\n```") and len(chunk) <= 3000
        for chunk in chunks
    )


def test_trim_adds_an_ellipsis_and_respects_entities():
    assert trim("short", 10) == "short"
    assert trim(escape("a&b" * 20), 10).endswith("…")
    assert len(trim("x" * 200, 150)) == 150


def test_only_a_user_group_is_accepted_as_the_schedule_mention():
    assert subteam_mention("<!subteam^S0GROUP|@ml-study>") == "<!subteam^S0GROUP>"
    assert subteam_mention("<!channel>") is None
    assert subteam_mention("@here") is None


def test_code_keeps_its_indentation_and_every_character_of_a_long_line():
    code = "def f(x):\n    if x:\n        return '&' * 9\n" + "    y = '" + "&<" * 2000 + "'"
    chunks = code_chunks(code, 3000)
    assert all(len(chunk) <= 3000 for chunk in chunks)
    assert chunks[0].startswith("```\ndef f(x):\n    if x:\n        return '&amp;' * 9")
    assert chunks[1].startswith("```\n    y = '&amp;&lt;")
    inner = "".join(chunk.removeprefix("```\n").removesuffix("\n```") for chunk in chunks)
    assert inner.replace("\n", "") == escape(code).replace("\n", "")
