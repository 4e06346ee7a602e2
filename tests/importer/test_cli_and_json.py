"""``nianbao import`` writes the data file and prints what it could not read and what the checks find;
a data file itself imports through the data-file reader."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from bot.importer import ImportFailed, import_report
from bot.importer.cli import add_command
from bot.report import datafile
from bot.report.model import Report
from tests.conftest import SEED_JSON
from tests.importer.conftest import SEED_TEXT


def nianbao_import(*args: str) -> int:
    root = argparse.ArgumentParser(prog="nianbao")
    add_command(root.add_subparsers(dest="command", required=True))
    parsed = root.parse_args(["import", *args])
    return parsed.handler(parsed)


def test_import_the_seed(tmp_path: Path, capsys: pytest.CaptureFixture[str], seed_report: Report) -> None:
    out = tmp_path / "seed.json"
    assert nianbao_import(str(SEED_TEXT), "-o", str(out)) == 0
    assert datafile.load(out) == seed_report
    printed = capsys.readouterr().out
    assert f"已导入：{out}" in printed
    assert "提示 S6-FEE 第六部分没有写明信息处理费的收取情况" in printed
    assert "0 个错误，4 个提示" in printed


def test_warnings_are_printed_and_the_file_still_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], seed_text: str
) -> None:
    source, out = tmp_path / "seed.txt", tmp_path / "seed.json"
    source.write_text(seed_text.replace("行政许可\t3", "行政许可\t/"), encoding="utf-8")
    assert nianbao_import(str(source), "--output", str(out)) == 0
    printed = capsys.readouterr().out
    assert "导入提示 表二 第二十条第（五）项 行政许可：“/”无法识别为数字，已留空。" in printed
    assert "错误 CELL-FILLED 表二 第二十条第（五）项 行政许可：未填写" in printed
    assert datafile.load(out).row("proactive.licensing") is None


def test_unreadable_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "fake.docx").write_bytes(b"%PDF-1.4")
    assert nianbao_import(str(tmp_path / "fake.docx"), "-o", str(tmp_path / "out.json")) == 2
    assert "改了扩展名的 PDF 文件" in capsys.readouterr().err
    assert nianbao_import(str(tmp_path / "missing.txt"), "-o", str(tmp_path / "out.json")) == 2
    assert "找不到文件" in capsys.readouterr().err
    assert not (tmp_path / "out.json").exists()


def test_a_data_file_imports_as_itself(seed_report: Report) -> None:
    imported = import_report("example.json", SEED_JSON.read_bytes())
    assert imported.report == seed_report
    assert imported.warnings == []


def test_a_broken_data_file_says_where() -> None:
    text = SEED_JSON.read_text(encoding="utf-8").replace('"licensing": 3', '"licensing": "三"')
    with pytest.raises(ImportFailed, match=r"proactive\.licensing：应为数字或 null，实际是文字"):
        import_report("example.json", text.encode())
    with pytest.raises(ImportFailed, match="文件不是有效的 JSON"):
        import_report("example.json", b"{")
