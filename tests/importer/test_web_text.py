"""Web text as it really arrives: one long line, headings inside lines, titles written many ways or not
at all, cells separated by tabs, spaces, `|`, line breaks or nothing. Built from a non-zero county
report; every number read must be right, and a run of digits that could be cut more than one way
stays unknown with a warning naming the row."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from bot import texts
from bot.importer import ImportFailed, import_report
from bot.importer.blocks import Grid
from bot.importer.web import read_html
from bot.render.text import render_html
from bot.report import datafile
from bot.report.model import Report

COUNTY = datafile.loads((Path(__file__).parents[1] / "data" / "county-2025-government.json").read_text("utf-8"))
TITLE = "某某县人民政府2025年政府信息公开工作年度报告"


def _lines(report: Report) -> list[str]:
    """The report as a browser copies it: paragraphs, and table rows with tab-separated cells."""
    lines = []
    for block in read_html(render_html(report)):
        if isinstance(block, Grid):
            lines += ["\t".join("" if c.merged else c.text for c in row) for row in block.rows]
        else:
            lines.append(block.text)
    return lines


LINES = _lines(COUNTY)


def _numbers(report: Report) -> dict[str, object]:
    return {k: v for k, v in report.values.items() if not k.startswith("text.")}


def _imported(text: str, **given: object) -> Report:
    return import_report("page.txt", text.encode(), **given).report  # type: ignore[arg-type]


def test_the_copy_as_lines_reads_everything() -> None:
    assert LINES[0] == TITLE
    imported = import_report("page.txt", "\n".join(LINES).encode())
    assert _numbers(imported.report) == _numbers(COUNTY)
    assert imported.warnings == []


def test_one_long_line_reads_every_number_part_and_the_signature() -> None:
    report = _imported(" ".join(line.replace("\t", " ") for line in LINES))
    assert (report.agency, report.year, report.date) == (COUNTY.agency, 2025, COUNTY.date)
    assert _numbers(report) == _numbers(COUNTY)
    for key in (k for k in COUNTY.values if k.startswith("text.")):
        assert report.text(key), key
    assert report.text("text.overview.platforms").startswith(COUNTY.text("text.overview.platforms")[:20])
    assert report.text("text.other") == " ".join(COUNTY.text("text.other").split())  # its paragraphs in one


@pytest.mark.parametrize(
    ("title", "agency", "year"),
    [
        ("某某县人民政府2025年度政府信息公开工作年度报告", "某某县人民政府", 2025),
        ("标题：某某县人民政府2025年度政府信息公开工作年度报告", "某某县人民政府", 2025),
        ("2025年某某县人民政府政府信息公开工作年度报告", "某某县人民政府", 2025),
        ("某某县人民政府政府信息公开工作2025年度报告", "某某县人民政府", 2025),
        ("某某县人民政府政府信息公开工作年度报告（2025年）", "某某县人民政府", 2025),
        ("《某某县人民政府关于2025年度政府信息公开工作年度报告》", "某某县人民政府", 2025),
        ("首页 > 政务公开 > 年报 > 某某县人民政府 2025 年政府信息公开工作年度报告", "某某县人民政府", 2025),
    ],
)
def test_title_variants(title: str, agency: str, year: int) -> None:
    report = _imported(" ".join([title, *LINES[1:]]).replace("\t", " "))
    assert (report.agency, report.year) == (agency, year)
    assert _numbers(report) == _numbers(COUNTY)


def test_a_copy_that_starts_below_the_title_takes_the_signature_and_the_stated_period() -> None:
    page = ["发布时间：2026-01-21 来源：县政府办 浏览次数：128", *LINES[1:], "相关链接 打印本页 关闭窗口"]
    imported = import_report("page.txt", " ".join(page).replace("\t", " ").encode())
    assert (imported.report.agency, imported.report.year) == ("某某县人民政府", 2025)
    assert _numbers(imported.report) == _numbers(COUNTY)
    assert "相关链接" not in imported.report.text("text.other")


def test_the_preamble_naming_the_report_is_not_taken_for_its_title() -> None:
    preamble = "根据《条例》要求，现将某某县人民政府2025年政府信息公开工作年度报告予以公开。"
    lines = [preamble, *[line for line in LINES[2:] if "统计期限" not in line]]
    report = _imported("\n".join(lines))
    assert (report.agency, report.year) == ("某某县人民政府", 2025)  # the signature; the year it names


def test_no_title_no_signature_needs_the_agency_and_year_given() -> None:
    body = "\n".join(LINES[1 : LINES.index(COUNTY.agency)]).replace("2025年1月1日", "1月1日")
    body = re.sub(r"统计期限[^。]*。", "", body)
    with pytest.raises(ImportFailed, match=re.escape(texts.IMPORT_NO_TITLE)):
        _imported(body)
    report = _imported(body, agency="某某县人民政府", year=2025)
    assert _numbers(report) == _numbers(COUNTY)


def test_cells_between_bars_and_a_markdown_rule() -> None:
    rows = [f"| {line.replace(chr(9), ' | ')} |" if "\t" in line else line for line in LINES]
    first_row = next(n for n, row in enumerate(rows) if row.startswith("| "))
    rows.insert(first_row + 1, "|---|---|---|---|")
    assert _numbers(_imported("\n".join(rows))) == _numbers(COUNTY)


def test_each_cell_on_a_line_of_its_own() -> None:
    cells = [cell for line in LINES for cell in line.split("\t") if cell.strip()]
    assert _numbers(_imported("\n".join(cells))) == _numbers(COUNTY)


def test_cells_written_together_are_cut_only_where_one_cut_is_possible() -> None:
    text = " ".join(re.sub(r"\t+", "", line) for line in LINES)
    imported = import_report("page.txt", text.encode())
    unknown = {k for k, v in _numbers(COUNTY).items() if imported.report.values.get(k) != v}
    assert all(imported.report.values.get(k) is None for k in unknown)  # unknown, never wrong
    # 行政规范性文件 12 3 85 reads 12385: 1,23,85 or 12,3,85 or …; 本年新收 8 0 1 0 0 0 81 likewise
    assert unknown == {
        "proactive.normative_docs",
        "applications.new",
        "applications.disclosed",
        "applications.unavailable_not_held",
        "applications.total_handled",
    }
    run = "表二 第二十条第（一）项 行政规范性文件：数字连在一起（12385），无法确定如何分成 3 栏，整行留空。"
    assert run in imported.warnings
    assert imported.report.row("reviews_litigation.review") == COUNTY.row("reviews_litigation.review")
    assert imported.report.row("applications.carried_forward") == COUNTY.row("applications.carried_forward")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("规章000行政规范性文件1234567", {"proactive.regulations": (0, 0, 0)}),
        ("规章100行政规范性文件1000", {"proactive.regulations": (1, 0, 0), "proactive.normative_docs": (10, 0, 0)}),
        ("规章1020", {}),  # 1,0,20 or 10,2,0
        (
            "规章 ０００ 行政规范性文件 0 5 12",
            {"proactive.regulations": (0, 0, 0), "proactive.normative_docs": (0, 5, 12)},
        ),
        ("行政事业性收费12.35", {"proactive.fees_wan_yuan": (Decimal("12.35"),)}),
    ],
)
def test_digit_runs(line: str, expected: dict[str, object]) -> None:
    text = f"{TITLE} 二、主动公开政府信息情况 第二十条第（一）项 {line} 三、收到和处理政府信息公开申请情况"
    imported = import_report("page.txt", text.encode())
    read = {k: v for k, v in _numbers(imported.report).items() if k in expected or v is not None}
    assert read == expected


def test_a_text_with_no_sign_of_a_report_is_refused() -> None:
    notice = "关于做好2025年政务公开工作的通知 各乡镇人民政府：为进一步做好政府信息公开工作，现就有关事项通知如下。"
    with pytest.raises(ImportFailed, match=re.escape(texts.IMPORT_NOT_A_REPORT)):
        _imported(notice)
