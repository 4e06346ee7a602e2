"""An upload goes where it belongs: a published report is never pasted into a prose answer, a prose file is
shown as the draft it became and can be cleared (重写), and a file nobody asked for is not kept."""

from __future__ import annotations

import dataclasses
import re

from bot.report import datafile
from tests.conftest import DATA
from tests.e2e.conftest import BotProcess, joined, run
from tests.e2e.test_table_three import skip_to_table_three
from tests.importer.handmade_pdf import published_pdf
from tests.importer.test_web_text import LINES
from tests.render.test_pdf import needs_soffice
from tests.support import FakeBotApi

COUNTY_JSON = DATA / "county-2025-government.json"
# Last year's report of a county as a careless copy from a web page: everything in one line.
COUNTY_ONE_LINE = " ".join(line.replace("\t", " ") for line in LINES)
# A copy that starts below the title and states no period: the file names no year.
UNTITLED = re.sub(r"本报告所列数据[^。]*。", "", "\n".join(LINES[1:]))
# A shorter one, run into one line too.
ONE_LINE_REPORT = (
    "某某市某某局2025年度政府信息公开工作年度报告 发布时间：2026-01-20 一、总体情况 2025年，我局认真贯彻落实"
    "《条例》…… 二、主动公开政府信息情况 第二十条第（一）项 信息内容 本年制发件数 本年废止件数 现行有效件数 规章 0 0 0 "
    "行政规范性文件 1 0 4 三、收到和处理政府信息公开申请情况 …… 六、其他需要报告的事项 无。"
)
PREAMBLE = (
    "根据《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式》要求，编制本报告。"
    "本报告所列数据的统计期限自2026年1月1日起至2026年12月31日止。"
)


def test_last_years_text_sent_at_the_preamble_is_imported_not_a_draft(server: FakeBotApi, bot: BotProcess) -> None:
    async def conversation() -> None:
        chat = await joined(server, bot)  # 开篇说明 is asked
        await chat.upload("2025年报告.txt", COUNTY_ONE_LINE.encode())
        summary = await chat.expect("已读取上年（2025 年度）报告：某某县人民政府")
        assert "草稿" not in summary.text and "表三：新收 81 件" in summary.text
        assert summary.button_texts == ["确认导入", "取消"]
        await chat.click("确认导入")
        await chat.expect("✅ 已保存 2025 年度报告")
        await skip_to_table_three(chat, preamble="沿用上年内容")
        await chat.click("有")
        await chat.expect("一、本年新收")
        await chat.send("0")
        offer = await chat.expect("上年报告“四、结转下年度继续办理”为：4 0 0 0 0 0（总计 4）")
        assert "沿用：4 0 0 0 0 0" in offer.button_texts

    run(conversation())


def test_a_report_naming_no_year_asks_which_year_it_is(server: FakeBotApi, bot: BotProcess) -> None:
    async def conversation() -> None:
        chat = await joined(server, bot)
        await chat.upload("年报.txt", UNTITLED.encode())
        asked = await chat.expect("文件中没有写明是哪一年度的报告")
        assert asked.button_texts == ["2025 年度（上年报告）", "2026 年度（本年草稿）", "取消"]
        await chat.click("2025 年度（上年报告）")
        await chat.expect("按 2025 年度（上年）报告导入")
        await chat.click("确认导入")
        await chat.expect("✅ 已保存 2025 年度报告")
        await chat.click("2025 年度（上年报告）", message=asked)  # a second tap on the old question
        await chat.expect("这个导入已处理、已取消或已过期")

    run(conversation())


def test_a_prose_file_is_a_draft_that_can_be_cleared(server: FakeBotApi, bot: BotProcess) -> None:
    async def conversation() -> None:
        chat = await joined(server, bot)  # 开篇说明 is asked
        await chat.upload("开篇说明.txt", PREAMBLE.encode())
        shown = await chat.expect("文件不是年度报告，已把其中的文字（89 字）作为“开篇说明”的草稿")
        assert shown.button_texts == ["完成", "重写"] and "编制本报告" in shown.text
        await chat.click("重写")
        cleared = await chat.expect("已清除“开篇说明”的草稿")
        assert "请填写“开篇说明”" in cleared.text and "完成" not in cleared.button_texts
        await chat.send("/review")
        assert "开篇说明：未填写" in (await chat.expect("概览")).text
        await chat.click("继续填写")
        await chat.expect("请填写“开篇说明”")
        await skip_to_table_three(chat)
        await chat.upload("开篇说明.txt", PREAMBLE.encode())  # no prose part asked now
        not_now = await chat.expect("这个文件不是年度报告，现在也没有需要填写文字的部分，没有保存")
        assert "是否收到过政府信息公开申请" in not_now.text

    run(conversation())


@needs_soffice
def test_last_years_pdf_is_imported(server: FakeBotApi, bot: BotProcess) -> None:
    """The form most agencies publish in: a PDF of their own layout, uploaded while a prose part is asked."""
    report = dataclasses.replace(datafile.load(COUNTY_JSON), agency="某某县人民政府办公室")
    pdf = published_pdf(report)

    async def conversation() -> None:
        chat = await joined(server, bot)
        await chat.upload("某某县政府办2025年报.pdf", pdf)
        summary = await chat.expect("已读取上年（2025 年度）报告：某某县人民政府办公室")
        assert "表三：新收 81 件" in summary.text and "无法识别" not in summary.text
        await chat.click("确认导入")
        await chat.expect("✅ 已保存 2025 年度报告")

    run(conversation())
