"""Settings: defaults, and one readable line for a bad value."""

from __future__ import annotations

import pytest

from bot.config import load_settings
from bot.errors import QotdError


def test_defaults_need_no_configuration(monkeypatch):
    for name in ("QOTD_DATABASE_URL", "QOTD_DISCORD_TOKEN", "DISCORD_TOKEN", "SLACK_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert not settings.discord_enabled and not settings.slack_enabled


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("QOTD_DEFAULT_TIMEZONE", "Mars/Base", "QOTD_DEFAULT_TIMEZONE"),
        ("QOTD_GRACE_HOURS", "-1", "QOTD_GRACE_HOURS"),
        ("QOTD_LOG_LEVEL", "LOUD", "QOTD_LOG_LEVEL"),
        ("QOTD_POINTS_ADVANCED", "many", "QOTD_POINTS_ADVANCED"),
        ("QOTD_GRADER_URL", "localhost:11434", "QOTD_GRADER_URL"),
        ("QOTD_GRADER_TIMEOUT_SECONDS", "0", "QOTD_GRADER_TIMEOUT_SECONDS"),
    ],
)
def test_a_bad_setting_is_one_clear_error_naming_it(monkeypatch, name, value, fragment):
    monkeypatch.setenv(name, value)
    with pytest.raises(QotdError, match=fragment) as raised:
        load_settings()
    assert "\n" not in raised.value.message


def test_tokens_are_secret_in_reprs(monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-very-secret")
    settings = load_settings()
    assert settings.slack_enabled
    assert "xoxb-very-secret" not in repr(settings)
