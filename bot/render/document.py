"""The report as a document outline (title, sections, paragraphs, grids) that every template reads."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot import texts
from bot.render.layout import Grid, section_grid
from bot.report.model import Report
from bot.schema import Prose


@dataclass(frozen=True)
class Part:
    """A sub-heading (may be None), its paragraphs, or a table grid."""

    heading: str | None = None
    paragraphs: tuple[str, ...] = ()
    unfilled: bool = False
    grid: Grid | None = None


@dataclass(frozen=True)
class DocSection:
    heading: str | None
    parts: tuple[Part, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Document:
    title: str
    agency: str
    date: str  # as printed, e.g. 2024年1月12日; empty in a draft without a date
    sections: tuple[DocSection, ...]  # the first has no heading: the preamble


# Characters XML 1.0 cannot hold (a .docx is XML): C0 controls other than tab and newline, and
# lone surrogates. Dropping them is the only change ever made to what a person wrote.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def paragraphs(text: str) -> tuple[str, ...]:
    """Paragraphs as written: one per non-blank line, inner spacing kept, outer blanks trimmed."""
    lines = NOT_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).split("\n")
    return tuple(line.strip() for line in lines if line.strip())


def _prose_part(report: Report, prose: Prose) -> Part:
    written = paragraphs(report.text(prose.key) or "")
    if written:
        return Part(heading=prose.heading, paragraphs=written)
    return Part(heading=prose.heading, paragraphs=(texts.UNFILLED_TEXT.format(name=prose.name),), unfilled=True)


def build(report: Report) -> Document:
    sections = []
    for section in report.format.sections:
        parts = [_prose_part(report, p) for p in section.prose]
        if section.tables:
            parts.append(Part(grid=section_grid(report, section.tables)))
        sections.append(DocSection(heading=section.heading, parts=tuple(parts)))
    return Document(
        title=texts.TITLE.format(agency=report.agency, year=report.year),
        agency=report.agency,
        date=texts.DATE_CN.format(d=report.date) if report.date else "",
        sections=tuple(sections),
    )
