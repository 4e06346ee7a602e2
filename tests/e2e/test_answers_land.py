"""Every answer lands in the question it answers: the one the bot last showed that member, not wherever the
report stands now. Colleagues answering the same question at once see each other's value and choose; a
member who types before the next question arrives changes that question, not the next one."""

from __future__ import annotations

from tests.e2e.conftest import BotProcess, joined, run
from tests.e2e.test_robustness import to_licensing
from tests.e2e.test_table_three import skip_to_table_three
from tests.support import ChatClient, FakeBotApi


async def review(chat: ChatClient) -> str:
    await chat.send("/review 二")
    return (await chat.expect("概览")).text


def test_a_second_message_before_the_reply_changes_the_question_shown_not_the_next(
    server: FakeBotApi, bot: BotProcess
) -> None:
    async def conversation() -> None:
        chat = await joined(server, bot)
        await to_licensing(chat)
        await chat.send("11")
        await chat.send("11")  # sent again at once, as people do when the reply is slow
        await chat.send("12")  # and corrected before the next question arrived
        await chat.expect("✅ 行政许可：12")
        assert any("已保存过，未改动" in (m.text or "") for m in chat.history())
        text = await review(chat)
        assert "行政许可：12" in text and "行政处罚：未填写" in text, text

    run(conversation())


def test_two_colleagues_answering_one_question_see_each_other_and_choose(server: FakeBotApi, bot: BotProcess) -> None:
    async def conversation() -> None:
        first = await joined(server, bot)
        second = await joined(server, bot, user_id=1002)
        await to_licensing(first)
        await second.send("/fill")
        await second.expect("行政许可：本年处理决定数量是多少？")  # both are shown 行政许可
        await first.send("11")
        await first.expect("✅ 行政许可：11")
        await second.send("22")
        choice = await second.expect("“行政许可”已由小李在")
        assert "填为：11" in choice.text and "您刚才发送的是：22" in choice.text
        assert choice.button_texts == ["保留 11", "改为 22"]
        await second.click("改为 22")
        await second.expect("✅ 行政许可：22")
        text = await review(first)
        assert "行政许可：22" in text and "行政处罚：未填写" in text, text  # nothing went to the next question

    run(conversation())


def test_numbers_typed_while_the_yes_no_question_is_shown_are_not_stored(server: FakeBotApi, bot: BotProcess) -> None:
    async def conversation() -> None:
        first = await joined(server, bot)
        second = await joined(server, bot, user_id=1002)
        await skip_to_table_three(first)
        await second.send("/fill")
        await second.expect("是否收到过政府信息公开申请")
        await first.click("有")
        await first.expect("一、本年新收")
        await second.send("2 2 2 2 2 2")  # the colleague still sees the yes/no question
        again = await second.expect("是否收到过政府信息公开申请")
        assert "没有保存" in again.text and "✅" not in again.text  # said plainly, and nothing stored
        await first.send("/review 三")
        text = (await first.expect("概览")).text
        assert "二、上年结转政府信息公开申请数量 总计" not in text, text

    run(conversation())


def test_each_member_writes_their_own_prose_draft(server: FakeBotApi, bot: BotProcess) -> None:
    async def conversation() -> None:
        first = await joined(server, bot)
        second = await joined(server, bot, user_id=1002)
        await first.click("使用标准开篇")
        await first.expect("总体情况概述")
        await second.send("/fill")
        await second.expect("总体情况概述")
        await first.send("甲写的第一段。")
        await first.expect("已记录")
        await second.send("乙写的第一段。")
        await second.expect("已记录")
        await first.click("完成")
        saved = await first.expect("已保存“总体情况概述”")
        assert "（7 字）" in saved.text, saved.text  # 甲写的第一段。 alone: no merged draft
        await second.click("完成")
        choice = await second.expect("“总体情况概述”已由小李在")
        assert choice.button_texts == ["保留 7 字", "改为 7 字"]
        await second.click("保留 7 字")
        await second.expect("保留同事保存的文字")

    run(conversation())


def test_after_a_reply_that_may_have_arrived_twice_the_member_says_which_question_they_answered(
    server: FakeBotApi, bot: BotProcess
) -> None:
    async def conversation() -> None:
        chat = await joined(server, bot)
        await to_licensing(chat)
        server.time_out("sendMessage")  # Telegram takes the reply, but its answer is lost on the way back
        await chat.send("11")
        await chat.expect("行政处罚：本年处理决定数量是多少？")  # the member sees the next question at once
        await chat.send("5")  # while the bot, not knowing, sends that reply again
        which = await chat.expect("是回答哪一题的", timeout=15)
        assert which.button_texts == ["行政许可", "行政处罚"]
        await chat.click("行政处罚")
        await chat.expect("✅ 行政处罚：5")
        text = await review(chat)
        assert "行政许可：11" in text and "行政处罚：5" in text, text

    run(conversation())
