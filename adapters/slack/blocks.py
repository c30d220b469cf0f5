"""Block Kit for the channel: the daily post, its closed form and the reveal."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from adapters.slack import ids, limits
from adapters.slack.mrkdwn import code_chunks, escape, from_markdown, split, subteam_mention, trim
from bot.domain import action_ids
from bot.domain.question import LETTERS, Question
from bot.ports import OutgoingPost, OutgoingReveal, Results, WrittenAnswer

# Vote buttons go in at most this many actions blocks (25 buttons each) under a reveal.
VOTE_BLOCKS = 4


@dataclass(frozen=True, slots=True)
class Message:
    """One Slack message: a short notification text, its blocks and optional metadata."""

    text: str
    blocks: tuple[Block, ...] = ()
    metadata: dict[str, Any] | None = None

    def dicts(self) -> list[dict[str, object]]:
        """The blocks as JSON (slack_sdk validates each block's limits here)."""
        return [block.to_dict() for block in self.blocks]


def sections(mrkdwn: str, limit: int = limits.SECTION_TEXT) -> list[Block]:
    """Section blocks holding `mrkdwn`, split so each fits a section."""
    return [SectionBlock(text=MarkdownTextObject(text=chunk)) for chunk in split(mrkdwn, limit)]


def context(mrkdwn: str) -> Block:
    return ContextBlock(elements=[MarkdownTextObject(text=trim(mrkdwn, limits.SECTION_TEXT))])


def header(text: str) -> Block:
    return HeaderBlock(text=PlainTextObject(text=trim(text, limits.HEADER_TEXT), emoji=False))


def paginate(text: str, blocks: Sequence[Block]) -> list[Message]:
    """Messages of at most 50 blocks each; the later ones continue the first."""
    size = limits.MESSAGE_BLOCKS
    pages = [tuple(blocks[start : start + size]) for start in range(0, len(blocks), size)]
    return [
        Message(text if index == 0 else f"{text} (continued)", page)
        for index, page in enumerate(pages or [()])
    ]


def local_time(instant: datetime, timezone: str) -> str:
    """A time each reader sees in their own zone, with the channel's zone as fallback."""
    fallback = escape(f"{instant:%Y-%m-%d %H:%M} UTC ({timezone})")
    return f"<!date^{int(instant.timestamp())}^{{date_short_pretty}} at {{time}}|{fallback}>"


def describe(question: Question) -> str:
    return escape(f"{question.difficulty} · {', '.join(question.topics)} · {question.category}")


def question_body(question: Question, *, mark_correct: bool = False) -> list[Block]:
    """The prompt, code and choices of a question (shared by posts, quizzes and `today`)."""
    blocks = sections(from_markdown(question.prompt))
    if question.code:
        blocks += [
            SectionBlock(text=MarkdownTextObject(text=chunk))
            for chunk in code_chunks(question.code, limits.SECTION_TEXT)
        ]
    if question.choices:
        lines = [f"*{from_markdown(question.stem)}*"] if question.stem else []
        for letter, choice in zip(LETTERS, question.choices, strict=False):
            mark = " ✅" if mark_correct and choice.correct else ""
            lines.append(f"*{letter}.* {from_markdown(choice.text)}{mark}")
        blocks += sections("\n".join(lines))
    return blocks


def answer_buttons(post_id: int, question: Question) -> Block:
    buttons = [
        ButtonElement(
            text=PlainTextObject(text=letter, emoji=False),
            action_id=ids.answer(post_id, letter),
            value=letter,
        )
        for letter in LETTERS[: len(question.choices)]
    ]
    buttons.append(
        ButtonElement(
            text=PlainTextObject(text="Write an answer", emoji=False),
            action_id=ids.write(post_id),
            value=str(post_id),
            style="primary",
        )
    )
    return ActionsBlock(block_id=f"qotd-answer-{post_id}", elements=buttons)


def question_post(post: OutgoingPost) -> Message:
    """The daily post: the question, buttons A-D and "Write an answer"."""
    question = post.question
    blocks: list[Block] = [
        header(f"Question of the day · Day {post.day_number}"),
        context(describe(question)),
    ]
    if post.credit:
        blocks.append(credit_line(post.credit))
    if post.best_answer:
        blocks.append(best_answer_line(post.best_answer))
    mention = subteam_mention(post.mention)
    if mention:
        blocks.insert(0, SectionBlock(text=MarkdownTextObject(text=mention)))
    blocks += question_body(question)
    blocks.append(answer_buttons(post.post_id, question))
    how = "Pick a letter for the quick check" if question.choices else "Answers are written"
    blocks.append(
        context(
            f"{how}, or write an answer. Answers are private; the reference answer is "
            f"revealed in the thread {local_time(post.reveal_at, post.timezone)}."
        )
    )
    text = f"Question of the day · Day {post.day_number}: {escape(trim(question.prompt, 300))}"
    if mention:
        text = f"{mention} {text}"
    return Message(text, _fit(blocks), ids.metadata(ids.POST_EVENT, post.post_id))


def credit_line(name: str) -> Block:
    """Who suggested a group's own question: their name as text, never a mention."""
    return context(f"Suggested by {escape(trim(name, 100))}")


def best_answer_line(credit: str) -> Block:
    """An earlier day's most helpful answer (`Day 3: Ada (4 votes)`): names as text, never a
    mention."""
    return context(f"Best answer of {escape(trim(credit, 500))}")


def summary(results: Results) -> str:
    """`3 answered · 67% correct · fastest correct: Ada` (names escaped)."""
    return " · ".join(results.facts(escape))


def closed_post(reveal: OutgoingReveal) -> Message:
    """The daily post after the reveal: no buttons, the right choice marked, the results."""
    question = reveal.question
    blocks: list[Block] = [
        header(f"Question of the day · Day {reveal.day_number} · closed"),
        context(describe(question)),
        *question_body(question, mark_correct=True),
        context(f"Answers are closed: {summary(reveal.results)}. The answer is in the thread."),
    ]
    if reveal.credit:
        blocks.insert(2, credit_line(reveal.credit))
    return Message(f"Question of the day · Day {reveal.day_number} (closed)", _fit(blocks))


def reveal_messages(reveal: OutgoingReveal) -> list[Message]:
    """The reveal: right choice and why, reference answer, key points, results, answers."""
    question = reveal.question
    blocks: list[Block] = [header(f"Answer · Day {reveal.day_number}")]
    letter = question.correct_letter
    if letter:
        choice = question.choice(letter)
        blocks += sections(
            f"*Correct: {letter}.* {from_markdown(choice.text)} — {from_markdown(choice.why)}"
        )
    blocks += sections(from_markdown(question.answer))
    if question.solution_code:  # a coding question's worked solution: never before the reveal
        blocks += sections("*Solution*")
        blocks += [
            SectionBlock(text=MarkdownTextObject(text=chunk))
            for chunk in code_chunks(question.solution_code, limits.SECTION_TEXT)
        ]
    if question.key_points:
        points = "\n".join(f"• {from_markdown(point)}" for point in question.key_points)
        blocks += sections(f"*Key points*\n{points}")
    blocks += sections(f"*Results:* {summary(reveal.results)}")
    blocks += written_answers(reveal.results)
    if reveal.votes_open:
        blocks += vote_buttons(reveal.post_id, reveal.results.written)
    if reveal.results.written:
        blocks += rating_buttons(reveal.post_id)
    messages = paginate(f"Answer · Day {reveal.day_number}: {summary(reveal.results)}", blocks)
    # Each message is marked with its place, so a retry resumes after the last one sent.
    return [
        replace(message, metadata=ids.metadata(ids.REVEAL_EVENT, reveal.post_id, part))
        for part, message in enumerate(messages)
    ]


def rating_buttons(post_id: int) -> list[Block]:
    """Again / Hard / Good / Easy for members who wrote an answer (the id carries the post)."""
    buttons = [
        ButtonElement(
            text=PlainTextObject(text=rating.title(), emoji=False),
            action_id=ids.rate(post_id, rating),
            value=rating,
        )
        for rating in action_ids.RATINGS
    ]
    return [
        context(
            "Wrote an answer? Rate it against the reference; it comes back for review when due."
        ),
        ActionsBlock(block_id=f"qotd-rate-{post_id}", elements=buttons),
    ]


def written_answers(results: Results) -> list[Block]:
    """Each member's written answer, escaped, split over sections when long."""
    if not results.written:
        return []
    blocks = sections("*Written answers*")
    for item in results.written:
        blocks += sections(f"*{escape(item.member_name)}:* {escape(item.text)}")
    return blocks


def vote_buttons(post_id: int, written: Sequence[WrittenAnswer]) -> list[Block]:
    """A "Vote: <name>" button per written answer (its id carries only the answer's id); the
    answers past what VOTE_BLOCKS hold get none, and the line above the buttons says so."""
    votable = [(item.member_name, item.answer_id) for item in written if item.answer_id]
    size = limits.ACTIONS_ELEMENTS
    room = size * VOTE_BLOCKS
    buttons = [vote_button(name, answer_id) for name, answer_id in votable[:room]]
    note = "Which written answer helped most? Vote for it: one vote each, not for your own."
    if len(votable) > room:
        left = len(votable) - room
        note += (
            f" Only the first {room} answers have a vote button; {left} more cannot be voted for."
        )
    blocks = [context(note)]
    for number, start in enumerate(range(0, len(buttons), size)):
        row = buttons[start : start + size]
        blocks.append(ActionsBlock(block_id=f"qotd-vote-{post_id}-{number}", elements=row))
    return blocks


def vote_button(name: str, answer_id: int) -> ButtonElement:
    """`Vote: <name>`, the name escaped (Slack reads entities in plain text too) and cut to fit."""
    action_id = ids.vote(answer_id)
    label = trim(escape(f"Vote: {name}"), limits.BUTTON_TEXT)
    return ButtonElement(
        text=PlainTextObject(text=label, emoji=False), action_id=action_id, value=action_id
    )


def _fit(blocks: Iterable[Block]) -> tuple[Block, ...]:
    """Keep a single message within 50 blocks: the head and the last block (the buttons)."""
    items = list(blocks)
    if len(items) <= limits.MESSAGE_BLOCKS:
        return tuple(items)
    note = context("_This question is too long for one message; it is shortened here._")
    return (*items[: limits.MESSAGE_BLOCKS - 3], note, *items[-2:])
