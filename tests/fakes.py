"""A Chat that records what the core sends, and can be told to fail."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.domain.question import Question
from bot.ports import ChatError, OutgoingPost, OutgoingReveal, SentPost
from bot.services.context import Core
from bot.services.posting import Claimed, claim_due_posts


@dataclass(frozen=True)
class PartWay:
    """A reveal failure after `parts` more of its messages went out."""

    parts: int
    error: ChatError


@dataclass
class RecordingChat:
    platform_name: str
    posts: list[OutgoingPost] = field(default_factory=list)
    reveals: list[OutgoingReveal] = field(default_factory=list)
    fail_with: ChatError | None = None
    # Failures for the next posts or reveals only, used up one per send.
    post_failures: list[ChatError] = field(default_factory=list)
    reveal_failures: list[ChatError | PartWay] = field(default_factory=list)
    # How many messages each reveal takes, and every reveal message sent as (post id, part).
    reveal_parts: int = 1
    reveal_messages: list[tuple[int, int]] = field(default_factory=list)
    # Every send in order, as ("post" | "reveal", post id): for order checks.
    events: list[tuple[str, int]] = field(default_factory=list)

    @property
    def platform(self) -> str:
        return self.platform_name

    async def send_question(self, post: OutgoingPost) -> SentPost:
        if self.fail_with is not None:
            raise self.fail_with
        if self.post_failures:
            raise self.post_failures.pop(0)
        self.posts.append(post)
        self.events.append(("post", post.post_id))
        return SentPost(
            message_ref=f"msg-{post.post_id}",
            thread_ref=f"thread-{post.post_id}" if post.thread else None,
        )

    async def send_reveal(self, reveal: OutgoingReveal) -> None:
        if self.fail_with is not None:
            raise self.fail_with
        failure = self.reveal_failures.pop(0) if self.reveal_failures else None
        if isinstance(failure, ChatError):
            raise failure.after_parts(reveal.first_part)
        last = self.reveal_parts if failure is None else reveal.first_part + failure.parts
        for part in range(reveal.first_part, min(last, self.reveal_parts)):
            self.send_reveal_part(reveal, part)
        if failure is not None:
            raise failure.error.after_parts(min(last, self.reveal_parts))

    def send_reveal_part(self, reveal: OutgoingReveal, part: int) -> None:
        self.reveal_messages.append((reveal.post_id, part))
        if part == 0:
            self.reveals.append(reveal)
            self.events.append(("reveal", reveal.post_id))

    async def find_question(self, post: OutgoingPost) -> SentPost | None:
        """Look in the channel for the post's message, as a real platform lookup would."""
        for sent in self.posts:
            if sent.post_id == post.post_id:
                return SentPost(message_ref=f"msg-{sent.post_id}")
        return None

    async def find_reveal(self, reveal: OutgoingReveal) -> int:
        parts = [part for post_id, part in self.reveal_messages if post_id == reveal.post_id]
        return max(parts, default=-1) + 1

    @staticmethod
    def posts_question(question_id: str, core: object) -> Question:
        """The pack question with this id (tests that send by hand need it)."""
        question = core.library.find(question_id)  # type: ignore[attr-defined]
        assert question is not None
        return question

    @property
    def chats(self) -> dict[str, RecordingChat]:
        return {self.platform_name: self}


async def claimed_by_a_dying_worker(core: Core, platforms: list[str]) -> list[Claimed]:
    """A worker claims every due post, each with its first send lease, and dies before
    sending any: the posts wait for their leases to run out."""
    return [due async for due in claim_due_posts(core, platforms) if isinstance(due, Claimed)]
