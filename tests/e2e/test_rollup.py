"""The roll-up in the running bot: an admin links a county government to its departments; a member of the
government sends /rollup, sees the sums and the sources, confirms, and every cell of tables 二/三/四 of the
government's report is the sum of the departments' final reports. A 2019-format report is refused, a draft
counts only when an admin chooses so, and a confirmation whose sums changed meanwhile stores nothing."""

from __future__ import annotations

import random
from dataclasses import replace
from decimal import Decimal

from sqlmodel import Session

from bot.chat.service import Walk
from bot.report.model import Report, with_totals
from bot.schema import FORMAT_2019, FORMAT_2021, Level
from storage import repo
from storage.db import make_engine
from storage.models import Agency, ReportStatus
from tests.e2e.conftest import ADMIN_ID, BotProcess, invite_code, joined, run
from tests.support import ChatClient, FakeBotApi

GOVERNMENT = "某某县人民政府"
FINALS = ("某某县教育局", "某某县财政局", "某某县民政局")
DRAFT, OLD = "某某县交通运输局", "某某县水务局"


def tables(agency: str, year: int, seed: int, fmt: object = FORMAT_2021) -> Report:
    """A report whose every input cell of tables 二/三/四 holds its own number (the fee with decimals)."""
    rng = random.Random(seed)
    values: dict[str, object] = {"text.preamble": f"{agency}的开篇说明"}
    for table in FORMAT_2021.tables:
        for row in table.input_rows:
            if table.number.is_integer:
                values[row.key] = tuple(rng.randint(0, 40) for _ in table.columns)
            else:
                values[row.key] = (Decimal(rng.randint(0, 10**8)).scaleb(-6),)
    report = with_totals(Report(agency, Level.DEPARTMENT, year, values=values))  # type: ignore[arg-type]
    return replace(report, format=fmt) if fmt is not FORMAT_2021 else report  # type: ignore[arg-type]


def test_a_government_rolls_up_its_departments(server: FakeBotApi, bot: BotProcess) -> None:
    engine = make_engine(bot.env["DATABASE_URL"])

    async def conversation() -> None:
        member = await joined(server, bot, user_id=5001, agency=GOVERNMENT) if _government(bot) else None
        assert member is not None
        for name in (*FINALS, DRAFT, OLD):
            invite_code(bot, name)
        with Session(engine) as session:
            government = repo.get_agency_by_name(session=session, name=GOVERNMENT)
            assert government is not None
            year = Walk(engine).report_year(session, government)
            sources = {}
            for seed, name in enumerate((*FINALS, DRAFT, OLD)):
                agency = repo.get_agency_by_name(session=session, name=name)
                assert agency is not None
                report = tables(name, year, seed, FORMAT_2019 if name == OLD else FORMAT_2021)
                if name == OLD:  # what an import of a 2019-format report keeps: prose only
                    report = replace(report, values={"text.preamble": "旧格式"})
                row = repo.store_report(session=session, agency=agency, report=report)
                if name != DRAFT:
                    repo.set_status(session=session, report=row, status=ReportStatus.FINAL)
                sources[name] = report

        admin = ChatClient(server, user_id=ADMIN_ID, first_name="王科长", quiet=0.25)
        await member.send(f"/link {GOVERNMENT} {FINALS[0]}")
        await member.expect("仅供主管部门管理员使用")
        await admin.send(f"/link {GOVERNMENT} {'、'.join((*FINALS, DRAFT, OLD))}")
        linked = await admin.expect("已关联")
        assert f"“{GOVERNMENT}”汇总 5 个机构" in linked.text
        await admin.send(f"/link {FINALS[0]} {FINALS[1]}")
        await admin.expect(f"“{FINALS[0]}”是部门")
        await admin.send("/link")
        assert f"• {GOVERNMENT}（5 个）" in (await admin.expect("用法：/link")).text

        # The member of the government: finals only, the 2019-format one refused, the draft listed.
        await member.send("/rollup")
        preview = await member.expect(f"汇总预览：{GOVERNMENT} {year} 年度")
        text = preview.text
        assert "来源（3 份）" in text and all(name in text for name in FINALS)
        assert f"“{OLD}”是 2019 年试行格式的报告" in text
        assert f"报告尚未定稿的机构 1 个，未计入：{DRAFT}" in text
        assert "【表二】" in text and "【表三】" in text and "【表四】" in text and "万元" in text
        assert preview.button_texts == ["确认填入汇总数"]  # the drafts are the admin's choice
        await member.click("确认填入汇总数")
        done = await member.expect("已把汇总数填入")
        assert f"“{GOVERNMENT}”{year} 年度报告的表二、表三、表四" in done.text and "已保存 ·" in done.text
        stored = _stored(engine, year)
        _assert_sums(stored, [sources[name] for name in FINALS])
        assert stored.text("text.preamble") is None  # prose untouched (none was written)

        await member.click("确认填入汇总数", message=preview)  # a second tap on the same preview
        await member.expect("没有变化")

        # An admin takes the current draft too; the draft changes before the tap: nothing stored then.
        await admin.send(f"/rollup {GOVERNMENT}")
        offer = await admin.expect(f"汇总预览：{GOVERNMENT}")
        assert offer.button_texts == ["确认填入汇总数", "包含尚未定稿的草稿重新汇总"]
        await admin.click("包含尚未定稿的草稿重新汇总")
        with_drafts = await admin.expect("含尚未定稿的草稿")
        assert f"{DRAFT}（草稿）" in with_drafts.text and "来源（4 份）" in with_drafts.text
        assert with_drafts.button_texts == ["确认填入（含草稿）"]
        changed = tables(DRAFT, year, 99)
        with Session(engine) as session:
            agency = repo.get_agency_by_name(session=session, name=DRAFT)
            repo.store_report(session=session, agency=agency, report=changed)  # type: ignore[arg-type]
        await admin.click("确认填入（含草稿）")
        again = await admin.expect("有了变化，未填入")
        assert _stored(engine, year).values == stored.values
        assert again.button_texts == ["确认填入（含草稿）"] and f"{DRAFT}（草稿）" in again.text  # the new sums
        await admin.click("确认填入（含草稿）")
        filled = await admin.expect("已把汇总数填入")
        assert f"其中含草稿：{DRAFT}" in filled.text
        _assert_sums(_stored(engine, year), [*(sources[name] for name in FINALS), changed])

        # A department's member cannot roll up; a government without links is told to ask for them.
        department = ChatClient(server, user_id=5002, first_name="小张", quiet=0.25)
        await department.send(f"/start {invite_code(bot, FINALS[0])}")
        await department.expect(f"您已加入“{FINALS[0]}”")
        await department.send("/rollup")
        await department.expect("是部门。汇总只用于政府")
        await admin.send(f"/unlink {GOVERNMENT} {'、'.join((*FINALS, DRAFT, OLD))}")
        await admin.expect("已取消关联")
        await member.send("/rollup")
        await member.expect("尚未关联要汇总的机构")

    try:
        run(conversation())
    finally:
        engine.dispose()


def _government(bot: BotProcess) -> bool:
    return bot.run_cli("invite", GOVERNMENT, "--level", "government").returncode == 0


def _stored(engine: object, year: int) -> Report:
    with Session(engine) as session:  # type: ignore[arg-type]
        agency = repo.get_agency_by_name(session=session, name=GOVERNMENT)
        assert isinstance(agency, Agency)
        row = repo.get_report(session=session, agency=agency, year=year)
        assert row is not None
        return repo.load_report(session=session, report_id=row.id)  # type: ignore[arg-type]


def _assert_sums(stored: Report, sources: list[Report]) -> None:
    """Every cell of tables 二/三/四, computed ones included, is the sum of the sources' cells."""
    cells = 0
    for table in FORMAT_2021.tables:
        for row in table.rows:
            got = stored.row(row.key)
            assert got is not None, row.key
            for i in range(len(table.columns)):
                assert got[i] == sum(s.row(row.key)[i] for s in sources), (table.name, row.label, i)  # type: ignore[index]
                cells += 1
    assert cells == 200
