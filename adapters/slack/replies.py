"""Block Kit for private replies: answer feedback, quizzes, boards, status, stats."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from adapters.slack import ids, limits
from adapters.slack.blocks import (
    Message,
    answer_buttons,
    context,
    describe,
    header,
    local_time,
    question_body,
    sections,
)
from adapters.slack.mrkdwn import (
    channel_mention,
    code_chunks,
    escape,
    from_markdown,
    trim,
    user_mention,
)
from bot.domain.question import LETTERS, Question
from bot.domain.review import Rating
from bot.domain.scoring import Streak
from bot.ports import OutgoingNudge
from bot.presentation import Fact, board_view, feedback_lines, status_facts
from bot.services.answers import AnswerReceipt
from bot.services.boards import Leaderboard, MemberStats, stats_facts
from bot.services.progress import WeeklyPoints
from bot.services.quiz import QuizFeedback, QuizStep
from bot.services.review import ReviewStats, review_facts
from bot.services.subscriptions import ChannelStatus
from bot.services.today import Today


def text(mrkdwn: str) -> Message:
    """A plain reply: its text, in sections so long text is split rather than refused."""
    return Message(trim(mrkdwn, 300), tuple(sections(mrkdwn)))


def _choice_line(question: Question, letter: str) -> str:
    choice = question.choice(letter)
    return f"*{letter}.* {from_markdown(choice.text)} — {from_markdown(choice.why)}"


def receipt(result: AnswerReceipt) -> Message:
    """Feedback on a daily answer: right or not, why, points and streak."""
    lines = []
    question = result.question
    if result.choice is not None:
        verdict = "Right!" if result.correct else "Not quite."
        lines.append(f"{verdict} {_choice_line(question, result.choice)}")
        if not result.correct and question.correct_letter:
            lines.append(f"The answer is {_choice_line(question, question.correct_letter)}")
    if result.wrote:
        lines.append("Written answer saved: it is shown beside the reference answer at the reveal.")
        if result.feedback is not None:
            lines += feedback_lines(result.feedback, escape)
    lines.append(result.standing())
    return text("\n".join(lines))


def not_saved(reason: str, written: str) -> Message:
    """A written answer that was NOT stored: why, and the member's text back to send again."""
    lead = escape(reason if "NOT saved" in reason else f"Your answer was NOT saved. {reason}")
    # A code block shows the text exactly as typed (no mrkdwn); Slack sends at most 3000.
    typed = code_chunks(trim(written, limits.INPUT_MAX_LENGTH), limits.SECTION_TEXT)
    blocks: list[Block] = [*sections(f"{lead}\nWhat you wrote, to send again:")]
    blocks += [SectionBlock(text=MarkdownTextObject(text=chunk)) for chunk in typed]
    return Message(trim(lead, 300), tuple(blocks))


def quiz_step(step: QuizStep, prefix: list[Block] | None = None) -> Message:
    """One quiz (or review) question with its letter buttons and a stop button."""
    question = step.question
    label = _label(step.kind)
    buttons = [
        ButtonElement(
            text=PlainTextObject(text=letter, emoji=False),
            action_id=ids.quiz(step.quiz_id, step.position, letter, step.kind),
            value=letter,
        )
        for letter in LETTERS[: len(question.choices)]
    ]
    buttons.append(
        ButtonElement(
            text=PlainTextObject(text="Stop", emoji=False),
            action_id=ids.quiz_stop(step.quiz_id, step.kind),
            value="stop",
        )
    )
    blocks: list[Block] = [
        *(prefix or []),
        header(f"{label} {step.position + 1}/{step.total}"),
        context(describe(question)),
        *question_body(question),
        ActionsBlock(block_id=f"qotd-quiz-{step.quiz_id}-{step.position}", elements=buttons),
    ]
    return Message(f"{label} question {step.position + 1} of {step.total}", tuple(blocks))


def _label(kind: str) -> str:
    return "Review" if kind == "review" else "Quiz"


def quiz_feedback(feedback: QuizFeedback, kind: str = "quiz") -> Message:
    """Right or not with the why, then the next question or the score."""
    question = feedback.question
    lines = [
        ("Right! " if feedback.correct else "Not quite. ") + _choice_line(question, feedback.choice)
    ]
    if not feedback.correct and question.correct_letter:
        lines.append(f"The answer is {_choice_line(question, question.correct_letter)}")
    verdict = sections("\n".join(lines))
    if feedback.next is None:
        label = _label(kind)
        done = sections(f"*{label} done:* {feedback.score}/{feedback.total} right.")
        if kind == "review":
            done += sections(
                "Each card comes back when it is due; `/qotd stats` shows what is due."
            )
        return Message(f"{label} done", tuple(verdict + done))
    return quiz_step(feedback.next, prefix=verdict)


def leaderboard(board: Leaderboard) -> Message:
    title, body = board_text(board)
    return text(f"*{escape(title)}*\n{body}")


def board_text(board: Leaderboard) -> tuple[str, str]:
    """A board's title (plain) and its lines as mrkdwn, for a reply or the App Home."""
    view = board_view(board)
    lines = [f"{line.rank}. {escape(line.name)} — {line.points}" for line in view.lines]
    if view.empty:
        lines.append(view.empty)
    lines.append(f"… {escape(view.own)}")
    return view.title, "\n".join(lines)


def streak(name: str, value: Streak) -> Message:
    return text(f"{escape(name)}: streak {value.describe()}")


def stats(result: MemberStats) -> Message:
    return text(stats_text(result))


def stats_text(result: MemberStats) -> str:
    """A member's answers, accuracy, streak and accuracy by topic, as mrkdwn lines."""
    lines = [f"*{label}:* {value}" for label, value in stats_facts(result)]
    if result.topics:
        lines.append("*By topic:*")
        lines += [
            f"• {escape(item.topic)}: {item.correct}/{item.answered} ({item.accuracy:.0%})"
            for item in result.topics[:20]
        ]
    return "\n".join(lines)


def status(result: ChannelStatus) -> Message:
    timezone = result.subscription.schedule.timezone
    return text(
        "\n".join(f"*{fact.label}:* {_value(fact, timezone)}" for fact in status_facts(result))
    )


def _value(fact: Fact, timezone: str) -> str:
    if fact.when is not None:
        return local_time(fact.when, timezone)
    if fact.members:
        return ", ".join(map(user_mention, fact.members))
    return escape(fact.role or fact.text)


def today(current: Today) -> Message:
    """The channel's latest question, with the answer buttons while it is open."""
    state = "open" if current.open else "closed"
    blocks: list[Block] = [
        header(f"Day {current.post.day_number} ({state})"),
        context(describe(current.question)),
        *question_body(current.question, mark_correct=not current.open),
    ]
    notes = []
    if current.my_choice:
        notes.append(f"Your pick: {current.my_choice}")
    if current.wrote:
        notes.append("You sent a written answer.")
    if current.open:
        notes.append(f"Revealed {local_time(current.post.reveal_at, current.timezone)}.")
        blocks.append(answer_buttons(current.post.id, current.question))
    if notes:
        blocks.append(context(" · ".join(notes)))
    return Message(f"Day {current.post.day_number} ({state})", tuple(blocks))


def review_stats(result: ReviewStats) -> str:
    """Reviews due today, retention and weakest topics, as mrkdwn lines."""
    return "\n".join(f"*{label}:* {escape(value)}" for label, value in review_facts(result))


def weekly_points(points: WeeklyPoints) -> str:
    """The numbers the weekly-points chart draws, as text."""
    weeks = " · ".join(f"{escape(label)} {value}" for label, value in points.weeks)
    return f"*Weekly points ({points.scope.value}):* {weeks}"


def rated(rating: Rating) -> Message:
    return text(
        f"Rated {rating.name.lower()}: the question comes back for review when it is due "
        "(`/qotd review`)."
    )


def nudge_message(nudge: OutgoingNudge) -> Message:
    """The daily private reminder: reviews due, and streaks about to break."""
    lines = ["*Your daily qotd reminder*"]
    if nudge.due_reviews:
        lines.append(f"• {nudge.due_reviews} review(s) due: `/qotd review`")
    for risk in nudge.streaks_at_risk:
        closes = local_time(risk.closes_at, "UTC")
        lines.append(
            f"• Your {risk.streak}-day streak in {channel_mention(risk.channel.channel_id)} "
            f"needs today's answer (answers close {closes})"
        )
    lines.append("`/qotd remind off` stops these reminders.")
    return Message("Your daily qotd reminder", tuple(sections("\n".join(lines))))
