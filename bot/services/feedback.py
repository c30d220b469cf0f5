"""Key-point feedback on a written answer, worked out after the answer is saved.

Each pack's matcher (with the pack's synonym groups) is built once per worker; a group's own
questions use the default pack's. Feedback is advice, never a condition: if it cannot be
worked out, the member still gets their receipt and the answer stands.
"""

from __future__ import annotations

import logging

from bot.content.loader import Library
from bot.domain.feedback import Feedback, Matcher
from bot.domain.question import Question

log = logging.getLogger(__name__)


class WrittenFeedback:
    def __init__(self, library: Library | None = None, default_pack: str = "") -> None:
        self._library = library
        self._default_pack = default_pack
        self._matchers: dict[str, Matcher] = {}

    def check(self, question: Question, text: str) -> Feedback | None:
        try:
            return self._matcher(question.pack).check(question, text)
        except Exception:
            log.exception("no key-point feedback for question %s", question.id)
            return None

    def _matcher(self, pack_id: str) -> Matcher:
        matcher = self._matchers.get(pack_id)
        if matcher is None:
            packs = self._library.packs if self._library else {}
            pack = packs.get(pack_id) or packs.get(self._default_pack)
            matcher = self._matchers[pack_id] = Matcher(pack.synonyms if pack else ())
        return matcher
