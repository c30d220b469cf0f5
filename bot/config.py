"""Settings from the environment (and an optional `.env` file), read once at start."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.clock import parse_instant
from bot.domain.schedule import zone
from bot.domain.scoring import PointsPolicy
from bot.errors import QotdError
from bot.logs import LogFormat
from bot.shards import Shards, parse_shards

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Every setting qotd reads; the README lists them with their defaults."""

    model_config = SettingsConfigDict(
        env_prefix="QOTD_", env_file=".env", extra="ignore", populate_by_name=True
    )

    database_url: str = "sqlite+aiosqlite:///qotd.db"
    database_schema: str | None = None
    content_dir: Path = PROJECT_ROOT / "content"
    default_pack: str = "ml"
    default_timezone: str = "UTC"
    grace_hours: float = Field(6.0, ge=0, le=48)
    tick_seconds: float = Field(30.0, gt=0, le=3600)
    # How long a worker may take to send a post or reveal before another worker may retry it.
    lease_seconds: float = Field(120.0, ge=5, le=3600)
    # How many posts (or reveals) one worker sends at once when many fall due together; the
    # Discord and Slack clients pace each request by the platform's rate limits.
    send_concurrency: int = Field(16, ge=1, le=500)
    max_written_chars: int = Field(4000, ge=100, le=20000)
    quiz_size: int = Field(5, ge=1, le=25)
    review_size: int = Field(10, ge=1, le=25)
    # FSRS spreads due dates a little (fuzz) so reviews learnt together do not all fall due
    # on the same day; set false for exactly reproducible intervals.
    review_fuzz: bool = True
    desired_retention: float = Field(0.9, ge=0.7, le=0.99)
    pictures_dir: Path = Path("qotd-pictures")
    # Where a new console database's clock starts (ISO 8601 with an offset); a console
    # database that has run before resumes from its own saved clock.
    console_start: datetime | None = None
    log_level: str = "INFO"
    # Where `/healthz` and `/metrics` are served (`qotd run --http-port`); unset: not served.
    http_port: int | None = Field(None, ge=0, le=65535)
    http_host: str = "0.0.0.0"
    # "json": one JSON object per log line, for a log collector.
    log_format: LogFormat = "text"

    points_beginner: int = Field(10, ge=0)
    points_intermediate: int = Field(15, ge=0)
    points_advanced: int = Field(20, ge=0)
    points_wrong: int = Field(2, ge=0)
    points_written: int = Field(5, ge=0)
    points_best_answer: int = Field(10, ge=0)
    # Added to a written answer per key point it covers (the local matcher's count; 0: off).
    points_per_key_point: int = Field(0, ge=0, le=100)
    # How long after the reveal members may vote for the most helpful written answer
    # (0: no votes).
    vote_hours: float = Field(12.0, ge=0, le=168)

    discord_token: SecretStr | None = Field(
        None, validation_alias=AliasChoices("QOTD_DISCORD_TOKEN", "DISCORD_TOKEN")
    )
    slack_bot_token: SecretStr | None = Field(None, validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(None, validation_alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(None, validation_alias="SLACK_APP_TOKEN")
    # Distribution to many workspaces (OAuth v2, HTTP mode): on when both are set; each
    # workspace's bot token is then kept in the database instead of SLACK_BOT_TOKEN.
    slack_client_id: str | None = Field(None, validation_alias="SLACK_CLIENT_ID")
    slack_client_secret: SecretStr | None = Field(None, validation_alias="SLACK_CLIENT_SECRET")
    # The bot scopes asked for at install, comma-separated (slack-manifest.yml's).
    slack_scopes: str = Field(
        "commands,chat:write,users:read,channels:read,groups:read,channels:history,"
        "groups:history,im:write,files:write",
        validation_alias="SLACK_SCOPES",
    )
    slack_install_path: str = "/slack/install"
    slack_redirect_path: str = "/slack/oauth_redirect"
    # The full Redirect URL registered with Slack; needed only when several are registered.
    slack_redirect_uri: str | None = None

    discord_app_id: int | None = None
    discord_shards: int | None = Field(None, ge=1, le=1000)
    # Which of the QOTD_DISCORD_SHARDS shards this process runs (`0-3`, `0,2,4`; default:
    # all), to split one bot's guilds across processes that share one database.
    discord_shard_ids: str | None = None
    discord_dev_guild: int | None = None
    # Base URL of the Slack Web API (tests point it at a local fake).
    slack_api_url: str = "https://slack.com/api/"

    # An optional grader for written answers behind an OpenAI-compatible chat completions
    # endpoint (a local model server, or a hosted one with a key). Off unless a URL is set;
    # after the timeout, or on any bad reply, the local key-point matcher's feedback stands.
    grader_url: str | None = None  # such as http://127.0.0.1:11434/v1
    grader_model: str = ""
    grader_key: SecretStr | None = None
    grader_timeout_seconds: float = Field(2.0, gt=0, le=30)

    @field_validator("grader_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError(
                "must start with http:// or https:// (such as http://127.0.0.1:11434/v1)"
            )
        return value or None

    @field_validator("discord_shard_ids")
    @classmethod
    def _shard_ids_within_count(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None or not value.strip():
            return None
        if "discord_shards" not in info.data:
            return value  # the count itself is bad: its own error says so
        count = info.data["discord_shards"]
        if count is None:
            raise ValueError(
                "set QOTD_DISCORD_SHARDS to the total shard count too (the same in every process)"
            )
        return ",".join(str(shard) for shard in sorted(parse_shards(value, count).ids))

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            zone(value)
        except QotdError as error:
            raise ValueError(error.message) from None
        return value

    @field_validator("console_start", mode="before")
    @classmethod
    def _aware_instant(cls, value: object) -> object:
        if isinstance(value, str):
            return parse_instant(value)
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ValueError("use DEBUG, INFO, WARNING or ERROR")
        return level

    @field_validator("log_format", mode="before")
    @classmethod
    def _known_format(cls, value: object) -> object:
        if isinstance(value, str) and value.lower() in ("text", "json"):
            return value.lower()
        raise ValueError("use text or json")

    @property
    def points(self) -> PointsPolicy:
        return PointsPolicy(
            beginner=self.points_beginner,
            intermediate=self.points_intermediate,
            advanced=self.points_advanced,
            wrong=self.points_wrong,
            written=self.points_written,
            best_answer=self.points_best_answer,
            per_key_point=self.points_per_key_point,
        )

    @property
    def discord_shard_set(self) -> Shards | None:
        """The Discord shards this process runs; None without sharding."""
        if self.discord_shards is None:
            return None
        if self.discord_shard_ids is None:
            return Shards.all_of(self.discord_shards)
        return parse_shards(self.discord_shard_ids, self.discord_shards)

    @property
    def discord_enabled(self) -> bool:
        return self.discord_token is not None

    @property
    def slack_oauth_enabled(self) -> bool:
        return bool(self.slack_client_id) and self.slack_client_secret is not None

    @property
    def slack_enabled(self) -> bool:
        return self.slack_bot_token is not None or self.slack_oauth_enabled


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning a bad value into one readable QotdError."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        problems = []
        for item in error.errors():
            name = ".".join(str(part) for part in item["loc"])
            env = name if name.isupper() else f"QOTD_{name.upper()}"
            problems.append(f"{env}: {item['msg']}")
        raise QotdError("Bad setting: " + "; ".join(problems)) from None
