"""Hostile input through the real bot, on SQLite and PostgreSQL: a clear message and the question again,
never the generic apology, and nothing stored that should not be."""

from __future__ import annotations

from tests.e2e.conftest import ADMIN_ID, BotProcess, joined, run
from tests.support import ChatClient, FakeBotApi


def test_hostile_text_buttons_and_commands(server: FakeBotApi, bot_on_each_database: BotProcess) -> None:
    bot = bot_on_each_database

    async def conversation() -> None:
        chat = await joined(server, bot)
        await chat.click("使用标准开篇")
        await chat.expect("总体情况概述")
        await chat.send("概述\x00含有空字符\ud800和半个代理对。")  # NUL is refused by PostgreSQL; \ud800 by UTF-8
        await chat.expect("已记录")
        await chat.click("完成")
        await chat.expect("已保存“总体情况概述”")
        for _ in range(5):
            await chat.click("跳过")
            await chat.expect("已跳过")
        await chat.click("本条各项均为 0")
        await chat.expect("行政许可：本年处理决定数量是多少？")
        await chat.send("3万")  # a count is whole items: 万 only where the format says 万元
        refused = await chat.expect("这一栏是件数")
        assert "行政许可：本年处理决定数量是多少？" in refused.text
        question = chat.bot_messages()[-1]
        for forged in ("ic:abc", "ix:-1", "sn:zz", "z:../../etc", "e:" + "x" * 70, "rp:pdf; DROP TABLE"):
            server.receive_callback_query(
                user=chat.user, chat_id=chat.chat_id, message_id=question.message_id, data=forged
            )
            await chat.expect("这个按钮已过期")
        await chat.send("7")
        await chat.expect("✅ 行政许可：7")
        await chat.send("/review 概")
        text = (await chat.expect("概览")).text
        assert "出了点问题" not in "".join(m.text or "" for m in chat.history())
        admin = ChatClient(server, user_id=ADMIN_ID, first_name="管理员", quiet=0.25)
        await admin.send("/invite 某某局\n某某政府")
        await admin.expect("机构名称应为")
        await admin.send("/invite 某某管委会\x00")
        await admin.expect("邀请")
        assert "出了点问题" not in "".join(m.text or "" for m in admin.history())
        assert text

    run(conversation())
