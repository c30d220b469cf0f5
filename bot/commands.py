"""Every command qotd understands, declared once for all front ends.

The console, Discord and Slack each offer every command here in their own idiom (console
words, a `/qotd` subcommand tree, `/qotd` words and modals) and take its one-line summary for
their help and command descriptions. A front end that offers a command some other way (a
button instead of a subcommand) says so here, with how; a command only one front end needs
is declared with it. `tests/contract/test_command_parity.py` holds every front end to this.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

CONSOLE = "console"
DISCORD = "discord"
SLACK = "slack"
FRONT_ENDS = (CONSOLE, DISCORD, SLACK)
SUMMARY_LIMIT = 100  # Discord's limit on a command description; the tightest of the three


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    summary: str  # one line a member reads in help and in Discord's command list
    usage: str = ""  # the words after the name, as the console and Slack read them
    admin: bool = False  # channel admins only (the core checks, whatever the front end)
    # Front ends that offer this some other way than as a command: front end -> how.
    elsewhere: Mapping[str, str] = field(default_factory=dict)
    # The front ends that offer it at all (the group's own questions: the console so far).
    front_ends: tuple[str, ...] = FRONT_ENDS

    def is_command_on(self, front_end: str) -> bool:
        return front_end in self.front_ends and front_end not in self.elsewhere


def _admin(name: str, summary: str, usage: str = "") -> Command:
    return Command(name, summary, usage, admin=True)


CATALOGUE: tuple[Command, ...] = (
    # For everyone
    Command("today", "Show the current question and how to answer it"),
    Command(
        "leaderboard",
        "The top members for a period, and your rank",
        "[week|month|all] [group|channel] [chart]",
    ),
    Command("streak", "A member's streak of answered posts here", "[member]"),
    Command("stats", "Your answers, accuracy by topic, reviews due and progress card"),
    Command("topics", "The topics of the question bank"),
    Command("quiz", "Start a private practice quiz", "[topic] [difficulty] [count] | stop"),
    Command("review", "Review your due questions privately (spaced repetition)", "[count]"),
    Command(
        "rate",
        "After a reveal, rate your written answer against the reference",
        "<again|hard|good|easy>",
        elsewhere={DISCORD: "the Again / Hard / Good / Easy buttons under the reveal"},
    ),
    Command(
        "vote",
        "After a reveal, vote for the most helpful written answer (not your own)",
        "<n>",
        elsewhere={
            DISCORD: "the Vote buttons under the reveal's written answers",
            SLACK: "the Vote buttons under the reveal's written answers",
        },
    ),
    Command(
        "remind",
        "A daily private reminder when reviews are due or a streak is at risk",
        "<HH:MM> [Time/Zone] | off",
    ),
    Command("forget-me", "Delete everything qotd stores about you"),
    Command("help", "How to use qotd"),
    # For admins
    _admin(
        "schedule",
        "Admin: set when and what this channel gets",
        "<HH:MM> <Time/Zone> [days] [reveal after 8h|reveal at 17:00] [topics a,b] "
        "[difficulty beginner,intermediate] [pack ml] [thread]",
    ),
    _admin("status", "Admin: this channel's schedule, next post and last error"),
    _admin("pause", "Admin: pause posting in this channel"),
    _admin("resume", "Admin: resume posting from the next scheduled time"),
    _admin("skip", "Admin: skip the question that would come next"),
    _admin("queue", "Admin: put a question first in line", "<question-id>"),
    _admin("unsubscribe", "Admin: remove this channel's schedule"),
    _admin("post-now", "Admin: post today's question now (a test post)"),
    _admin("reveal-now", "Admin: close the open question now and post its answer"),
    # The group's own questions.
    Command(
        "suggest",
        "Suggest a question for the group's admins to review",
        "<question> | <answer> [| <choices> [| <key points> [| <tags>]]]",
    ),
    Command(
        "suggestions",
        "Admin: the suggestions waiting for review",
        admin=True,
    ),
    Command(
        "accept",
        "Admin: add a suggestion to the group's questions",
        "<n> [written-only] [field=value ...]",
        admin=True,
    ),
    Command(
        "decline",
        "Admin: decline a suggestion, telling the member why",
        "<n> [reason]",
        admin=True,
    ),
    Command(
        "questions",
        "Admin: the group's own questions: list, import, export, edit, retire, source",
        "list | import <file> [dry-run] | export [file] | edit <id> <field>=<value> | retire <id> | source <0|1|N> | review-channel here|off",
        admin=True,
    ),
    _admin(
        "admins",
        "Admin: list, add or remove members who may run admin commands here",
        "[add|remove] [members]",
    ),
)

# Commands only one front end has, because only it needs them: front end -> name -> why.
FRONT_END_ONLY: Mapping[str, Mapping[str, str]] = {
    CONSOLE: {
        "as": "the console has no accounts: act as another member",
        "answer": "the answer buttons of a post or quiz, typed",
        "write": "the Write an answer form, typed",
        "next": "the console's own clock: move it to the next post, reveal or reminder",
        "advance": "the console's own clock: move it forward by a duration",
        "quit": "leave the console",
    },
    DISCORD: {},
    SLACK: {},
}


def command(name: str) -> Command:
    """The catalogue's command called `name`."""
    for entry in CATALOGUE:
        if entry.name == name:
            return entry
    raise KeyError(name)


def offered_on(front_end: str) -> tuple[Command, ...]:
    """The catalogue's commands a front end offers as commands, in catalogue order."""
    return tuple(entry for entry in CATALOGUE if entry.is_command_on(front_end))


def summary(name: str) -> str:
    return command(name).summary
