"""/link, /unlink and /rollup against both databases: the preview stores nothing, the confirmation stores
the sums through the walk (progress follows), a repeated update or a second tap changes nothing, an admin
who is no member may roll up, a final report is left alone, and names are split as people write them."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from bot.chat.actions import Verb, decode
from bot.chat.rollups import RollUps, split_names
from bot.chat.screens import Reply
from bot.chat.service import Walk
from bot.delivery.turn import Turn
from bot.report.model import Report, with_totals
from bot.schema import FORMAT_2021, Level
from storage import repo
from storage.models import ReportStatus

IDS = itertools.count(700_000)
ADMIN, MEMBER, STRANGER = 42, 9001, 9002


def _text(reply: Reply | None) -> str:
    assert reply is not None
    return "\n".join(s.text for s in reply.screens)


def _buttons(reply: Reply | None) -> dict[str, str]:
    assert reply is not None
    return {label: data for s in reply.screens for row in s.buttons for label, data in row}


def _setup(walk: Walk) -> int:
    """A county government with a member, covering two departments with final reports; its report year."""
    code, _ = walk.invite(name="某某县人民政府", level=Level.GOVERNMENT, created_by=None)
    walk.join(code=code, user_id=MEMBER, display_name="小李")
    with walk.session() as session:
        government = repo.get_agency_by_name(session=session, name="某某县人民政府")
        year = walk.report_year(session, government)  # type: ignore[arg-type]
        for n, name in enumerate(("某某县教育局", "某某县财政局"), 1):
            agency = repo.create_agency(session=session, name=name, level=Level.DEPARTMENT)
            values = {row.key: (n,) * len(t.columns) for t in FORMAT_2021.tables for row in t.input_rows}
            report = with_totals(Report(name, Level.DEPARTMENT, year, values=values))  # type: ignore[arg-type]
            row = repo.store_report(session=session, agency=agency, report=report)
            repo.set_status(session=session, report=row, status=ReportStatus.FINAL)
    return year


def test_link_preview_confirm_and_repeat(engine: Engine) -> None:
    walk = Walk(engine)
    year = _setup(walk)
    rollups = RollUps(walk)
    linked = rollups.link(Turn(next(IDS), ADMIN), "某某县人民政府 某某县教育局、某某县财政局")
    assert "已关联：“某某县教育局”、“某某县财政局”。" in _text(linked)
    preview = rollups.preview(Turn(next(IDS), MEMBER), "", admin=False)
    assert f"汇总预览：某某县人民政府 {year} 年度" in _text(preview) and "来源（2 份）" in _text(preview)
    assert "• 一、本年新收：总计 18（自然人 3，商业企业 3" in _text(preview)
    with Session(engine) as session:
        government = repo.get_agency_by_name(session=session, name="某某县人民政府")
        row = repo.get_report(session=session, agency=government, year=year)  # type: ignore[arg-type]
        assert row is None or not repo.answers_of(session=session, report=row)  # nothing stored by the preview
    confirm = decode(_buttons(preview)["确认填入汇总数"])
    assert confirm is not None and confirm.verb is Verb.ROLLUP_CONFIRM
    turn = Turn(next(IDS), MEMBER)
    done = rollups.tap(turn, confirm, admin=False)
    assert "已把汇总数填入" in _text(done) and "已保存 · 33/42" in _text(done)
    assert not rollups.tap(turn, confirm, admin=False).handled  # the same update again: nothing
    assert "没有变化" in _text(rollups.tap(Turn(next(IDS), MEMBER), confirm, admin=False))  # a second tap
    stranger = rollups.tap(Turn(next(IDS), STRANGER), confirm, admin=False)
    assert "您不是“某某县人民政府”的填报人员" in _text(stranger)
    with Session(engine) as session:
        government = repo.get_agency_by_name(session=session, name="某某县人民政府")
        row = repo.get_report(session=session, agency=government, year=year)  # type: ignore[arg-type]
        stored = repo.answers_of(session=session, report=row)  # type: ignore[arg-type]
        assert stored["applications.new"] == (3, 3, 3, 3, 3, 3, 18)
        assert stored["applications.total_handled"] == (63,) * 6 + (378,)
        repo.set_status(session=session, report=row, status=ReportStatus.FINAL)  # type: ignore[arg-type]
    admin_preview = rollups.preview(Turn(next(IDS), ADMIN), "某某县人民政府", admin=True)
    final = rollups.tap(Turn(next(IDS), ADMIN), decode(_buttons(admin_preview)["确认填入汇总数"]), admin=True)  # type: ignore[arg-type]
    assert "已定稿，不能再填入" in _text(final)


def test_an_admin_who_is_no_member_fills_with_drafts_and_a_member_may_not_choose_drafts(engine: Engine) -> None:
    walk = Walk(engine)
    year = _setup(walk)
    rollups = RollUps(walk)
    with walk.session() as session:
        draft = repo.create_agency(session=session, name="某某县民政局", level=Level.DEPARTMENT)
        values = {"applications.new": (1, 0, 0, 0, 0, 0, 1)}
        repo.store_report(
            session=session, agency=draft, report=Report(draft.name, Level.DEPARTMENT, year, values=values)
        )  # type: ignore[arg-type]
    rollups.link(Turn(next(IDS), ADMIN), "某某县人民政府 某某县教育局 某某县财政局 某某县民政局")
    offer = rollups.preview(Turn(next(IDS), ADMIN), "某某县人民政府", admin=True)
    drafts = decode(_buttons(offer)["包含尚未定稿的草稿重新汇总"])
    assert drafts is not None
    refused = rollups.tap(Turn(next(IDS), MEMBER), drafts, admin=False)
    assert "只有管理员可以选择计入尚未定稿的草稿" in _text(refused)
    shown = rollups.tap(Turn(next(IDS), ADMIN), drafts, admin=True)
    assert "某某县民政局（草稿）" in _text(shown) and "有 33 行含未知的单元格" in _text(shown)
    done = rollups.tap(Turn(next(IDS), ADMIN), decode(_buttons(shown)["确认填入（含草稿）"]), admin=True)  # type: ignore[arg-type]
    assert "其中含草稿：某某县民政局" in _text(done) and "已保存" not in _text(done)  # an admin: no walk step
    with Session(engine) as session:
        government = repo.get_agency_by_name(session=session, name="某某县人民政府")
        row = repo.get_report(session=session, agency=government, year=year)  # type: ignore[arg-type]
        stored = repo.answers_of(session=session, report=row)  # type: ignore[arg-type]
        assert stored["applications.new"] == (4, 3, 3, 3, 3, 3, 19)
        assert stored["applications.carried_over"] == (None,) * 7  # unknown in the draft: unknown in the sum
        assert repo.get_member(session=session, agency=government, telegram_user_id=ADMIN) is None  # type: ignore[arg-type]
    unlinked = rollups.link(Turn(next(IDS), ADMIN), "某某县人民政府 某某县民政局", undo=True)
    assert "已取消关联：“某某县民政局”" in _text(unlinked) and "汇总 2 个机构" in _text(unlinked)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("某某县人民政府 某某县教育局 某某县财政局", ["某某县人民政府", "某某县教育局", "某某县财政局"]),
        ("某某县人民政府 某某县教育局、某某县财政局", ["某某县人民政府", "某某县教育局", "某某县财政局"]),
        ("某某县人民政府\n某某县教育局\n某某县教育局", ["某某县人民政府", "某某县教育局"]),
        ("某某县人民政府，某某县教育局，", ["某某县人民政府", "某某县教育局"]),
        ("", []),
    ],
)
def test_names_are_split_as_people_write_them(text: str, names: list[str]) -> None:
    assert split_names(text) == names
