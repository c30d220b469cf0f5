"""Operating qotd: one process per SQLite file, waiting for the database, answers never
silently lost, backups, exports and the status report."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from bot.errors import AnswerNotSaved, QotdError
from bot.operations import format_status, to_csv
from bot.services import answers, posting, reports
from bot.services.answers import AnswerRequest
from bot.storage.backup import backup
from bot.storage.database import Database
from bot.storage.process_lock import DatabaseInUse, ProcessLock
from bot.storage.startup import connect_with_retry
from tests.conftest import FIXTURES, member
from tests.integration.helpers import subscribe

ROOT = Path(__file__).resolve().parents[2]


def test_a_second_process_on_the_same_sqlite_file_is_refused(tmp_path):
    database = tmp_path / "qotd.db"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom bot.storage.process_lock import ProcessLock\n"
            f"from pathlib import Path\nwith ProcessLock(Path({str(database)!r})):\n    print('held', flush=True)\n    time.sleep(30)",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with (
            pytest.raises(DatabaseInUse, match=f"pid {holder.pid}.*PostgreSQL"),
            ProcessLock(database),
        ):
            pass
    finally:
        holder.kill()
        holder.wait()
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
            [sys.executable, "-m", "bot", "console"],
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
        await answers.submit(core, AnswerRequest(1, member("ana"), written="my essay"))
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
        core, AnswerRequest(chat.posts[-1].post_id, member("ana"), written="=HYPERLINK(1)")
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
