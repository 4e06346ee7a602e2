"""A web page as paragraphs and grids.

Block elements and <br> end a paragraph; scripts, styles and the <head> are skipped. A table holding
no other table is a grid (rowspan and colspan expanded); one that does is page layout, common on
government sites, and its cells are read as the page's flow. Line breaks in the page source mean
nothing in HTML: they are dropped between Chinese characters and become a space between Latin ones.
"""

from __future__ import annotations

import re

from lxml import etree

from bot.importer.blocks import MAX_BLOCKS, MAX_GRIDS, MAX_POSITIONS, Block, Grid, Paragraph, SourceCell, expand

BLOCK_TAGS = frozenset(
    {"address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "div", "dl", "dt", "figure"}
    | {"figcaption", "footer", "form", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "ul"}
    | {"summary", "td", "th", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}
)
SKIPPED = frozenset({"head", "script", "style", "noscript", "template", "iframe", "object", "svg", "select"})
SOURCE_BREAK = re.compile(r"[ \t\r\f]*\n[ \t\r\n\f]*")


def _join_source_lines(text: str) -> str:
    def joined(match: re.Match[str]) -> str:
        before, after = text[match.start() - 1 : match.start()], text[match.end() : match.end() + 1]
        return " " if before.isascii() and before.isalnum() and after.isascii() and after.isalnum() else ""

    return SOURCE_BREAK.sub(joined, text)


class _Flow:
    """Collects text into paragraphs and tables into grids, in page order."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.line: list[str] = []
        self.grids = 0

    def end_paragraph(self) -> None:
        text = _join_source_lines("".join(self.line)).strip()
        if text:
            self.blocks.append(Paragraph(text))
        self.line = []

    def walk(self, element: etree._Element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in SKIPPED:
            self.line.append(element.tail or "")
            return
        if tag == "table" and not element.xpath(".//table"):
            self.end_paragraph()
            if self.grids < MAX_GRIDS:
                self.blocks.append(_grid(element))
                self.grids += 1
        else:
            block = tag in BLOCK_TAGS or tag == "br"
            if block:
                self.end_paragraph()
            self.line.append((element.text or "") if tag else "")
            for child in element:
                if len(self.blocks) >= MAX_BLOCKS:
                    break
                self.walk(child)
            if block:
                self.end_paragraph()
        self.line.append(element.tail or "")


def _cell_text(cell: etree._Element) -> str:
    flow = _Flow()
    flow.walk(cell)
    flow.end_paragraph()
    return " ".join(b.text for b in flow.blocks if isinstance(b, Paragraph))


def _span(cell: etree._Element, name: str) -> int:
    value = cell.get(name, "1").strip()
    return int(value) if value.isdigit() else 1


def _grid(table: etree._Element) -> Grid:
    rows: list[list[SourceCell | None]] = []
    read = 0
    for tr in table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr"):
        cells = tr.xpath("./td|./th")[: MAX_POSITIONS - read]
        rows.append([SourceCell(_cell_text(td), _span(td, "rowspan"), _span(td, "colspan")) for td in cells])
        read += len(cells)
        if read >= MAX_POSITIONS:
            break
    return expand(rows)


def read_html(page: str) -> list[Block]:
    parser = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(page.encode("utf-8"), parser=parser)
    except etree.LxmlError:
        return []
    if root is None:
        return []
    flow = _Flow()
    body = root.find("body")
    flow.walk(body if body is not None else root)
    flow.end_paragraph()
    return flow.blocks
