"""The ``nianbao import`` command: a published report to a data file, with what could not be read.

Exit status: 0 when the data file was written (the warnings and the checks' findings are printed, as
``nianbao check`` prints them; a report with findings still imported); 2 when the file could not be
read, was refused, holds no report, or the output could not be written, or an option is not valid.

``--agency``, ``--year`` and ``--level`` name what a file does not say (a web text copied from below its
title) or correct what it says; they win over the file, and a warning names what the file said.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot import texts
from bot.chat.clean import valid_agency_name
from bot.importer import files
from bot.importer.read import ImportFailed, import_report
from bot.report import datafile
from bot.schema import Level

EXIT_OK, EXIT_UNREADABLE = 0, 2
FIRST_YEAR, LAST_YEAR = 2000, 2100


def agency_option(text: str) -> str:
    name = text.strip()
    if not valid_agency_name(name):
        raise argparse.ArgumentTypeError(texts.CLI_IMPORT_AGENCY_INVALID)
    return name


def year_option(text: str) -> int:
    value = text.strip()
    if not (value.isascii() and value.isdigit() and FIRST_YEAR <= int(value) <= LAST_YEAR):
        raise argparse.ArgumentTypeError(texts.CLI_IMPORT_YEAR_INVALID.format(value=text))
    return int(value)


def level_option(text: str) -> Level:
    try:
        return Level(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(texts.CLI_IMPORT_LEVEL_INVALID.format(value=text)) from None


def cmd_import(args: argparse.Namespace) -> int:
    from bot.cli import cmd_check  # bot.cli registers this command, so it is imported late

    source, out = Path(args.file), Path(args.output)
    try:
        with source.open("rb") as file:
            data = file.read(files.MAX_BYTES + 1)  # enough to tell it is too large
        imported = import_report(source.name, data, agency=args.agency, year=args.year, level=args.level)
    except FileNotFoundError:
        print(texts.FILE_NOT_FOUND.format(path=source), file=sys.stderr)
        return EXIT_UNREADABLE
    except OSError as exc:
        print(texts.FILE_NOT_READABLE.format(path=source, reason=exc.strerror or exc), file=sys.stderr)
        return EXIT_UNREADABLE
    except ImportFailed as exc:
        print(f"{source}: {exc}", file=sys.stderr)
        if str(exc) == texts.IMPORT_NO_TITLE:
            print(texts.CLI_IMPORT_GIVE_TITLE, file=sys.stderr)
        return EXIT_UNREADABLE
    for warning in imported.warnings:
        print(texts.IMPORT_WARNING.format(warning=warning))
    try:
        datafile.dump(imported.report, out)
    except OSError as exc:
        print(texts.WRITE_FAILED.format(path=out, reason=exc.strerror or exc), file=sys.stderr)
        return EXIT_UNREADABLE
    print(texts.IMPORT_WRITTEN.format(path=out, format=imported.format_detected.name))
    cmd_check(argparse.Namespace(file=str(out), previous=None))  # the findings, printed as check prints them
    return EXIT_OK


def add_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``nianbao import FILE -o OUT.json [--agency 名称] [--year 年度] [--level 类别]``."""
    p = commands.add_parser("import", help=texts.CLI_IMPORT_HELP)
    p.add_argument("file")
    p.add_argument("-o", "--output", required=True, help=texts.CLI_IMPORT_OUTPUT_HELP)
    p.add_argument("--agency", type=agency_option, help=texts.CLI_IMPORT_AGENCY_HELP)
    p.add_argument("--year", type=year_option, help=texts.CLI_IMPORT_YEAR_HELP)
    p.add_argument("--level", type=level_option, help=texts.CLI_IMPORT_LEVEL_HELP)
    p.set_defaults(handler=cmd_import)
