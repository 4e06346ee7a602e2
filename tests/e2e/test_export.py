"""An admin's /export: the reply says the files are being made, then the .zip of every agency's report and the
.xlsx arrive through the Bot API, every number in its place; nobody else gets any agency's data."""

from __future__ import annotations

import io
import shutil
import zipfile

from storage.db import make_engine
from tests.e2e.conftest import ADMIN_ID, BotProcess, joined, run
from tests.support import ChatClient, FakeBotApi
from tests.support.exports import assert_archive, assert_workbook, county_reports, store_reports

YEAR = 2025


def test_an_admin_exports_five_agencies_and_others_are_refused(server: FakeBotApi, bot: BotProcess) -> None:
    engine = make_engine(bot.env["DATABASE_URL"])
    reports = county_reports(5, YEAR)
    store_reports(engine, reports, final=[True, False, True, False, False])
    engine.dispose()
    statuses = {r.agency: "已定稿" if i in (0, 2) else "草稿" for i, r in enumerate(reports)}

    async def conversation() -> None:
        member = await joined(server, bot, user_id=2001)  # a member of another agency, not an admin
        await member.send(f"/export {YEAR}")
        await member.expect("此功能仅供主管部门管理员使用")
        stranger = ChatClient(server, user_id=3001, first_name="路人", quiet=0.25)
        await stranger.send("/export")
        await stranger.expect("此功能仅供主管部门管理员使用")

        admin = ChatClient(server, user_id=ADMIN_ID, first_name="王科长", quiet=0.25)
        await admin.send("/export 二〇二五")
        await admin.expect("用法：/export [年度]")
        await admin.send(f"/export {YEAR}")
        await admin.expect(f"导出 {YEAR} 年度全部 6 个机构的报告")  # 5 with reports and the member's agency
        name, archive = await admin.document(".zip", timeout=90)
        assert name == f"{YEAR}年政府信息公开工作年度报告.zip"
        pdf = shutil.which("soffice") is not None
        names = assert_archive(archive, reports, YEAR, pdf=pdf)
        xlsx_name, workbook = await admin.document(".xlsx", timeout=30)
        assert xlsx_name == f"{YEAR}年政府信息公开工作年度报告汇总表.xlsx" and xlsx_name in names
        rows = assert_workbook(workbook, reports, statuses=statuses, dates={r.agency: r.date for r in reports})
        assert rows["绥芬河市文体广电和旅游局"][2] == "无报告（本年度尚未填写）"
        with zipfile.ZipFile(io.BytesIO(archive)) as z:
            assert z.read(xlsx_name) == workbook
        done = await admin.expect(f"✅ 已发出 {YEAR} 年度 5 个机构的报告文件（1 个压缩包）和汇总表", timeout=30)
        assert "正在生成" not in done.text  # the announcing line was replaced in place
        for chat in (member, stranger):  # nothing of any agency's reached anyone else
            assert not [m for m in chat.bot_messages() if m.file is not None and m.file.filename.endswith(".zip")]
            assert not [m for m in chat.bot_messages() if m.file is not None and m.file.filename.endswith(".xlsx")]

    run(conversation())
