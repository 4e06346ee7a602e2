"""What an upload is taken for: a report (imported or refused with why), or the text of a prose part."""

from __future__ import annotations

import pytest

from bot.chat.uploads import _read, as_report
from bot.importer import Imported
from tests.conftest import DATA
from tests.e2e.test_uploads_land import ONE_LINE_REPORT, PREAMBLE
from tests.importer.handmade_pdf import tabbed_pdf
from tests.render.test_pdf import needs_soffice

SEED_TEXT = (DATA / "seed-2023-suifenhe.txt").read_text(encoding="utf-8")


def test_a_readable_report_is_a_report() -> None:
    imported = as_report("2023.txt", SEED_TEXT.encode())
    assert imported is not None and imported.report.agency == "绥芬河市文体广电和旅游局"


@pytest.mark.parametrize("text", [ONE_LINE_REPORT, SEED_TEXT.replace("\n", " ")])
def test_a_report_run_into_one_line_is_a_report(text: str) -> None:
    imported = as_report("report.txt", text.encode())
    assert imported is not None and imported.unnamed == ()


def test_a_report_that_names_no_year_is_a_report_whose_year_is_asked() -> None:
    untitled = "\n".join(line for line in SEED_TEXT.splitlines() if "年度报告" not in line)
    imported = as_report("report.txt", untitled.encode())
    assert imported is not None and imported.unnamed == ("year",)
    assert imported.report.agency == "绥芬河市文体广电和旅游局"  # from its signature
    assert imported.report.row("applications.new") == (0, 0, 0, 0, 0, 0, 0)


def test_a_report_that_names_neither_agency_nor_year() -> None:
    lines = SEED_TEXT.splitlines()
    body = lines[lines.index("一、总体情况") : lines.index("绥芬河市文体广电和旅游局")]
    imported = as_report("report.txt", "\n".join(body).encode())
    assert imported is not None and imported.unnamed == ("agency", "year")


@pytest.mark.parametrize(
    "text",
    [PREAMBLE, "我局全年主动公开政府信息 627 条。", "本报告依据《政府信息公开工作年度报告格式》编制。"],
)
def test_prose_naming_the_format_is_still_prose(text: str) -> None:
    assert as_report("开篇说明.txt", text.encode()) is None


@needs_soffice
def test_a_pdf_that_names_no_year_is_a_report_whose_year_is_asked() -> None:
    untitled = [line for line in SEED_TEXT.splitlines() if "年度报告" not in line]
    imported = _read("年报.pdf", tabbed_pdf("\n".join(untitled)))
    assert isinstance(imported, Imported) and imported.unnamed == ("year",)
