"""The words of a table, in reading order: labels, numbers, unreadable cells, blanks and line ends.

Whatever the input, a table becomes one stream. A grid gives its cells row by row, each merged cell
once, an empty cell as a blank, and a line end after each row. A line of copied text gives its
tab-separated fields the same way (an empty field is a blank), each field split further at spaces
so "规章 0 0 0" reads as a label and three numbers (a `|` separates fields as a tab does). Numbers
are read exactly as written (Arabic, full-width, with thousands separators, with decimals); a cell
holding anything else that is not a label, such as "/", "—", "无" or "3件", is unreadable and stays
so: a number is never guessed.

Some pages copy without any separator: "规章000规范性文件1234567". Such a word is cut where digits meet
letters; each digit run becomes a RUN token (so does a word like "000" that no single number is
written as), to be cut into cells only where exactly one cut is possible (``tables.line_up``). Digits
that belong to the words around them stay there: the numbering of "2.重复申请", and a count or a date
with its unit ("3件", "2023年").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from itertools import islice

from bot import texts
from bot.importer.blocks import Block, Grid
from bot.importer.labels import split_numbering
from bot.report.model import Cell

MAX_TOKENS = 20_000
NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
# What people put in a cell instead of a number: dashes, slashes, 无/空, Chinese numerals, our own
# unfilled mark. Any other short word starting with a digit ("3件", "1.5万") is unreadable too.
NOT_A_NUMBER = re.compile(rf"[-/\\*xX×~–—―─−]+|无|空|[〇零一二三四五六七八九十百千]+|{re.escape(texts.UNFILLED_CELL)}")
NUMBER_LIKE = re.compile(r"[+-]?\d.{0,7}")
GLUED = re.compile(r"\D\d|\d[^\d.,]")  # letters and digits written together
DIGIT_RUN = re.compile(r"\d+(?:\.\d+)?")
UNITS = frozenset("年月日号时分件个条项次人份篇万亿元%‰")
NUMBERING_MARKS = frozenset(".、")
FIELD_SEPARATOR = re.compile(r"[\t|｜]")
RULE_LINE = re.compile(r"[|｜]?(?:\s*:?-{3,}:?\s*[|｜])+(?:\s*:?-{3,}:?\s*)?")


class Kind(StrEnum):
    LABEL = "label"
    NUMBER = "number"
    UNREADABLE = "unreadable"
    BLANK = "blank"
    RUN = "run"  # digits of several cells written together, "000"
    END = "end"  # the end of a table row or a line of text


@dataclass(frozen=True)
class Token:
    kind: Kind
    text: str = ""
    glued: bool = False  # a label cut from digits it was written together with: its start is unsure


END = Token(Kind.END)
BLANK = Token(Kind.BLANK)


def _word(word: str) -> Token:
    plain = unicodedata.normalize("NFKC", word)
    if NUMBER.fullmatch(plain):
        return Token(Kind.NUMBER, plain)
    numbering, rest = split_numbering(plain)
    if numbering and not rest[:1].isdigit():  # "2.重复申请", or "1." and "(一)" split from their label
        return Token(Kind.LABEL, word)
    if NOT_A_NUMBER.fullmatch(plain) or NUMBER_LIKE.fullmatch(plain):
        return Token(Kind.UNREADABLE, word)
    return Token(Kind.LABEL, word)


def _digits(plain: str) -> Token:
    """A word of digits alone: one number, or (written with a leading zero) several run together.

    Digits glued to a label are always a run: nothing says where one cell ends."""
    if len(plain) > 1 and plain[0] == "0" and plain[1].isdigit():
        return Token(Kind.RUN, plain)
    return Token(Kind.NUMBER, plain)


def _glued(plain: str) -> Iterator[Token]:
    """A word where letters and digits meet without a separator, cut at each digit run between them."""
    start = 0  # where the label being collected begins
    for match in DIGIT_RUN.finditer(plain):
        run, end = match.group(), match.end()
        after = plain[end : end + 1]
        if after in UNITS:
            continue  # 3件, 2023年: part of the words around it
        if after in NUMBERING_MARKS and not plain[end + 1 : end + 2].isdigit():
            run, end = run[:-1], end - 1  # the numbering "2." of the next label takes the last digit
        if not run:
            continue
        if match.start() > start:
            yield Token(Kind.LABEL, plain[start : match.start()], glued=True)
        yield Token(Kind.RUN, run)
        start = end
    if start < len(plain):
        yield Token(Kind.LABEL, plain[start:], glued=True)


def _field(text: str) -> Iterator[Token]:
    """A cell: blank, or its words; numbers and unreadable words alike stand for one cell each."""
    if not text.strip():
        yield BLANK
    for word in re.finditer(r"\S+", text):  # lazily: a huge line is read only as far as needed
        plain = unicodedata.normalize("NFKC", word.group())
        if NUMBER.fullmatch(plain):
            yield _digits(plain) if plain.isdigit() else Token(Kind.NUMBER, plain)
        elif GLUED.search(plain) and not NUMBER_LIKE.fullmatch(plain):
            yield from _glued(plain)
        else:
            yield _word(word.group())


def _line(text: str) -> Iterator[Token]:
    text = text.strip(" \u3000\xa0")
    if not RULE_LINE.fullmatch(text):  # a markdown table's rule, |---|---|, holds no cell
        for field in FIELD_SEPARATOR.split(text.strip("|｜")):
            yield from _field(field)
    yield END


def _grid(grid: Grid) -> Iterator[Token]:
    for row in grid.rows:
        for cell in row:
            if not cell.merged:
                yield from _field(cell.text)
        yield END


def _tokens(blocks: Iterable[Block]) -> Iterator[Token]:
    for block in blocks:
        yield from _grid(block) if isinstance(block, Grid) else _line(block.text)


def stream(blocks: Iterable[Block]) -> list[Token]:
    """The tokens of the blocks in order, at most MAX_TOKENS: the three tables hold some 300 cells, and
    reading far more than that would only cost time."""
    return list(islice(_tokens(blocks), MAX_TOKENS))


def number(token: Token) -> Cell:
    """The value of a number token: an int, or a Decimal where it has decimals."""
    plain = token.text.replace(",", "")
    return Decimal(plain) if "." in plain else int(plain)
