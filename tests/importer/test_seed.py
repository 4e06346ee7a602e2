"""The seed, a real report copied from its web page, imports to the example data file exactly."""

from __future__ import annotations

from bot.importer import import_report
from bot.report import datafile
from bot.report.checks import check
from bot.report.model import Report
from bot.schema import CURRENT, FORMAT_2021
from tests.importer.conftest import differences


def test_seed_text_imports_to_the_example_data_file(seed_text: str, seed_report: Report) -> None:
    imported = import_report("seed.txt", seed_text.encode("utf-8"))
    assert imported.format_detected is FORMAT_2021
    assert imported.warnings == []
    assert differences(seed_report, imported.report) == []
    assert datafile.dumps(imported.report) == datafile.dumps(seed_report)


def test_seed_numbers_and_prose_section_by_section(seed_text: str, seed_report: Report) -> None:
    report = import_report("seed.txt", seed_text.encode("utf-8")).report
    for table in CURRENT.tables:
        for row in table.rows:
            assert report.row(row.key) == seed_report.row(row.key), row.key
    for prose in CURRENT.prose:
        assert report.text(prose.key) == seed_report.text(prose.key), prose.key
    assert (report.agency, report.year, report.date) == (seed_report.agency, 2023, seed_report.date)


def test_findings_are_those_of_the_checks(seed_text: str, seed_report: Report) -> None:
    imported = import_report("seed.txt", seed_text.encode("utf-8"))
    assert imported.findings == check(seed_report)
    assert {f.rule for f in imported.findings} == {"S6-FEE", "S6-TOPICS", "S5-LAST-YEAR"}


def test_encodings_and_line_ends_do_not_matter(seed_text: str, seed_report: Report) -> None:
    for data in (
        seed_text.encode("gb18030"),
        b"\xef\xbb\xbf" + seed_text.encode("utf-8"),
        seed_text.encode("utf-16"),
        seed_text.replace("\n", "\r\n").encode("utf-8"),
    ):
        assert differences(seed_report, import_report("seed.txt", data).report) == []


def test_cells_separated_by_spaces_or_line_breaks(seed_text: str, seed_report: Report) -> None:
    """Some browsers copy a table with a space between cells, others put each cell on its own line."""
    for separator in (" ", "\n", "\u3000"):
        text = seed_text.replace("\t", separator)
        assert differences(seed_report, import_report("seed.txt", text.encode()).report) == []


def test_full_width_digits_and_labels(seed_text: str, seed_report: Report) -> None:
    text = seed_text.replace("行政许可\t3", "行政许可\t３").replace("(七) 总计", "（七）　总计")
    assert differences(seed_report, import_report("seed.txt", text.encode()).report) == []


def test_labels_split_over_lines_or_detached_from_their_numbers(seed_text: str, seed_report: Report) -> None:
    text = seed_text.replace("缴纳费用、行政机关", "缴纳费用、\n行政机关").replace(
        "(二) 部分公开(区分处理的, ", "(二) 部分公开(区分处理的,\n"
    )
    text = text.replace("一、本年新收政府信息公开申请数量\t\t", "一、本年新收政府信息公开申请数量\n\n")
    assert differences(seed_report, import_report("seed.txt", text.encode()).report) == []
