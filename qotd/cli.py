"""The `qotd` command: run the bot, open the console channel, manage content and the database."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from bot.clock import parse_instant
from bot.config import Settings, load_settings
from bot.content.checks import check_pack
from bot.content.loader import PackError, load_library, load_pack
from bot.content.report import export_json, list_packs, stats
from bot.errors import QotdError
from bot.logs import configure_logging


def _command(
    group: argparse._SubParsersAction[argparse.ArgumentParser], name: str, summary: str
) -> argparse.ArgumentParser:
    """A subcommand whose `--help` page opens with the same line the command list shows."""
    return group.add_parser(name, help=summary, description=summary[0].upper() + summary[1:] + ".")


def _instant(text: str) -> datetime:
    try:
        return parse_instant(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qotd", description="A daily machine-learning interview question for study groups."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = _command(commands, "run", "start every front end whose credentials are set")
    run.add_argument(
        "--slack-http", action="store_true", help="serve Slack over HTTP instead of Socket Mode"
    )
    run.add_argument("--port", type=int, default=3000, help="port for --slack-http (default 3000)")
    run.add_argument(
        "--http-port",
        type=int,
        metavar="PORT",
        help="serve /healthz and /metrics on this port (default: QOTD_HTTP_PORT, else none)",
    )

    console = _command(commands, "console", "open a local console channel (no account needed)")
    console.add_argument(
        "--start",
        type=_instant,
        metavar="INSTANT",
        help="where a new console database's clock starts, such as 2026-03-02T08:00Z "
        "(default: QOTD_CONSOLE_START, else now); a database that has run before resumes "
        "from its own clock",
    )

    content = _command(commands, "content", "check and inspect question packs")
    content_commands = content.add_subparsers(
        dest="content_command", required=True, metavar="ACTION"
    )
    validate = _command(content_commands, "validate", "check packs: schema and quality")
    validate.add_argument(
        "path",
        nargs="?",
        type=Path,
        help="a pack folder, a folder of packs, or a group's questions file (.yaml or .csv, "
        "as `qotd questions export` writes) (default: all packs)",
    )
    _command(content_commands, "list", "list the packs")
    stats_parser = _command(content_commands, "stats", "counts by difficulty, category and topic")
    stats_parser.add_argument("--pack", help="pack id (default: every pack)")
    export = _command(content_commands, "export", "print every question")
    export.add_argument("--format", choices=["json"], default="json", help="output format (json)")
    export.add_argument("--pack", help="pack id (default: every pack)")

    _command(commands, "status", "list every subscription: next post, last post, last error")
    backup = _command(commands, "backup", "copy the SQLite database to PATH (safe while running)")
    backup.add_argument("path", type=Path, help="file to create")
    export_data = _command(commands, "export", "print a group's answers, streaks and leaderboard")
    export_data.add_argument(
        "--group", required=True, help="platform:id, such as discord:1234 or slack:T0123"
    )
    export_data.add_argument(
        "--format", choices=["json", "csv"], default="json", help="output format"
    )
    export_data.add_argument(
        "--table",
        choices=["answers", "streaks", "leaderboard"],
        help="with --format csv: which table to print (default answers)",
    )

    questions = _command(commands, "questions", "import or export a group's own questions")
    question_commands = questions.add_subparsers(
        dest="questions_command", required=True, metavar="ACTION"
    )
    for action, summary in (
        ("import", "add every question of a YAML or CSV file to a group, or none"),
        ("export", "print a group's questions in use as YAML (what import reads)"),
    ):
        parser_of = _command(question_commands, action, summary)
        parser_of.add_argument(
            "--group", required=True, help="platform:id, such as discord:1234 or slack:T0123"
        )
        if action == "import":
            parser_of.add_argument("file", type=Path, help="a .yaml or .csv file")
            parser_of.add_argument(
                "--dry-run", action="store_true", help="check every row and import nothing"
            )

    discord = _command(commands, "discord", "Discord set-up helpers")
    discord_commands = discord.add_subparsers(
        dest="discord_command", required=True, metavar="ACTION"
    )
    _command(discord_commands, "invite-url", "print the OAuth2 URL that adds the bot to a server")
    clear = _command(
        discord_commands,
        "clear-commands",
        "remove the copy of /qotd a development sync left in one server",
    )
    clear.add_argument("guild", type=int, metavar="SERVER_ID", help="the server's id")

    db = _command(commands, "db", "database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    _command(db_commands, "upgrade", "apply migrations up to the newest schema")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        overrides = {"console_start": args.start} if getattr(args, "start", None) else {}
        if getattr(args, "http_port", None) is not None:
            overrides["http_port"] = args.http_port
        settings = load_settings(**overrides)
        console = args.command == "console" or (
            args.command == "run"
            and not (settings.discord_enabled or settings.slack_enabled or args.slack_http)
        )
        quiet = console and "QOTD_LOG_LEVEL" not in os.environ
        # The console is a conversation on stdout: only problems belong in its log.
        configure_logging("WARNING" if quiet else settings.log_level, settings.log_format)
        return _dispatch(args, settings)
    except QotdError as error:
        print(f"qotd: {error.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`qotd content export | head`): stop quietly, and point stdout
        # at nothing so the interpreter's final flush does not complain either.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "content":
        return _content(args, settings)
    if args.command == "discord":
        return _discord(args, settings)
    if args.command == "questions":
        from bot.operations import run_questions

        return asyncio.run(run_questions(args, settings))
    if args.command in ("status", "export"):
        from bot.operations import run_report

        return asyncio.run(run_report(args, settings))
    if args.command == "backup":
        from bot.storage.backup import backup

        print(f"backed up to {backup(settings.database_url, args.path)}")
        return 0
    if args.command == "db":
        from bot.storage.database import hide_password, upgrade_database

        asyncio.run(upgrade_database(settings.database_url, settings.database_schema))
        print(f"database is at the newest schema ({hide_password(settings.database_url)})")
        return 0
    from qotd.app import run_bot, run_console

    if args.command == "console":
        return asyncio.run(run_console(settings))
    return asyncio.run(run_bot(settings, slack_http=args.slack_http, port=args.port))


def _discord(args: argparse.Namespace, settings: Settings) -> int:
    if args.discord_command == "clear-commands":
        from adapters.discord.dev_guild import clear_guild_commands

        asyncio.run(clear_guild_commands(settings, args.guild))
        print(f"Removed qotd's commands from server {args.guild}; the global /qotd stays.")
        return 0
    from adapters.discord.invite import invite_url

    print(invite_url(settings))
    return 0


def _content(args: argparse.Namespace, settings: Settings) -> int:
    if args.content_command == "validate":
        return _validate(args.path or settings.content_dir)
    library = load_library(settings.content_dir)
    packs = [library.pack(args.pack)] if getattr(args, "pack", None) else list(library)
    if args.content_command == "list":
        print(list_packs(library))
    elif args.content_command == "stats":
        print("\n\n".join(stats(pack) for pack in packs))
    else:
        print(export_json(question for pack in packs for question in pack.questions))
    return 0


def _validate(path: Path) -> int:
    if path.is_file():
        return _validate_questions_file(path)
    folders = (
        [path]
        if (path / "pack.yaml").exists()
        else sorted(p.parent for p in path.glob("*/pack.yaml"))
    )
    if not folders:
        raise PackError(path, "no pack here (a pack is a folder with a pack.yaml)")
    failed = False
    for folder in folders:
        try:
            pack = load_pack(folder)
        except PackError as error:
            print(f"FAIL {error.message}")
            failed = True
            continue
        findings = check_pack(pack)
        for finding in findings:
            print(f"FAIL {folder}: {finding}")
        failed |= bool(findings)
        if not findings:
            print(f"ok   {folder}: {len(pack)} questions")
    return 1 if failed else 0


def _validate_questions_file(path: Path) -> int:
    """A group's questions file, checked as `qotd questions import` checks it."""
    from bot.config import load_settings
    from bot.content.records import QuestionsRejected, file_format, parse_questions

    library = load_library(load_settings().content_dir)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PackError(path, f"cannot read the file ({error})") from None
    topics = {topic for pack in library for topic in pack.topics}
    try:
        questions = parse_questions(text, file_format(path.name), topics)
    except QuestionsRejected as rejected:
        print(f"FAIL {path}: {rejected.message}")
        return 1
    print(f"ok   {path}: {len(questions)} questions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
