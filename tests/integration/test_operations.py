"""Operating qotd: one process per SQLite file, waiting for the database, answers never
silently lost, backups, exports and the status report."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.errors import AnswerNotSaved, QotdError
from bot.operations import format_status, to_csv
from bot.services import answers, boards, posting, reports
from bot.services.answers import AnswerRequest
from bot.storage.backup import backup
from bot.storage.database import Database
from bot.storage.process_lock import DatabaseInUse, ProcessLock
from bot.storage.startup import connect_with_retry
from tests.conftest import CHANNEL, FIXTURES, member
from tests.integration.helpers import run_until, subscribe
from tests.processes import next_line

ROOT = Path(__file__).resolve().parents[2]


async def test_a_second_process_on_the_same_sqlite_file_is_refused(tmp_path):
    database = tmp_path / "qotd.db"
    # The holder says "held" once it has the lock, and keeps it until the test ends it.
    holder = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "import sys\nfrom bot.storage.process_lock import ProcessLock\n"
        f"from pathlib import Path\nwith ProcessLock(Path({str(database)!r})):\n"
        "    print('held', flush=True)\n    sys.stdin.read()",
        cwd=ROOT,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None
        line = await next_line(holder.stdout, holder, what="the holder to take the lock")
        assert line.strip() == "held"
        with (
            pytest.raises(DatabaseInUse, match=f"pid {holder.pid}.*PostgreSQL"),
            ProcessLock(database),
        ):
            pass
    finally:
        holder.kill()
        await holder.wait()
    with ProcessLock(database):  # free again once the other process is gone
        pass


def test_qotd_run_refuses_to_share_a_sqlite_file(tmp_path):
    database = tmp_path / "qotd.db"
    env = {
        **os.environ,
        "QOTD_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "QOTD_CONTENT_DIR": str(FIXTURES / "packs"),
        "QOTD_DEFAULT_PACK": "sample",
    }
    with ProcessLock(database):
        result = subprocess.run(
            [sys.executable, "-m", "qotd", "console"],
            input="help\n",
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            timeout=60,
        )
    assert result.returncode == 2
    assert "Another qotd process" in result.stderr and "Traceback" not in result.stderr


async def test_start_waits_for_a_database_that_comes_up_late(tmp_path, caplog):
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'late.db'}")
    real_upgrade = database.upgrade
    failures = iter([True, True, False])
    waits: list[float] = []

    async def flaky_upgrade() -> None:
        if next(failures):
            raise OperationalError("connect", {}, ConnectionRefusedError("connection refused"))
        await real_upgrade()

    async def no_sleep(seconds: float) -> None:
        waits.append(seconds)

    database.upgrade = flaky_upgrade  # type: ignore[method-assign]
    await connect_with_retry(database, sleep=no_sleep)
    assert len(waits) == 2 and waits[1] > waits[0]
    assert "unreachable (attempt 1 of 8)" in caplog.text
    await database.dispose()


async def test_a_database_that_never_comes_is_one_clear_error_without_the_password():
    database = Database("postgresql+asyncpg://qotd:hunter2@127.0.0.1:1/qotd")

    async def no_sleep(seconds: float) -> None:
        return None

    with pytest.raises(QotdError, match="Cannot reach the database") as raised:
        await connect_with_retry(database, attempts=2, sleep=no_sleep)
    assert "hunter2" not in raised.value.message
    await database.dispose()


async def test_an_answer_the_database_cannot_take_is_reported_not_saved(library, clock):
    from bot.bootstrap import build_core
    from bot.config import Settings

    unreachable = Database("postgresql+asyncpg://qotd@127.0.0.1:1/qotd")
    core = build_core(Settings(default_pack="sample"), unreachable, clock=clock, library=library)
    with pytest.raises(AnswerNotSaved, match="NOT saved"):
        await answers.submit(core, AnswerRequest(1, member("ana"), CHANNEL, written="my essay"))
    await unreachable.dispose()


def test_a_backup_is_a_working_copy_of_the_database(tmp_path):
    source = tmp_path / "qotd.db"
    with sqlite3.connect(source) as connection:
        connection.execute("CREATE TABLE t (x)")
        connection.execute("INSERT INTO t VALUES (42)")
    copy = backup(f"sqlite+aiosqlite:///{source}", tmp_path / "copies" / "qotd-backup.db")
    with sqlite3.connect(copy) as connection:
        assert connection.execute("SELECT x FROM t").fetchone() == (42,)
    with pytest.raises(QotdError, match="exists already"):
        backup(f"sqlite+aiosqlite:///{source}", copy)
    with pytest.raises(QotdError, match="pg_dump"):
        backup("postgresql+asyncpg://localhost/qotd", tmp_path / "x.db")


async def test_export_gives_a_groups_answers_streaks_and_board(core, clock, chat, channel):
    await subscribe(core, channel)
    clock.set(datetime(2026, 3, 2, 8, 1, tzinfo=UTC))
    await posting.tick(core, chat.chats)
    await answers.submit(
        core, AnswerRequest(chat.posts[-1].post_id, member("ana"), channel, written="=HYPERLINK(1)")
    )
    data = await reports.export_group(core, f"{channel.platform}:{channel.group_id}")
    assert [row["member_id"] for row in data["answers"]] == ["ana"]
    assert data["leaderboard"][0]["points"] == core.points.written
    assert data["streaks"][0]["current"] == 1
    json.dumps(data)
    assert "'=HYPERLINK(1)" in to_csv(data["answers"])  # no formula injection in spreadsheets
    with pytest.raises(QotdError, match="platform:id"):
        await reports.export_group(core, "nonsense")


async def test_status_lists_every_subscription_with_its_last_error(core, clock, chat, channel):
    from bot.ports import ChatError

    await subscribe(core, channel)
    clock.set(datetime(2026, 3, 2, 8, 1, tzinfo=UTC))
    chat.fail_with = ChatError("Missing Access in #general", permanent=True)
    await posting.tick(core, chat.chats)
    text = format_status(await reports.all_subscriptions(core))
    assert (
        f"test:{channel.group_id}/{channel.channel_id}  paused (Missing Access in #general)" in text
    )
    assert "last error: Missing Access in #general" in text


async def test_export_and_the_console_agree_a_streak_is_broken_by_a_post_closed_unanswered(
    core, clock, chat, channel
):
    await subscribe(core, channel)
    clock.set(datetime(2026, 3, 2, 8, 1, tzinfo=UTC))  # Monday's post, 09:01 in Berlin
    await posting.tick(core, chat.chats)
    await answers.submit(
        core, AnswerRequest(chat.posts[-1].post_id, member("ana"), channel, written="x")
    )
    group = f"{channel.platform}:{channel.group_id}"

    await run_until(core, clock, chat, datetime(2026, 3, 3, 9, 0, tzinfo=UTC))
    assert len(chat.posts) == 2  # Tuesday's post is open and not answered yet: the streak holds
    assert (await boards.member_streak(core, channel, member("ana"))).current == 1
    assert (await reports.export_group(core, group))["streaks"][0]["current"] == 1

    await run_until(core, clock, chat, datetime(2026, 3, 3, 17, 0, tzinfo=UTC))  # revealed
    assert (await boards.member_streak(core, channel, member("ana"))).current == 0
    [row] = (await reports.export_group(core, group))["streaks"]
    assert (row["member_id"], row["current"], row["best"]) == ("ana", 0, 1)


def qotd(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the real `qotd` command with extra environment variables."""
    return subprocess.run(
        [sys.executable, "-m", "qotd", *args],
        input="",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "QOTD_CONTENT_DIR": str(FIXTURES / "packs"), **env},
        timeout=120,
    )


def assert_one_line(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("qotd: ") and result.stderr.count("\n") == 1, result.stderr
    assert "hunter2" not in result.stderr + result.stdout
    for needle in needles:
        assert needle in result.stderr, result.stderr


@pytest.mark.parametrize("command", ["status", "console"])
@pytest.mark.parametrize("url", ["garbage", "postgres ql://ana:hunter2@db/qotd"])
def test_an_unparsable_database_url_is_one_line(command, url):
    result = qotd(command, QOTD_DATABASE_URL=url)
    assert_one_line(result, "QOTD_DATABASE_URL is not a database URL", "sqlite+aiosqlite")


@pytest.mark.parametrize("command", ["status", "console"])
@pytest.mark.parametrize(
    "url", ["nosuchdb://ana:hunter2@db/qotd", "postgresql+nosuchdriver://ana:hunter2@db/qotd"]
)
def test_a_database_url_with_an_unknown_driver_is_one_line(command, url):
    result = qotd(command, QOTD_DATABASE_URL=url)
    assert_one_line(result, "QOTD_DATABASE_URL", "cannot use", "***")


def test_a_database_url_with_a_driver_that_is_not_async_names_the_right_one(tmp_path):
    result = qotd("status", QOTD_DATABASE_URL=f"sqlite:///{tmp_path / 'qotd.db'}")
    assert_one_line(result, f"sqlite+aiosqlite:///{tmp_path / 'qotd.db'}")


def test_db_upgrade_in_a_folder_that_does_not_exist_is_one_line(tmp_path):
    path = tmp_path / "missing" / "qotd.db"
    result = qotd("db", "upgrade", QOTD_DATABASE_URL=f"sqlite+aiosqlite:///{path}")
    assert_one_line(result, f"folder {path.parent} does not exist")


def test_db_upgrade_on_a_postgresql_database_that_does_not_exist_is_one_line():
    from tests.conftest import _POSTGRES_PROBLEM, POSTGRES_URL

    if _POSTGRES_PROBLEM:
        pytest.skip(_POSTGRES_PROBLEM)
    url = make_url(POSTGRES_URL).set(password="hunter2", database="qotd_no_such_database")
    result = qotd("db", "upgrade", QOTD_DATABASE_URL=url.render_as_string(hide_password=False))
    assert_one_line(result, "'qotd_no_such_database' does not exist", "createdb")


def test_the_sqlite_lock_file_is_not_committed():
    for path in ("qotd.db.lock", "data/groups.db.lock"):
        result = subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT)
        assert result.returncode == 0, f"{path} is not in .gitignore"


async def test_status_shows_times_in_the_subscriptions_own_zone(core, clock, chat, channel):
    from bot.ports import ChatError

    await subscribe(core, channel)
    clock.set(datetime(2026, 3, 2, 8, 1, tzinfo=UTC))
    chat.fail_with = ChatError("Rate limited", permanent=False)
    await posting.tick(core, chat.chats)
    text = format_status(await reports.all_subscriptions(core))
    assert "next post:  Tue 3 Mar 09:00 CET" in text
    assert "last post:  Mon 2 Mar sending" in text  # tried once, to be retried
    assert "Rate limited Mon 2 Mar 09:01 CET" in text
    assert "2026-03" not in text and "+00:00" not in text


async def test_status_tells_the_two_autumn_half_past_twos_apart(core, clock, channel):
    await subscribe(core, channel, post_time="02:30")
    clock.set(datetime(2026, 10, 24, 12, 0, tzinfo=UTC))
    text = format_status(await reports.all_subscriptions(core))
    assert "next post:  Sun 25 Oct 02:30 CEST (UTC+02:00)" in text
