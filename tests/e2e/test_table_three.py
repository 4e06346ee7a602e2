"""Table 三 with real numbers: six per message, totals echoed, a 勾稽 mismatch shown and corrected."""

from __future__ import annotations

from tests.e2e.conftest import BotProcess, joined, run
from tests.support import ChatClient, FakeBotApi


async def skip_to_table_three(chat: ChatClient, preamble: str = "使用标准开篇") -> None:
    """The preamble taken, the rest of 一 skipped, table 二 all zero: the walk arrives at table 三."""
    await chat.click(preamble)
    await chat.expect("总体情况概述")
    for _ in range(6):
        await chat.click("跳过")
        await chat.expect("已跳过")
    for label in ("本条各项均为 0", "0", "本条各项均为 0", "0"):
        await chat.click(label)
        await chat.expect("已填 0")
    await chat.expect("是否收到过政府信息公开申请")


def test_rows_with_numbers_and_a_mismatch_the_user_fixes(server: FakeBotApi, bot: BotProcess) -> None:
    async def conversation() -> None:
        chat = await joined(server, bot)
        await skip_to_table_three(chat)
        await chat.click("有")
        await chat.expect("一、本年新收政府信息公开申请数量")
        await chat.send("３，1、0 0 一 0")  # full-width digits, 、, a Chinese numeral
        await chat.expect("✅ 一、本年新收政府信息公开申请数量：3 1 0 0 1 0（总计 5）")
        await chat.send("1 0 0 0 0 0")  # 上年结转
        await chat.expect("（一）予以公开")
        await chat.send("2 1 0 0 0 0")
        await chat.expect("（二）部分公开")
        await chat.click("本行均为 0")
        await chat.expect("（三）1.属于国家秘密")
        await chat.click("（三）不予公开各项均为 0")
        await chat.expect("（四）1.本机关不掌握相关政府信息")
        await chat.send("1 0 0 0 1 0")
        await chat.expect("（四）2.没有现成信息需要另行制作")
        await chat.click("本行均为 0")
        await chat.expect("（四）3")
        await chat.click("本行均为 0")
        await chat.expect("（五）1.信访举报投诉类申请")
        await chat.click("（五）不予处理各项均为 0")
        await chat.expect("（六）1.申请人无正当理由逾期不补正")
        await chat.click("（六）其他处理各项均为 0")
        await chat.expect("四、结转下年度继续办理")
        await chat.send("0 0 0 0 0 0")  # wrong: one application of a 自然人 is still open
        fix = await chat.expect("表三的数字对不上")
        assert "• 表三 自然人列：第一项(3)+第二项(1) ≠ 第三项(3)+第四项(0)" in fix.text
        assert "• 表三 总计列：第一项(5)+第二项(1) ≠ 第三项(5)+第四项(0)" in fix.text
        await chat.click("修改 第四项")
        await chat.expect("四、结转下年度继续办理")
        await chat.send("1 0 0 0 0 0")
        await chat.expect("是否发生过政府信息公开方面的行政复议或行政诉讼")  # consistent now: on to table 四
        await chat.click("有")
        await chat.expect("行政复议\n请依次发送 4 个数字")
        await chat.send("1 0 0 1")
        await chat.expect("：1 0 0 1（总计 2）")
        await chat.send("/review")
        review = await chat.expect("年度报告概览")
        assert "一、本年新收政府信息公开申请数量 总计 5" in review.text
        assert "（七）总计 总计 5" in review.text

    run(conversation())


def test_a_mismatch_can_be_left_for_later_and_blocks_the_report(server: FakeBotApi, bot: BotProcess) -> None:
    async def conversation() -> None:
        chat = await joined(server, bot)
        await skip_to_table_three(chat)
        await chat.click("有")
        await chat.expect("一、本年新收")  # a person answers the row once it is shown
        await chat.send("1 0 0 0 0 0")
        await chat.expect("二、上年结转")
        for label in ("本行均为 0", "本行均为 0", "本行均为 0"):
            await chat.click(label)
            await chat.expect("已填 0")
        for group in ("（三）不予公开", "（四）无法提供", "（五）不予处理", "（六）其他处理"):
            await chat.click(f"{group}各项均为 0")
            await chat.expect("已填 0")
        await chat.click("本行均为 0")  # 四、结转下年度继续办理
        await chat.expect("表三的数字对不上")
        await chat.click("稍后再改")
        await chat.expect("是否发生过政府信息公开方面的行政复议或行政诉讼")
        await chat.send("没有")  # typed instead of tapped
        await chat.expect("表四已全部填 0")
        await chat.send("/report")
        errors = await chat.expect("报告还有")
        assert "• 表三 自然人列：第一项(1)+第二项(0) ≠ 第三项(0)+第四项(0)" in errors.text
        assert "尚未填写" in errors.text and "TEXT-FILLED" not in errors.text
        await chat.click("仍生成草稿")
        await chat.expect("按您的要求生成草稿")
        await chat.expect("政府信息公开工作年度报告", timeout=30)
        name, body = chat.last_document()
        assert name.endswith(".docx") and body.startswith(b"PK")
        await chat.send("/report")
        await chat.expect("报告还有")
        await chat.click("修改 表三 一、本年新收政府信息公开申请数量")
        await chat.expect("一、本年新收政府信息公开申请数量\n请依次发送 6 个数字")
        await chat.click("本行均为 0")
        await chat.expect("已填 0")
        await chat.send("/report")
        errors = await chat.expect("报告还有")
        assert "表三 自然人列" not in errors.text

    run(conversation())
