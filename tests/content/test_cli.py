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


GROUP_FILE = """\
questions:
- id: our-onsite-question
  prompt: What does k-fold cross-validation estimate, and what does it cost?
  answer: How well the model does on data it was not fitted on, averaged over k held-out folds.
  key_points: [held-out performance, averaged over folds, k fits]
  difficulty: beginner
  category: concept
  topics: [validation]
"""


def test_a_group_questions_file_round_trips_through_import_export_and_validate(tmp_path):
    database = {"QOTD_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'qotd.db'}"}
    ours = tmp_path / "ours.yaml"
    ours.write_text(GROUP_FILE, encoding="utf-8")
    assert qotd("content", "validate", str(ours)).stdout.startswith("ok ")
    dry = qotd("questions", "import", "--group", "discord:42", str(ours), "--dry-run", **database)
    assert dry.returncode == 0 and "nothing was imported" in dry.stdout, dry.stderr
    done = qotd("questions", "import", "--group", "discord:42", str(ours), **database)
    assert "Imported 1 question" in done.stdout, done.stderr
    exported = qotd("questions", "export", "--group", "discord:42", **database)
    assert exported.returncode == 0, exported.stderr
    back = tmp_path / "back.yaml"
    back.write_text(exported.stdout, encoding="utf-8")
    assert qotd("content", "validate", str(back)).returncode == 0
    again = qotd("questions", "import", "--group", "discord:42", str(back), **database)
    assert again.returncode == 2 and "already has a question" in again.stderr


def test_validate_names_every_problem_of_a_group_questions_file(tmp_path):
    broken = tmp_path / "broken.csv"
    broken.write_text("id,prompt,answer\nq-1,Too short,Also short\n", encoding="utf-8")
    result = qotd("content", "validate", str(broken))
    assert result.returncode == 1
    assert (
        "row 2 (q-1): prompt:" in result.stdout
        and "row 2 (q-1): difficulty: missing" in result.stdout
    )
