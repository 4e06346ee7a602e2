"""The supervising office in the chat: an admin's greeting, help and menu; an invite that asks whether a new
agency is a 部门 or a 政府; an agency created by mistake renamed, switched and removed."""

from __future__ import annotations

from tests.e2e.conftest import ADMIN_ID, BotProcess, invite_code, joined, run
from tests.support import ChatClient, FakeBotApi

DEPARTMENT, GOVERNMENT = "部门（次年1月31日前报送）", "政府（次年3月31日前报送）"


def admin_chat(server: FakeBotApi) -> ChatClient:
    return ChatClient(server, user_id=ADMIN_ID, first_name="王科长", quiet=0.25)


def test_an_admin_is_greeted_with_the_admin_commands(server: FakeBotApi, bot: BotProcess) -> None:
    async def conversation() -> None:
        admin = admin_chat(server)
        await admin.send("/start")
        greeting = await admin.wait_reply()
        assert "您好，王科长！您是政府信息公开工作主管部门的管理员" in greeting.text
        assert "/invite 机构名称" in greeting.text and "仅供受邀" not in greeting.text
        await admin.send("/fill")  # no report of their own: not refused like a stranger either
        await admin.expect("您是管理员，但不是任何机构的填报人员")
        await admin.send("/help")
        help_text = (await admin.expect("管理员命令")).text
        for command in ("/invite", "/agencies", "/nudge", "/rename", "/remove", "/fill"):
            assert command in help_text
        member = await joined(server, bot, user_id=2001)
        await member.send("/help")
        assert "管理员命令" not in (await member.wait_reply()).text
        menu = [c["command"] for c in server.commands(scope={"type": "chat", "chat_id": ADMIN_ID})]
        assert {"invite", "agencies", "nudge", "rename", "remove", "fill"} <= set(menu)
        assert "invite" not in [c["command"] for c in server.commands()]  # everyone's menu
        # An admin who is also a member: the member's greeting and step, and a line about the admin commands.
        joined_admin = ChatClient(server, user_id=ADMIN_ID, first_name="王科长", quiet=0.25)
        await joined_admin.send(f"/start {invite_code(bot, '东宁市民政局')}")
        await joined_admin.expect("您已加入“东宁市民政局”")
        await joined_admin.send("/start")
        back = await joined_admin.expect("您是“东宁市民政局”的填报人员")
        assert "您是管理员：发送 /help 可查看管理员命令" in back.text and "开篇说明" in back.text

    run(conversation())


def test_invite_asks_department_or_government_and_the_name_survives_a_restart(
    server: FakeBotApi, bot: BotProcess
) -> None:
    async def conversation() -> None:
        admin = admin_chat(server)
        await admin.send("/invite 某某经济技术开发区管委会政府")
        asked = await admin.expect("是新机构。请选择它是部门还是政府")
        assert asked.button_texts == [DEPARTMENT, GOVERNMENT]
        status = bot.run_cli("status")
        assert "某某经济技术开发区管委会政府" not in status.stdout  # nothing created before the choice
        bot.kill()
        bot.start()
        await admin.click(GOVERNMENT)
        created = await admin.expect("已为“某某经济技术开发区管委会政府”（政府）生成邀请")
        code = created.text.rsplit("邀请码：", 1)[1].strip()
        assert f"https://t.me/nianbao_test_bot?start={code}" in created.text
        await admin.click(DEPARTMENT, message=asked)  # the other button, later: changes nothing
        await admin.expect("这个邀请已经处理过")
        member = ChatClient(server, user_id=2001, first_name="小李", quiet=0.25)
        await member.send(f"/start {code}")
        await member.expect("您已加入“某某经济技术开发区管委会政府”")
        await admin.send("/invite 某某经济技术开发区管委会政府")  # known now: a link at once, its level kept
        again = await admin.expect("（政府）生成邀请")
        assert not again.buttons

    run(conversation())


def test_an_agency_created_by_mistake_is_renamed_switched_and_removed(server: FakeBotApi, bot: BotProcess) -> None:
    async def conversation() -> None:
        admin = admin_chat(server)
        await admin.send("/invite 某某管委会政府")
        await admin.expect("是新机构")
        await admin.click(DEPARTMENT)  # the mistake: a 部门 named “…政府”
        created = await admin.expect("已为“某某管委会政府”（部门）生成邀请")
        member = ChatClient(server, user_id=2001, first_name="小李", quiet=0.25)
        await member.send(f"/start {created.text.rsplit('邀请码：', 1)[1].strip()}")
        await member.expect("您已加入“某某管委会政府”")

        await admin.send("/rename 某某管委会政府 -> 某某管委会")
        renamed = await admin.expect("已将“某某管委会政府”改名为“某某管委会”（部门）")
        assert renamed.button_texts == ["改为政府（次年3月31日前报送）"]
        await admin.click("改为政府（次年3月31日前报送）")
        await admin.expect("已将“某某管委会”改为政府，报送截止日期为次年3月31日")
        await member.send("/start")
        await member.expect("您是“某某管委会”的填报人员")

        await member.send("/remove 某某管委会")
        await member.expect("仅供主管部门管理员使用")
        await admin.send("/remove 某某管委会")
        confirm = await admin.expect("确定删除“某某管委会”（政府）吗")
        assert "已有 1 名填报人员加入" in confirm.text and confirm.button_texts == ["确认删除"]
        await admin.click("确认删除")
        await admin.expect("已删除“某某管委会”")
        await member.send("/start")
        await member.expect("仅供受邀")
        assert "某某管委会" not in bot.run_cli("status").stdout

        busy = await joined(server, bot, user_id=3001)  # an agency with an answer is never removed
        await busy.click("使用标准开篇")
        await busy.expect("已保存")
        await admin.send("/remove 绥芬河市文体广电和旅游局")
        refused = await admin.expect("已有 1 项填报内容，不能删除")
        assert not refused.buttons
        await admin.send("/rename 只有一个名称")
        await admin.expect("用法：/rename 原名称 -> 新名称")

    run(conversation())
