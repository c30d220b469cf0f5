"""A group's own questions: suggestions reviewed by admins, imports, exports, retirement, and
schedules that draw from them (on SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
import yaml

from bot.content.records import QuestionsRejected, csv_of, parse_questions
from bot.content.schema import QuestionSpec
from bot.domain.identity import ChannelRef
from bot.domain.periods import Period, Scope
from bot.domain.question_form import QuestionForm
from bot.domain.study_words import MAX_SESSION
from bot.errors import NoQuestions, PermissionDenied, QotdError
from bot.services import answers, boards, group_questions, members, quiz, review, suggestions
from bot.services.access import Actor
from bot.services.answers import AnswerRequest
from bot.services.group_packs import stored_id
from tests.conftest import member
from tests.integration.helpers import ADMIN, pass_time, subscribe

MONDAY = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
HOSTILE = "@everyone <@123> <!channel> *Ada* `x`"


def form(**fields: str) -> QuestionForm:
    values = {
        "prompt": "Why can a model with 99% accuracy still be useless on a rare-disease test?",
        "answer": "Because accuracy hides the minority class: predicting healthy for everyone "
        "already scores 99%, so recall on the sick cases is the number that matters.",
    }
    values.update(fields)
    return QuestionForm.from_dict(values)


CHOICES = (
    "*Accuracy hides the rare class | predicting the majority already scores 99%\n"
    "The model is overfitted | nothing here says train and test differ\n"
    "The data is too small | size is not the issue described\n"
    "Accuracy is always wrong | it is fine on balanced classes"
)


def spec(index: int, **changes: object) -> dict[str, object]:
    question: dict[str, object] = {
        "id": f"group-q-{index}",
        "prompt": f"Question number {index}: what does cross-validation estimate?",
        "answer": "How well the model does on data it was not fitted on, averaged over folds.",
        "key_points": ["held-out performance", "averaged over folds"],
        "difficulty": "beginner",
        "category": "concept",
        "topics": ["validation"],
        "choices": [
            {"text": "Generalisation error", "correct": True, "why": "held-out folds"},
            {"text": "Training loss", "why": "that is fitted data"},
            {"text": "Feature count", "why": "unrelated"},
            {"text": "Learning rate", "why": "a hyperparameter"},
        ],
    }
    question.update(changes)
    return question


def specs(count: int) -> list[QuestionSpec]:
    return [QuestionSpec.model_validate(spec(index)) for index in range(1, count + 1)]


async def test_a_suggestion_accepted_with_an_edit_is_posted_with_credit_and_counted(
    core, clock, chat, channel
):
    clock.set(MONDAY)
    await subscribe(core, channel)
    ada = member("ada")
    ada = type(ada)(ada.platform, ada.member_id, HOSTILE)
    sent = await suggestions.suggest(core, channel, ada, form())
    assert "told privately" in sent.next_steps

    queue, waiting = await suggestions.pending(core, channel, ADMIN)
    assert waiting == 1 and queue[0].form.prompt.startswith("Why can a model")
    with pytest.raises(QotdError, match="key_points"):  # as a pack would: no key points yet
        await suggestions.accept(core, channel, ADMIN, sent.suggestion_id)
    accepted = await suggestions.accept(
        core,
        channel,
        ADMIN,
        sent.suggestion_id,
        changes={
            "choices": CHOICES,
            "key_points": "accuracy hides the rare class\nlook at recall",
            "tags": "intermediate, concept, evaluation",
        },
    )
    assert accepted.notice.member.member_id == ada.member_id
    assert "accepted" in accepted.notice.text
    assert accepted.question.correct_letter == "A"

    await group_questions.set_source(core, channel, ADMIN, 1)
    await pass_time(core, clock, chat, MONDAY + timedelta(hours=3))
    post = chat.posts[-1]
    assert post.question.id == accepted.question.id
    assert post.credit == HOSTILE  # the name as given; each front end escapes it

    receipt = await answers.submit(
        core, AnswerRequest(post.post_id, member("bo"), channel, choice="A")
    )
    assert receipt.correct is True
    await pass_time(core, clock, chat, MONDAY + timedelta(hours=12))
    assert chat.reveals[-1].question.id == accepted.question.id
    board = await boards.leaderboard(core, channel, member("bo"), Period.WEEK, Scope.GROUP)
    assert board.me.points == receipt.points > 0
    with pytest.raises(QotdError, match="accepted already"):
        await suggestions.decline(core, channel, ADMIN, sent.suggestion_id, "late")


async def test_declining_tells_the_member_why_and_only_admins_review(core, clock, channel):
    await subscribe(core, channel)
    sent = await suggestions.suggest(core, channel, member("ada"), form())
    outsider = Actor(member("eve"))
    for attempt in (
        suggestions.pending(core, channel, outsider),
        suggestions.accept(core, channel, outsider, sent.suggestion_id),
        suggestions.decline(core, channel, outsider, sent.suggestion_id, "no"),
        group_questions.import_questions(core, channel, outsider, "questions: []", "yaml"),
        group_questions.retire_question(core, channel, outsider, "x"),
        group_questions.set_source(core, channel, outsider, 1),
    ):
        with pytest.raises(PermissionDenied):
            await attempt
    notice = await suggestions.decline(
        core, channel, ADMIN, sent.suggestion_id, "We had it last week."
    )
    assert notice.text.endswith("The admin's reason: We had it last week.")
    assert (await suggestions.pending(core, channel, ADMIN))[1] == 0


async def test_a_suggestion_of_another_group_cannot_be_decided_from_here(core, channel):
    await subscribe(core, channel)
    elsewhere = ChannelRef(channel.platform, "other-group", "c")
    sent = await suggestions.suggest(core, elsewhere, member("ada"), form())
    with pytest.raises(QotdError, match="no suggestion"):
        await suggestions.accept(core, channel, ADMIN, sent.suggestion_id)


async def test_a_written_only_question_needs_the_admin_to_say_so(core, channel):
    await subscribe(core, channel)
    sent = await suggestions.suggest(
        core,
        channel,
        member("ada"),
        form(key_points="recall", tags="beginner, concept, evaluation"),
    )
    with pytest.raises(QotdError, match="no choices and is not behavioral"):
        await suggestions.accept(core, channel, ADMIN, sent.suggestion_id)
    accepted = await suggestions.accept(core, channel, ADMIN, sent.suggestion_id, written_only=True)
    assert not accepted.question.has_choices


async def test_members_are_capped_per_day_and_overlong_fields_are_refused(core, clock, channel):
    await subscribe(core, channel)
    with pytest.raises(QotdError, match="answer"):
        await suggestions.suggest(core, channel, member("ada"), form(answer="x" * 2801))
    for _ in range(suggestions.PER_DAY):
        await suggestions.suggest(core, channel, member("ada"), form())
    with pytest.raises(QotdError, match="24 hours"):
        await suggestions.suggest(core, channel, member("ada"), form())
    clock.advance(timedelta(days=1, minutes=1))
    await suggestions.suggest(core, channel, member("ada"), form())


async def test_a_csv_with_bad_rows_reports_exactly_them_and_imports_nothing(core, channel):
    await subscribe(core, channel)
    good = csv_of(specs(500))
    records = list(csv.DictReader(io.StringIO(good)))
    records[9]["difficulty"] = "easy"  # spreadsheet row 11 (the header is row 1)
    records[199]["topics"] = "validation, astrology"  # row 201
    records[449]["correct"] = ""  # row 451: no correct choice
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(records[0]))
    writer.writeheader()
    writer.writerows(records)
    with pytest.raises(QuestionsRejected) as rejected:
        await group_questions.import_questions(core, channel, ADMIN, out.getvalue(), "csv")
    assert [(p.where, p.field) for p in rejected.value.problems] == [
        ("row 11", "difficulty"),
        ("row 201", "topics"),
        ("row 451", "choices"),
    ]
    assert await group_questions.list_questions(core, channel, ADMIN) == []

    dry = await group_questions.import_questions(core, channel, ADMIN, good, "csv", dry_run=True)
    assert (
        len(dry.added) == 500 and await group_questions.list_questions(core, channel, ADMIN) == []
    )
    report = await group_questions.import_questions(core, channel, ADMIN, good, "csv")
    assert len(report.added) == 500
    assert len(await group_questions.list_questions(core, channel, ADMIN)) == 500
    with pytest.raises(QuestionsRejected, match="already has a question"):
        await group_questions.import_questions(core, channel, ADMIN, csv_of(specs(1)), "csv")


async def test_the_export_reimports_to_the_same_questions_in_another_group(core, library, channel):
    await subscribe(core, channel)
    original = specs(5)
    text = yaml.safe_dump(
        {"questions": [s.model_dump(mode="json", exclude_none=True) for s in original]}
    )
    await group_questions.import_questions(core, channel, ADMIN, text, "yaml")
    await group_questions.retire_question(core, channel, ADMIN, "group-q-5")
    exported = await group_questions.export_questions(core, channel, ADMIN)
    topics = {topic for pack in library for topic in pack.topics}
    assert parse_questions(exported, "yaml", topics) == original[:4]
    other = ChannelRef(channel.platform, "group-2", "c")
    await subscribe(core, other)
    await group_questions.import_questions(core, other, ADMIN, exported, "yaml")
    assert await group_questions.export_questions(core, other, ADMIN) == exported


async def test_a_retired_question_leaves_the_rotation_but_its_past_post_keeps_it(
    core, clock, chat, channel
):
    clock.set(MONDAY)
    await subscribe(core, channel)
    text = yaml.safe_dump({"questions": [spec(1), spec(2)]})
    await group_questions.import_questions(core, channel, ADMIN, text, "yaml")
    await group_questions.set_source(core, channel, ADMIN, 1)
    await pass_time(core, clock, chat, MONDAY + timedelta(hours=3))
    first = chat.posts[-1]
    await answers.submit(core, AnswerRequest(first.post_id, member("bo"), channel, choice="A"))
    slug = first.question.id.partition(".")[2]
    await group_questions.retire_question(core, channel, ADMIN, slug)
    await pass_time(core, clock, chat, MONDAY + timedelta(days=4))
    later = [post.question.id for post in chat.posts[1:]]
    assert later and first.question.id not in later  # the other question only
    assert chat.reveals[0].question.id == first.question.id  # its reveal still went out
    stats = await boards.member_stats(core, member("bo"), channel)
    assert stats.daily_correct == 1 and stats.topics[0].topic == "validation"


async def test_one_group_question_every_n_posts(core, clock, chat, channel):
    clock.set(MONDAY)
    await subscribe(core, channel)
    text = yaml.safe_dump({"questions": [spec(index) for index in range(1, 4)]})
    await group_questions.import_questions(core, channel, ADMIN, text, "yaml")
    await group_questions.set_source(core, channel, ADMIN, 3)
    await pass_time(core, clock, chat, MONDAY + timedelta(days=8, hours=3))
    from_group = [index for index, post in enumerate(chat.posts, 1) if "." in post.question.id]
    assert from_group == [3, 6, 9]


async def test_editing_keeps_what_the_form_does_not_show(core, channel):
    await subscribe(core, channel)
    text = yaml.safe_dump({"questions": [spec(1, code="print('fold')")]})
    await group_questions.import_questions(core, channel, ADMIN, text, "yaml")
    edited = await group_questions.edit_question(
        core, channel, ADMIN, "group-q-1", {"prompt": "What does k-fold cross-validation estimate?"}
    )
    assert edited.prompt.startswith("What does k-fold") and edited.code == "print('fold')"
    with pytest.raises(QuestionsRejected, match="tags"):
        await group_questions.edit_question(
            core, channel, ADMIN, "group-q-1", {"tags": "astrology"}
        )


async def test_an_admin_edit_is_saved_and_the_accept_uses_it(core, channel):
    await subscribe(core, channel)
    sent = await suggestions.suggest(core, channel, member("ada"), form(choices=CHOICES))
    saved = await suggestions.edit(
        core,
        channel,
        ADMIN,
        sent.suggestion_id,
        {"key_points": "recall", "tags": "beginner, concept, evaluation"},
    )
    assert saved.key_points == "recall" and saved.prompt.startswith("Why can a model")
    assert (await suggestions.suggestion_form(core, channel, ADMIN, sent.suggestion_id)) == saved
    with pytest.raises(QotdError, match="not a field"):
        await suggestions.edit(core, channel, ADMIN, sent.suggestion_id, {"colour": "red"})
    accepted = await suggestions.accept(core, channel, ADMIN, sent.suggestion_id)
    assert accepted.question.key_points == ("recall",)


async def test_a_group_question_missed_comes_back_in_review(core, clock, chat, channel):
    clock.set(MONDAY)
    await subscribe(core, channel)
    await group_questions.import_questions(
        core, channel, ADMIN, yaml.safe_dump({"questions": [spec(1)]}), "yaml"
    )
    await group_questions.set_source(core, channel, ADMIN, 1)
    await pass_time(core, clock, chat, MONDAY + timedelta(hours=3))
    post = chat.posts[-1]
    await answers.submit(core, AnswerRequest(post.post_id, member("bo"), channel, choice="B"))
    clock.advance(timedelta(days=2))
    step = await review.start_review(core, member("bo"), count=1)
    assert step.question.id == post.question.id
    feedback = await quiz.answer_quiz(core, member("bo"), step.quiz_id, "A")
    assert feedback.correct is True


async def test_a_quiz_in_the_group_draws_its_questions_too(core, channel):
    await subscribe(core, channel)
    await group_questions.import_questions(
        core, channel, ADMIN, yaml.safe_dump({"questions": [spec(1)]}), "yaml"
    )
    wanted = {"topic": "validation", "difficulty": "beginner", "count": MAX_SESSION}
    here = await quiz.start_quiz(core, member("bo"), channel=channel, **wanted)
    assert here.question.id == stored_id(1, "group-q-1")  # the sample pack has none such
    with pytest.raises(NoQuestions):  # outside the group's channels, it is not drawn
        await quiz.start_quiz(core, member("cy"), **wanted)


async def test_forget_me_takes_the_name_off_questions_but_keeps_them(core, clock, chat, channel):
    clock.set(MONDAY)
    await subscribe(core, channel)
    sent = await suggestions.suggest(core, channel, member("ada"), form(choices=CHOICES))
    await suggestions.accept(
        core,
        channel,
        ADMIN,
        sent.suggestion_id,
        changes={"key_points": "recall", "tags": "beginner, concept, evaluation"},
    )
    await members.forget_member(core, member("ada"))
    [line] = await group_questions.list_questions(core, channel, ADMIN)
    assert line.credit is None
    await group_questions.set_source(core, channel, ADMIN, 1)
    await pass_time(core, clock, chat, MONDAY + timedelta(hours=3))
    assert chat.posts[-1].credit is None and chat.posts[-1].question.id.endswith("suggestion-1")
