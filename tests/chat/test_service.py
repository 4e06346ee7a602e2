"""The walk's service against a real database: one transaction per update, state derived from storage."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot import texts
from bot.chat.actions import Action, Verb
from bot.chat.service import Walk, due_year
from bot.delivery.turn import Turn
from bot.report.model import Report
from bot.schema import Level
from storage import repo
from storage.models import Invite, ReportStatus

USER, OTHER = 1001, 2002

IDS = itertools.count(500_000)  # update ids of calls outside a Member's sequence


class Member:
    """One member talking to the service, with update ids as Telegram would number them."""

    def __init__(self, walk: Walk, user_id: int) -> None:
        self.walk, self.user_id, self.update_id = walk, user_id, user_id * 1000

    def _next(self) -> int:
        self.update_id += 1
        return self.update_id

    def say(self, text: str) -> str:
        reply = self.walk.answer_text(Turn(self._next(), self.user_id), text)
        assert reply is not None
        return "\n".join(s.text for s in reply.screens)

    def tap(self, verb: Verb, arg: str = "") -> str:
        reply = self.walk.act(Turn(self._next(), self.user_id), Action(verb, arg))
        assert reply is not None
        return "\n".join(s.text for s in reply.screens)

    def report(self):  # type: ignore[no-untyped-def]
        data = self.walk.report_data(self.user_id)
        assert data is not None
        return data[0]


@pytest.fixture
def walk(engine: Engine) -> Walk:
    return Walk(engine)


def join(walk: Walk, user_id: int = USER, agency: str = "某市某局", level: Level = Level.DEPARTMENT) -> Member:
    code, _ = walk.invite(name=agency, level=level, created_by=None)
    assert walk.join(code=code, user_id=user_id, display_name="小李").startswith("您好")
    return Member(walk, user_id)


def to_table_two(member: Member) -> None:
    member.tap(Verb.STANDARD, "text.preamble")
    for key in ("intro", "proactive", "on_request", "management", "platforms", "supervision"):
        member.tap(Verb.SKIP, f"text.overview.{key}")


def zero_table_two(member: Member) -> None:
    """Table 二 all zero with the 0 buttons: the walk arrives at the gate of table 三."""
    for verb, arg in (
        (Verb.ZERO, "proactive.regulations"),
        (Verb.ZERO_ONE, "proactive.licensing"),
        (Verb.ZERO, "proactive.punishment"),
        (Verb.ZERO_ONE, "proactive.fees_wan_yuan"),
    ):
        member.tap(verb, arg)


@pytest.mark.parametrize(
    ("today", "level", "year"),
    [
        (date(2026, 11, 27), Level.DEPARTMENT, 2026),
        (date(2027, 1, 31), Level.DEPARTMENT, 2026),
        (date(2027, 2, 1), Level.DEPARTMENT, 2027),
        (date(2027, 3, 31), Level.GOVERNMENT, 2026),
        (date(2027, 4, 1), Level.GOVERNMENT, 2027),
    ],
)
def test_the_report_year_is_the_one_due_next(today: date, level: Level, year: int) -> None:
    assert due_year(today, level) == year


def test_invites_are_single_use_and_expire(walk: Walk, engine: Engine) -> None:
    code, agency = walk.invite(name="东宁市民政局", level=Level.DEPARTMENT, created_by=42)
    assert walk.join(code=code + "x", user_id=USER, display_name="甲") == texts.INVITE_INVALID
    assert "您已加入“东宁市民政局”" in walk.join(code=code, user_id=USER, display_name="甲")
    assert walk.join(code=code, user_id=USER, display_name="甲") == texts.INVITE_ALREADY.format(agency=agency.name)
    assert walk.join(code=code, user_id=OTHER, display_name="乙") == texts.INVITE_USED
    late, _ = walk.invite(name="东宁市民政局", level=Level.DEPARTMENT, created_by=42)
    with Session(engine) as session:
        invite = repo.find_invite(session=session, code=late)
        assert invite is not None and invite.code_hash != late  # only the hash is stored
        invite.expires_at = datetime.now(UTC) - timedelta(seconds=1)
        session.add(invite)
        session.commit()
        assert len(session.exec(select(Invite)).all()) == 2
    assert walk.join(code=late, user_id=OTHER, display_name="乙") == texts.INVITE_EXPIRED


def test_a_repeated_update_changes_nothing(walk: Walk) -> None:
    member = join(walk)
    to_table_two(member)
    member.tap(Verb.ZERO, "proactive.regulations")
    reply = walk.answer_text(Turn(777, USER), "3")
    assert reply is not None and reply.handled and "行政处罚" in reply.screens[0].text
    again = walk.answer_text(Turn(777, USER), "3")  # the same update delivered again after a crash
    assert again is not None and not again.handled
    report = member.report()
    assert report.row("proactive.licensing") == (3,)
    assert report.row("proactive.punishment") is None


def test_gate_none_fills_the_whole_table_with_totals(walk: Walk) -> None:
    member = join(walk)
    to_table_two(member)
    for verb, arg in ((Verb.ZERO, "proactive.regulations"), (Verb.ZERO_ONE, "proactive.licensing")):
        member.tap(verb, arg)
    member.tap(Verb.ZERO, "proactive.punishment")
    assert "是否收到过政府信息公开申请" in member.tap(Verb.ZERO_ONE, "proactive.fees_wan_yuan")
    assert "表三已全部填 0" in member.tap(Verb.GATE_NONE, "T3")
    report = member.report()
    table = report.format.table("T3")
    assert all(report.row(r.key) == (0,) * 7 for r in table.rows)


def test_stale_and_foreign_buttons_do_nothing(walk: Walk) -> None:
    member = join(walk)
    assert texts.STALE in member.tap(Verb.ZERO, "proactive.regulations")  # not the current question
    assert texts.STALE in member.tap(Verb.GATE_NONE, "T3")
    assert texts.STALE in member.tap(Verb.EDIT, "no.such.field")
    assert member.report().values == {}


def test_back_goes_to_the_previous_question_and_the_walk_resumes(walk: Walk) -> None:
    member = join(walk)
    to_table_two(member)
    member.tap(Verb.ZERO, "proactive.regulations")
    assert "行政规范性文件" in member.tap(Verb.BACK, "proactive.licensing").split("\n")[1]
    answered = member.say("1 0 1")  # 行政规范性文件 answered again
    assert "✅ 行政规范性文件：1 0 1" in answered and "行政许可" in answered  # and the walk goes on where it was
    assert member.report().row("proactive.normative_docs") == (1, 0, 1)
    assert member.report().row("proactive.regulations") == (0, 0, 0)


def test_a_mismatch_stops_the_walk_until_fixed_or_left_for_later(walk: Walk) -> None:
    member = join(walk)
    to_table_two(member)
    zero_table_two(member)
    assert "一、本年新收" in member.tap(Verb.GATE_SOME, "T3")
    member.say("2 0 0 0 0 0")
    for key in ("carried_over", "disclosed", "partially_disclosed"):
        member.tap(Verb.ZERO_ONE, f"applications.{key}")
    for key in ("withheld_state_secret", "unavailable_not_held", "not_processed_petition", "other_no_correction"):
        member.tap(Verb.ZERO, f"applications.{key}")
    fix = member.tap(Verb.ZERO_ONE, "applications.carried_forward")
    assert "自然人：\n  一、本年新收 2 ＋ 二、上年结转 0 ＝ 2\n" in fix
    assert "  三、办理结果（七）总计 0 ＋ 四、结转下年度 0 ＝ 0" in fix
    assert "T3-IDENTITY" not in fix
    assert "行政复议" in member.tap(Verb.FIX_LATER, "T3")
    member.tap(Verb.EDIT, "applications.carried_forward")
    assert "表三的数字对不上" in member.say("1 0 0 0 0 0")  # still off by one: shown again
    member.tap(Verb.EDIT, "applications.disclosed")
    balanced = member.say("1 0 0 0 0 0")
    assert "✅ 表三已平衡" in balanced and "是否发生过政府信息公开方面的行政复议" in balanced
    assert member.report().row("applications.total_handled") == (1, 0, 0, 0, 0, 0, 1)


def test_editing_from_the_review_returns_to_it(walk: Walk) -> None:
    member = join(walk)
    member.tap(Verb.STANDARD, "text.preamble")
    assert "点下面的项目修改" in member.tap(Verb.REVIEW, "二")
    member.tap(Verb.EDIT_FROM_REVIEW, "proactive.licensing")
    after = member.say("5")
    assert "✅ 行政许可：5" in after and "二、主动公开政府信息情况（点下面的项目修改）" in after  # that section again
    assert "✅ 行政许可：5" in after.split("点下面的项目修改")[1] and "年度报告概览" not in after
    assert "总体情况概述" in member.tap(Verb.CONTINUE)


def test_skipped_items_are_listed_at_the_end(walk: Walk) -> None:
    member = join(walk)
    to_table_two(member)
    member.tap(Verb.ZERO, "proactive.regulations")
    member.tap(Verb.ZERO_ONE, "proactive.licensing")
    member.tap(Verb.ZERO, "proactive.punishment")
    member.tap(Verb.ZERO_ONE, "proactive.fees_wan_yuan")
    member.tap(Verb.GATE_NONE, "T3")
    member.tap(Verb.GATE_NONE, "T4")
    member.tap(Verb.SKIP, "text.problems")
    end = member.tap(Verb.SKIP, "text.other")
    assert "还有 8 项尚未填写" in end and "1. 总体情况概述" in end
    member.tap(Verb.EDIT, "text.overview.intro")
    member.say("概述。")
    assert "✅ 已保存“总体情况概述”（3 字）" in member.tap(Verb.DONE, "text.overview.intro")


def test_prose_over_several_messages_and_its_limits(walk: Walk) -> None:
    member = join(walk)
    member.tap(Verb.STANDARD, "text.preamble")
    assert "目前共 3 字" in member.say("第一段")
    assert "目前共 7 字" in member.say("第二段")
    assert "内容过长" in member.say("长" * 20_000)
    assert texts.PROSE_EMPTY in member.say("   ")
    member.tap(Verb.DONE, "text.overview.intro")
    assert member.report().text("text.overview.intro") == "第一段\n第二段"


def test_agencies_never_see_each_other(walk: Walk) -> None:
    first = join(walk, USER, "甲局")
    second = join(walk, OTHER, "乙局")
    first.tap(Verb.STANDARD, "text.preamble")
    assert second.report().agency == "乙局" and second.report().values == {}
    assert walk.show(Turn(0, 3003)) is None and walk.answer_text(Turn(1, 3003), "3") is None
    assert walk.act(Turn(2, 3003), Action(Verb.CONTINUE)) is None and walk.report_data(3003) is None


def test_an_undated_report_is_dated_today(walk: Walk) -> None:
    member = join(walk)
    assert member.report().date == walk.today()


def complete(member: Member) -> None:
    """Everything answered consistently: prose written, tables zero."""
    member.tap(Verb.STANDARD, "text.preamble")
    for key in ("intro", "proactive", "on_request", "management", "platforms", "supervision"):
        member.say("内容。")
        member.tap(Verb.DONE, f"text.overview.{key}")
    for verb, arg in (
        (Verb.ZERO, "proactive.regulations"),
        (Verb.ZERO_ONE, "proactive.licensing"),
        (Verb.ZERO, "proactive.punishment"),
        (Verb.ZERO_ONE, "proactive.fees_wan_yuan"),
        (Verb.GATE_NONE, "T3"),
        (Verb.GATE_NONE, "T4"),
    ):
        member.tap(verb, arg)
    for key in ("problems", "other"):
        member.say("内容。")
        member.tap(Verb.DONE, f"text.{key}")


def finalized(walk: Walk, user_id: int) -> None:
    """The member's report made final as /finalize does once its period is over (tests of what follows from a
    final report run in November and December too, when /finalize itself refuses)."""
    with walk.session() as session:
        _member, agency = repo.latest_membership(session=session, telegram_user_id=user_id)  # type: ignore[misc]
        row = repo.get_or_create_report(session=session, agency=agency, year=walk.report_year(session, agency))
        row.status, row.date = ReportStatus.FINAL, date(row.year + 1, 1, 5)
        session.add(row)
        session.commit()


def test_finalize_shows_the_date_asks_to_confirm_and_needs_no_errors(engine: Engine) -> None:
    now = [datetime(2027, 1, 20, 10, 0, tzinfo=UTC)]
    walk = Walk(engine, clock=lambda: now[0])
    member = join(walk)
    blocked = walk.finalize(Turn(next(IDS), USER))
    assert blocked is not None and "改正后才能定稿" in blocked.screens[0].text
    assert "CELL-FILLED" not in blocked.screens[0].text  # rule codes are for the command line
    complete(member)
    asked = walk.finalize(Turn(next(IDS), USER))
    assert asked is not None and "成文日期印为 2027年1月20日" in asked.screens[0].text
    assert asked.screens[0].buttons[0] == [("确认定稿（2027年1月20日）", "fz:20270120")]
    assert member.report().date == walk.today() and not walk.membership(USER)[0].editing  # type: ignore[index]
    assert "不能再修改" not in member.say("3")  # nothing is final before the tap
    other = walk.finalize(Turn(next(IDS), USER), "2027年1月18日")
    assert other is not None and other.screens[0].buttons[0][0][1] == "fz:20270118"
    done = walk.finalize(Turn(next(IDS), USER), "2027-01-18", confirmed=True)
    assert done is not None and "报告已定稿，成文日期 2027年1月18日" in done.screens[0].text
    assert member.report().date == date(2027, 1, 18)
    assert "不能再修改" in member.say("3") and "不能再修改" in member.tap(Verb.CONTINUE)
    assert "已于" in walk.finalize(Turn(next(IDS), USER)).screens[0].text  # type: ignore[union-attr]
    assert "重新打开" in walk.reopen(Turn(next(IDS), USER)).screens[0].text  # type: ignore[union-attr]
    assert "现在没有需要回答的问题" in member.say("3")
    with Session(engine) as session:
        row = repo.get_report(session=session, agency=repo.agencies(session=session)[0], year=member.report().year)
        assert row is not None
        assert [(e.kind, e.by) for e in repo.events_of(session=session, report=row)] == [
            ("finalize", USER),
            ("reopen", USER),
        ]


@pytest.mark.parametrize(
    ("today", "given", "said"),
    [
        (datetime(2026, 11, 30, 9, 0, tzinfo=UTC), "", "统计期限到 2026 年 12 月 31 日才结束"),
        (datetime(2026, 12, 31, 9, 0, tzinfo=UTC), "", "统计期限到 2026 年 12 月 31 日才结束"),
        (datetime(2026, 11, 30, 9, 0, tzinfo=UTC), "2027-01-05", "统计期限结束后才能定稿"),
        (datetime(2027, 1, 20, 9, 0, tzinfo=UTC), "2026-12-30", "统计期限到 2026 年 12 月 31 日才结束"),
        (datetime(2027, 1, 20, 9, 0, tzinfo=UTC), "2027-01-21", "还没到"),
        (datetime(2027, 1, 20, 9, 0, tzinfo=UTC), "明天", "不是日期"),
        (datetime(2027, 1, 20, 9, 0, tzinfo=UTC), "2027-02-30", "不是日期"),
    ],
)
def test_finalize_refuses_a_date_before_the_period_ends_or_to_come(
    engine: Engine, today: datetime, given: str, said: str
) -> None:
    walk = Walk(engine, clock=lambda: today)
    member = join(walk)
    complete(member)
    for confirmed in (False, True):  # an old confirm button is checked again too
        reply = walk.finalize(Turn(next(IDS), USER), given, confirmed=confirmed)
        assert reply is not None and said in reply.screens[0].text and not reply.screens[0].buttons
    assert "不能再修改" not in member.say("3")


def test_reminder_settings(walk: Walk) -> None:
    join(walk)
    assert "当前：已打开，09:30" in walk.remind(Turn(next(IDS), USER), "", "09:30").screens[0].text  # type: ignore[union-attr]
    assert walk.remind(Turn(next(IDS), USER), "off", "09:30").screens[0].text == texts.REMIND_OFF  # type: ignore[union-attr]
    assert "08:05" in walk.remind(Turn(next(IDS), USER), "8：05", "09:30").screens[0].text  # type: ignore[union-attr]
    assert "当前：已打开，08:05" in walk.remind(Turn(next(IDS), USER), "25:00", "09:30").screens[0].text  # type: ignore[union-attr]
    assert walk.remind(Turn(next(IDS), OTHER), "off", "09:30") is None


def test_copying_last_years_problems_is_flagged_when_saved(walk: Walk, engine: Engine) -> None:
    member = join(walk)
    old = "上年度发现的问题已整改。" + "信息公开内容规范性有待提升，下一步将加强审核。" * 3
    with Session(engine) as session:
        agency = repo.agencies(session=session)[0]
        last = Report(agency.name, agency.level, member.report().year - 1, values={"text.problems": old})
        repo.store_report(session=session, agency=agency, report=last)
    assert "上年报告中这一部分" in member.tap(Verb.EDIT, "text.problems")
    saved = member.tap(Verb.REUSE, "text.problems")
    assert "已沿用上年内容" in saved and "几乎相同（相似度 100%），评议时会被视为照搬" in saved


def test_start_up_forgets_old_handled_updates(walk: Walk, engine: Engine) -> None:
    from storage.models import InboxUpdate

    member = join(walk)
    member.tap(Verb.STANDARD, "text.preamble")
    with Session(engine) as session:
        old = session.exec(select(InboxUpdate)).first()
        assert old is not None
        old.handled_at = datetime.now(UTC) - timedelta(days=3)
        session.add(old)
        session.commit()
    walk.warm_up()
    with Session(engine) as session:
        assert session.exec(select(InboxUpdate)).all() == []


def test_start_joins_greets_and_shows_the_step_in_one_go(walk: Walk) -> None:
    assert walk.start(Turn(next(IDS), USER), display_name="小李", code=None) is None  # a stranger
    refused = walk.start(Turn(next(IDS), USER), display_name="小李", code="nonsense")
    assert refused is not None and [s.text for s in refused.screens] == [texts.INVITE_INVALID]
    code, _ = walk.invite(name="某市某局", level=Level.DEPARTMENT, created_by=None)
    joined = walk.start(Turn(next(IDS), USER), display_name="小李", code=code)
    assert joined is not None and len(joined.screens) == 2
    assert joined.screens[0].text.startswith("您好，小李！您已加入“某市某局”") and "开篇说明" in joined.screens[1].text
    Member(walk, USER).tap(Verb.STANDARD, "text.preamble")
    back = walk.start(Turn(next(IDS), USER), display_name="小李", code=None)
    assert back is not None and "您是“某市某局”的填报人员" in back.screens[0].text
    assert "总体情况概述" in back.screens[1].text
    again = walk.start(Turn(next(IDS), USER), display_name="小李", code=code)  # the used invite, by its own user
    assert again is not None and again.screens[0].text == texts.INVITE_ALREADY.format(agency="某市某局")


def test_the_start_up_rehearsal_walks_everything_and_stores_nothing(walk: Walk, engine: Engine) -> None:
    from storage.models import Agency, Answer, InboxUpdate, Member, ProseDraft, ReportRow, Skip

    tables = (Agency, Member, ReportRow, Answer, ProseDraft, Skip, InboxUpdate)
    done, total = walk.warm_up()
    assert done == total > 40
    with Session(engine) as session:
        assert all(session.exec(select(table)).all() == [] for table in tables)
    member = join(walk)  # and the database works as before
    assert "总体情况概述" in member.tap(Verb.STANDARD, "text.preamble")


def test_start_up_forgets_uploads_never_confirmed_within_a_week(walk: Walk, engine: Engine) -> None:
    from storage.models import Member as MemberRow
    from storage.models import PendingImport

    join(walk)
    with Session(engine) as session:
        member = session.exec(select(MemberRow)).one()
        old = repo.stage_pending_import(session=session, member=member, filename="旧.docx", data_json="{}")
        old.created_at = datetime.now(UTC) - timedelta(days=8)
        repo.stage_pending_import(session=session, member=member, filename="新.docx", data_json="{}")
        session.commit()
        old_id = old.id
    walk.warm_up()
    with Session(engine) as session:
        assert [p.filename for p in session.exec(select(PendingImport)).all()] == ["新.docx"]
    assert texts.IMPORT_GONE in Member(walk, USER).tap(Verb.IMPORT_CONFIRM, str(old_id))


def test_status_says_when_the_report_is_final(engine: Engine) -> None:
    walk = Walk(engine, clock=lambda: datetime(2027, 1, 20, 10, 0, tzinfo=UTC))
    member = join(walk)
    complete(member)
    assert "已定稿" not in walk.status(Turn(next(IDS), USER)).screens[0].text  # type: ignore[union-attr]
    walk.finalize(Turn(next(IDS), USER), "2027-01-18", confirmed=True)
    status = walk.status(Turn(next(IDS), USER))
    assert status is not None and "✅ 报告已定稿，成文日期 2027年1月18日。" in status.screens[0].text
