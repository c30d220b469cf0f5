"""Bolt's log lines that would mislead or flood an operator.

Unsigned requests stay out of the log: Bolt's signature check logs the whole body of every
request that fails it at INFO, so anyone could write a megabyte per request into the log.
`quiet_bolt_logs` puts a filter on that logger which turns such lines into DEBUG lines
(dropped unless DEBUG is on for Bolt) and cuts them to a couple of hundred characters.

Bolt also reads SLACK_BOT_TOKEN from the environment by itself and warns, at every start, that
it will not use it, because qotd hands it a client (with the token, or none when requests are
authorized per workspace): the warning says nothing an operator should act on.
"""

from __future__ import annotations

import logging

from slack_bolt.logger.messages import (
    warning_client_prioritized_and_token_skipped,
    warning_token_skipped,
)

# slack_bolt.middleware.request_verification: RequestVerification's logger, which its async
# subclass shares (`get_bolt_logger(RequestVerification)`); the second name guards a rename.
VERIFICATION_LOGGERS = ("slack_bolt.RequestVerification", "slack_bolt.AsyncRequestVerification")
KEPT_CHARACTERS = 200
APP_LOGGER = "slack_bolt.AsyncApp"
TOKEN_FROM_ENVIRONMENT_UNUSED = frozenset(
    {warning_client_prioritized_and_token_skipped(), warning_token_skipped()}
)


class UnsignedRequestFilter(logging.Filter):
    """Every line of the signature check becomes a short DEBUG line: it is about a request
    nobody vouched for, and its text (signature, timestamp, body) is the sender's."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.levelno, record.levelname = logging.DEBUG, logging.getLevelName(logging.DEBUG)
        # Handlers often accept every level and leave the choice to the logger: ask it again.
        if not logging.getLogger(record.name).isEnabledFor(logging.DEBUG):
            return False
        text = record.getMessage()
        if len(text) > KEPT_CHARACTERS:
            record.msg = f"{text[:KEPT_CHARACTERS]}… (cut: {len(text)} characters in all)"
            record.args = None
        return True


def quiet_bolt_logs() -> None:
    """Install the filters on Bolt's loggers (once per process)."""
    for name in VERIFICATION_LOGGERS:
        _add_once(logging.getLogger(name), UnsignedRequestFilter())
    _add_once(logging.getLogger(APP_LOGGER), UnusedTokenWarningFilter())


def _add_once(logger: logging.Logger, new: logging.Filter) -> None:
    if not any(isinstance(item, type(new)) for item in logger.filters):
        logger.addFilter(new)


class UnusedTokenWarningFilter(logging.Filter):
    """Drops Bolt's start-up warning that SLACK_BOT_TOKEN from the environment is unused."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() not in TOKEN_FROM_ENVIRONMENT_UNUSED
