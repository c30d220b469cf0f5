"""A reminder is looked at only when it could have something to say: at its time, when a card
of the member falls due, and when a post goes out where the member keeps a streak; a quiet
reminder is not worked out again on every tick."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.review import Rating
from bot.services import answers, nudges, posting
from bot.services.answers import AnswerRequest
from bot.services.cards import Review, apply_reviews
from tests.conftest import member
from tests.integration.helpers import subscribe

MONDAY_7 = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # 08:00 in Berlin


def with_direct_messages(chat) -> list:
    sent: list = []

    async def send_nudge(nudge) -> None:
        sent.append(nudge)

    chat.send_nudge = send_nudge
    return sent


async def due_reminders(core, now: datetime) -> int:
    async with core.storage.read() as uow:
        return len(await uow.cards.due_nudges(["test"], now))


async def test_a_quiet_reminder_is_not_looked_at_again_until_tomorrow(core, clock, chat):
    sent = with_direct_messages(chat)
    clock.set(MONDAY_7)
    await nudges.set_reminder(core, member("ana"), "08:00", "Europe/Berlin")
    assert await due_reminders(core, clock.now()) == 1
    await posting.tick(core, chat.chats)  # nothing due, no streak: quiet
    assert sent == []
    for hours in (1, 6, 23):
        assert await due_reminders(core, MONDAY_7 + timedelta(hours=hours)) == 0
    assert await due_reminders(core, MONDAY_7 + timedelta(days=1)) == 1


async def test_a_card_scheduled_after_a_quiet_check_brings_the_reminder_forward(core, clock, chat):
    sent = with_direct_messages(chat)
    clock.set(MONDAY_7)
    await nudges.set_reminder(core, member("ana"), "08:00", "Europe/Berlin")
    await posting.tick(core, chat.chats)
    async with core.storage.write() as uow:  # a quiz answer schedules a card
        member_id = await uow.members.member_id(member("ana"), clock.now())
        cards = await apply_reviews(
            uow, core.spaced, [Review(member_id, "sample-1", Rating.AGAIN, "quiz")], clock.now()
        )
    due = cards[(member_id, "sample-1")].due
    assert due < MONDAY_7 + timedelta(days=1)
    assert await due_reminders(core, due - timedelta(seconds=1)) == 0
    clock.set(due)
    await posting.tick(core, chat.chats)
    assert [nudge.due_reviews for nudge in sent] == [1]


async def test_a_post_where_the_member_keeps_a_streak_brings_the_reminder_forward(
    core, clock, chat, channel
):
    sent = with_direct_messages(chat)
    clock.set(MONDAY_7 - timedelta(days=1, hours=1))  # Sunday morning
    await subscribe(core, channel)
    clock.set(MONDAY_7 - timedelta(days=1) + timedelta(hours=1, minutes=1))  # Sunday 09:01
    await posting.tick(core, chat.chats)
    await answers.submit(  # ana starts a streak on Sunday's question
        core, AnswerRequest(chat.posts[-1].post_id, member("ana"), channel, written="An answer")
    )
    clock.set(MONDAY_7)
    await nudges.set_reminder(core, member("ana"), "08:00", "Europe/Berlin")
    await posting.tick(core, chat.chats)  # Sunday's is revealed; nothing open yet: quiet
    assert sent == []
    clock.set(MONDAY_7 + timedelta(hours=1, minutes=1))  # Monday's question goes out
    await posting.tick(core, chat.chats)
    [nudge] = sent
    assert [(risk.channel, risk.streak) for risk in nudge.streaks_at_risk] == [(channel, 1)]


async def test_reminders_are_worked_out_page_by_page_each_with_its_own_facts(
    core, clock, chat, monkeypatch
):
    monkeypatch.setattr(nudges, "NUDGE_PAGE", 2)
    sent = with_direct_messages(chat)
    clock.set(MONDAY_7)
    names = ["ana", "ben", "cy", "dee", "eve"]
    for name in names:
        await nudges.set_reminder(core, member(name), "08:00", "Europe/Berlin")
    async with core.storage.write() as uow:  # only ben and eve have cards due
        for name, count in (("ben", 1), ("eve", 2)):
            member_id = await uow.members.member_id(member(name), clock.now())
            reviews = [
                Review(member_id, f"sample-{number}", Rating.AGAIN, "quiz")
                for number in range(1, count + 1)
            ]
            await apply_reviews(uow, core.spaced, reviews, clock.now() - timedelta(days=2))
    await posting.tick(core, chat.chats)
    assert sorted((nudge.member.member_id, nudge.due_reviews) for nudge in sent) == [
        ("ben", 1),
        ("eve", 2),
    ]
    assert await due_reminders(core, clock.now() + timedelta(minutes=1)) == 0
