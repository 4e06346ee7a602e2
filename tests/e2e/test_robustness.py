"""Wrong input, strangers, stale buttons, double taps, uploads and kill -9: nothing lost, nothing wrong stored."""

from __future__ import annotations

import asyncio

import docx

from tests.e2e.conftest import ADMIN_ID, BotProcess, invite_code, joined, run
from tests.support import ChatClient, FakeBotApi


async def to_licensing(chat: ChatClient) -> None:
    await chat.click("使用标准开篇")
    await chat.expect("总体情况概述")
    for _ in range(6):
        await chat.click("跳过")
        await chat.expect("已跳过")
    await chat.click("本条各项均为 0")
    await chat.expect("行政许可：本年处理决定数量是多少？")


async def progress(chat: ChatClient) -> str:
    await chat.send("/status")
    status = await chat.expect("填写进度")
    return status.text.split("：", 1)[1].split("\n", 1)[0]


def test_bad_numbers_get_a_clear_message_and_the_same_question(server: FakeBotApi, bot: BotProcess) -> None:
    async def conversation() -> None:
        chat = await joined(server, bot)
        await to_licensing(chat)
        before = await progress(chat)
        await chat.send("/fill")
        await chat.expect("行政许可")
        for wrong, says in [
            ("abc", "“abc”不是数字"),
            ("-1", "“-1”是负数"),
            ("1.5", "“1.5”不是整数"),
            ("99999999999", "太大了"),
            ("1 2", "这一题需要 1 个数字，收到了 2 个"),
            ("😀", "不是数字"),
            ("<b>1</b> & 2", "不是数字"),
            ("1" * 5000, "内容太长了"),
        ]:
            await chat.send(wrong)
            reply = await chat.expect(says)
            assert "例如：3" in reply.text and "行政许可：本年处理决定数量是多少？" in reply.text
        assert await progress(chat) == before  # nothing was stored
        await chat.send("/fill")
        await chat.send("１２件")  # full-width digits and a unit, echoed as read, with the question it answers
        await chat.expect("✅ 行政许可：12 ·")
        await chat.send("十二")  # 行政处罚 in Chinese numerals
        await chat.expect("✅ 行政处罚：12 ·")
        await chat.send("一百零五")  # 行政强制
        await chat.expect("行政事业性收费")
        await chat.send("1.1234567")
        await chat.expect("小数位太多")
        await chat.send("3.5万元")
        saved = await chat.expect("是否收到过政府信息公开申请")
        assert saved.text.startswith("✅ 行政事业性收费：3.5 ·")
        await chat.send("/review")
        review = await chat.expect("概览")
        assert "行政许可：12" in review.text and "行政处罚：12" in review.text and "行政强制：105" in review.text
        assert "行政事业性收费：3.5" in review.text

    run(conversation())


def test_any_text_in_prose_is_kept_exactly(server: FakeBotApi, bot: BotProcess) -> None:
    async def conversation() -> None:
        chat = await joined(server, bot)
        await chat.click("使用标准开篇")
        await chat.expect("总体情况概述")
        tricky = "<script>alert('x')</script> & “引号” 😀 </w:t>" + "很长的内容。" * 800
        await chat.send(tricky)
        await chat.expect(f"目前共 {len(tricky)} 字")
        await chat.click("完成")
        await chat.expect("✅ 已保存“总体情况概述”")
        for _ in range(5):
            await chat.click("跳过")
            await chat.expect("已跳过")
        await chat.send("/report draft")
        await chat.expect("按您的要求生成草稿")
        await chat.expect("政府信息公开工作年度报告", timeout=30)
        _, body = chat.last_document()
        import io

        text = "\n".join(p.text for p in docx.Document(io.BytesIO(body)).paragraphs)
        assert tricky in text

    run(conversation())


def test_a_stranger_is_refused_and_reaches_no_data(server: FakeBotApi, bot: BotProcess) -> None:
    async def conversation() -> None:
        member = await joined(server, bot)
        await member.click("使用标准开篇")
        await member.expect("已保存")
        stranger = ChatClient(server, user_id=666, first_name="路人", quiet=0.25)
        for command in ("/start", "/fill", "/status", "/review", "/report", "3 0 0", "/invite 某局"):
            await stranger.send(command)
            reply = await stranger.wait_reply()
            assert "仅供受邀" in reply.text or "仅供主管部门" in reply.text, reply.text
            assert "绥芬河" not in reply.text
        await stranger.send("/start not-a-real-code")
        await stranger.expect("邀请码无效")
        server.receive_callback_query(user=stranger.user, chat_id=666, message_id=1, data="z:proactive.regulations")
        await stranger.expect("仅供受邀")
        assert all("绥芬河" not in (m.text or "") for m in stranger.bot_messages())

    run(conversation())


def test_invites_work_once_and_agencies_never_see_each_other(server: FakeBotApi, bot: BotProcess) -> None:
    async def conversation() -> None:
        admin = ChatClient(server, user_id=ADMIN_ID, first_name="管理员", quiet=0.25)
        await admin.send("/invite 东宁市民政局")
        await admin.expect("请选择它是部门还是政府")
        await admin.click("部门（次年1月31日前报送）")
        created = await admin.expect("https://t.me/nianbao_test_bot?start=")
        code = created.text.rsplit("邀请码：", 1)[1].strip()
        assert len(code) >= 22  # 128 bits, URL-safe
        first = ChatClient(server, user_id=2001, first_name="甲", quiet=0.25)
        await first.send(f"/start {code}")
        await first.expect("您已加入“东宁市民政局”")
        second = ChatClient(server, user_id=2002, first_name="乙", quiet=0.25)
        await second.send(f"/start {code}")
        await second.expect("邀请码已被使用过")
        other = await joined(server, bot, user_id=3001, agency="绥芬河市文体广电和旅游局")
        await other.click("使用标准开篇")
        await other.expect("已保存")
        await first.send("/review")
        review = await first.expect("概览")
        assert "东宁市民政局" in review.text and "绥芬河" not in review.text
        assert "开篇说明：未填写" in review.text
        colleague = ChatClient(server, user_id=2003, first_name="丙", quiet=0.25)
        await colleague.send(f"/start {invite_code(bot, '东宁市民政局')}")
        await colleague.expect("您已加入“东宁市民政局”")
        await first.send("/fill")
        await first.expect("开篇说明")
        await first.click("使用标准开篇")
        await first.expect("已保存")
        await colleague.send("/fill")
        await colleague.expect("总体情况概述")  # several members fill the same report

    run(conversation())


def test_stale_buttons_and_double_taps_never_act_twice(server: FakeBotApi, bot: BotProcess) -> None:
    async def conversation() -> None:
        chat = await joined(server, bot)
        await to_licensing(chat)
        question = chat.bot_messages()[-1]
        await chat.send("3")  # answered by text: the "0" button of that message is now stale
        await chat.expect("行政处罚")
        await chat.click("0", message=question)
        stale = await chat.replies()
        assert any("按钮已过期" in (m.text or "") for m in stale)
        assert "行政处罚" in stale[-1].text
        await chat.send("/review")
        assert "行政许可：3" in (await chat.expect("概览")).text
        await chat.send("/fill")
        current = await chat.expect("行政处罚")
        data = next(b.callback_data for b in current.buttons if b.text == "本条各项均为 0")
        for _ in range(2):  # a double tap: two callback queries for the same button, back to back
            server.receive_callback_query(
                user=chat.user, chat_id=chat.chat_id, message_id=current.message_id, data=data
            )
        await asyncio.sleep(1.5)
        texts = [m.text or "" for m in chat.bot_messages()]
        assert sum("已填 0：行政处罚、行政强制" in t for t in texts) == 1
        assert any("按钮已过期" in t for t in texts[-3:])

    run(conversation())


def test_kill_9_loses_no_acknowledged_answer_and_the_walk_resumes(server: FakeBotApi, bot: BotProcess) -> None:
    async def conversation() -> None:
        chat = await joined(server, bot)
        await to_licensing(chat)
        await chat.send("7")
        await chat.expect("✅ 行政许可：7 · 4/42")
        await chat.send("2")
        await chat.expect("行政强制")
        await chat.send("/fill")
        await chat.expect("行政强制")
        bot.kill()
        bot.start()
        await chat.send("/fill")
        resumed = await chat.expect("行政强制")
        assert "行政处罚" not in resumed.text
        await chat.send("/review")
        review = await chat.expect("概览")
        assert "行政许可：7" in review.text and "行政处罚：2" in review.text
        await chat.send("/fill")
        await chat.send("1")
        await chat.expect("行政事业性收费")
        await chat.click("0")
        await chat.expect("是否收到过政府信息公开申请")
        await chat.click("有")
        await chat.expect("一、本年新收")
        await chat.send("1 0 0 0 0 0")
        await chat.expect("✅ 一、本年新收政府信息公开申请数量：1 0 0 0 0 0（总计 1）")
        bot.kill()  # right after the acknowledgement
        bot.start()
        await chat.send("/fill")
        await chat.expect("二、上年结转")  # the gate was passed, 一 stored: the walk goes on at 二

    run(conversation())


def test_a_prose_draft_survives_a_kill(server: FakeBotApi, bot: BotProcess) -> None:
    async def conversation() -> None:
        chat = await joined(server, bot)
        await chat.click("使用标准开篇")
        await chat.expect("总体情况概述")
        await chat.send("第一段。")
        await chat.expect("目前共 4 字")
        bot.kill()
        bot.start()
        await chat.send("第二段。")
        await chat.expect("目前共 9 字")
        await chat.click("完成")
        await chat.expect("✅ 已保存“总体情况概述”（9 字）")

    run(conversation())


def test_uploads(server: FakeBotApi, bot: BotProcess) -> None:
    async def conversation() -> None:
        chat = await joined(server, bot)
        await chat.click("使用标准开篇")
        await chat.expect("总体情况概述")
        await chat.upload("photo.jpg", b"\xff\xd8\xff\xe0", "image/jpeg")
        await chat.expect("只能上传 .txt 或 .docx 文件")
        await chat.upload("fake.docx", b"%PDF-1.4 not a docx")
        await chat.expect("不是有效的 .docx 文件")
        await chat.upload("intro.txt", "上传的第一段。\n上传的第二段。".encode("gb18030"))
        await chat.expect("已把其中的文字（15 字）作为“总体情况概述”的草稿")
        await chat.click("完成")
        await chat.expect("✅ 已保存“总体情况概述”（15 字）")
        import io

        document = docx.Document()
        document.add_paragraph("来自 Word 的内容。")
        buffer = io.BytesIO()
        document.save(buffer)
        await chat.upload("proactive.docx", buffer.getvalue())
        await chat.expect("已把其中的文字（12 字）作为“主动公开情况”的草稿")
        await chat.click("完成")
        await chat.expect("已保存“主动公开情况”")
        await chat.upload("late.txt", b"text")
        await chat.expect("已把其中的文字（4 字）作为“依申请公开情况”的草稿")  # still a prose question: its draft

    run(conversation())


def test_a_report_in_the_making_holds_up_nobody(server: FakeBotApi, bot: BotProcess) -> None:
    """The files are made and sent in a task of their own: while one member's report is slow to go out,
    another member is answered at once, and the first still gets the file."""

    async def conversation() -> None:
        slow = await joined(server, bot)
        other = await joined(server, bot, user_id=2002, agency="东宁市民政局")
        server.delay(3, method="sendDocument")
        await slow.send("/report draft")
        await slow.expect("生成草稿")
        await other.send("/status")
        await other.expect("填写进度", timeout=1.5)
        assert not [m for m in slow.bot_messages() if m.file is not None], "the file went out before the delay"
        server.delay(0, method="sendDocument")
        await slow.document(".docx")

    run(conversation())
