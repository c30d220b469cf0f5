"""Unsigned requests stay out of the log: Bolt's signature check logs the whole body of every
request that fails it at INFO, so anyone could write a megabyte per request into the log.

`quiet_unsigned_requests` puts a filter on that logger which turns such lines into DEBUG lines
(dropped unless DEBUG is on for Bolt) and cuts them to a couple of hundred characters.
"""

from __future__ import annotations

import logging

# slack_bolt.middleware.request_verification: RequestVerification's logger, which its async
# subclass shares (`get_bolt_logger(RequestVerification)`); the second name guards a rename.
VERIFICATION_LOGGERS = ("slack_bolt.RequestVerification", "slack_bolt.AsyncRequestVerification")
KEPT_CHARACTERS = 200


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


def quiet_unsigned_requests() -> None:
    """Install the filter on Bolt's signature-check logger (once per process)."""
    for name in VERIFICATION_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(item, UnsignedRequestFilter) for item in logger.filters):
            logger.addFilter(UnsignedRequestFilter())
