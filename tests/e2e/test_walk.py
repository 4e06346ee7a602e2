"""The whole walk in the chat: join, answer everything, fix a mismatch, get the .docx back."""

from __future__ import annotations

import io
import shutil
import subprocess

import docx

from bot.render.layout import Kind, section_grid
from bot.render.pdf import soffice
from bot.report import datafile
from bot.report.model import Report
from tests.conftest import SEED_JSON
from tests.e2e.conftest import BotProcess, joined, run
from tests.support import ChatClient, FakeBotApi

SEED = datafile.load(SEED_JSON)
PROSE_KEYS = [p.key for p in SEED.format.prose if p.key != "text.preamble"]


async def write(chat: ChatClient, text: str) -> int:
    """A prose part one paragraph per message, then 完成; returns how many actions that took."""
    messages = 0
    for paragraph in text.split("\n"):
        if paragraph.strip():
            await chat.send(paragraph)
            await chat.expect("已记录")
            messages += 1
    await chat.click("完成")
    await chat.expect("✅ 已保存")
    return messages + 1


def docx_numbers(body: bytes, report: Report) -> None:
    """Every number of tables 二/三/四 in the .docx sits in the cell the official layout puts it in."""
    document = docx.Document(io.BytesIO(body))
    grids = [section_grid(report, s.tables) for s in report.format.sections if s.tables]
    tables = [t for t in document.tables if len(t.rows) in {g.height for g in grids}]
    assert len(tables) == 3
    for grid, table in zip(grids, tables, strict=True):
        for cell in grid.cells:
            if cell.kind is Kind.NUMBER or cell.kind is Kind.LABEL:
                printed = table.cell(cell.row, cell.col).text.replace("\n", "")  # a label's lines joined
                assert printed == cell.text, (cell, printed)


def test_all_zero_walk_of_the_seed_agency(server: FakeBotApi, bot_on_each_database: BotProcess) -> None:
    bot = bot_on_each_database

    async def conversation() -> None:
        chat = await joined(server, bot)
        prose_actions = 0  # the 8 prose answers count once each, however many messages and taps
        await chat.click("使用标准开篇")
        await chat.expect("✅ 已保存“开篇说明”")
        for key in PROSE_KEYS[:6]:
            prose_actions += await write(chat, SEED.text(key))
        await chat.click("本条各项均为 0")  # 规章 and 行政规范性文件
        await chat.expect("行政许可")
        await chat.send("3件")
        await chat.expect("行政处罚")
        await chat.click("本条各项均为 0")  # 行政处罚 and 行政强制
        await chat.expect("行政事业性收费")
        await chat.click("0")
        await chat.expect("是否收到过政府信息公开申请")
        await chat.click("没有，全部填 0")
        await chat.expect("表三已全部填 0")
        await chat.click("没有，全部填 0")
        await chat.expect("表四已全部填 0")
        for key in PROSE_KEYS[6:]:
            prose_actions += await write(chat, SEED.text(key))
        await chat.expect("全部填写完成")
        await chat.send("/report")
        await chat.expect("检查通过")
        await chat.expect("第六部分没有写明信息处理费")  # the seed's 六 does not state the fee: a warning
        await chat.expect("政府信息公开工作年度报告", timeout=30)  # the caption of the document
        name, body = chat.last_document()
        assert name == "绥芬河市文体广电和旅游局_2026年政府信息公开工作年度报告.docx"
        docx_numbers(body, SEED)
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(body)).paragraphs)
        for key in PROSE_KEYS:
            for paragraph in SEED.text(key).split("\n"):
                assert paragraph.strip() in text
        if soffice() and shutil.which("pdftotext"):  # CI installs both; the PDF follows the .docx
            name, pdf = await chat.document(".pdf", timeout=60)
            assert name == "绥芬河市文体广电和旅游局_2026年政府信息公开工作年度报告.pdf"
            page = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
            read = "".join(page.stdout.decode().split())
            assert "绥芬河市文体广电和旅游局2026年政府信息公开工作年度报告" in read
            assert "市文体广电和旅游局无其他需要报告事项。" in read
        messages = [m for m in chat.history() if not m.from_bot]
        taps = server.calls("answerCallbackQuery")  # the bot answers every tap once
        actions = len(messages) + len(taps) - prose_actions
        assert actions == 9  # /start, 8 taps and answers of tables 二/三/四, /report (issue: ≤ 20)
        await chat.send("/status")
        await chat.expect("42/42")

    run(conversation())
