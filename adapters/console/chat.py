"""The console's outbound side: posts and reveals are printed."""

from __future__ import annotations

from collections.abc import Callable

from adapters.console import render
from bot.ports import OutgoingNudge, OutgoingPost, OutgoingReveal, SentPost, WrittenAnswer

PLATFORM = "console"


class ConsoleChat:
    def __init__(self, write: Callable[[str], None]) -> None:
        self._write = write
        # The written answers of the latest reveal, numbered as shown, for `vote <n>`.
        self.last_written: tuple[WrittenAnswer, ...] = ()

    @property
    def platform(self) -> str:
        return PLATFORM

    async def send_question(self, post: OutgoingPost) -> SentPost:
        self._write(render.post(post))
        return SentPost(message_ref=f"console:{post.post_id}")

    async def send_reveal(self, reveal: OutgoingReveal) -> None:
        self.last_written = reveal.results.written
        if reveal.first_part == 0:  # the console prints a reveal as one message
            self._write(render.reveal(reveal))

    async def send_nudge(self, nudge: OutgoingNudge) -> None:
        self._write(render.nudge(nudge))
