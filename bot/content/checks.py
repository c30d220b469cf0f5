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
MAX_LONGEST_CORRECT_SHARE = 0.25
NEAR_DUPLICATE = 0.75
# Words a wrong option gets caught by: "always", "never", "only"... mark it as a straw man.
ABSOLUTE = re.compile(
    r"\b(always|never|only|cannot|can't|all|none|guarantees?|guaranteed|must|every)\b", re.I
)
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
    if question.category is Category.CODING and not (question.code or question.solution_code):
        findings.append(
            Finding(question.id, "code", "a coding question needs code or solution_code")
        )
    for field, code in (("code", question.code), ("solution_code", question.solution_code)):
        if code:
            try:
                compile(code, f"<{question.id}>", "exec")
            except SyntaxError as error:
                findings.append(
                    Finding(
                        question.id, field, f"does not compile: {error.msg} (line {error.lineno})"
                    )
                )
    findings.extend(check_choices(question))
    if question.category is not Category.BEHAVIORAL and not question.choices:
        findings.append(
            Finding(
                question.id, "choices", "needs four choices (only behavioral questions have none)"
            )
        )
    return findings


def check_choices(question: Question) -> list[Finding]:
    """What makes a multiple-choice set answerable without knowing the subject."""
    if not question.choices:
        return []
    findings = []
    if not question.stem or not question.stem.rstrip().endswith("?"):
        findings.append(
            Finding(
                question.id, "stem", "a multiple-choice set needs a one-line question (ending in ?)"
            )
        )
    correct = next(choice for choice in question.choices if choice.correct)
    wrong = [choice for choice in question.choices if not choice.correct]
    if any(ABSOLUTE.search(choice.text) for choice in wrong) and not ABSOLUTE.search(correct.text):
        findings.append(
            Finding(
                question.id,
                "choices",
                "absolute words (always, never, only...) sit only in wrong options",
            )
        )
    asked = prompt_words(f"{question.prompt} {question.stem or ''}")
    echoes = [len(prompt_words(choice.text) & asked) for choice in question.choices]
    right = echoes[[choice.correct for choice in question.choices].index(True)]
    if right >= 2 and all(
        count == 0
        for count, choice in zip(echoes, question.choices, strict=True)
        if not choice.correct
    ):
        findings.append(
            Finding(
                question.id, "choices", "only the correct option repeats the question's key words"
            )
        )
    if question.code and gives_away(question.code, correct.text, [choice.text for choice in wrong]):
        findings.append(
            Finding(
                question.id,
                "code",
                "the code shown with the question contains or prints the correct option; move it to solution_code",
            )
        )
    return findings


def gives_away(code: str, answer: str, others: list[str] | None = None) -> bool:
    """Whether a context snippet holds the answer: the option's words in order (whole, or
    clause by clause), every number it names (a printed result such as `# 112 9472`), or the
    identifiers it names when no wrong option names as many."""
    code_tokens = _tokens(code)
    flat_code = " ".join(code_tokens)
    if len(" ".join(_tokens(answer))) >= 15 and " ".join(_tokens(answer)) in flat_code:
        return True
    clauses = [_tokens(part) for part in re.split(r"[,;]|\b(?:then|and|so)\b", answer)]
    found = sum(len(words) for words in clauses if len(words) >= 3 and " ".join(words) in flat_code)
    if found and found >= 0.6 * len(_tokens(answer)):
        return True
    numbers = set(re.findall(r"\d+(?:\.\d+)?", answer.replace(",", "")))
    # Small numbers (hours, counts, 0/1) are everywhere in code; a result such as 112 or 0.82
    # is not.
    significant = {number for number in numbers if len(number.replace(".", "")) >= 3}
    if len(significant) >= 2 and significant <= set(
        re.findall(r"\d+(?:\.\d+)?", code.replace(",", ""))
    ):
        return True
    shared = _identifiers(answer) & set(code_tokens)
    rivals = [len(_identifiers(other) & set(code_tokens)) for other in others or []]
    return len(shared) >= 2 and all(count < len(shared) for count in rivals)


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9_.]+", text.lower())


def _identifiers(text: str) -> set[str]:
    """Names that read as code (`n_samples`, `fit_transform`), not prose."""
    return {token for token in _tokens(text) if "_" in token.strip("_")}


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
                f"the correct choice is the longest on {share:.0%} of questions; keep it at most {MAX_LONGEST_CORRECT_SHARE:.0%}",
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
