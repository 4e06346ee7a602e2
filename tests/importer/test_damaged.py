"""Damaged reports import as far as they can be read; what cannot be read is unknown, and said where."""

from __future__ import annotations

import io

import docx

from bot.importer import import_report
from bot.report.model import Report
from bot.schema import CURRENT

NEW = "一、本年新收政府信息公开申请数量\t\t0\t0\t0\t0\t0\t0\t0\t"


def imported_text(text: str):
    return import_report("report.txt", text.encode("utf-8"))


def test_truncated_text_keeps_what_is_there(seed_text: str, seed_report: Report) -> None:
    cut = seed_text.index("5.属于三类内部事务信息")
    text = seed_text[: seed_text.rindex("\t0\t0\t0\t0", 0, cut)]  # ends inside the row of （三）4.
    imported = imported_text(text)
    report = imported.report
    for key in ("applications.new", "applications.withheld_three_safety", "proactive.licensing"):
        assert report.row(key) == seed_report.row(key)
    assert report.text("text.overview.supervision") == seed_report.text("text.overview.supervision")
    assert report.row("applications.withheld_third_party") is None
    assert report.row("applications.carried_forward") is None
    assert report.text("text.problems") is None
    assert report.date == seed_report.date  # from the top of the report
    assert (
        "表三 （三）4.保护第三方合法权益：读到 3 个数字，应为 7 个，无法确定各自属于哪一栏，整行留空。"
        in imported.warnings
    )
    assert "表三 （七）总计：没有找到这一行的数字，已留空。" in imported.warnings
    assert "表四：没有找到这张表，全部留空。" in imported.warnings
    assert "没有找到“五、存在的主要问题及改进情况”，这一部分留空。" in imported.warnings
    assert any(f.rule == "CELL-FILLED" for f in imported.findings)


def test_a_missing_row_is_unknown_and_named(seed_text: str, seed_report: Report) -> None:
    line = next(line for line in seed_text.splitlines() if "2.重复申请" in line)
    imported = imported_text(seed_text.replace(line + "\n", ""))
    assert imported.warnings == ["表三 （五）2.重复申请：没有找到这一行的数字，已留空。"]
    assert "applications.not_processed_repeated" not in imported.report.values
    expected = {k: v for k, v in seed_report.values.items() if k != "applications.not_processed_repeated"}
    assert imported.report.values == expected


def test_a_blank_cell_is_unknown_and_named(seed_text: str) -> None:
    imported = imported_text(seed_text.replace(NEW, NEW.replace("0\t0\t", "0\t\t", 1)))
    assert imported.report.row("applications.new") == (0, None, 0, 0, 0, 0, 0)
    assert imported.warnings == ["表三 一、本年新收政府信息公开申请数量 商业企业：单元格空白，已留空。"]


def test_a_blank_cell_whose_column_cannot_be_told_leaves_the_row_unknown(seed_text: str) -> None:
    """In copied text a blank first cell looks like the gap after the label: never guess which it is."""
    imported = imported_text(seed_text.replace(NEW, NEW.replace("\t0", "\t", 1)))
    assert imported.report.row("applications.new") is None
    assert imported.warnings == [
        "表三 一、本年新收政府信息公开申请数量：读到 6 个数字和空白单元格，应为 7 栏，无法确定空白在哪一栏，整行留空。"
    ]


def test_dashes_slashes_and_words_are_not_numbers(seed_text: str) -> None:
    text = seed_text.replace(NEW, NEW.replace("\t0", "\t/", 1)).replace("行政许可\t3", "行政许可\t3件")
    text = text.replace("行政事业性收费\t0", "行政事业性收费\t—")
    imported = imported_text(text)
    assert imported.report.row("applications.new") == (None, 0, 0, 0, 0, 0, 0)
    assert "proactive.licensing" not in imported.report.values
    assert imported.warnings == [
        "表二 第二十条第（五）项 行政许可：“3件”无法识别为数字，已留空。",
        "表二 第二十条第（八）项 行政事业性收费：“—”无法识别为数字，已留空。",
        "表三 一、本年新收政府信息公开申请数量 自然人：“/”无法识别为数字，已留空。",
    ]


def test_too_many_numbers_leave_the_row_unknown(seed_text: str) -> None:
    imported = imported_text(seed_text.replace(NEW, NEW + "0\t"))
    assert imported.report.row("applications.new") is None
    assert imported.warnings == [
        "表三 一、本年新收政府信息公开申请数量：读到 8 个数字，应为 7 个，无法确定各自属于哪一栏，整行留空。"
    ]


def test_a_docx_without_tables(seed_report: Report) -> None:
    document = docx.Document()
    document.add_paragraph(f"{seed_report.agency}2023年政府信息公开工作年度报告")
    for section in CURRENT.sections[1:]:
        document.add_paragraph(section.heading)
        document.add_paragraph("本部分内容。")
    document.add_paragraph("2024年1月12日")
    buffer = io.BytesIO()
    document.save(buffer)
    imported = import_report("report.docx", buffer.getvalue())
    assert [k for k in imported.report.values if not k.startswith("text.")] == []
    assert imported.report.text("text.problems") == "本部分内容。"
    assert imported.warnings == [
        "总体情况中没有找到（一）至（五）小标题，全文作为“总体情况概述”导入。",
        *(f"{t.name}：没有找到这张表，全部留空。" for t in CURRENT.tables[:4]),
        "表三：没有找到这张表，全部留空。",
        "表四：没有找到这张表，全部留空。",
    ]


def test_a_report_without_its_title_takes_agency_and_year_from_signature_and_period(seed_text: str) -> None:
    text = seed_text.replace("绥芬河市文体广电和旅游局 2023 年政府信息公开工作年度报告", "")
    report = imported_text(text).report
    assert (report.agency, report.year) == ("绥芬河市文体广电和旅游局", 2023)
