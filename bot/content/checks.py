"""Quality checks a pack must pass before it ships (`qotd content validate`).

Loading already guarantees the schema; these checks cover what makes a pack good to study
from: answer length, key points, compiling snippets, balanced multiple choice, no
near-duplicate prompts.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import combinations

from bot.content.loader import Pack
from bot.domain.question import LETTERS, Category, Question

ANSWER_WORDS = (60, 250)
KEY_POINTS = (2, 5)
LETTER_SHARE = (0.20, 0.30)
MAX_LONGEST_CORRECT_SHARE = 0.40
NEAR_DUPLICATE = 0.75
# Balance is a property of a whole bank: below this many multiple-choice questions the
# shares swing too much to mean anything.
MIN_QUESTIONS_FOR_BALANCE = 20

_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "how",
        "i",
        "if",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "use",
        "used",
        "using",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
    ]
)


@dataclass(frozen=True, slots=True)
class Finding:
    question_id: str | None
    field: str
    problem: str

    def __str__(self) -> str:
        where = f"question {self.question_id!r}: " if self.question_id else ""
        return f"{where}{self.field}: {self.problem}"


def check_pack(pack: Pack) -> list[Finding]:
    """Every quality problem of a pack, question by question, then across the pack."""
    findings: list[Finding] = []
    for question in pack.questions:
        findings.extend(check_question(question))
    findings.extend(_check_balance(pack.questions))
    findings.extend(_check_near_duplicates(pack.questions))
    return findings


def check_question(question: Question) -> list[Finding]:
    findings = []
    words = len(question.answer.split())
    low, high = ANSWER_WORDS
    if not low <= words <= high:
        findings.append(Finding(question.id, "answer", f"{words} words; write {low}-{high}"))
    low, high = KEY_POINTS
    if not low <= len(question.key_points) <= high:
        findings.append(
            Finding(
                question.id, "key_points", f"{len(question.key_points)} points; give {low}-{high}"
            )
        )
    if question.category is Category.CODING and not question.code:
        findings.append(Finding(question.id, "code", "a coding question needs a code snippet"))
    if question.code:
        try:
            compile(question.code, f"<{question.id}>", "exec")
        except SyntaxError as error:
            findings.append(
                Finding(question.id, "code", f"does not compile: {error.msg} (line {error.lineno})")
            )
    if question.category is not Category.BEHAVIORAL and not question.choices:
        findings.append(
            Finding(
                question.id, "choices", "needs four choices (only behavioral questions have none)"
            )
        )
    return findings


def _check_balance(questions: tuple[Question, ...]) -> list[Finding]:
    graded = [question for question in questions if question.choices]
    if len(graded) < MIN_QUESTIONS_FOR_BALANCE:
        return []
    findings = []
    letters = Counter(question.correct_letter for question in graded)
    low, high = LETTER_SHARE
    for letter in LETTERS:
        share = letters[letter] / len(graded)
        if not low <= share <= high:
            findings.append(
                Finding(
                    None,
                    "choices",
                    f"correct letter {letter} on {share:.0%} of questions; keep each letter at 20-30%",
                )
            )
    longest = sum(1 for question in graded if correct_is_longest(question))
    share = longest / len(graded)
    if share > MAX_LONGEST_CORRECT_SHARE:
        findings.append(
            Finding(
                None,
                "choices",
                f"the correct choice is the longest on {share:.0%} of questions; keep it at most 40%",
            )
        )
    return findings


def correct_is_longest(question: Question) -> bool:
    lengths = [len(choice.text) for choice in question.choices]
    correct = next(len(choice.text) for choice in question.choices if choice.correct)
    return correct == max(lengths) and lengths.count(correct) == 1


def prompt_words(prompt: str) -> frozenset[str]:
    """The content words of a prompt, for near-duplicate detection."""
    words = re.findall(r"[a-z0-9]+", prompt.lower())
    return frozenset(word for word in words if word not in _STOPWORDS)


def similarity(first: frozenset[str], second: frozenset[str]) -> float:
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def _check_near_duplicates(questions: tuple[Question, ...]) -> list[Finding]:
    words = [(question.id, prompt_words(question.prompt)) for question in questions]
    findings = []
    for (first_id, first), (second_id, second) in combinations(words, 2):
        score = similarity(first, second)
        if score >= NEAR_DUPLICATE:
            findings.append(
                Finding(
                    first_id,
                    "prompt",
                    f"near-duplicate of {second_id!r} ({score:.0%} of words shared)",
                )
            )
    return findings
