"""Paragraphs that run on: a web page copied as one long line, or lines that each hold several parts.

A copy keeps the words of a page but often not its line breaks: the title, the section headings, the
sub-headings of 一, the tables and the signature may all stand in one line. This pass breaks a
paragraph where a new part of the report begins: around the title, around each section heading
(written with its number: 二、主动公开政府信息情况), before and after each sub-heading of 一
（（二）依申请公开情况）, and at the end, before the signature and the date. A heading's words may be
spaced or punctuated differently; a sub-heading is taken only in its number and its first words, so
that what runs on after it stays the part's text. What cannot be told apart is left alone.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from functools import cache
from itertools import pairwise

from bot.importer.blocks import Block, Paragraph
from bot.importer.labels import letters, split_numbering
from bot.importer.outline import DATE, ISO_DATE, find_title, furniture_end
from bot.schema import FORMAT_2021

GAP = r"[\s、，,·]*"  # what may stand between the characters of a heading as people write it
CN_NUMBER = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6}
SUBHEADING_START = re.compile(r"[（(]\s*(?P<n>[一二三四五])\s*[）)]")
SUBHEADING_END = re.compile(r"[。：:\s]")
MAX_SUBHEADING = 16  # characters of a sub-heading's own words: 政府信息公开平台建设情况
SENTENCE_END = "。！？!?；;"
MAX_SIGNATURE = 40
SPACES = " \u3000\xa0"


@cache
def _section_patterns() -> tuple[re.Pattern[str], ...]:
    """Each section heading with its number, as it may be spaced and punctuated."""
    patterns = []
    for section in FORMAT_2021.sections[1:]:
        number, words = split_numbering(section.heading or "")
        chars = GAP.join(re.escape(ch) for ch in letters(words))
        patterns.append(re.compile(rf"{number[:-1]}\s*[、.．]\s*{chars}"))
    return tuple(patterns)


@cache
def _subheadings() -> dict[str, str]:
    """The sub-headings of 一 by their number: "二" → the letters of 依申请公开情况."""
    parts = [p for p in FORMAT_2021.sections[1].prose if p.heading]
    return {split_numbering(p.heading or "")[0][1:-1]: letters(split_numbering(p.heading or "")[1]) for p in parts}


def _subheading_end(text: str, start: int, expected: str) -> int | None:
    """Where the words of a sub-heading that begins at ``start`` end, if they are the expected ones."""
    words = text[start : start + 2 * MAX_SUBHEADING]
    stop = SUBHEADING_END.search(words)
    if stop and stop.start() <= MAX_SUBHEADING and _like(letters(words[: stop.start()]), expected):
        return start + stop.end()
    lengths = range(2, min(len(words), MAX_SUBHEADING) + 1)
    best = max(lengths, key=lambda n: _ratio(letters(words[:n]), expected), default=0)
    return start + best if best and _like(letters(words[:best]), expected) else None


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _like(words: str, expected: str) -> bool:
    core = expected.removesuffix("情况")
    return words.startswith(core) or _ratio(words, expected) >= 0.8


def _cuts(text: str) -> Iterator[int]:
    """Where the paragraph is to be broken: around headings and sub-headings."""
    for pattern in _section_patterns():
        for match in pattern.finditer(text):
            yield match.start()
            yield match.end()
    subheadings = _subheadings()
    for match in SUBHEADING_START.finditer(text):
        end = _subheading_end(text, match.end(), subheadings[match["n"]])
        if end is not None:  # （一）予以公开 in table 三 is no sub-heading
            yield match.start()
            yield end


def _broken(text: str) -> list[str]:
    """The pieces of a paragraph; a paragraph with nothing to break stays whole, tabs and all (a tab
    at either end of a copied table row is a blank cell)."""
    cuts = sorted({0, *_cuts(text), len(text)})
    if len(cuts) == 2:
        return [text]
    return [piece for a, b in pairwise(cuts) if (piece := text[a:b].strip(SPACES))]


def split_run_on(blocks: list[Block]) -> list[Block]:
    """The blocks with each paragraph broken where a new part of the report begins in it: the title
    (looked for only before the first heading), the headings, the signature and date (only after the
    last heading)."""
    result: list[Block] = []
    for block in blocks:
        if not isinstance(block, Paragraph):
            result.append(block)
            continue
        result += [Paragraph(piece) for piece in _broken(block.text)]
    return _signed(_titled(result))


def _titled(blocks: list[Block]) -> list[Block]:
    """The title, and a date standing apart, taken out of the line they share with the text around
    them, before the first heading."""
    first_heading = next((n for n, b in enumerate(blocks) if _is_section_heading(b)), len(blocks))
    top, rest = blocks[:first_heading], blocks[first_heading:]
    titled = any(isinstance(b, Paragraph) and (m := find_title(b.text)) and m.span() == (0, len(b.text)) for b in top)
    for n, block in enumerate([] if titled else top):
        if isinstance(block, Paragraph) and (match := find_title(block.text)):
            top = [*top[:n], *_around(block.text, match.start(), match.end()), *top[n + 1 :]]
            break
    for n, block in enumerate(top):
        if isinstance(block, Paragraph) and (match := _standalone_date(block.text)):
            top = [*top[:n], *_around(block.text, match.start(), match.end()), *top[n + 1 :]]
            break
    unfurnished: list[Block] = []
    for block in top:
        end = furniture_end(block.text) if isinstance(block, Paragraph) else 0
        unfurnished += _around(block.text, end, len(block.text)) if end else [block]  # type: ignore[union-attr]
    return [*unfurnished, *rest]


def _around(text: str, start: int, end: int) -> list[Paragraph]:
    pieces = (text[:start], text[start:end], text[end:])
    return [Paragraph(piece.strip()) for piece in pieces if piece.strip()]


def _is_section_heading(block: Block) -> bool:
    return isinstance(block, Paragraph) and any(p.fullmatch(block.text) for p in _section_patterns())


def _standalone_date(text: str) -> re.Match[str] | None:
    """The first date set apart (by spaces, or the line's ends) rather than part of a sentence."""
    dates = (m for pattern in (DATE, ISO_DATE) for m in pattern.finditer(text))
    return min((m for m in dates if _stands_alone(text, m)), key=lambda m: m.start(), default=None)


def _stands_alone(text: str, match: re.Match[str]) -> bool:
    before, after = text[match.start() - 1 : match.start()], text[match.end() : match.end() + 1]
    return (not before or before.isspace() or before in SENTENCE_END) and (not after or after.isspace())


def _signed(blocks: list[Block]) -> list[Block]:
    """The date that ends the report, and the signature before it, each made a paragraph of its own."""
    last_heading = max((n for n, b in enumerate(blocks) if _is_section_heading(b)), default=None)
    if last_heading is None:
        return blocks
    for n in range(last_heading + 1, len(blocks)):
        block = blocks[n]
        if not isinstance(block, Paragraph) or (match := _standalone_date(block.text)) is None:
            continue
        before = block.text[: match.start()].rstrip()
        sentence_end = max(before.rfind(ch) for ch in SENTENCE_END)
        if len(before) - sentence_end - 1 > MAX_SIGNATURE:  # no signature: the date follows a long text
            sentence_end = len(before)
        after = block.text[match.start() :]
        pieces = [*_around(before, sentence_end + 1, len(before)), *_around(after, 0, match.end() - match.start())]
        return [*blocks[:n], *pieces, *blocks[n + 1 :]]
    return blocks
