"""Documents from a report: .docx and .pdf in the official layout, .html for a website, .md for previews."""

from __future__ import annotations

import re
from pathlib import Path

from bot import texts
from bot.render.errors import RenderError
from bot.report.model import Report

SUFFIXES = (".docx", ".pdf", ".html", ".md")
FILENAME_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def report_filename(report: Report, suffix: str) -> str:
    """The report's file name, e.g. 某某县人民政府_2025年政府信息公开工作年度报告.docx: no path separators or
    characters a file system refuses."""
    name = texts.REPORT_FILE.format(agency=report.agency, year=report.year, suffix=suffix)
    return FILENAME_UNSAFE.sub("_", name)


def render(report: Report, out: Path) -> None:
    """Write the report to ``out`` in the format its suffix names."""
    suffix = out.suffix.lower()
    if suffix == ".docx":
        from bot.render.docx import render_docx

        out.write_bytes(render_docx(report))
    elif suffix == ".pdf":
        from bot.render.pdf import render_pdf

        render_pdf(report, out)
    elif suffix in (".html", ".htm"):
        from bot.render.text import render_html

        out.write_text(render_html(report), encoding="utf-8")
    elif suffix in (".md", ".txt"):
        from bot.render.text import render_markdown

        out.write_text(render_markdown(report), encoding="utf-8")
    else:
        raise RenderError(texts.UNKNOWN_SUFFIX.format(suffix=out.suffix or out.name))
