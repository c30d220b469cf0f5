"""What `qotd content list|stats|export` print."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable

from bot.content.checks import correct_is_longest
from bot.content.loader import Library, Pack
from bot.domain.question import Category, Difficulty, Question


def list_packs(library: Library) -> str:
    lines = []
    for pack in library:
        lines.append(f"{pack.id}: {pack.title} ({len(pack)} questions)")
        if pack.description:
            lines.append(f"  {pack.description}")
    return "\n".join(lines)


def stats(pack: Pack) -> str:
    """Counts by difficulty, category and topic, and the multiple-choice balance."""
    questions = pack.questions
    lines = [f"pack {pack.id}: {len(questions)} questions"]
    lines += _counts(
        "difficulty", Counter(q.difficulty.value for q in questions), [d.value for d in Difficulty]
    )
    lines += _counts(
        "category", Counter(q.category.value for q in questions), [c.value for c in Category]
    )
    graded = [q for q in questions if q.choices]
    lines += _topics(pack, graded)
    lines += _counts(
        "correct letter", Counter(q.correct_letter or "-" for q in graded), list("ABCD")
    )
    if graded:
        longest = sum(1 for q in graded if correct_is_longest(q))
        lines.append(
            f"correct choice is the longest: {longest} of {len(graded)} ({longest / len(graded):.0%})"
        )
    lines.append(f"with code shown with the question: {sum(1 for q in questions if q.code)}")
    lines.append(
        f"with a solution shown at the reveal: {sum(1 for q in questions if q.solution_code)}"
    )
    words = sorted(len(q.answer.split()) for q in questions)
    if words:
        lines.append(
            f"answer words: min {words[0]}, median {words[len(words) // 2]}, max {words[-1]}"
        )
    return "\n".join(lines)


def _topics(pack: Pack, graded: list[Question]) -> list[str]:
    """Per topic: questions, and the share of its multiple-choice sets with a real stem."""
    lines = ["topic:                       questions  share  MC sets with a stem"]
    total = len(pack.questions) or 1
    for topic in pack.topics:
        count = sum(1 for q in pack.questions if topic in q.topics)
        sets = [q for q in graded if topic in q.topics]
        stemmed = sum(1 for q in sets if q.stem)
        share = f"{stemmed / len(sets):.0%} of {len(sets)}" if sets else "-"
        lines.append(f"  {topic:<24} {count:>6}  {count / total:>5.0%}  {share}")
    return lines


def _counts(title: str, counts: Counter[str], order: Iterable[str]) -> list[str]:
    total = sum(counts.values()) or 1
    lines = [f"{title}:"]
    for key in order:
        lines.append(f"  {key:<24} {counts.get(key, 0):>4}  {counts.get(key, 0) / total:>4.0%}")
    return lines


def export_json(questions: Iterable[Question]) -> str:
    """Every question with every field, in the pack format's names."""
    return json.dumps([as_record(question) for question in questions], indent=2, ensure_ascii=False)


def as_record(question: Question) -> dict[str, object]:
    return {
        "id": question.id,
        "pack": question.pack,
        "prompt": question.prompt,
        "answer": question.answer,
        "key_points": list(question.key_points),
        "difficulty": question.difficulty.value,
        "category": question.category.value,
        "topics": list(question.topics),
        "code": question.code,
        "choices": [
            {"text": choice.text, "correct": choice.correct, "why": choice.why}
            for choice in question.choices
        ],
    }
