"""Turning what a person typed into the numbers of one table row, or a clear reason why not.

Accepts full-width digits, Chinese numerals (三, 十二, 一百零五), a trailing unit (件, 个, 万元), and
spaces, commas, 、 or ； between numbers. Refuses negatives, fractions of a count, absurd sizes, and
the wrong number of values, each with a message that says what to send instead. Where the row ends in a
total, the row may be typed as shown, total included: the total is accepted when it is the sum, and
refused with the sum when it is not. Only an amount is
written in 万元: a count is whole items, so "3万" or "3.0" in a count row is refused, never read as 3.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bot import texts
from bot.report.numbers import normalize, parse_number
from bot.schema import NumberKind

SEPARATORS = re.compile(r"[\s,，、;；/|]+")
COUNT_UNIT = re.compile(r"(?:件|个|份|条|次|项)$")
AMOUNT_UNIT = re.compile(r"(?:万元|万)$")  # the unit amounts are asked in
# Arabic digits with a magnitude after them (3万, 1.2千, 5百万, 2亿, 3k, 3w): a count cannot be read from it.
MAGNITUDE = re.compile(r"\d[\d.]*\s*((?:百万|千万|万|千|百|亿|[kKwW])元?)")
NOTHING = {"无", "没有", "均为0", "全部为0", "都是0", "全是0", "全0"}  # the whole row is 0
MAX_TEXT = 500  # a row answer is a handful of numbers; anything longer is not one


@dataclass(frozen=True)
class ParseError:
    message: str


def _one(token: str, kind: NumberKind) -> Decimal | ParseError:
    token = COUNT_UNIT.sub("", token) if kind.is_integer else AMOUNT_UNIT.sub("", token)
    if token.startswith(("-", "负", "−")):
        return ParseError(texts.PARSE_NEGATIVE.format(token=token))
    if kind.is_integer:
        magnitude = MAGNITUDE.search(token)
        if magnitude:
            return ParseError(texts.PARSE_COUNT_MAGNITUDE.format(token=token, unit=magnitude.group(1)))
        if "." in token:
            return ParseError(texts.PARSE_NOT_INTEGER.format(token=token))
        if token.endswith("元"):
            return ParseError(texts.PARSE_NOT_A_NUMBER.format(token=token))
    value = parse_number(token)
    if value is None:
        return ParseError(texts.PARSE_NOT_A_NUMBER.format(token=token))
    if kind.is_integer and value != value.to_integral_value():
        return ParseError(texts.PARSE_NOT_INTEGER.format(token=token))
    if -value.as_tuple().exponent > kind.decimals:  # type: ignore[operator]
        return ParseError(texts.PARSE_TOO_PRECISE.format(token=token, decimals=kind.decimals))
    if value > kind.maximum:
        return ParseError(texts.PARSE_TOO_LARGE.format(token=token))
    return value


def parse_numbers(
    text: str, count: int, kind: NumberKind, *, total: bool = False
) -> tuple[int | Decimal, ...] | ParseError:
    """Exactly ``count`` admissible numbers from one message, or why not. With ``total`` (the row's last
    column sums its inputs), ``count`` numbers followed by their sum are accepted too."""
    if len(text) > MAX_TEXT:
        return ParseError(texts.PARSE_TOO_LONG.format(count=count))
    cleaned = normalize(text).strip(" 。.")
    if cleaned.replace(" ", "") in NOTHING:
        return (0,) * count
    if count == 1 and re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", cleaned):
        cleaned = cleaned.replace(",", "")  # 1,234 is one number when one is asked for
    tokens = [t for t in SEPARATORS.split(cleaned) if t]
    if not tokens:
        return ParseError(texts.PARSE_EMPTY)
    values: list[int | Decimal] = []
    for token in tokens:
        value = _one(token, kind)
        if isinstance(value, ParseError):
            return value
        values.append(int(value) if kind.is_integer else value)
    if values == [0]:
        return (0,) * count  # a lone 0 for a row of several numbers: nothing happened in that row
    if total and len(values) == count + 1 and count > 1:
        given, expected = values[-1], sum(values[:-1])
        if given != expected:
            terms = "+".join(map(str, values[:-1]))
            return ParseError(texts.PARSE_TOTAL_WRONG.format(count=count, given=given, terms=terms, sum=expected))
        return tuple(values[:-1])
    if len(values) != count:
        return ParseError(texts.PARSE_WRONG_COUNT.format(count=count, given=len(values)))
    return tuple(values)


DATE = re.compile(r"(?:(\d{4})\s*[-./年]\s*)?(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?")


def parse_date(text: str, year: int) -> date | None:
    """A date as people type it (2027-01-20, 2027年1月20日, 2027.1.20, full-width digits); without a year,
    the one given. None for anything else."""
    found = DATE.fullmatch(normalize(text).strip(" 。."))
    if found is None:
        return None
    try:
        return date(int(found.group(1) or year), int(found.group(2)), int(found.group(3)))
    except ValueError:
        return None
