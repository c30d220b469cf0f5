"""Plain-text rendering for the console channel."""

from __future__ import annotations

import textwrap
from datetime import datetime

from bot.domain.local_time import format_local
from bot.domain.question import LETTERS, Question
from bot.domain.schedule import zone
from bot.ports import OutgoingNudge, OutgoingPost, OutgoingReveal
from bot.presentation import Fact, board_view, feedback_lines, status_facts
from bot.services.answers import AnswerReceipt
from bot.services.boards import Leaderboard, MemberStats, stats_facts
from bot.services.progress import WeeklyPoints
from bot.services.quiz import QuizFeedback, QuizStep
from bot.services.review import ReviewStats, review_facts
from bot.services.subscriptions import ChannelStatus

WIDTH = 78


def _wrap(text: str, indent: str = "") -> str:
    paragraphs = text.strip().split("\n")
    return "\n".join(
        textwrap.fill(line, WIDTH, initial_indent=indent, subsequent_indent=indent)
        if line.strip()
        else ""
        for line in paragraphs
    )


def local_time(instant: datetime, timezone: str) -> str:
    """`Mon 2 Mar 09:00 CET`, with the UTC offset in the autumn hour that happens twice."""
    return format_local(instant, zone(timezone))


def question_body(question: Question) -> list[str]:
    lines = [_wrap(question.prompt)]
    if question.code:
        lines += ["", textwrap.indent(question.code.rstrip(), "    ")]
    if question.choices:
        lines.append("")
        if question.stem:
            lines.append(_wrap(question.stem))
        lines += [
            f"  {letter}) {choice.text}"
            for letter, choice in zip(LETTERS, question.choices, strict=False)
        ]
    return lines


def post(outgoing: OutgoingPost) -> str:
    question = outgoing.question
    header = f"== Question of the day · Day {outgoing.day_number} · {question.difficulty} · {', '.join(question.topics)} =="
    how = (
        "Answer with `answer A`-`answer D`"
        if question.choices
        else "Answer with `write <your answer>`"
    )
    if question.choices:
        how += ", and/or `write <your answer>`"
    lines = [
        header,
        *question_body(question),
        "",
        f"{how}. Revealed {local_time(outgoing.reveal_at, outgoing.timezone)}.",
    ]
    if outgoing.credit:
        lines.insert(1, f"(suggested by {outgoing.credit})")
    if outgoing.best_answer:
        lines.append(f"Best answer of {outgoing.best_answer}.")
    if outgoing.mention:
        lines.insert(0, f"[{outgoing.mention}]")
    return "\n".join(lines)


def reveal(outgoing: OutgoingReveal) -> str:
    question = outgoing.question
    results = outgoing.results
    lines = [f"== Answer · Day {outgoing.day_number} =="]
    letter = question.correct_letter
    if letter:
        choice = question.choice(letter)
        lines.append(_wrap(f"Correct: {letter}) {choice.text} — {choice.why}"))
    lines += ["", _wrap(question.answer)]
    if question.solution_code:
        lines += ["", "Solution:", textwrap.indent(question.solution_code.rstrip(), "    ")]
    lines += ["", "Key points:"]
    lines += [
        textwrap.fill(point, WIDTH, initial_indent="  • ", subsequent_indent="    ")
        for point in question.key_points
    ]
    lines += ["", "Results: " + " · ".join(results.facts())]
    if results.written:
        lines.append("Written answers (`vote <n>` for the most helpful, not your own):")
        lines += [
            _wrap(f"{number}. {item.member_name}: {item.text}", "  ")
            for number, item in enumerate(results.written, 1)
        ]
    return "\n".join(lines)


def receipt(result: AnswerReceipt) -> str:
    lines = []
    question = result.question
    if result.choice is not None:
        chosen = question.choice(result.choice)
        if result.correct:
            lines.append(f"Right! {result.choice}) {chosen.text} — {chosen.why}")
        else:
            letter = question.correct_letter or "?"
            lines.append(f"Not quite: {result.choice}) {chosen.text} — {chosen.why}")
            lines.append(f"The answer is {letter}) {question.choice(letter).text}.")
    if result.wrote:
        lines.append("Written answer saved; it is shown beside the reference answer at the reveal.")
        if result.feedback is not None:
            lines += feedback_lines(result.feedback)
    lines.append(result.standing())
    return "\n".join(_wrap(line) for line in lines)


def leaderboard(board: Leaderboard) -> str:
    view = board_view(board)
    lines = [f"{view.title}:"]
    if view.empty:
        lines.append(f"  {view.empty}")
    lines += [f"  {line.rank:>3}. {line.name:<20} {line.points:>6}" for line in view.lines]
    lines.append(f"  ... {view.own}")
    return "\n".join(lines)


def stats(result: MemberStats) -> str:
    lines = [f"{label}: {value}" for label, value in stats_facts(result)]
    if result.topics:
        lines.append("By topic:")
        lines += [
            f"  {item.topic:<24} {item.correct}/{item.answered} ({item.accuracy:.0%})"
            for item in result.topics
        ]
    return "\n".join(lines)


def quiz_step(step: QuizStep) -> str:
    header = f"-- {step.kind.title()} {step.position + 1}/{step.total} · {step.question.difficulty} · {', '.join(step.question.topics)} --"
    return "\n".join(
        [
            header,
            *question_body(step.question),
            "",
            "Answer with `answer A`-`answer D` (`quiz stop` ends it).",
        ]
    )


def review_stats(result: ReviewStats) -> str:
    return "\n".join(f"{label}: {value}" for label, value in review_facts(result))


def weekly_points(points: WeeklyPoints) -> str:
    return "Weekly points: " + " · ".join(f"{label} {value}" for label, value in points.weeks)


def quiz_feedback(feedback: QuizFeedback) -> str:
    question = feedback.question
    chosen = question.choice(feedback.choice)
    letter = question.correct_letter or "?"
    if feedback.correct:
        lines = [f"Right! {feedback.choice}) {chosen.text} — {chosen.why}"]
    else:
        lines = [
            f"Not quite: {feedback.choice}) {chosen.text} — {chosen.why}",
            f"The answer is {letter}) {question.choice(letter).text} — {question.choice(letter).why}",
        ]
    text = "\n".join(_wrap(line) for line in lines)
    if feedback.next is None:
        text += f"\nQuiz done: {feedback.score}/{feedback.total} right."
    else:
        text += "\n\n" + quiz_step(feedback.next)
    return text


def status(result: ChannelStatus) -> str:
    timezone = result.subscription.schedule.timezone
    return "\n".join(f"{fact.label}: {_value(fact, timezone)}" for fact in status_facts(result))


def _value(fact: Fact, timezone: str) -> str:
    if fact.when is not None:
        return local_time(fact.when, timezone)
    if fact.members:
        return ", ".join(fact.members)
    return fact.role or fact.text


def nudge(outgoing: OutgoingNudge) -> str:
    parts = []
    if outgoing.due_reviews:
        parts.append(f"{outgoing.due_reviews} review(s) due: type `review`")
    for risk in outgoing.streaks_at_risk:
        parts.append(
            f"your {risk.streak}-day streak in #{risk.channel.channel_id} needs today's answer"
        )
    return f"[reminder for {outgoing.member.member_id}] " + "; ".join(parts)
