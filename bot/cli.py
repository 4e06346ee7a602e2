"""The ``nianbao`` command: check and render report data files, and run the bot."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot import texts
from bot.render import RenderError, render
from bot.report import datafile
from bot.report.checks import check, errors
from bot.schema import Severity

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
        print(f"{texts.SEVERITY_NAMES[finding.severity]} {finding}")
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
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
