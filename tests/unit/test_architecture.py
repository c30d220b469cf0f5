"""The core stays platform-agnostic and the domain stays plain Python."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLATFORM_SDKS = {"discord", "slack_bolt", "slack_sdk"}
INFRASTRUCTURE = {"sqlalchemy", "apscheduler", "alembic", "aiosqlite", "asyncpg", *PLATFORM_SDKS}


def imported_roots(folder: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in folder.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(str(path.relative_to(ROOT)))
    return found


def test_bot_imports_no_platform_sdk():
    offenders = {
        name: files for name, files in imported_roots(ROOT / "bot").items() if name in PLATFORM_SDKS
    }
    assert offenders == {}


def test_the_domain_imports_no_infrastructure():
    offenders = {
        name: files
        for name, files in imported_roots(ROOT / "bot" / "domain").items()
        if name in INFRASTRUCTURE
    }
    assert offenders == {}


def test_importing_the_whole_core_loads_no_platform_sdk():
    code = (
        "import sys, pkgutil, importlib, bot\n"
        "for m in pkgutil.walk_packages(bot.__path__, 'bot.'):\n"
        "    if m.name != 'bot.__main__': importlib.import_module(m.name)\n"
        f"print(sorted(n for n in sys.modules if n.split('.')[0] in {sorted(PLATFORM_SDKS)!r}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == "[]"


def test_core_code_never_reads_the_wall_clock():
    allowed = {ROOT / "bot" / "clock.py"}
    offenders = []
    for path in (ROOT / "bot").rglob("*.py"):
        if path in allowed:
            continue
        text = path.read_text(encoding="utf-8")
        for needle in ("datetime.now(", "datetime.utcnow(", "time.time(", "date.today("):
            if needle in text:
                offenders.append(f"{path.relative_to(ROOT)}: {needle}")
    assert offenders == []
