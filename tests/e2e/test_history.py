"""/history in the chat: who changed a field and when, with a choice where the words name several."""

from __future__ import annotations

from tests.e2e.conftest import BotProcess, joined, run
from tests.e2e.test_table_three import skip_to_table_three
from tests.support import FakeBotApi


def test_history_of_a_field(server: FakeBotApi, bot: BotProcess) -> None:
    async def conversation() -> None:
        chat = await joined(server, bot)
        await skip_to_table_three(chat)  # 使用标准开篇 among the steps
        await chat.click("有")
        await chat.expect("一、本年新收")
        await chat.send("80 1 0 0 0 0")
        await chat.expect("✅ 一、本年新收政府信息公开申请数量：80 1 0 0 0 0（总计 81）")
        await chat.send("/history 本年新收")
        row = await chat.expect("修改记录（共 1 次")
        assert row.text.endswith("：80 1 0 0 0 0（总计 81）")  # as it was typed and acknowledged
        await chat.send("/history 开篇说明")
        shown = await chat.expect("“开篇说明”的修改记录（共 1 次")
        assert "：根据《中华人民共和国政府信息公开条例》" in shown.text
        await chat.send("/history 结转")
        choice = await chat.expect("有 2 项与所写相符")
        await chat.click(choice.button_texts[1])
        await chat.expect("还没有填写过")

    run(conversation())
