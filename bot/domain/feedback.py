"""Which key points a written answer covers: local, explainable, fast.

Text is lower-cased, split into words, spelled one way (`-ise` as `-ize`), stemmed (Snowball
English) and stripped of function words; a pack's synonym groups ("l2 penalty", "ridge",
"weight decay") are read as one term. A key point is covered when, in one sentence of the
answer, either
- most of its distinctive terms appear (its terms that the question's prompt does not
  already contain: copying the prompt back covers nothing), or
- every term of one of its cues appears (another way to state the same claim).
An answer that is only a list of terms ("accuracy, baseline, recall, F1") covers nothing:
naming the words is not explaining them. Each covered point shows the member's own words that
matched it, and the first missed point is suggested from the reference key point itself.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

import snowballstemmer

from bot.domain.question import Question

_WORD = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+|;\s*")
_LIST_SEPARATORS = re.compile(r"[,;/\n•|]+|\s-\s")
_BRITISH = re.compile(r"is(ation|ations|e|ed|es|ing|er|ers)\b")
# Share of a key point's distinctive terms an answer must state, and the least that counts.
_SHARE = 0.6
# An answer reads as a bare list of terms when it has this many pieces or more, of at most
# this many words on average, with almost no function words.
_LIST_PIECES = 4
_LIST_WORDS = 3.0
_LIST_FUNCTION_SHARE = 0.15
STRONG_SHARE = 0.75

_FUNCTION_WORDS = """a about above after again against all also am an and any are aren't as at be because
    been before being below between both but by can cannot could did do does doing don't down
    during each either else etc few for from further get gets got had has have having he her
    here hers him his how i if in into is isn't it it's its itself just let like lot lots may
    me might more most much must my no nor not now of off often on once one only or other our
    ours out over own per quite rather really same say says she should so some such than that
    the their theirs them then there these they thing things this those though through thus
    to too under until up upon us use used uses using very via was we were what when where
    whether which while who whom why will with within without would yes yet you your yours
    i.e e.g eg ie"""
STOPWORDS = frozenset(_FUNCTION_WORDS.split())

_stemmer = snowballstemmer.stemmer("english")


class Strength(StrEnum):
    STRONG = "strong"  # most key points covered
    PARTIAL = "partial"
    MISSING = "missing"  # none covered


@dataclass(frozen=True, slots=True)
class PointFeedback:
    number: int  # from 1
    text: str  # the key point, as the pack states it
    covered: bool
    matched: tuple[str, ...] = ()  # the member's own words that covered it


@dataclass(frozen=True, slots=True)
class Feedback:
    points: tuple[PointFeedback, ...]
    strength: Strength
    term_list: bool = False  # the answer read as a bare list of terms
    judge: str | None = None  # None: this matcher; else the grader's model that judged it

    @property
    def covered(self) -> int:
        return sum(point.covered for point in self.points)

    @property
    def suggestion(self) -> str | None:
        """The first key point missed, as the reference states it."""
        missed = next((point for point in self.points if not point.covered), None)
        return missed.text if missed else None


def strength_of(points: Sequence[PointFeedback]) -> Strength:
    share = sum(point.covered for point in points) / len(points) if points else 0.0
    if share >= STRONG_SHARE:
        return Strength.STRONG
    return Strength.PARTIAL if share > 0 else Strength.MISSING


@lru_cache(maxsize=65_536)
def _stem(word: str) -> str:
    return str(_stemmer.stemWord(_BRITISH.sub(r"iz\1", word)))


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


class Matcher:
    """Feedback for one pack's questions (its synonym groups), with each question's key
    points prepared once."""

    def __init__(self, synonyms: Iterable[Sequence[str]] = ()) -> None:
        # Each phrase of a group, as a tuple of stems, maps to the group's one term.
        self._phrases: dict[tuple[str, ...], str] = {}
        for index, group in enumerate(synonyms):
            for phrase in group:
                stems = tuple(_stem(word) for word in _words(phrase))
                if stems:
                    self._phrases.setdefault(stems, f"~{index}")
        self._longest = max((len(stems) for stems in self._phrases), default=1)
        self._prepared: dict[str, _Prepared] = {}

    def check(self, question: Question, answer: str) -> Feedback:
        prepared = self._prepared.get(question.id)
        if prepared is None:
            prepared = self._prepared[question.id] = self._prepare(question)
        sentences = [self._terms(part) for part in _SENTENCE.split(answer) if part.strip()]
        term_list = _is_term_list(answer)
        points = []
        for number, (text, point) in enumerate(
            zip(question.key_points, prepared.points, strict=True), 1
        ):
            matched: set[str] = set()
            covered = False
            if not term_list:
                for terms in sentences:
                    found = _covers(point, terms)
                    if found is not None:
                        covered = True
                        matched |= {words for stem, words in terms if stem in found}
            points.append(PointFeedback(number, text, covered, tuple(sorted(matched))))
        return Feedback(tuple(points), strength_of(points), term_list)

    def _prepare(self, question: Question) -> _Prepared:
        prompt = {stem for stem, _ in self._terms(question.prompt)}
        points = []
        for index, text in enumerate(question.key_points):
            terms = {stem for stem, _ in self._terms(text)}
            distinctive = frozenset(terms - prompt) or frozenset(terms)
            cues = question.cues[index] if index < len(question.cues) else ()
            cue_terms = []
            for cue in cues:
                stems = frozenset(stem for stem, _ in self._terms(cue))
                if (
                    stems and not stems <= prompt
                ):  # a cue the prompt already states counts for nothing
                    cue_terms.append(stems)
            need = max(1, math.ceil(_SHARE * len(distinctive)))
            points.append(_Point(distinctive, need, tuple(cue_terms)))
        return _Prepared(tuple(points))

    def _terms(self, text: str) -> list[tuple[str, str]]:
        """(term, the words it came from) for each content word or synonym phrase."""
        words = _words(text)
        stems = [_stem(word) for word in words]
        terms: list[tuple[str, str]] = []
        position = 0
        while position < len(words):
            for size in range(min(self._longest, len(words) - position), 0, -1):
                group = self._phrases.get(tuple(stems[position : position + size]))
                if group is not None:
                    terms.append((group, " ".join(words[position : position + size])))
                    position += size
                    break
            else:
                if words[position] not in STOPWORDS:
                    terms.append((stems[position], words[position]))
                position += 1
        return terms


@dataclass(frozen=True, slots=True)
class _Point:
    distinctive: frozenset[str]
    need: int
    cues: tuple[frozenset[str], ...]


@dataclass(frozen=True, slots=True)
class _Prepared:
    points: tuple[_Point, ...]


def _covers(point: _Point, terms: list[tuple[str, str]]) -> frozenset[str] | None:
    """The terms of this sentence that cover the point, or None."""
    present = {stem for stem, _ in terms}
    for cue in point.cues:
        if cue <= present:
            return cue
    found = point.distinctive & present
    return frozenset(found) if len(found) >= point.need else None


def _is_term_list(answer: str) -> bool:
    pieces = [piece for piece in _LIST_SEPARATORS.split(answer) if piece.strip()]
    if len(pieces) < _LIST_PIECES:
        return False
    words = _words(answer)
    if not words:
        return False
    per_piece = len(words) / len(pieces)
    function_share = sum(word in STOPWORDS for word in words) / len(words)
    return per_piece <= _LIST_WORDS and function_share < _LIST_FUNCTION_SHARE
