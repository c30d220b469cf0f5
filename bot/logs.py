"""Log lines on stderr: readable text by default, or one JSON object per line for a log
collector (`QOTD_LOG_FORMAT=json`). In both, secrets are masked before a line is written."""

from __future__ import annotations

import json
import logging
import os
import re
import socket
import sys
from datetime import UTC, datetime
from typing import IO, Literal

LogFormat = Literal["text", "json"]
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MASK = "***"

# The context that log lines carry as key=value pairs ("posted post=12 group=T01 ..."); a
# value ends at whitespace, and a trailing ":" "." "," ";" or ")" is the sentence's, not the
# value's (a worker's value, host:pid, keeps its inner colon).
CONTEXT = re.compile(
    r"\b(post|group|subscription|channel|platform|worker)=([^\s,;()]+?)(?=[:.,;)]?(?:\s|$))"
)

SECRETS = (
    # Slack bot, user, app-level and refresh tokens (xoxb-, xoxp-, xoxe.xoxp-, xapp-, ...).
    re.compile(r"\b(?:xox[abpre](?:\.xox[abpre])?|xapp)-[A-Za-z0-9-]+"),
    # Discord bot tokens: three base64url parts (user id, timestamp, signature).
    re.compile(r"\b[A-Za-z0-9_-]{23,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{27,}"),
    # The value of an Authorization header (Bearer, Bot or Basic credentials), as a header
    # line, a dict's repr or JSON.
    re.compile(
        r"(?i)(?<=authorization)(['\"]?\s*[:=]\s*['\"]?)(?:(?:bearer|bot|basic)\s+)?[^\s'\",}]+"
    ),
    re.compile(r"(?i)(?<=\bbearer\s)\s*[^\s'\",}]+"),
)
# A URL with a user (maybe a password) in it, without the sentence's punctuation after it.
URL_WITH_USER = re.compile(r"\b[a-z][a-z0-9+.-]*://\S*@\S*?(?=[.,;:)'\"]?(?:\s|$))", re.IGNORECASE)


def mask_secrets(text: str) -> str:
    """`text` with tokens, Authorization values and database passwords replaced by ***."""
    for pattern in SECRETS:
        text = pattern.sub(_masked, text)
    if "://" in text and "@" in text:
        # Loaded only when a URL with a user is there: `qotd content ...` never needs SQLAlchemy.
        from bot.storage.database import hide_password

        text = URL_WITH_USER.sub(lambda found: hide_password(found.group()), text)
    return text


def _masked(found: re.Match[str]) -> str:
    # An Authorization match keeps its separator (group 1) so the line still reads as a header.
    separator = found.group(1) if found.re.groups else ""
    return f"{separator}{MASK}"


def worker_id() -> str:
    """This process as `qotd status` names it: host:pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


class SecretsFilter(logging.Filter):
    """Masks secrets in a record's message and exception text, for every handler after it.

    It sits on the handler, not on a logger, so it also sees the records that libraries
    (slack_sdk, discord.py, SQLAlchemy) log through their own loggers.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            # A bad format string: logging's own report would print the arguments unmasked.
            message = f"unformattable log message {record.msg!r} with arguments {record.args!r}"
            record.msg, record.args = message, None
        masked = mask_secrets(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when it is set: the traceback is masked once, here.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_secrets(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_secrets(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, worker, the message's
    context pairs in their own keys, and the exception under `error`."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        line: dict[str, str] = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": message,
            "worker": worker_id(),
        }
        # A pair in the message names what the line is about, so it wins over the defaults.
        line.update(CONTEXT.findall(message))
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["error"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False)


def log_handler(log_format: LogFormat, stream: IO[str] | None = None) -> logging.Handler:
    """A handler writing `log_format` lines to `stream` (stderr), secrets masked."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(
        JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    )
    handler.addFilter(SecretsFilter())
    return handler


def configure_logging(level: str, log_format: LogFormat = "text") -> None:
    """Log lines go to stderr, so the console channel's stdout stays readable."""
    logging.basicConfig(level=level, handlers=[log_handler(log_format)])
    # Library chatter (migration steps, job-store bookkeeping) only when something is wrong.
    for name in ("alembic", "apscheduler"):
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLevelName(level)))
    # A skipped beat only means the previous one is still running (max_instances=1).
    logging.getLogger("apscheduler.scheduler").setLevel(logging.ERROR)
