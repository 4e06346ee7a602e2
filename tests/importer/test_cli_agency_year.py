"""``nianbao import --agency --year --level``: a web text copied from below its title imports once the
agency and the year are given, and what is given wins over what a file says, with a warning."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot import texts
from bot.importer import import_report
from bot.report import datafile
from bot.report.model import Report
from bot.schema import Level
from tests.conftest import ROOT, SEED_JSON
from tests.importer.conftest import SEED_TEXT


def nianbao_import(*args: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "bot", "import", *args], env=environment, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def body_only(tmp_path: Path) -> Path:
    """The seed's web page copied from its first heading on: no title, no date above, no preamble
    stating the year; the signature (the agency, the date) at the end is still there."""
    text = SEED_TEXT.read_text(encoding="utf-8")
    body = text[text.index("一、总体情况") :]
    assert "年政府信息公开工作年度报告" not in body and "统计期限" not in body
    source = tmp_path / "copied.txt"
    source.write_text(body, encoding="utf-8")
    return source


def test_a_text_without_its_title_is_refused_and_says_what_to_give(body_only: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    result = nianbao_import(str(body_only), "-o", str(out))
    assert result.returncode == 2
    assert texts.IMPORT_NO_TITLE in result.stderr
    assert "--agency 机构名称 --year 年度" in result.stderr
    assert not out.exists()


def test_a_text_without_its_title_imports_with_agency_and_year(
    body_only: Path, tmp_path: Path, seed_report: Report
) -> None:
    out = tmp_path / "out.json"
    result = nianbao_import(str(body_only), "-o", str(out), "--agency", "某某局", "--year", "2023")
    assert result.returncode == 0, result.stderr
    # the signature names the agency, so the file did say one: the given name wins, and the warning says so
    assert "导入提示 文件中的机构是“绥芬河市文体广电和旅游局”，已按指定的“某某局”导入。" in result.stdout
    assert "年度，已按指定的" not in result.stdout  # the file named no year
    written = json.loads(out.read_text(encoding="utf-8"))
    assert (written["agency"], written["year"], written["level"]) == ("某某局", 2023, "department")
    assert written["date"] == "2024-01-12"  # read from the signature
    assert written["proactive"]["licensing"] == 3
    assert written["applications"]["new"] == [0, 0, 0, 0, 0, 0, 0]
    report = datafile.load(out)
    tables = {key: value for key, value in report.values.items() if not key.startswith("text.")}
    assert tables == {key: value for key, value in seed_report.values.items() if not key.startswith("text.")}
    assert report.text("text.other") == seed_report.text("text.other")  # the signature is not part of 六
    assert report.text("text.preamble") is None


def test_the_options_win_over_the_title_with_a_warning(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    result = nianbao_import(str(SEED_TEXT), "-o", str(out), "--agency", " 某某县人民政府 ", "--year", "2024")
    assert result.returncode == 0, result.stderr
    assert "导入提示 文件中的机构是“绥芬河市文体广电和旅游局”，已按指定的“某某县人民政府”导入。" in result.stdout
    assert "导入提示 文件中的年度是 2023 年度，已按指定的 2024 年度导入。" in result.stdout
    report = datafile.load(out)
    assert (report.agency, report.year, report.level) == ("某某县人民政府", 2024, Level.GOVERNMENT)
    assert report.row("proactive.licensing") == (3,)


def test_the_level_given_wins_over_the_name(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    args = ("--agency", "某某县人民政府办公室", "--year", "2023", "--level", "government")
    result = nianbao_import(str(SEED_TEXT), "-o", str(out), *args)
    assert result.returncode == 0, result.stderr
    assert datafile.load(out).level is Level.GOVERNMENT  # by its name alone it would be a department


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--year", "1999", "年度应为 2000 至 2100 之间的年份，如 2025，实际是“1999”。"),
        ("--year", "二〇二三", "年度应为 2000 至 2100 之间的年份，如 2025，实际是“二〇二三”。"),
        ("--agency", "某某县\n人民政府", texts.CLI_IMPORT_AGENCY_INVALID),
        ("--agency", "某" * 101, texts.CLI_IMPORT_AGENCY_INVALID),
        ("--level", "county", "机构类别应为 department（部门）或 government（政府），实际是“county”。"),
    ],
)
def test_a_bad_option_exits_2_with_a_message(tmp_path: Path, option: str, value: str, message: str) -> None:
    out = tmp_path / "out.json"
    given = {"--agency": "某某局", "--year": "2023", option: value}
    result = nianbao_import(str(SEED_TEXT), "-o", str(out), *[word for pair in given.items() for word in pair])
    assert result.returncode == 2
    assert message in result.stderr
    assert not out.exists()


def test_a_data_file_takes_the_given_agency_and_year_too(seed_report: Report) -> None:
    imported = import_report("example.json", SEED_JSON.read_bytes(), agency="某某局", year=2024)
    assert (imported.report.agency, imported.report.year, imported.report.level) == ("某某局", 2024, seed_report.level)
    assert imported.report.values == seed_report.values
    assert imported.warnings == [
        "文件中的机构是“绥芬河市文体广电和旅游局”，已按指定的“某某局”导入。",
        "文件中的年度是 2023 年度，已按指定的 2024 年度导入。",
    ]
    same = import_report("example.json", SEED_JSON.read_bytes(), agency=seed_report.agency, year=seed_report.year)
    assert same.report == seed_report and same.warnings == []
