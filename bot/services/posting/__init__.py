"""Posting due questions and revealing answers: exactly once per subscription and local day.

Every step is driven by database state, so a restart, a crash mid-send or a second worker
picks up where things stand: a post row is claimed under its unique (subscription, local
date) key before anything is sent, with its first send lease when it may go out at once
(`claim`); sending (`send`) and revealing (`reveal`) hold a lease on the row whose token
fences out a worker that lost it (`leases`). `tick` runs one scheduler beat; `admin` holds
an admin's early post and reveal.
"""

from bot.services.posting.admin import post_now, reveal_now
from bot.services.posting.claim import Claimed, Missed, claim_due_posts
from bot.services.posting.reveal import reveal_due_posts, reveal_post
from bot.services.posting.send import send_claimed, send_post
from bot.services.posting.tick import TickReport, next_wakeup, tick

__all__ = [
    "Claimed",
    "Missed",
    "TickReport",
    "claim_due_posts",
    "next_wakeup",
    "post_now",
    "reveal_due_posts",
    "reveal_now",
    "reveal_post",
    "send_claimed",
    "send_post",
    "tick",
]
