"""Bringing in last year's report in the chat: upload, see what was read, confirm, and use it."""

from __future__ import annotations

import dataclasses
from datetime import date

from bot.render.docx import render_docx
from bot.render.text import render_html
from bot.report import datafile
from bot.report.model import with_totals
from tests.conftest import SEED_JSON, replace_values
from tests.e2e.conftest import BotProcess, joined, run
from tests.e2e.test_table_three import skip_to_table_three
from tests.support import FakeBotApi


def last_year_report() -> bytes:
    seed = datafile.load(SEED_JSON)
    report = replace_values(
        dataclasses.replace(seed, year=2025, date=date(2026, 1, 20)),
        applications__new=(3, 0, 0, 0, 0, 0, None),
        applications__disclosed=(1, 0, 0, 0, 0, 0, None),
        applications__carried_forward=(2, 0, 0, 0, 0, 0, None),
        proactive__normative_docs=(1, 0, 4),
    )
    return render_docx(with_totals(report))


def test_last_years_report_is_imported_and_carried_forward(server: FakeBotApi, bot: BotProcess) -> None:
    async def conversation() -> None:
        chat = await joined(server, bot)
        await chat.send("/import")
        await chat.expect("可以直接发给我")
        await chat.upload("2025年政府信息公开工作年度报告.docx", last_year_report())
        summary = await chat.expect("已读取上年（2025 年度）报告")
        assert "表三：新收 3 件，上年结转 0 件，结转下年度 2 件" in summary.text
        assert "行政规范性文件现行有效 4 件" in summary.text and "正文：读到 9 个部分" in summary.text
        await chat.click("确认导入")
        await chat.expect("✅ 已保存 2025 年度报告")
        await skip_to_table_three(chat, preamble="沿用上年内容")  # the preamble, offered from last year
        await chat.click("有")
        await chat.expect("一、本年新收")  # a person answers the row once it is shown
        await chat.send("0")
        offer = await chat.expect("上年报告“四、结转下年度继续办理”为：2 0 0 0 0 0（总计 2）")
        assert "沿用：2 0 0 0 0 0" in offer.button_texts
        await chat.click("沿用：2 0 0 0 0 0")
        await chat.expect("（一）予以公开")
        await chat.send("/review")
        assert "二、上年结转：总计 2（自然人 2）" in (await chat.expect("概览")).text
        await chat.upload("2025年报告.docx", last_year_report())
        await chat.expect("已读取上年")
        await chat.click("取消")
        await chat.expect("已取消，未保存任何内容")

    run(conversation())


def test_this_years_draft_prefills_after_confirming_what_it_overwrites(server: FakeBotApi, bot: BotProcess) -> None:
    async def conversation() -> None:
        chat = await joined(server, bot)
        await chat.click("使用标准开篇")
        await chat.expect("总体情况概述")
        draft = dataclasses.replace(datafile.load(SEED_JSON), year=2026)
        await chat.upload("草稿.html", render_html(draft).encode())
        summary = await chat.expect("已读取本年度（2026 年度）报告草稿")
        assert "确认后将覆盖已填写的 1 项：开篇说明" in summary.text
        await chat.click("确认导入")
        await chat.expect("已用文件预填")
        await chat.send("/status")
        await chat.expect("42/42")
        await chat.upload("notes.pdf", b"%PDF-1.4")
        await chat.expect("PDF 文件已损坏")
        await chat.upload("notes.doc", b"\xd0\xcf\x11\xe0")
        await chat.expect("只能上传")

    run(conversation())
