"""The words of a table, in reading order: labels, numbers, unreadable cells, blanks and line ends.

Whatever the input, a table becomes one stream. A grid gives its cells row by row, each merged cell
once, an empty cell as a blank, and a line end after each row. A line of copied text gives its
tab-separated fields the same way (an empty field is a blank), each field split further at spaces
so "规章 0 0 0" reads as a label and three numbers. Numbers are read exactly as written (Arabic,
full-width, with thousands separators, with decimals); a cell holding anything else that is not a
label, such as "/", "—", "无" or "3件", is unreadable and stays so: a number is never guessed.
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


class Kind(StrEnum):
    LABEL = "label"
    NUMBER = "number"
    UNREADABLE = "unreadable"
    BLANK = "blank"
    END = "end"  # the end of a table row or a line of text


@dataclass(frozen=True)
class Token:
    kind: Kind
    text: str = ""


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


def _field(text: str) -> Iterator[Token]:
    """A cell: blank, or its words; numbers and unreadable words alike stand for one cell each."""
    if not text.strip():
        yield BLANK
    for word in re.finditer(r"\S+", text):  # lazily: a huge line is read only as far as needed
        yield _word(word.group())


def _line(text: str) -> Iterator[Token]:
    for field in text.strip(" \u3000\xa0").split("\t"):
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
