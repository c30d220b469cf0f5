"""Log lines: text by default, one JSON object per line with QOTD_LOG_FORMAT=json, and no
secret in either."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.errors import QotdError
from bot.logs import log_handler, worker_id
from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[2]
SEND_LOGGER = "bot.services.posting.send"

# Shaped like the real thing, assembled so no scanner mistakes them for leaked credentials.
DISCORD_TOKEN = "MTA5ODc2NTQzMjEwOTg3NjU0Mw" + ".GaBcDe." + "k3y" * 13
SECRETS = {
    "slack bot token": ("sending with xoxb-1234-5678-" + "abcdEFGH", "xoxb-1234"),
    "slack user token": ("token=xoxp-99-88-" + "77abc ok", "xoxp-99"),
    "slack refresh token": ("got xoxe.xoxp-1-" + "Mi0yLTEy", "Mi0yLTEy"),
    "slack app token": ("socket mode with xapp-1-A0-" + "123-abcdef", "xapp-1-A0"),
    "discord bot token": (f"logging in with {DISCORD_TOKEN}", DISCORD_TOKEN),
    "authorization header": ("Authorization: Bot " + "s3cr3t-value", "s3cr3t-value"),
    "headers dict": ("{'Authorization': 'Bearer " + "g.key-123'}", "g.key-123"),
    "bearer alone": ("retrying with Bearer " + "tok_ABC.def", "tok_ABC.def"),
    "database url": (
        "database postgresql+asyncpg://qotd:" + "hunter2@db.internal:5432/qotd unreachable",
        "hunter2",
    ),
    "database url with a slash and an @ in the password": (
        "connecting to postgresql+asyncpg://qotd:" + "pa/ss@w0rd@db:5432/qotd",
        "pa/ss@w0rd",
    ),
}


def emit(
    log_format: str,
    message: str,
    *args: object,
    name: str = SEND_LOGGER,
    level: int = logging.WARNING,
    exc_info: logging._SysExcInfoType | None = None,
) -> str:
    """What one record logged through a `log_format` handler writes."""
    stream = io.StringIO()
    record = logging.LogRecord(name, level, __file__, 1, message, args, exc_info)
    log_handler(log_format, stream).handle(record)  # type: ignore[arg-type]
    return stream.getvalue()


def json_line(message: str, *args: object, **options: object) -> dict[str, str]:
    written = emit("json", message, *args, **options)  # type: ignore[arg-type]
    assert written.count("\n") == 1, written
    parsed: dict[str, str] = json.loads(written)
    return parsed


def raised(error: Exception) -> logging._SysExcInfoType:
    try:
        raise error
    except Exception:
        return sys.exc_info()


def test_a_json_line_has_the_time_level_logger_message_and_worker():
    line = json_line("tick: posted=%d revealed=%d", 3, 1, level=logging.INFO)
    assert line["level"] == "INFO"
    assert line["logger"] == SEND_LOGGER
    assert line["message"] == "tick: posted=3 revealed=1"
    assert line["worker"] == worker_id() == f"{socket.gethostname()}:{os.getpid()}"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["time"]), line["time"]
    assert "error" not in line


def test_the_context_pairs_of_a_message_get_keys_of_their_own():
    line = json_line(
        "post=%s group=%s subscription=%s channel=%s platform=%s send failed: %s",
        41,
        "T0123",
        7,
        "C9",
        "slack",
        "ratelimited",
    )
    assert {key: line[key] for key in ("post", "group", "subscription", "channel")} == {
        "post": "41",
        "group": "T0123",
        "subscription": "7",
        "channel": "C9",
    }
    assert line["platform"] == "slack"
    assert line["message"].startswith("post=41 group=T0123 ")
    assert "question" not in line and "date" not in line


def test_punctuation_after_a_pair_belongs_to_the_sentence():
    line = json_line("post=%s: lost the lease; worker=%s.", 12, "host-b:4242")
    assert line["post"] == "12"
    # A pair in the message says what the line is about, so it wins over this process's id.
    assert line["worker"] == "host-b:4242"
    assert "subscription" not in json_line("gave up (subscription lost)")


def test_the_exception_is_carried_under_error():
    line = json_line("sending post=%s failed", 5, exc_info=raised(ValueError("boom")))
    assert line["post"] == "5"
    assert "Traceback" in line["error"]
    assert line["error"].rstrip().endswith("ValueError: boom")


def test_text_lines_keep_their_format():
    written = emit("text", "posted post=%s", 3)
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} WARNING bot\.services\.posting\.send: posted post=3\n",
        written,
    ), written


@pytest.mark.parametrize("log_format", ["text", "json"])
@pytest.mark.parametrize("case", SECRETS.values(), ids=SECRETS.keys())
def test_secrets_never_reach_a_line(log_format, case):
    message, secret = case
    written = emit(log_format, "%s", message)
    assert secret not in written
    assert "***" in written
    from_error = emit(log_format, "failed", exc_info=raised(RuntimeError(message)))
    assert secret not in from_error and "RuntimeError" in from_error


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_a_library_logging_through_its_own_logger_is_masked_too(log_format):
    stream = io.StringIO()
    parent = logging.getLogger("tests.logs.parent")
    handler = log_handler(log_format, stream)  # type: ignore[arg-type]
    parent.addHandler(handler)
    parent.setLevel(logging.DEBUG)
    try:
        logging.getLogger("tests.logs.parent.library").debug(
            "POST chat.postMessage headers=%s", {"Authorization": "Bearer xoxb-7-8-" + "nine"}
        )
    finally:
        parent.removeHandler(handler)
    assert "xoxb-7-8" not in stream.getvalue()
    assert "chat.postMessage" in stream.getvalue()


def test_a_bad_format_string_does_not_print_its_arguments_unmasked(capsys):
    written = emit("json", "token %s %s", "xapp-1-" + "LEAKED")
    line = json.loads(written)
    assert "LEAKED" not in written
    assert "unformattable" in line["message"]
    assert "LEAKED" not in capsys.readouterr().err


def test_log_format_is_read_from_the_environment(monkeypatch):
    monkeypatch.delenv("QOTD_LOG_FORMAT", raising=False)
    assert load_settings().log_format == "text"
    monkeypatch.setenv("QOTD_LOG_FORMAT", "JSON")
    assert load_settings().log_format == "json"


def test_a_bad_log_format_is_one_readable_error(monkeypatch):
    monkeypatch.setenv("QOTD_LOG_FORMAT", "yaml")
    with pytest.raises(QotdError) as error:
        load_settings()
    assert error.value.message == "Bad setting: QOTD_LOG_FORMAT: Value error, use text or json"


@pytest.fixture
def console_environment(tmp_path: Path) -> Iterator[dict[str, str]]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("QOTD_", "SLACK_", "DISCORD_"))
    }
    yield environment | {
        "QOTD_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'logs.db'}",
        "QOTD_CONTENT_DIR": str(FIXTURES / "packs"),
        "QOTD_DEFAULT_PACK": "sample",
        "QOTD_PICTURES_DIR": str(tmp_path / "pictures"),
        "QOTD_CONSOLE_START": "2026-03-02T08:00Z",
        "QOTD_LOG_LEVEL": "INFO",
        "QOTD_LOG_FORMAT": "json",
    }


def test_every_line_a_real_process_logs_is_json(console_environment):
    result = subprocess.run(
        [sys.executable, "-m", "qotd", "console"],
        input="schedule 09:00 UTC daily reveal after 8h\nnext\nnext\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=console_environment,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(text) for text in result.stderr.splitlines()]
    posted = [line for line in lines if line["message"].startswith("posted post=")]
    assert len(posted) == 1, result.stderr
    assert posted[0]["logger"] == SEND_LOGGER
    assert posted[0]["level"] == "INFO"
    assert posted[0]["channel"] == "general" and posted[0]["post"] == "1"
    assert any(line["message"].startswith("revealed post=1") for line in lines)
    assert all(re.fullmatch(r".+:\d+", line["worker"]) for line in lines)
