"""The console channel's commands: one local channel, members switched with `as <name>`."""

from __future__ import annotations

import contextlib
import logging
import re
import tempfile
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path

from adapters.console import render
from adapters.console.chat import PLATFORM, ConsoleChat
from adapters.console.group_questions import GroupQuestionCommands
from adapters.console.words import echo, no_words, parse_duration, strip_comment
from bot import pictures
from bot.clock import MovableClock
from bot.domain.identity import ChannelRef, MemberRef
from bot.domain.periods import Period, Scope
from bot.domain.schedule_words import parse_schedule_words
from bot.domain.study_words import MAX_SESSION, parse_quiz_words, parse_review_words
from bot.errors import NotSubscribed, QotdError
from bot.services import (
    answers,
    boards,
    members,
    nudges,
    posting,
    progress,
    quiz,
    review,
    subscriptions,
    timeline,
    votes,
)
from bot.services.access import Actor
from bot.services.context import Core
from bot.services.today import today

log = logging.getLogger(__name__)
SCHEDULE_USAGE = (
    "Usage: schedule <HH:MM> <Time/Zone> [days] [reveal after 8h | reveal at 17:00] "
    "[topics a,b] [difficulty beginner,intermediate] [pack ml] [thread]"
)
QUIZ_USAGE = (
    f"Usage: quiz [topic] [beginner|intermediate|advanced] [count 1-{MAX_SESSION}], or quiz stop"
)
REVIEW_USAGE = f"Usage: review [count 1-{MAX_SESSION}]"
CHANNEL = ChannelRef(PLATFORM, "local", "general")
# The name the console's clock is saved under, so the next session resumes from it.
CLOCK_NAME = "console"
# Commands that take no words after them.
BARE_COMMANDS = frozenset(
    {
        "status",
        "pause",
        "resume",
        "skip",
        "post-now",
        "unsubscribe",
        "today",
        "reveal-now",
        "streak",
        "stats",
        "topics",
        "next",
        "forget-me",
        "help",
        "suggestions",
    }
)

HELP = """\
Commands (one per line; `#` at the start or after a space begins a comment, except in
`write`, whose text is kept whole; `\\#` is a literal #):
  as <name>                      act as another member (default: you)
  schedule <HH:MM> <TZ> [days] [reveal after 8h|reveal at 17:00]
           [topics a,b] [difficulty beginner,intermediate] [pack ml] [thread]
                                 days: daily (default), weekdays, weekends, mon-fri, mon,wed,fri
                                 e.g. schedule 09:00 Europe/Berlin mon-fri
  status | pause | resume | skip | queue <question-id> | post-now | unsubscribe
  reveal-now                     close the open question now and post its answer
  admins <name...> | none        members who may run admin commands here (`none` clears)
  today                          show the current question
  answer <A-D>                   pick a choice (answers the quiz if one is running)
  write <text>                   send a written answer
  leaderboard [week|month|all] [group|channel] [chart]   `chart` also draws weekly points
  streak | stats | topics
  quiz [topic] [difficulty] [count]   start a practice quiz; `quiz stop` ends it
  review [count]                 review your due questions (spaced repetition)
  rate <again|hard|good|easy>    after a reveal, rate your written answer against the reference
  vote <n>                       after a reveal, vote for the most helpful written answer
  remind <HH:MM> [TZ] | remind off    a daily private reminder when reviews are due
  next                           move the clock to the next post, reveal or reminder
  advance <1d|3h|30m|1w>         move the clock forward, stopping at each post, reveal and reminder
  forget-me                      delete everything stored about the current member
  suggest <question> | <answer> [| <choices> [| <key points> [| <tags>]]]
                                 suggest a question; choices `*right -- why; wrong -- why; ...`,
                                 key points `a; b`, tags `intermediate, concept, evaluation`
  suggestions                    the suggestions waiting for review (admins)
  accept <n> [written-only] [field=value ...] | decline <n> [reason]
                                 fields: prompt, answer, choices, key_points, tags
  questions list | import <file> [dry-run] | export [file] | edit <id> <field>=<value> ...
            | retire <id> | source <0|1|N> | review-channel here|off
                                 the group's own questions; source 1: only them, N: one in N
  help | quit"""


class ConsoleSession:
    def __init__(
        self,
        core: Core,
        clock: MovableClock,
        write: Callable[[str], None],
        pictures: Path | None = None,
    ) -> None:
        self.core = core
        self.pictures = pictures
        self.clock = clock
        self.write = write
        self.chat = ConsoleChat(write)
        self.chats = {PLATFORM: self.chat}
        self.member = MemberRef(PLATFORM, "you", "you")
        self.quizzes: dict[str, int] = {}
        self._commands: dict[str, Callable[[str], Awaitable[None]]] = {
            "as": self._as,
            "schedule": self._schedule,
            "status": self._status,
            "pause": self._pause,
            "resume": self._resume,
            "skip": self._skip,
            "queue": self._queue,
            "post-now": self._post_now,
            "reveal-now": self._reveal_now,
            "admins": self._admins,
            "unsubscribe": self._unsubscribe,
            "today": self._today,
            "answer": self._answer,
            "write": self._write,
            "leaderboard": self._leaderboard,
            "streak": self._streak,
            "stats": self._stats,
            "topics": self._topics,
            "quiz": self._quiz,
            "review": self._review,
            "rate": self._rate,
            "vote": self._vote,
            "remind": self._remind,
            "advance": self._advance,
            "next": self._next,
            "forget-me": self._forget,
            "help": self._help,
        }
        self._commands.update(
            GroupQuestionCommands(
                core, CHANNEL, write, lambda: self.member, lambda: self.actor
            ).handlers()
        )

    @property
    def command_names(self) -> frozenset[str]:
        """Every command word this session takes (see bot.commands for the catalogue)."""
        return frozenset({*self._commands, "quit"})

    @property
    def actor(self) -> Actor:
        # Whoever sits at the console owns it: every member is an admin here.
        return Actor(self.member, is_admin=True)

    async def handle(self, line: str) -> bool:
        """Run one command line; False when the session should end."""
        word, _, rest = line.strip().partition(" ")
        word = word.lower()
        # A written answer is the member's own text and is taken whole, `#` included.
        text = line.strip() if word == "write" else strip_comment(line)
        if not text:
            return True
        word, _, rest = text.partition(" ")
        word, rest = word.lower(), rest.strip()
        if word in ("quit", "exit"):
            return False
        handler = self._commands.get(word)
        if handler is None:
            self.write(f"error: unknown command {echo(word)}. Type `help` for the list.")
            return True
        try:
            if word in BARE_COMMANDS:
                no_words(word, rest)
            await handler(rest)
        except QotdError as error:
            self.write(f"error: {error.message}")
        except Exception:
            log.exception("console command %r failed", word)
            self.write(f"error: {word!r} failed unexpectedly; the log has the details.")
        await self._save_clock()
        return True

    async def start(self, start: datetime | None, first_start: datetime) -> None:
        """Resume the clock saved with the database, or start it at `start`.

        A saved clock never goes back: a `start` before it is refused; a `start` after it
        moves forward through every post, reveal and reminder on the way. With neither,
        the clock starts at `first_start` (the entry point passes the wall clock's minute).
        """
        saved = await timeline.saved_clock(self.core, CLOCK_NAME)
        if saved is not None and start is not None and start < saved:
            raise QotdError(
                f"This database's console clock is already at {saved:%Y-%m-%dT%H:%MZ}; "
                "it never goes back. Start later, or use another database (QOTD_DATABASE_URL)."
            )
        resume = saved or start or first_start
        self.clock.advance_to(resume)
        if start is not None and start > resume:
            await timeline.advance_to(self.core, self.chats, self.clock, start)
        else:
            await posting.tick(self.core, self.chats)  # anything due when the console closed
        await self._save_clock()

    async def _save_clock(self) -> None:
        await timeline.save_clock(self.core, CLOCK_NAME, self.clock.now())

    async def _help(self, _: str) -> None:
        self.write(HELP)

    async def _as(self, args: str) -> None:
        name = args.strip()
        if not re.fullmatch(r"[\w.-]{1,32}", name):
            raise QotdError("Usage: as <name> (letters, digits, . _ -, up to 32 characters).")
        self.member = MemberRef(PLATFORM, name.lower(), name)
        self.write(f"You are now {name}.")

    async def _schedule(self, args: str) -> None:
        request = parse_schedule_words(args, SCHEDULE_USAGE)
        status = await subscriptions.schedule_channel(
            self.core,
            CHANNEL,
            self.actor,
            request.schedule,
            pack=request.pack,
            difficulties=request.difficulties,
            topics=request.topics,
            mention=request.mention,
            thread=request.thread,
        )
        self.write("Scheduled. " + render.status(status))

    async def _status(self, _: str) -> None:
        self.write(render.status(await subscriptions.channel_status(self.core, CHANNEL)))

    async def _pause(self, _: str) -> None:
        await subscriptions.pause(self.core, CHANNEL, self.actor)
        self.write("Paused. `resume` starts again from the next scheduled time.")

    async def _resume(self, _: str) -> None:
        self.write(
            "Resumed. " + render.status(await subscriptions.resume(self.core, CHANNEL, self.actor))
        )

    async def _skip(self, _: str) -> None:
        skipped = await subscriptions.skip_next(self.core, CHANNEL, self.actor)
        self.write(f"Skipped {skipped.id!r}; it comes back in the next round.")

    async def _queue(self, args: str) -> None:
        if not args:
            raise QotdError("Usage: queue <question-id> (ids are listed by `qotd content export`).")
        question = await subscriptions.queue_question(self.core, CHANNEL, self.actor, args)
        self.write(f"Queued {question.id!r} for the next post.")

    async def _post_now(self, _: str) -> None:
        await posting.post_now(self.core, self.chats, CHANNEL, self.actor)

    async def _unsubscribe(self, _: str) -> None:
        await subscriptions.unsubscribe(self.core, CHANNEL, self.actor)
        self.write("Schedule removed.")

    async def _today(self, _: str) -> None:
        current = await today(self.core, CHANNEL, self.member)
        state = "open" if current.open else "closed"
        lines = [
            f"Day {current.post.day_number} ({state})",
            *render.question_body(current.question),
        ]
        if current.my_choice:
            lines.append(f"Your pick: {current.my_choice}")
        if current.wrote:
            lines.append("You sent a written answer.")
        self.write("\n".join(lines))

    async def _answer(self, args: str) -> None:
        if not args:
            raise QotdError("Usage: answer <A-D>")
        quiz_id = self.quizzes.get(self.member.member_id)
        if quiz_id is not None:
            feedback = await quiz.answer_quiz(self.core, self.member, quiz_id, args)
            self.write(render.quiz_feedback(feedback))
            if feedback.finished:
                del self.quizzes[self.member.member_id]
                self.write("The quiz is over: `answer` picks for today's question again.")
            return
        current = await today(self.core, CHANNEL)
        result = await answers.submit(
            self.core, answers.AnswerRequest(current.post.id, self.member, CHANNEL, choice=args)
        )
        self.write(f"Day {current.post.day_number}: {render.receipt(result)}")

    async def _write(self, args: str) -> None:
        current = await today(self.core, CHANNEL)
        result = await answers.submit(
            self.core, answers.AnswerRequest(current.post.id, self.member, CHANNEL, written=args)
        )
        self.write(f"Day {current.post.day_number}: {render.receipt(result)}")

    async def _reveal_now(self, _: str) -> None:
        await posting.reveal_now(self.core, self.chats, CHANNEL, self.actor)

    async def _admins(self, args: str) -> None:
        names = [name.lstrip("@") for name in args.replace(",", " ").split()]
        if not names:
            raise QotdError("Usage: admins <name> [name...] | admins none")
        listed = [] if names == ["none"] else names
        await subscriptions.set_admins(self.core, CHANNEL, self.actor, listed)
        self.write(
            f"Channel admins: {', '.join(listed) or 'nobody'} "
            "(at the console every member may run admin commands anyway)."
        )

    async def _leaderboard(self, args: str) -> None:
        words = args.split()
        chart = "chart" in words
        words = [word for word in words if word != "chart"]
        if len(words) > 2:
            raise QotdError("Usage: leaderboard [week|month|all] [group|channel] [chart]")
        period = Period.parse(words[0] if words else None)
        scope = Scope.parse(words[1] if len(words) > 1 else None)
        board = await boards.leaderboard(self.core, CHANNEL, self.member, period, scope)
        self.write(render.leaderboard(board))
        if chart:
            points = await progress.weekly_points(self.core, CHANNEL, scope)
            self.write(render.weekly_points(points))
            picture = pictures.weekly_points_chart(points, f"Weekly points ({scope.value})")
            self.write(f"Picture: {self._save(picture, 'leaderboard')}")

    async def _streak(self, _: str) -> None:
        streak = await boards.member_streak(self.core, CHANNEL, self.member)
        self.write(f"{self.member.label}: streak {streak.describe()}")

    async def _stats(self, _: str) -> None:
        result = await progress.member_progress(self.core, self.member, CHANNEL)
        self.write(render.stats(result.stats))
        self.write(render.review_stats(result.review))
        picture = pictures.progress_card(result, f"{self.member.label}: progress")
        self.write(f"Picture: {self._save(picture, 'stats')}")

    def _save(self, picture: pictures.Picture, kind: str) -> Path:
        folder = self.pictures or Path(tempfile.gettempdir()) / "qotd-pictures"
        path = folder / f"{self.member.member_id}-{kind}.png"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_bytes(picture.png)
        except OSError as error:
            raise QotdError(
                f"Could not save the picture in {folder} ({error.strerror or error}); "
                "set QOTD_PICTURES_DIR to a folder you can write."
            ) from None
        return path

    async def _review(self, args: str) -> None:
        count = parse_review_words(args, REVIEW_USAGE)
        step = await review.start_review(self.core, self.member, count=count)
        await self._replace_session(step.quiz_id)
        self.write(render.quiz_step(step))

    async def _replace_session(self, quiz_id: int) -> None:
        """Track the member's new quiz or review, stopping (and saying so) a running one."""
        running = self.quizzes.get(self.member.member_id)
        if running is not None:
            with contextlib.suppress(QotdError):  # it may have ended already
                await quiz.stop_quiz(self.core, self.member, running)
            self.write("Your running quiz was stopped: the new one replaces it.")
        self.quizzes[self.member.member_id] = quiz_id

    async def _rate(self, args: str) -> None:
        current = await today(self.core, CHANNEL, self.member)
        rating = await review.rate_written(self.core, self.member, CHANNEL, current.post.id, args)
        self.write(
            f"Rated {rating.name.lower()}: the question comes back when FSRS says it is due."
        )

    async def _vote(self, args: str) -> None:
        written = self.chat.last_written
        try:
            number = int(args.strip())
        except ValueError:
            number = 0
        if not 1 <= number <= len(written) or written[number - 1].answer_id is None:
            raise QotdError(
                f"Usage: vote <n>, n from 1 to {len(written)} (the numbers of the last reveal's "
                "written answers)."
                if written
                else "There is no revealed written answer to vote for yet."
            )
        answer_id = written[number - 1].answer_id
        assert answer_id is not None
        self.write(await votes.vote(self.core, CHANNEL, self.member, answer_id))

    async def _remind(self, args: str) -> None:
        words = args.split()
        if not words or len(words) > 2 or (words[0] == "off" and len(words) > 1):
            raise QotdError("Usage: remind <HH:MM> [Time/Zone] or remind off")
        if words[:1] == ["off"]:
            stopped = await nudges.stop_reminder(self.core, self.member)
            self.write("Reminders are off." if stopped else "You had no reminder.")
            return
        when, tz = await nudges.set_reminder(
            self.core, self.member, words[0], words[1] if len(words) > 1 else None
        )
        self.write(
            f"You get one private reminder a day at {when:%H:%M} {tz} when reviews are due or a streak is at risk."
        )

    async def _topics(self, _: str) -> None:
        pack = self.core.library.pack(self.core.default_pack)
        counts = {topic: 0 for topic in pack.topics}
        for question in pack.questions:
            for topic in question.topics:
                counts[topic] += 1
        self.write(
            "\n".join(
                f"  {topic:<24} {counts[topic]:>4}  {text}" for topic, text in pack.topics.items()
            )
        )

    async def _quiz(self, args: str) -> None:
        words = args.split()
        if words[:1] == ["stop"]:
            no_words("quiz stop", " ".join(words[1:]))
            quiz_id = self.quizzes.pop(self.member.member_id, None)
            if quiz_id is None:
                raise QotdError("No quiz is running.")
            await quiz.stop_quiz(self.core, self.member, quiz_id)
            self.write("Quiz stopped.")
            return
        chosen = parse_quiz_words(args, QUIZ_USAGE)
        step = await quiz.start_quiz(
            self.core,
            self.member,
            topic=chosen.topic,
            difficulty=chosen.difficulty,
            count=chosen.count,
            channel=CHANNEL,
        )
        await self._replace_session(step.quiz_id)
        self.write(render.quiz_step(step))

    async def _advance(self, args: str) -> None:
        target = self.clock.now() + parse_duration(args)
        await timeline.advance_to(self.core, self.chats, self.clock, target)
        self.write(f"Clock: {await self._local_now()}")

    async def _next(self, _: str) -> None:
        stop = await timeline.next_event(self.core, self.chats, self.clock)
        if stop is None:
            raise QotdError(
                "Nothing is due in the next year: set a schedule with `schedule` "
                "or a reminder with `remind`."
            )
        what = " and ".join(stop.events) or "a reminder check (nothing due, so nothing sent)"
        self.write(f"Clock: {await self._local_now()}: {what}")

    async def _local_now(self) -> str:
        """The console's time in the channel's time zone (the default zone before a schedule)."""
        try:
            status = await subscriptions.channel_status(self.core, CHANNEL)
            timezone = status.subscription.schedule.timezone
        except NotSubscribed:
            timezone = self.core.default_timezone
        return render.local_time(self.clock.now(), timezone)

    async def _forget(self, _: str) -> None:
        removed = await members.forget_member(self.core, self.member)
        self.quizzes.pop(self.member.member_id, None)
        self.write(
            "Everything stored about you is deleted."
            if removed
            else "Nothing was stored about you."
        )
