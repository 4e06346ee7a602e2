"""A report typed in Word by hand imports right; so does one with cells left blank or unreadable."""

from __future__ import annotations

import io

import docx
import pytest

from bot.importer import import_report
from bot.report import datafile
from bot.report.model import Report
from tests.conftest import SEED_JSON
from tests.importer.conftest import differences
from tests.importer.handmade import numbered, word_document


@pytest.fixture(scope="module")
def typed() -> tuple[Report, bytes]:
    """Built once: merging cells with python-docx takes a while."""
    report = numbered(datafile.load(SEED_JSON))
    return report, word_document(report)


def test_a_report_typed_in_word_imports(typed: tuple[Report, bytes]) -> None:
    report, data = typed
    imported = import_report("年报.docx", data)
    assert imported.warnings == []
    assert differences(report, imported.report) == []


def _edit_cell(data: bytes, table: int, row: int, column: int, text: str) -> bytes:
    document = docx.Document(io.BytesIO(data))
    document.tables[table].cell(row, column).text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_blank_cell_in_a_word_table_is_unknown_and_named(typed: tuple[Report, bytes]) -> None:
    report, data = typed
    imported = import_report("年报.docx", _edit_cell(data, 4, 3, 4, ""))  # 表三 一、本年新收 商业企业
    assert imported.report.row("applications.new") == (
        report.row("applications.new")[0],
        None,
        *report.row("applications.new")[2:],
    )
    assert imported.warnings == ["表三 一、本年新收政府信息公开申请数量 商业企业：单元格空白，已留空。"]


def test_an_unreadable_cell_in_a_word_table_is_unknown_and_named(typed: tuple[Report, bytes]) -> None:
    _, data = typed
    imported = import_report("年报.docx", _edit_cell(data, 5, 3, 14, "—"))  # 表四 复议后起诉 总计
    assert imported.report.row("reviews_litigation.litigation_after_review")[4] is None
    assert imported.warnings == ["表四 行政诉讼·复议后起诉 总计：“—”无法识别为数字，已留空。"]
