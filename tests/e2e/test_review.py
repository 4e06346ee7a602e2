"""Review before publishing in the running bot (issue #12): the member submits, the admin views the report and
returns it with a comment on a cell, the member finds the comment at that question, fixes it and submits
again, the admin approves and the report is final. Someone who is not a reviewer cannot approve with forged
button data, and a second tap on 通过 changes nothing. Notices reach the other chat at once (not after the
sweep's lease), because they are stored with the change and delivered right after the update."""

from __future__ import annotations

import io
from pathlib import Path

import docx

from bot.chat.service import Walk
from storage import repo
from storage.models import ReportStatus
from tests.chat.test_service import Member as ServiceMember
from tests.chat.test_service import complete
from tests.e2e.conftest import run
from tests.e2e.test_reminders import ADMIN, MEMBER, Clock, join, messages_to, running
from tests.support import ChatClient, FakeBotApi

STRANGER = 3003  # a member of another agency


def _status(walk: Walk) -> ReportStatus:
    with walk.session() as session:
        agency = repo.get_agency_by_name(session=session, name="甲局")
        row = repo.get_report(session=session, agency=agency, year=2026)  # type: ignore[arg-type]
        assert row is not None
        return row.status


def test_submit_return_with_a_comment_on_a_cell_fix_resubmit_approve(server: FakeBotApi, tmp_path: Path) -> None:
    clock = Clock(2027, 1, 4, 10, 0)  # a Monday in January: the 2026 reports may be made final

    async def scenario() -> None:
        async with running(server, tmp_path / "nianbao.db", clock) as app:
            walk: Walk = app.bot_data["walk"]
            join(walk, MEMBER, "甲局")
            join(walk, STRANGER, "乙局")
            complete(ServiceMember(walk, MEMBER))
            admin = ChatClient(server, user_id=ADMIN, first_name="王科长", quiet=0.3)
            member = ChatClient(server, user_id=MEMBER, first_name="小李", quiet=0.3)
            stranger = ChatClient(server, user_id=STRANGER, first_name="老张", quiet=0.3)

            await admin.send("/needreview 甲局 on")
            await admin.expect("“甲局”的报告今后需要审核")
            await member.send("/finalize")
            confirm = await member.expect("提交审核，成文日期印为 2027年1月4日")
            await member.click("提交审核（2027年1月4日）", message=confirm)
            await member.expect("报告已提交审核")
            notice = await admin.expect("“甲局”提交了 2026 年度报告，请审核")
            assert notice.button_texts == ["查看", "通过", "退回修改"]
            await member.send("5")
            await member.expect("正在等待审核，暂不能修改")

            # Forged: the approve button's data sent by people who do not review 甲局.
            approve = next(b.callback_data for b in notice.buttons if b.text == "通过")
            assert approve is not None
            for chat in (member, stranger):
                await chat.send("/status")
                await chat.wait_reply()
                await _forged_tap(server, chat, approve)
                await chat.expect("此操作仅供该机构报告的审核人使用")
            assert _status(walk) is ReportStatus.SUBMITTED

            await admin.click("查看", message=notice)
            await admin.expect("表格图片和 Word 文件已发出", timeout=60)
            name, body = await admin.document(".docx")
            assert name == "甲局_2026年政府信息公开工作年度报告.docx"
            assert "甲局2026年政府信息公开工作年度报告" in "\n".join(
                p.text for p in docx.Document(io.BytesIO(body)).paragraphs
            )
            assert [c for c in server.calls("sendPhoto") if int(c.params["chat_id"]) == ADMIN]  # the tables
            assert not [c for c in server.calls("sendDocument") if int(c.params["chat_id"]) in (MEMBER, STRANGER)]

            await admin.click("退回修改", message=notice)
            await admin.expect("请发送对“甲局”报告的修改意见")
            await admin.send("表二 行政许可 本年处理决定数量 应为 3")
            noted = await admin.expect("1. 【表二 行政许可 本年处理决定数量】表二 行政许可 本年处理决定数量 应为 3")
            await admin.click("退回（1 条意见）", message=noted)
            await admin.expect("已退回“甲局”2026 年度报告，1 条意见已发给填报人员")

            returned = await member.expect("被退回修改（王科长），共 1 条意见")
            assert returned.button_texts == ["去修改第一条"]
            await member.click("去修改第一条", message=returned)  # today's reminder may come meanwhile
            asked = await member.expect("行政许可：本年处理决定数量是多少？")
            assert "💬 审核意见（王科长，" in asked.text and "应为 3" in asked.text
            await member.send("3")
            await member.expect("✅ 行政许可")
            await member.send("/finalize")
            confirm = await member.expect("提交审核，成文日期印为 2027年1月4日")
            await member.click("提交审核（2027年1月4日）", message=confirm)
            await member.expect("报告已提交审核")
            again = await admin.expect("“甲局”提交了 2026 年度报告，请审核")
            assert again.message_id != notice.message_id

            await admin.click("通过", message=again)
            await admin.expect("已审核通过“甲局”2026 年度报告")
            await member.expect("已审核通过（王科长），已定稿，成文日期 2027年1月4日")
            told = len(messages_to(server, MEMBER))
            await admin.click("通过", message=again)  # a double tap
            await admin.expect("无需再次操作")
            assert len(messages_to(server, MEMBER)) == told
            assert _status(walk) is ReportStatus.FINAL
            await member.send("/review")
            assert "💬" not in (await member.wait_reply()).text  # resubmitting settled the comment
            with walk.session() as session:
                agency = repo.get_agency_by_name(session=session, name="甲局")
                row = repo.get_report(session=session, agency=agency, year=2026)  # type: ignore[arg-type]
                kinds = [(e.kind, e.by) for e in repo.events_of(session=session, report=row)]  # type: ignore[arg-type]
            assert kinds == [("submit", MEMBER), ("return", ADMIN), ("submit", MEMBER), ("approve", ADMIN)]

    run(scenario())


async def _forged_tap(server: FakeBotApi, chat: ChatClient, data: str) -> None:
    """A tap with callback data the bot never showed this user (a modified client), on their latest message."""
    chat._start_turn()
    message = chat.bot_messages()[-1]
    chat.last_query_id = server.receive_callback_query(
        user=chat.user, chat_id=chat.chat_id, message_id=message.message_id, data=data
    )
