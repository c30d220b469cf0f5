"""A Chat that records what the core sends, and can be told to fail."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.domain.question import Question
from bot.ports import ChatError, OutgoingPost, OutgoingReveal, SentPost


@dataclass
class RecordingChat:
    platform_name: str
    posts: list[OutgoingPost] = field(default_factory=list)
    reveals: list[OutgoingReveal] = field(default_factory=list)
    fail_with: ChatError | None = None
    # Failures for the next posts or reveals only, used up one per send.
    post_failures: list[ChatError] = field(default_factory=list)
    reveal_failures: list[ChatError] = field(default_factory=list)
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
        if self.reveal_failures:
            raise self.reveal_failures.pop(0)
        self.reveals.append(reveal)
        self.events.append(("reveal", reveal.post_id))

    async def find_question(self, post: OutgoingPost) -> SentPost | None:
        """Look in the channel for the post's message, as a real platform lookup would."""
        for sent in self.posts:
            if sent.post_id == post.post_id:
                return SentPost(message_ref=f"msg-{sent.post_id}")
        return None

    async def find_reveal(self, reveal: OutgoingReveal) -> bool:
        return any(sent.post_id == reveal.post_id for sent in self.reveals)

    @staticmethod
    def posts_question(question_id: str, core: object) -> Question:
        """The pack question with this id (tests that send by hand need it)."""
        question = core.library.find(question_id)  # type: ignore[attr-defined]
        assert question is not None
        return question

    @property
    def chats(self) -> dict[str, RecordingChat]:
        return {self.platform_name: self}
