"""A Word document as paragraphs and grids, whether nianbao rendered it or a person typed it in Word.

The body is read in order: paragraphs (a line break inside one starts a new paragraph), tables (as
grids, with gridSpan and vMerge expanded), and content controls, which Word wraps around parts of a
body. Tables nested inside a cell are read as that cell's text.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

from docx.document import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml import etree

from bot.importer.blocks import (
    MAX_BLOCKS,
    MAX_GRIDS,
    MAX_POSITIONS,
    MAX_WIDTH,
    Block,
    Grid,
    Paragraph,
    SourceCell,
    expand,
    lines,
)


def _text(p: etree._Element, document: Document) -> str:
    return DocxParagraph(p, document).text  # type: ignore[arg-type]


def _count(element: etree._Element | None, default: int) -> int:
    """A w:val count such as gridSpan; a missing or damaged one counts as the default."""
    value = element.get(qn("w:val"), "") if element is not None else ""
    return int(value) if value.isdigit() else default


def _cell(tc: etree._Element, document: Document) -> SourceCell:
    merge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
    return SourceCell(
        text=" ".join(_text(p, document) for p in tc.iter(qn("w:p"))),
        colspan=_count(tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}"), 1),
        continued=merge is not None and merge.get(qn("w:val"), "continue") != "restart",
    )


def _grid(tbl: etree._Element, document: Document) -> Grid:
    rows = []
    read = 0
    for tr in tbl.iterchildren(qn("w:tr")):
        skipped = _count(tr.find(f"{qn('w:trPr')}/{qn('w:gridBefore')}"), 0)
        cells: list[SourceCell | None] = [None] * min(skipped, MAX_WIDTH)
        cells += [_cell(tc, document) for tc in islice(tr.iterchildren(qn("w:tc")), MAX_POSITIONS - read)]
        rows.append(cells)
        read += len(cells)
        if read >= MAX_POSITIONS:
            break
    return expand(rows)


def _body(element: etree._Element, document: Document) -> Iterator[Paragraph | etree._Element]:
    """Paragraphs, and tables still as XML, in order."""
    for child in element.iterchildren():
        if child.tag == qn("w:p"):
            yield from lines(_text(child, document))
        elif child.tag == qn("w:tbl"):
            yield child
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _body(content, document)


def read_docx(document: Document) -> list[Block]:
    blocks: list[Block] = []
    grids = 0
    for item in islice(_body(document.element.body, document), MAX_BLOCKS):
        if isinstance(item, Paragraph):
            blocks.append(item)
        elif grids < MAX_GRIDS:
            blocks.append(_grid(item, document))
            grids += 1
    return blocks
