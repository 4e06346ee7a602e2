"""The ``nianbao`` command: check and render report data files, and run the bot."""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import sys
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from bot import texts
from bot.chat.clean import valid_agency_name
from bot.config import Settings, SettingsError, load_settings
from bot.importer.cli import add_command as add_import_command
from bot.importer.cli import agency_option, year_option
from bot.render import RenderError, render
from bot.report import datafile
from bot.report.checks import check, errors
from bot.schema import Level, Severity

if TYPE_CHECKING:
    from sqlmodel import Session

EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE = 0, 1, 2


def _load(path: str) -> datafile.Report:
    try:
        return datafile.load(path)
    except datafile.DataFileError as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_UNREADABLE) from None


def cmd_check(args: argparse.Namespace) -> int:
    report = _load(args.file)
    previous = _load(args.previous) if args.previous else None
    findings = check(report, previous)
    for finding in findings:
        print(f"{texts.SEVERITY_NAMES[finding.severity]} {finding.rule} {finding}")
    if not findings:
        print(texts.CHECK_CLEAN)
    else:
        errs = len(errors(findings))
        print(texts.CHECK_SUMMARY.format(errors=errs, warnings=len(findings) - errs))
    return EXIT_FINDINGS if any(f.severity is Severity.ERROR for f in findings) else EXIT_OK


def cmd_render(args: argparse.Namespace) -> int:
    report = _load(args.file)
    out = Path(args.output)
    try:
        render(report, out)
    except RenderError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_FINDINGS
    except OSError as exc:
        print(texts.WRITE_FAILED.format(path=out, reason=exc.strerror or exc), file=sys.stderr)
        return EXIT_FINDINGS
    print(texts.RENDERED.format(path=out))
    return EXIT_OK


TOKEN_SHAPE = re.compile(r"^\d{5,}:[A-Za-z0-9_-]{20,}$")


class RedactToken(logging.Filter):
    """Belt and braces: whatever a library logs, the token is replaced before it is written."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.token in message:
            record.msg, record.args = message.replace(self.token, "<token>"), None
        if record.exc_info and record.exc_info[1] and self.token in str(record.exc_info[1]):
            record.exc_text = logging.Formatter().formatException(record.exc_info).replace(self.token, "<token>")
        return True


def setup_logging(settings: Settings, token: str) -> None:
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=settings.log_level.upper())
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its request lines contain the token
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactToken(token))


def cmd_run(args: argparse.Namespace) -> int:
    from telegram.error import InvalidToken, NetworkError

    from bot.chat.app import build_application
    from bot.delivery.run import serve

    settings = load_settings()
    token = settings.telegram_bot_token.get_secret_value().strip() if settings.telegram_bot_token else ""
    if not token:
        return _run_web(settings)
    if not TOKEN_SHAPE.match(token):
        print(texts.TOKEN_MALFORMED, file=sys.stderr)
        return EXIT_UNREADABLE
    setup_logging(settings, token)
    app = build_application(settings)
    try:
        asyncio.run(serve(app, settings))
    except InvalidToken:
        print(texts.TOKEN_REJECTED, file=sys.stderr)
        return EXIT_UNREADABLE
    except NetworkError as exc:
        print(
            texts.API_UNREACHABLE.format(url=settings.telegram_api_url, reason=str(exc).replace(token, "<token>")),
            file=sys.stderr,
        )
        return EXIT_FINDINGS
    return EXIT_OK


def _run_web(settings: Settings) -> int:
    """Without a Telegram token: the same bot with its chat page (bot/web) on WEB_LISTEN."""
    from bot.web.botapi import new_token
    from bot.web.run import serve_web

    token = new_token()
    setup_logging(settings, token)
    print(_first_start(), file=sys.stderr)
    try:
        asyncio.run(serve_web(settings, token=token, announce=lambda line: print(line, flush=True)))
    except OSError as exc:
        print(texts.WEB_LISTEN_FAILED.format(listen=settings.web_listen, reason=exc.strerror or exc), file=sys.stderr)
        return EXIT_UNREADABLE
    return EXIT_OK


def _first_start() -> str:
    """How to add Telegram when the bot has no token yet (the README's run command shows it the first time)."""
    env = Path.cwd() / ".env"
    found = env.is_file()
    return texts.TOKEN_MISSING.format(
        env=env,
        env_state=texts.ENV_FOUND if found else texts.ENV_MISSING,
        env_state_en=texts.ENV_FOUND_EN if found else texts.ENV_MISSING_EN,
    )


def cmd_invite(args: argparse.Namespace) -> int:
    from bot.chat.service import Walk
    from storage import repo
    from storage.db import make_engine, upgrade

    settings = load_settings()
    name = args.name.strip()
    if not 2 <= len(name) <= 100 or "\n" in name:
        print(texts.INVITE_NAME_INVALID, file=sys.stderr)
        return EXIT_UNREADABLE
    engine = make_engine(settings.database_url)
    upgrade(engine)
    walk = Walk(engine, timezone=settings.timezone, invite_ttl_days=settings.invite_ttl_days)
    with walk.session() as session:
        known = repo.get_agency_by_name(session=session, name=name) is not None
    if not known and args.level is None:  # as in the chat: a new agency's level is asked, never assumed
        print(texts.CLI_INVITE_LEVEL_NEEDED.format(agency=name), file=sys.stderr)
        return EXIT_UNREADABLE
    level = Level(args.level or Level.DEPARTMENT)  # an existing agency keeps its own level
    code, agency = walk.invite(name=name, level=level, created_by=None)
    username, problem = _bot_username(settings)
    names = {"agency": agency.name, "level": texts.LEVEL_NAMES[agency.level], "days": settings.invite_ttl_days}
    if username:
        print(texts.INVITE_CREATED.format(link=f"https://t.me/{username}?start={code}", code=code, **names))
    else:
        print(texts.CLI_INVITE_NO_LINK.format(problem=problem, code=code, **names))
    return EXIT_OK


@contextmanager
def _office(settings: Settings) -> Iterator[tuple[Session, dict[Level, tuple[int, int]]]]:
    """A session on the bot's database (brought up to date) and the configured deadlines."""
    from sqlmodel import Session

    from storage.db import make_engine, upgrade

    engine = make_engine(settings.database_url)
    upgrade(engine)
    schedule = settings.schedule()
    deadlines = {Level.DEPARTMENT: schedule.deadline_department, Level.GOVERNMENT: schedule.deadline_government}
    try:
        with Session(engine, expire_on_commit=False) as session:
            yield session, deadlines
    finally:
        engine.dispose()


def _outcome(session: Session, done: bool, said: str) -> int:
    """Commit and print what was done, or print why nothing was (exit 1)."""
    if not done:
        print(said, file=sys.stderr)
        return EXIT_FINDINGS
    session.commit()
    print(said)
    return EXIT_OK


def cmd_agency_rename(args: argparse.Namespace) -> int:
    from bot.chat.supervision import rename_agency

    new = args.new.strip()
    if not valid_agency_name(new):
        print(texts.INVITE_NAME_INVALID, file=sys.stderr)
        return EXIT_UNREADABLE
    with _office(load_settings()) as (session, _):
        agency, said = rename_agency(session, old=args.old.strip(), new=new)
        return _outcome(session, agency is not None, said)


def cmd_agency_level(args: argparse.Namespace) -> int:
    from bot.chat.supervision import change_level
    from storage import repo

    with _office(load_settings()) as (session, deadlines):
        agency = repo.get_agency_by_name(session=session, name=args.name.strip())
        if agency is None:
            return _outcome(session, False, texts.AGENCY_UNKNOWN.format(agency=args.name.strip()))
        return _outcome(session, *change_level(session, agency, Level(args.level), deadlines))


def cmd_agency_review(args: argparse.Namespace) -> int:
    from bot.chat.review import set_needs_review

    settings = load_settings()
    with _office(settings) as (session, _):
        found, said = set_needs_review(session, args.name.strip(), args.state == "on", settings.bot_admins)
        return _outcome(session, found, said)


def cmd_agency_remove(args: argparse.Namespace) -> int:
    from bot.chat.supervision import removal
    from storage import repo

    with _office(load_settings()) as (session, _):
        agency, refused, members = removal(session, args.name.strip())
        if refused or agency is None:
            return _outcome(session, False, refused or "")
        if members and not args.yes:
            return _outcome(session, False, texts.CLI_REMOVE_CONFIRM.format(agency=agency.name, count=members))
        said = texts.REMOVED.format(agency=agency.name)
        repo.stage_remove_agency(session=session, agency=agency)
        return _outcome(session, True, said)


def cmd_rollup(args: argparse.Namespace) -> int:
    """Sum the tables of several data files into one (tables only). Exit 0 when every file was added and no
    cell is unknown, 1 when the sum was written with problems listed, 2 when nothing could be added or written."""
    from bot.report.rollup import Source, problems, read_source, roll_up

    read = [read_source(path) for path in args.files]
    sources = [s for s in read if isinstance(s, Source)]
    result = roll_up(sources, args.year)
    result.refused[:0] = [r for r in read if not isinstance(r, Source)]
    print(texts.CLI_ROLLUP_SOURCES.format(count=len(result.used)))
    for source in result.used:
        print(texts.CLI_ROLLUP_SOURCE.format(name=source.name, agency=source.report.agency))
    said = problems(result, shown=1000)
    if said:
        print(texts.CLI_ROLLUP_PROBLEMS.format(count=len(said)))
        for line in said:
            print(texts.CLI_ROLLUP_PROBLEM.format(problem=line))
    if not result.used:
        print(texts.ROLLUP_NOTHING, file=sys.stderr)
        return EXIT_UNREADABLE
    summed = result.report(args.agency)
    try:
        datafile.dump(summed, args.output)
    except OSError as exc:
        print(texts.CLI_ROLLUP_NOT_WRITTEN.format(path=args.output, reason=exc), file=sys.stderr)
        return EXIT_UNREADABLE
    print(texts.CLI_ROLLUP_WRITTEN.format(path=args.output, agency=summed.agency, year=summed.year))
    return EXIT_FINDINGS if said else EXIT_OK


def _names(args: argparse.Namespace) -> list[str]:
    return [name.strip() for name in args.agencies if name.strip()]


def cmd_agency_link(args: argparse.Namespace) -> int:
    from bot.chat.rollups import link

    with _office(load_settings()) as (session, _):
        return _outcome(session, *link(session, args.government.strip(), _names(args), by=None))


def cmd_agency_unlink(args: argparse.Namespace) -> int:
    from bot.chat.rollups import unlink

    with _office(load_settings()) as (session, _):
        return _outcome(session, *unlink(session, args.government.strip(), _names(args)))


def cmd_agency_links(args: argparse.Namespace) -> int:
    from bot.chat.rollups import links_of, links_text
    from storage import repo

    with _office(load_settings()) as (session, _):
        if not args.government:
            print(links_text(session))
            return EXIT_OK
        government = repo.get_agency_by_name(session=session, name=args.government.strip())
        if government is None:
            return _outcome(session, False, texts.AGENCY_UNKNOWN.format(agency=args.government.strip()))
        print(links_of(session, government))
        return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    from bot.chat.service import Walk
    from bot.chat.supervision import overview, overview_table
    from storage.db import make_engine, upgrade

    settings = load_settings()
    engine = make_engine(settings.database_url)
    upgrade(engine)
    walk = Walk(engine, timezone=settings.timezone)
    table = overview_table(overview(walk))
    widths = [max(_width(row[i]) for row in table) for i in range(len(table[0]))]
    for row in table:
        print("  ".join(cell + " " * (width - _width(cell)) for cell, width in zip(row, widths, strict=True)).rstrip())
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    import os
    import shutil
    import tempfile
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from sqlmodel import Session

    from bot.render.export import default_year, export, load_entries
    from storage.db import make_engine, upgrade

    settings = load_settings()
    zone = ZoneInfo(settings.timezone)
    year = args.year or default_year(datetime.now(zone).date())
    out = Path(args.output)
    engine = make_engine(settings.database_url)
    upgrade(engine)
    try:
        with Session(engine) as session:
            entries = load_entries(session, year, zone)
    finally:
        engine.dispose()
    workers = max(1, min(os.cpu_count() or 1, 4))
    try:
        with tempfile.TemporaryDirectory(prefix="nianbao-export-") as work:
            made = export(entries, year, Path(work), pdf=not args.no_pdf, workers=workers)
            shutil.copyfile(made.archives[0], out)
    except OSError as exc:
        print(texts.WRITE_FAILED.format(path=out, reason=exc.strerror or exc), file=sys.stderr)
        return EXIT_FINDINGS
    print(
        texts.CLI_EXPORTED.format(
            year=year, agencies=made.agencies, reports=made.reports, path=out, pdf=made.pdf_note()
        )
    )
    return EXIT_OK


def _width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _bot_username(settings: Settings) -> tuple[str | None, str]:
    """The bot's @username for the deep link, asked of the Bot API (getMe, at the configured API root); or
    None and why it could not be had."""
    from telegram import Bot
    from telegram.error import InvalidToken, TelegramError

    token = settings.telegram_bot_token.get_secret_value().strip() if settings.telegram_bot_token else ""
    if not token:
        return None, texts.CLI_INVITE_NO_TOKEN
    root = settings.telegram_api_url

    async def ask() -> str:
        async with Bot(token, base_url=f"{root}/bot", base_file_url=f"{root}/file/bot") as bot:
            return bot.username

    try:
        return asyncio.run(ask()), ""
    except InvalidToken:
        return None, texts.CLI_INVITE_TOKEN_REJECTED
    except (TelegramError, OSError):
        return None, texts.CLI_INVITE_UNREACHABLE.format(url=root)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="nianbao", description=texts.CLI_DESCRIPTION)
    commands = root.add_subparsers(dest="command", required=True)

    p = commands.add_parser("check", help=texts.CLI_CHECK_HELP)
    p.add_argument("file")
    p.add_argument("--previous", metavar="LAST_YEAR_FILE", help=texts.CLI_PREVIOUS_HELP)
    p.set_defaults(handler=cmd_check)

    p = commands.add_parser("render", help=texts.CLI_RENDER_HELP)
    p.add_argument("file")
    p.add_argument("-o", "--output", required=True, help=texts.CLI_OUTPUT_HELP)
    p.set_defaults(handler=cmd_render)

    p = commands.add_parser("run", help=texts.CLI_RUN_HELP)
    p.set_defaults(handler=cmd_run)

    add_import_command(commands)

    p = commands.add_parser("status", help=texts.CLI_STATUS_HELP)
    p.set_defaults(handler=cmd_status)

    p = commands.add_parser("export", help=texts.CLI_EXPORT_HELP)
    p.add_argument("--year", type=year_option, help=texts.CLI_EXPORT_YEAR_HELP)
    p.add_argument("-o", "--output", required=True, help=texts.CLI_EXPORT_OUTPUT_HELP)
    p.add_argument("--no-pdf", action="store_true", help=texts.CLI_EXPORT_NO_PDF_HELP)
    p.set_defaults(handler=cmd_export)

    agency = commands.add_parser("agency", help=texts.CLI_AGENCY_HELP).add_subparsers(dest="action", required=True)
    p = agency.add_parser("rename", help=texts.CLI_RENAME_HELP)
    p.add_argument("old", help=texts.CLI_OLD_NAME_HELP)
    p.add_argument("new", help=texts.CLI_NEW_NAME_HELP)
    p.set_defaults(handler=cmd_agency_rename)
    p = agency.add_parser("level", help=texts.CLI_SET_LEVEL_HELP)
    p.add_argument("name", help=texts.CLI_INVITE_NAME_HELP)
    p.add_argument("level", choices=[level.value for level in Level])
    p.set_defaults(handler=cmd_agency_level)
    p = agency.add_parser("review", help=texts.CLI_REVIEW_HELP)
    p.add_argument("name", help=texts.CLI_INVITE_NAME_HELP)
    p.add_argument("state", choices=["on", "off"], help=texts.CLI_REVIEW_STATE_HELP)
    p.set_defaults(handler=cmd_agency_review)
    p = agency.add_parser("remove", help=texts.CLI_REMOVE_HELP)
    p.add_argument("name", help=texts.CLI_INVITE_NAME_HELP)
    p.add_argument("--yes", action="store_true", help=texts.CLI_REMOVE_YES_HELP)
    p.set_defaults(handler=cmd_agency_remove)
    p = agency.add_parser("link", help=texts.CLI_LINK_HELP)
    p.add_argument("government", help=texts.CLI_GOVERNMENT_HELP)
    p.add_argument("agencies", nargs="+", help=texts.CLI_COVERED_HELP)
    p.set_defaults(handler=cmd_agency_link)
    p = agency.add_parser("unlink", help=texts.CLI_UNLINK_HELP)
    p.add_argument("government", help=texts.CLI_GOVERNMENT_HELP)
    p.add_argument("agencies", nargs="+", help=texts.CLI_COVERED_HELP)
    p.set_defaults(handler=cmd_agency_unlink)
    p = agency.add_parser("links", help=texts.CLI_LINKS_HELP)
    p.add_argument("government", nargs="?", help=texts.CLI_GOVERNMENT_HELP)
    p.set_defaults(handler=cmd_agency_links)

    p = commands.add_parser("rollup", help=texts.CLI_ROLLUP_HELP)
    p.add_argument("files", nargs="+", metavar="FILE", help=texts.CLI_ROLLUP_FILES_HELP)
    p.add_argument("-o", "--output", required=True, help=texts.CLI_ROLLUP_OUTPUT_HELP)
    p.add_argument(
        "--agency", type=agency_option, default=texts.CLI_ROLLUP_AGENCY_DEFAULT, help=texts.CLI_ROLLUP_AGENCY_HELP
    )
    p.add_argument("--year", type=year_option, help=texts.CLI_ROLLUP_YEAR_HELP)
    p.set_defaults(handler=cmd_rollup)

    p = commands.add_parser("invite", help=texts.CLI_INVITE_HELP)
    p.add_argument("name", help=texts.CLI_INVITE_NAME_HELP)
    p.add_argument("--level", choices=[level.value for level in Level], help=texts.CLI_LEVEL_HELP)
    p.set_defaults(handler=cmd_invite)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.handler(args)
    except SettingsError as exc:
        print(texts.SETTINGS_INVALID.format(problem=exc), file=sys.stderr)
        return EXIT_UNREADABLE


if __name__ == "__main__":
    sys.exit(main())
