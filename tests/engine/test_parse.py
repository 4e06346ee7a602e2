"""Numbers as people type them: accepted forms, and a clear reason for everything else."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.engine.parse import ParseError, parse_numbers
from bot.report.numbers import parse_chinese_integer
from bot.schema import COUNT, WAN_YUAN


@pytest.mark.parametrize(
    ("text", "count", "expected"),
    [
        ("3 0 0 0 1 0", 6, (3, 0, 0, 0, 1, 0)),
        ("３，０，０，０，１，０", 6, (3, 0, 0, 0, 1, 0)),
        ("三、十二、一百零五、0、0、0", 6, (3, 12, 105, 0, 0, 0)),
        ("1;2；3", 3, (1, 2, 3)),
        ("5件", 1, (5,)),
        ("１２个", 1, (12,)),
        ("1,234", 1, (1234,)),
        ("无", 6, (0,) * 6),
        ("0", 6, (0,) * 6),
        ("两千", 1, (2000,)),
    ],
)
def test_accepted(text: str, count: int, expected: tuple[int, ...]) -> None:
    assert parse_numbers(text, count, COUNT) == expected


def test_fee_in_wan_yuan() -> None:
    assert parse_numbers("3.5万元", 1, WAN_YUAN) == (Decimal("3.5"),)
    assert parse_numbers("5949.088667", 1, WAN_YUAN) == (Decimal("5949.088667"),)


@pytest.mark.parametrize(
    ("text", "count", "kind", "says"),
    [
        ("abc", 1, COUNT, "“abc”不是数字"),
        ("-1", 1, COUNT, "是负数"),
        ("负三", 1, COUNT, "是负数"),
        ("1.5", 1, COUNT, "不是整数"),
        ("99999999999", 1, COUNT, "太大了"),
        ("1 2 3", 6, COUNT, "需要 6 个数字，收到了 3 个"),
        ("1 2 3 4 5 6 7", 6, COUNT, "收到了 7 个"),
        ("", 1, COUNT, "没有收到数字"),
        ("😀", 1, COUNT, "不是数字"),
        ("<b>1</b>", 1, COUNT, "不是数字"),
        ("1" * 600, 1, COUNT, "内容太长了"),
        ("1.1234567", 1, WAN_YUAN, "小数位太多"),
        ("5元", 1, COUNT, "不是数字"),
    ],
)
def test_refused_with_a_reason(text: str, count: int, kind, says: str) -> None:  # type: ignore[no-untyped-def]
    result = parse_numbers(text, count, kind)
    assert isinstance(result, ParseError) and says in result.message


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("一百零五", 105),
        ("一千零一", 1001),
        ("三万五千", 35000),
        ("一〇五", 105),
    ],
)
def test_chinese_numerals(numeral: str, value: int) -> None:
    assert parse_chinese_integer(numeral) == value


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("3万", "万"),
        ("3万件", "万"),
        ("３万", "万"),
        ("3.5万", "万"),
        ("3万元", "万元"),
        ("2千", "千"),
        ("5百万", "百万"),
        ("1亿", "亿"),
        ("3w", "w"),
        ("３Ｋ", "K"),
        ("3万五千", "万"),
    ],
)
def test_a_count_with_a_magnitude_is_refused_not_read_as_its_digits(text: str, unit: str) -> None:
    result = parse_numbers(text, 1, COUNT)
    assert isinstance(result, ParseError)
    assert f"这一栏是件数，请填写整数，不要带“{unit}”" in result.message


def test_a_magnitude_in_any_position_of_a_row_is_refused() -> None:
    result = parse_numbers("1 2 3万 0 0 0", 6, COUNT)
    assert isinstance(result, ParseError) and "不要带“万”" in result.message


@pytest.mark.parametrize("text", ["3.0", "1.5件", "０.５"])
def test_a_count_with_a_decimal_point_is_refused(text: str) -> None:
    result = parse_numbers(text, 1, COUNT)
    assert isinstance(result, ParseError) and "不是整数" in result.message


@pytest.mark.parametrize(("text", "value"), [("三万", 30000), ("两千", 2000), ("一百零五件", 105), ("十二", 12)])
def test_chinese_numerals_with_their_own_magnitudes_stay_counts(text: str, value: int) -> None:
    assert parse_numbers(text, 1, COUNT) == (value,)


@pytest.mark.parametrize(("text", "value"), [("3万", "3"), ("3万元", "3"), ("３.５万元", "3.5"), ("12", "12")])
def test_an_amount_may_carry_its_unit(text: str, value: str) -> None:
    assert parse_numbers(text, 1, WAN_YUAN) == (Decimal(value),)
