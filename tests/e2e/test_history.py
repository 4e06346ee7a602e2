"""/history in the chat: who changed a field and when, with a choice where the words name several."""

from __future__ import annotations

from tests.e2e.conftest import BotProcess, joined, run
from tests.support import FakeBotApi


def test_history_of_a_field(server: FakeBotApi, bot: BotProcess) -> None:
    async def conversation() -> None:
        chat = await joined(server, bot)
        await chat.click("使用标准开篇")
        await chat.expect("总体情况概述")
        await chat.send("/history 开篇说明")
        shown = await chat.expect("“开篇说明”的修改记录（共 1 次")
        assert "：根据《中华人民共和国政府信息公开条例》" in shown.text
        await chat.send("/history 结转")
        choice = await chat.expect("有 2 项与所写相符")
        await chat.click(choice.button_texts[1])
        await chat.expect("还没有填写过")

    run(conversation())
