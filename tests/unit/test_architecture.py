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


def test_the_core_never_imports_the_front_ends_or_the_entry_points():
    offenders = {
        name: files
        for name, files in imported_roots(ROOT / "bot").items()
        if name in ("adapters", "qotd")
    }
    assert offenders == {}


def test_the_front_ends_never_import_the_entry_points():
    assert imported_roots(ROOT / "adapters").get("qotd") is None


def test_no_module_imports_itself_back_through_others():
    graph = module_graph(("bot", "adapters", "qotd"))
    assert import_cycles(graph) == []


def test_the_cycle_check_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert import_cycles(graph) == [["a", "b", "c"]]


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


def module_graph(packages: tuple[str, ...]) -> dict[str, set[str]]:
    """Each module of `packages` and the modules of `packages` it imports, wherever in the file
    (an import inside a function or under TYPE_CHECKING still ties the two together)."""
    paths = {
        _module_name(path): path for package in packages for path in (ROOT / package).rglob("*.py")
    }
    graph: dict[str, set[str]] = {}
    for module, path in paths.items():
        imported: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                # `from package import module` imports the module, not the package's names.
                names = [
                    f"{node.module}.{alias.name}"
                    if f"{node.module}.{alias.name}" in paths
                    else node.module
                    for alias in node.names
                ]
            else:
                continue
            for name in names:
                while name and name not in paths:
                    name = name.rpartition(".")[0]
                if name and name != module:
                    imported.add(name)
        graph[module] = imported
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import one another (strongly connected, Tarjan)."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        order[module] = low[module] = len(order)
        stack.append(module)
        for imported in sorted(graph.get(module, ())):
            if imported not in order:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], order[imported])
        if low[module] == order[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in sorted(graph):
        if module not in order:
            visit(module)
    return cycles


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
