"""/qotd questions through discord.py: import a file attached to the command (every problem
reported, all or nothing), export one that imports again, list, edit in a form, retire, the
schedule's source, and who may do each."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import yaml

from bot.clock import ManualClock
from bot.content.records import MAX_FILE_BYTES
from bot.domain.identity import ChannelRef
from bot.services import group_questions
from tests.discord import payloads
from tests.discord.harness import CHANNEL, DiscordBot, Reply
from tests.discord.test_suggestions import ADMIN, NO_PINGS, OTHER_CHANNEL, OTHER_GUILD, schedule

OTHER = ChannelRef("discord", str(OTHER_GUILD), str(OTHER_CHANNEL))


@pytest.fixture
def clock(clock: ManualClock) -> ManualClock:
    clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    return clock


def question(slug: str, **changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "id": slug,
        "prompt": f"What does the {slug} question ask about precision and recall?",
        "answer": "Precision is the share of flagged cases that are right; recall the share "
        "of right cases that are flagged.",
        "key_points": ["precision: of the flagged", "recall: of the actual"],
        "difficulty": "beginner",
        "category": "concept",
        "topics": ["evaluation"],
        "choices": [
            {"text": "Precision counts the flagged", "why": "it is right", "correct": True},
            {"text": "They are the same", "why": "they differ"},
            {"text": "Recall ignores misses", "why": "misses are its point"},
            {"text": "Neither uses counts", "why": "both are ratios of counts"},
        ],
    }
    return {**fields, **changes}


def yaml_file(*questions: dict[str, Any]) -> bytes:
    return yaml.safe_dump({"questions": list(questions)}, sort_keys=False).encode()


async def run_import(
    bot: DiscordBot,
    filename: str,
    data: bytes,
    who: str = "admin",
    admin: bool = True,
    **options: Any,
) -> Reply:
    upload = payloads.Attachment(bot.fake.member_upload(filename, data))
    return await bot.command("questions", who, admin=admin, action="import", file=upload, **options)


async def slugs(bot: DiscordBot, channel: ChannelRef = CHANNEL) -> list[str]:
    return [line.slug for line in await group_questions.list_questions(bot.core, channel, ADMIN)]


def attached(bot: DiscordBot, message: dict[str, Any]) -> tuple[str, bytes]:
    [attachment] = message["attachments"]
    return attachment["filename"], bot.fake.files[int(attachment["id"])]


async def test_a_good_file_imports_and_a_dry_run_imports_nothing(bot):
    await schedule(bot)
    data = yaml_file(question("precision-recall"), question("f1-score"))
    dry = await run_import(bot, "mine.yaml", data, dry_run=True)
    assert "Dry run: 2 questions, every one passes; nothing was imported." in dry.text
    assert await slugs(bot) == []
    done = await run_import(bot, "mine.yaml", data)
    assert "Imported 2 questions" in done.text
    assert done.ephemeral
    assert sorted(await slugs(bot)) == ["f1-score", "precision-recall"]
    listed = await bot.command("questions", "admin", admin=True)
    assert "`precision-recall`" in listed.text and "`f1-score`" in listed.text


async def test_a_bad_file_names_every_row_and_field_and_imports_nothing(bot):
    await schedule(bot)
    rows = [
        "id,prompt,answer,key_points,difficulty,category,topics",
        "good-one,What is a confusion matrix for?,A table of predicted against actual "
        "classes.,counts per class,beginner,concept,evaluation",
        "bad-topic,What is a confusion matrix for?,A table of predicted against actual "
        "classes.,counts per class,beginner,concept,astrology",
        "short,Why?,A table of predicted against actual classes.,ok,expert,concept,evaluation",
    ]
    reply = await run_import(bot, "mine.csv", "\n".join(rows).encode())
    assert "nothing was imported" in reply.text
    assert "row 3 (bad-topic): topics: unknown topic 'astrology'" in reply.text
    assert "row 4 (short): prompt" in reply.text
    assert "row 4 (short): difficulty" in reply.text
    assert "row 4 (short): key\\_points" in reply.text  # escaped Markdown reads as typed
    assert "row 2" not in reply.text
    assert await slugs(bot) == []


async def test_a_long_report_comes_whole_as_a_file(bot):
    await schedule(bot)
    bad = [question(f"bad-{index}", difficulty="expert") for index in range(100)]
    reply = await run_import(bot, "many.yaml", yaml_file(*bad))
    assert len(reply.last["content"]) <= 2000
    assert "the full report of 100 problems is attached" in reply.text
    name, report = attached(bot, reply.last)
    assert name == "import-problems.txt"
    assert report.decode().count("difficulty: Input should be") == 100
    assert "question 100 (bad-99): difficulty" in report.decode()
    assert await slugs(bot) == []


async def test_without_attach_files_a_long_report_says_how_many_problems_there_are(bot):
    await schedule(bot)
    bad = [question(f"bad-{index}", topics=["astrology"]) for index in range(80)]
    upload = payloads.Attachment(bot.fake.member_upload("many.yaml", yaml_file(*bad)))
    payload = payloads.slash("questions", "admin", payloads.ADMIN, action="import", file=upload)
    payload["app_permissions"] = str(payloads.BOT_PERMISSIONS.value & ~(1 << 15))
    reply = await bot.send(payload)
    assert "80 problems in all: give the bot Attach Files" in reply.text
    assert "question 1 (bad-0): topics" in reply.text
    assert reply.last["attachments"] == []


async def test_the_export_is_a_file_that_imports_again(bot):
    await schedule(bot)
    await run_import(bot, "mine.yaml", yaml_file(question("precision-recall")))
    exported = await bot.command("questions", "admin", admin=True, action="export")
    name, data = attached(bot, exported.last)
    assert name == "questions.yaml"
    # Another server takes the file as it is.
    upload = payloads.Attachment(bot.fake.member_upload(name, data))
    again = await bot.send(
        payloads.slash(
            "questions",
            "admin",
            payloads.ADMIN,
            channel_id=OTHER_CHANNEL,
            guild_id=OTHER_GUILD,
            action="import",
            file=upload,
        )
    )
    assert "Imported 1 question" in again.text
    assert await slugs(bot, OTHER) == ["precision-recall"]


async def test_a_file_over_the_limit_is_refused_before_it_is_downloaded(bot, fake):
    await schedule(bot)
    reply = await run_import(bot, "big.yaml", b"#" * (MAX_FILE_BYTES + 1))
    assert f"a file may have {MAX_FILE_BYTES:,}" in reply.text
    assert fake.downloads == []


async def test_a_member_cannot_import_and_the_file_is_not_downloaded(bot, fake):
    await schedule(bot)
    reply = await run_import(bot, "mine.yaml", yaml_file(question("q-one")), "eve", admin=False)
    assert "Only admins can import questions" in reply.text
    assert fake.downloads == []
    assert await slugs(bot) == []


async def test_files_that_are_not_yaml_csv_or_utf8_are_explained(bot):
    await schedule(bot)
    wrong = await run_import(bot, "mine.txt", b"questions: []")
    assert "'mine.txt' is neither a .yaml nor a .csv file" in wrong.text
    latin = await run_import(bot, "mine.csv", "id,prompt\nq,caf\u00e9".encode("latin-1"))
    assert "is not UTF-8 text" in latin.text
    empty = await bot.command("questions", "admin", admin=True, action="import")
    assert "Attach the file" in empty.text


async def test_edit_opens_the_question_filled_in_and_saves_it(bot):
    await schedule(bot)
    await run_import(bot, "mine.yaml", yaml_file(question("precision-recall")))
    opened = await bot.command(
        "questions", "admin", admin=True, action="edit", question="precision-recall"
    )
    assert "Edit precision-recall" in opened.text
    assert opened.form["tags"] == "beginner, concept, evaluation"
    assert opened.form["choices"].startswith("*Precision counts the flagged | it is right")
    changed = {**opened.form, "prompt": "What do precision and recall each count, exactly?"}
    saved = await bot.submit(opened, changed, "admin", admin=True)
    assert "Saved `precision-recall`: What do precision and recall each count" in saved.text
    form = await group_questions.question_form(bot.core, CHANNEL, ADMIN, "precision-recall")
    assert form.prompt == "What do precision and recall each count, exactly?"
    refused = await bot.submit(opened, {**opened.form, "tags": "astrology"}, "admin", admin=True)
    assert "tags" in refused.text and "astrology" in refused.text
    unknown = await bot.command("questions", "admin", admin=True, action="edit", question="nope")
    assert "no question of its own with the id 'nope'" in unknown.text
    assert unknown.state.modal is None


async def test_a_member_cannot_open_or_submit_the_edit_form(bot):
    await schedule(bot)
    await run_import(bot, "mine.yaml", yaml_file(question("precision-recall")))
    refused = await bot.command("questions", "eve", action="edit", question="precision-recall")
    assert "Only admins can" in refused.text and refused.state.modal is None
    opened = await bot.command(
        "questions", "admin", admin=True, action="edit", question="precision-recall"
    )
    forged = await bot.submit(opened, {**opened.form, "prompt": "Hijacked prompt here?"}, "eve")
    assert "Only admins can" in forged.text
    form = await group_questions.question_form(bot.core, CHANNEL, ADMIN, "precision-recall")
    assert form.prompt != "Hijacked prompt here?"


async def test_retire_and_source_decide_what_the_channel_posts(bot):
    await schedule(bot)
    one = await bot.command("questions", "admin", admin=True, action="source", every=1)
    assert "no questions of its own yet" in one.text
    await run_import(bot, "mine.yaml", yaml_file(question("precision-recall"), question("f1")))
    one = await bot.command("questions", "admin", admin=True, action="source", every=1)
    assert "from the group's own questions only" in one.text
    retired = await bot.command("questions", "admin", admin=True, action="retire", question="f1")
    assert "Retired `f1`" in retired.text
    listed = await bot.command("questions", "admin", admin=True)
    assert "`f1` (retired)" in listed.text
    await bot.advance(timedelta(days=1))
    assert (
        "What does the precision-recall question ask" in bot.posts()[-1]["embeds"][0]["description"]
    )
    assert bot.posts()[-1]["_pings"] == NO_PINGS
    every = await bot.command("questions", "admin", admin=True, action="source", every=3)
    assert "One question in 3" in every.text
    assert (
        "pack only"
        in (await bot.command("questions", "admin", admin=True, action="source", every=0)).text
    )
    assert (
        "Say how often"
        in (await bot.command("questions", "admin", admin=True, action="source")).text
    )


async def test_members_cannot_run_the_admin_actions(bot):
    await schedule(bot)
    for options in (
        {"action": "list"},
        {"action": "export"},
        {"action": "retire", "question": "x"},
        {"action": "source", "every": 1},
        {"action": "review-channel", "where": "here"},
    ):
        reply = await bot.command("questions", "eve", **options)
        assert "Only admins can" in reply.text, options


async def test_a_long_list_stays_within_the_limits_and_points_to_the_export(bot):
    await schedule(bot)
    prompt = ("Why does **this** _matter_ @everyone? " * 20)[:600]
    many = [question(f"q-{'x' * 40}-{index}", prompt=prompt) for index in range(150)]
    assert "Imported 150 questions" in (await run_import(bot, "many.yaml", yaml_file(*many))).text
    listed = await bot.command("questions", "admin", admin=True)
    assert "…and more (150 in all)" in listed.text
    assert "`q-" in listed.text and "\\*\\*this\\*\\*" in listed.text
    assert all(message["_pings"] == NO_PINGS for message in listed.messages)
