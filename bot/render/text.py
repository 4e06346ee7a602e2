"""The report as a self-contained web page (HTML) and as plain readable text (Markdown)."""

from __future__ import annotations

from functools import cache

import jinja2

from bot.render import document
from bot.render.templates import jinja_environment
from bot.report.checks import row_name
from bot.report.model import Report, format_number
from bot.schema import Table


@cache
def _template(name: str, *, html: bool) -> jinja2.Template:
    return jinja_environment(html=html).get_template(name)


def render_html(report: Report) -> str:
    return _template("report.html.j2", html=True).render(doc=document.build(report))


def text_tables(report: Report, tables: tuple[Table, ...]) -> list[dict[str, object]]:
    """Tables flattened for plain text: one line per row, the row named as the format names it."""
    return [
        {
            "caption": table.caption,
            "header": [table.corner if table.caption else "", *(c.label for c in table.columns)],
            "rows": [[row_name(row), *map(format_number, report.cells(table, row))] for row in table.rows],
        }
        for table in tables
    ]


def render_markdown(report: Report) -> str:
    doc = document.build(report)
    sections = [
        (section, text_tables(report, schema_section.tables))
        for section, schema_section in zip(doc.sections, report.format.sections, strict=True)
    ]
    return _template("report.md.j2", html=False).render(doc=doc, sections=sections)
