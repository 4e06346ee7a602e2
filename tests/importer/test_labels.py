"""Labels match as people write them, and only the row they name."""

from __future__ import annotations

import pytest

from bot.importer.labels import LabelIndex, key, split_numbering, targets
from bot.importer.outline import read_date
from bot.schema import FORMAT_2019, FORMAT_2021

INDEX = LabelIndex(targets(FORMAT_2021.tables))


@pytest.mark.parametrize("row", [r for t in FORMAT_2021.tables for r in t.rows], ids=lambda r: r.key)
def test_every_row_label_finds_its_row(row) -> None:
    assert INDEX.find(row.label).row is row  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("written", "row_key"),
    [
        ("(一) 予以公开", "applications.disclosed"),
        ("（ 一 ）予以公开", "applications.disclosed"),
        ("予以公开", "applications.disclosed"),
        ("(二)部分公开", "applications.partially_disclosed"),
        ("(二) 部分公开(区分处理的, 只计这一情形, 不计其他情形)", "applications.partially_disclosed"),
        ('3. 危及"三安全一稳定"', "applications.withheld_three_safety"),
        ("3、危及「三安全一稳定」", "applications.withheld_three_safety"),
        ("（3）危及三安全一稳定", "applications.withheld_three_safety"),
        ("１．属于国家秘密", "applications.withheld_state_secret"),
        ("规范性文件", "proactive.normative_docs"),
        ("行 政 规 范 性 文 件", "proactive.normative_docs"),
        ("3. 其他", "applications.other_other"),
        ("(七) 总计", "applications.total_handled"),
        ("一．本年新收政府信息公开申请数量", "applications.new"),
        ("（三）1.属于国家秘密", "applications.withheld_state_secret"),
    ],
)
def test_tolerant_spellings(written: str, row_key: str) -> None:
    assert INDEX.find(written).row.key == row_key  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "written", ["其他", "总计", "自然人", "信息内容", "（三）不予公开", "三、本年度办理结果", "申请"]
)
def test_headings_and_fragments_name_no_row(written: str) -> None:
    assert INDEX.find(written) is None


def test_no_two_rows_share_a_label() -> None:
    for fmt in (FORMAT_2021, FORMAT_2019):
        index = LabelIndex(targets(fmt.tables))
        assert all(len(found) == 1 for found in index.exact.values())


def test_numbering_styles() -> None:
    assert split_numbering("（一）予以公开") == split_numbering("(一) 予以公开") == ("(一)", "予以公开")
    assert split_numbering("1、重复申请")[0] == split_numbering("(1)重复申请")[0] == "1."
    assert key("一．总体情况") == key("一、 总体情况")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2024 年 1 月 12 日", (2024, 1, 12)), ("二〇二四年一月十二日", (2024, 1, 12)), ("2024-01-31", (2024, 1, 31))],
)
def test_dates(text: str, expected: tuple[int, int, int]) -> None:
    signed = read_date(text)
    assert signed is not None and (signed.year, signed.month, signed.day) == expected


def test_not_dates() -> None:
    assert read_date("2024年2月30日") is None
    assert read_date("截至2023年12月31日，共公开信息627条。") is None
