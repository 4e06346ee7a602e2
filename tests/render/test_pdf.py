"""The PDF: Chinese text that is real text in embedded CJK fonts, concurrent conversions, clear failures."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot import texts
from bot.render import pdf
from bot.render.errors import RenderError
from bot.report.model import Report

needs_soffice = pytest.mark.skipif(pdf.soffice() is None, reason="LibreOffice not installed")
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def pdf_text(path: Path) -> str:
    """The PDF's text with all white space removed, so lines broken by the layout join up again."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True)
    return "".join(out.stdout.split())


@needs_soffice
@needs_poppler
def test_seed_pdf_has_the_chinese_text_in_cjk_fonts(seed: Report, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    pdf.render_pdf(seed, out)
    text = pdf_text(out)
    for expected in (
        "绥芬河市文体广电和旅游局2023年政府信息公开工作年度报告",
        "三、收到和处理政府信息公开申请情况",
        "申请人情况",
        "四、结转下年度继续办理",
        "2024年1月12日",
    ):
        assert expected in text
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, check=True, text=True).stdout
    embedded = [line for line in fonts.splitlines() if "CJK" in line and " yes " in line]
    assert any("NotoSerifCJK" in line for line in embedded)
    assert any("NotoSansCJK" in line for line in embedded)  # 黑体 headings


@needs_soffice
@needs_poppler
def test_concurrent_conversions_all_succeed(seed: Report, tmp_path: Path) -> None:
    outs = [tmp_path / f"report-{i}.pdf" for i in range(3)]
    with ThreadPoolExecutor(max_workers=len(outs)) as pool:
        list(pool.map(lambda out: pdf.render_pdf(seed, out), outs))
    for out in outs:
        assert "申请人情况" in pdf_text(out)


def test_without_libreoffice_it_says_so(seed: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RenderError) as raised:
        pdf.render_pdf(seed, tmp_path / "report.pdf")
    assert str(raised.value) == texts.PDF_UNAVAILABLE


Install = Callable[[str], None]


@pytest.fixture
def fake_soffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Install:
    """Replace LibreOffice by a shell script, with profiles of its own."""
    monkeypatch.setattr(pdf, "PROFILES", tmp_path / "profiles")

    def install(script: str) -> None:
        program = tmp_path / "soffice"
        program.write_text(f"#!/bin/sh\n{script}\n")
        program.chmod(0o755)
        monkeypatch.setattr(pdf, "soffice", lambda: str(program))

    return install


def test_a_failing_conversion_gives_the_reason(seed: Report, tmp_path: Path, fake_soffice: Install) -> None:
    fake_soffice("echo 'Error: source file could not be loaded' >&2\nexit 3")
    with pytest.raises(RenderError) as raised:
        pdf.render_pdf(seed, tmp_path / "report.pdf")
    reason = texts.PDF_EXIT.format(code=3, detail="Error: source file could not be loaded")
    assert str(raised.value) == texts.PDF_FAILED.format(reason=reason)


def test_a_conversion_without_output_says_so(seed: Report, tmp_path: Path, fake_soffice: Install) -> None:
    fake_soffice("exit 0")
    with pytest.raises(RenderError) as raised:
        pdf.render_pdf(seed, tmp_path / "report.pdf")
    reason = texts.PDF_NO_OUTPUT.format(detail=texts.PDF_NO_DETAIL)
    assert str(raised.value) == texts.PDF_FAILED.format(reason=reason)
    assert not (tmp_path / "report.pdf").exists()


def test_a_stuck_conversion_times_out(
    seed: Report, tmp_path: Path, fake_soffice: Install, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_soffice("sleep 30 & wait")
    monkeypatch.setattr(pdf, "TIMEOUT_SECONDS", 1)
    with pytest.raises(RenderError) as raised:
        pdf.render_pdf(seed, tmp_path / "report.pdf")
    assert str(raised.value) == texts.PDF_FAILED.format(reason=texts.PDF_TIMEOUT.format(seconds=1))
