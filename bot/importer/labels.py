"""Labels compared the way people write them, and the schema's row labels found by such a comparison.

Two labels are the same when they differ only in width (NFKC), spacing, punctuation, and the style
of their numbering (（一） (一) 一）; 1. 1、 1．（1）). Failing that, a label may leave out its numbering
or its parenthetical remark (（二）部分公开 for the full label) as long as what is left names one row
only and is not also a column or group heading (其他, 总计).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from bot.report.checks import row_name
from bot.schema import FORMAT_2019, FORMAT_2021, Row, Table

CN_DIGITS = "一二三四五六七八九十"
NUMBERING = re.compile(
    rf"^(?:(?P<cn>[{CN_DIGITS}]+)[、.]|\((?P<cn_paren>[{CN_DIGITS}]+)\)|(?P<digit>\d+)[.、)]|\((?P<digit_paren>\d+)\))"
)
REMARK = re.compile(r"\([^()]*\)$")


def normalise(text: str) -> str:
    """Half-width, without any spacing."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def split_numbering(text: str) -> tuple[str, str]:
    """(numbering in one canonical style, the rest): 「（一）予以公开」 → ("(一)", "予以公开")."""
    text = normalise(text)
    match = NUMBERING.match(text)
    if not match:
        return "", text
    rest = text[match.end() :]
    if match["cn"]:
        return f"{match['cn']}、", rest
    if match["cn_paren"]:
        return f"({match['cn_paren']})", rest
    return f"{match['digit'] or match['digit_paren']}.", rest


def letters(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


def key(text: str) -> str:
    prefix, rest = split_numbering(text)
    return prefix + letters(rest)


def _loose(text: str) -> set[str]:
    """The shortened forms of a label: without its remark, without its numbering, without both."""
    prefix, rest = split_numbering(text)
    core = REMARK.sub("", rest)
    return {prefix + letters(core), letters(rest), letters(core)} - {key(text), ""}


def similar(a: str, b: str, threshold: float) -> bool:
    """Whether two strings are at least this similar (difflib's ratio); decided on their lengths alone
    where those already rule it out, which is most of the time when comparing with every paragraph."""
    if not a or not b or 2 * min(len(a), len(b)) < threshold * (len(a) + len(b)):
        return False
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= threshold


def _headings(tables: Iterable[Table]) -> set[str]:
    """Every header, group, caption and corner label, which a shortened row label must not be."""
    names: set[str] = set()
    for table in tables:
        labels = [table.corner, table.caption or ""]
        labels += [label for c in table.columns for label in (c.label, *c.groups)]
        labels += [group for r in table.rows for group in r.groups]
        for text in labels:
            names |= {key(text), letters(split_numbering(text)[1])}
    return names - {""}


ALL_HEADINGS = _headings((*FORMAT_2021.tables, *FORMAT_2019.tables))


@dataclass(frozen=True, eq=False)  # one per row in an index: identity is enough, and cheap to hash
class Target:
    table: Table
    row: Row


def targets(tables: Iterable[Table]) -> list[Target]:
    return [Target(table, row) for table in tables for row in table.rows]


class LabelIndex:
    """Finds the row a label names among some rows of some tables."""

    def __init__(self, rows: Iterable[Target]) -> None:
        self.exact: dict[str, set[Target]] = {}
        self.loose: dict[str, set[Target]] = {}
        for target in rows:
            row = target.row
            for label in (row.label, *row.alias, row_name(row)):
                self.exact.setdefault(key(label), set()).add(target)
                for short in _loose(label) - ALL_HEADINGS:
                    self.loose.setdefault(short, set()).add(target)

    def find(self, text: str) -> Target | None:
        found = self.exact.get(key(text), set())
        if not found:
            found = {t for short in _loose(text) | {key(text)} for t in self.loose.get(short, set())}
        return next(iter(found)) if len(found) == 1 else None
