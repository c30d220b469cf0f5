"""`qotd content ...` and `qotd db upgrade` as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[2]


def qotd(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "QOTD_CONTENT_DIR": str(FIXTURES / "packs"),
        "QOTD_DEFAULT_PACK": "sample",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "qotd", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
        timeout=120,
    )


def test_export_gives_every_field_of_every_question():
    result = qotd("content", "export", "--format", "json")
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert len(records) == 9
    expected = {
        "id",
        "pack",
        "prompt",
        "answer",
        "key_points",
        "difficulty",
        "category",
        "topics",
        "code",
        "choices",
    }
    assert all(set(record) == expected for record in records)
    assert set(records[0]["choices"][0]) == {"text", "correct", "why"}


def test_validate_passes_a_good_pack_and_fails_a_bad_one(tmp_path):
    assert qotd("content", "validate", str(FIXTURES / "packs" / "sample")).returncode == 0
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "pack.yaml").write_text("id: bad\ntitle: Bad\ntopics: {a: b}\n")
    (bad / "q.yaml").write_text("questions:\n  - id: x\n    prompt: short\n")
    result = qotd("content", "validate", str(bad))
    assert result.returncode == 1
    assert "q.yaml" in result.stdout and "'x'" in result.stdout


def test_list_and_stats_describe_the_pack():
    listing = qotd("content", "list")
    assert "sample: Sample pack for tests (9 questions)" in listing.stdout
    stats = qotd("content", "stats")
    assert (
        "difficulty:" in stats.stdout and "category:" in stats.stdout and "topic:" in stats.stdout
    )


def test_db_upgrade_creates_the_database(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
    result = qotd("db", "upgrade", QOTD_DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "fresh.db").exists()


def test_a_bad_setting_is_one_line_not_a_traceback():
    result = qotd("content", "list", QOTD_GRACE_HOURS="lots")
    assert result.returncode == 2
    assert "QOTD_GRACE_HOURS" in result.stderr
    assert "Traceback" not in result.stderr
