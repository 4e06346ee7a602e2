"""The supervising office's overview, and which report year an agency works on as the seasons turn."""

from __future__ import annotations

import itertools
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from bot.chat.actions import Action, Verb, decode
from bot.chat.screens import Reply
from bot.chat.service import Walk
from bot.chat.supervision import AgencyState, Office, overview, overview_table, overview_text, rename_names
from bot.delivery.turn import Turn
from bot.schema import Level
from storage import repo
from storage.models import Agency
from tests.chat.test_service import Member, complete, finalized

SHANGHAI = ZoneInfo("Asia/Shanghai")

IDS = itertools.count(500_000)  # update ids of calls outside a Member's sequence


class Clock:
    def __init__(self, *when: int) -> None:
        self.at = datetime(*when, 9, 30, tzinfo=SHANGHAI)  # type: ignore[misc]

    def __call__(self) -> datetime:
        return self.at

    def set(self, *when: int) -> None:
        self.at = datetime(*when, 9, 30, tzinfo=SHANGHAI)  # type: ignore[misc]


def invite_and_join(walk: Walk, name: str, user_id: int, level: Level = Level.DEPARTMENT) -> Member:
    code, _ = walk.invite(name=name, level=level, created_by=None)
    walk.join(code=code, user_id=user_id, display_name="某")
    return Member(walk, user_id)


def test_overview_states_late_first(engine: Engine) -> None:
    clock = Clock(2026, 12, 10)
    walk = Walk(engine, clock=clock)
    started = invite_and_join(walk, "甲局", 1)
    done = invite_and_join(walk, "乙局", 2)
    invite_and_join(walk, "丙政府", 3, Level.GOVERNMENT)
    walk.invite(name="丁局", level=Level.DEPARTMENT, created_by=None)
    started.tap(Verb.STANDARD, "text.preamble")
    complete(done)
    finalized(walk, 2)
    rows = {r.agency: r for r in overview(walk)}
    assert rows["甲局"].state is AgencyState.IN_PROGRESS and rows["甲局"].percent == 2
    assert rows["乙局"].state is AgencyState.FINISHED and rows["乙局"].percent == 100
    assert rows["丁局"].state is AgencyState.NOT_STARTED and rows["丁局"].members == 0
    clock.set(2027, 2, 3)  # departments are late now; the government has until 31 March
    ordered = overview(walk)
    assert [(r.agency, r.state) for r in ordered[:2]] == [("丁局", AgencyState.LATE), ("甲局", AgencyState.LATE)]
    assert {r.agency: r.year for r in ordered} == {"甲局": 2026, "丁局": 2026, "丙政府": 2026, "乙局": 2027}
    text = overview_text(ordered)
    assert "🔴 甲局（部门，2026 年度）2% · 逾期 · 截止 2027-01-31" in text
    assert overview_table(ordered)[0][0] == "状态"


def test_an_unfinished_report_stays_current_after_its_deadline(engine: Engine) -> None:
    clock = Clock(2027, 1, 20)
    walk = Walk(engine, clock=clock)
    member = invite_and_join(walk, "甲局", 1)
    assert member.report().year == 2026
    clock.set(2027, 2, 10)
    assert member.report().year == 2026  # overdue: still the 2026 report
    complete(member)
    finalized(walk, 1)
    assert member.report().year == 2027  # finished: on to the next one
    clock.set(2027, 6, 1)
    late_comer = invite_and_join(walk, "新局", 2)
    assert late_comer.report().year == 2027  # joined after the 2026 deadline: starts with 2027


def test_invites_expire_by_the_clock(engine: Engine) -> None:
    clock = Clock(2026, 12, 1)
    walk = Walk(engine, clock=clock, invite_ttl_days=14)
    code, _ = walk.invite(name="甲局", level=Level.DEPARTMENT, created_by=None)
    clock.set(2026, 12, 16)
    assert "已过期" in walk.join(code=code, user_id=1, display_name="某")


# --- the admins' commands ------------------------------------------------------------------------
ADMIN = 42


def texts_of(reply: Reply) -> str:
    return "\n".join(screen.text for screen in reply.screens)


def buttons_of(reply: Reply) -> dict[str, Action]:
    return {label: decode(data) for screen in reply.screens for row in screen.buttons for label, data in row}  # type: ignore[misc]


def agency_named(walk: Walk, name: str) -> Agency | None:
    with walk.session() as session:
        return repo.get_agency_by_name(session=session, name=name)


def test_a_new_agency_is_created_by_the_tap_that_chooses_its_level(engine: Engine) -> None:
    """The name waits in the database, not in memory: a bot restarted between /invite and the tap (here
    another Office on another Walk) creates the agency all the same. Long names do not fit a button."""
    name = "黑龙江省牡丹江市绥芬河市人民政府办公室政务公开和营商环境建设监督管理委员会综合办公室"
    asked = Office(Walk(engine)).invite(Turn(next(IDS), ADMIN), name, "nianbao_bot")
    assert f"“{name}”是新机构。请选择它是部门还是政府" in texts_of(asked)
    choice = buttons_of(asked)
    assert list(choice) == ["部门（次年1月31日前报送）", "政府（次年3月31日前报送）"]
    walk = Walk(engine)
    assert agency_named(walk, name) is None  # nothing is created before the choice
    created = Office(walk).tap(Turn(next(IDS), ADMIN), choice["政府（次年3月31日前报送）"], "nianbao_bot")
    assert f"已为“{name}”（政府）生成邀请" in texts_of(created)
    assert "https://t.me/nianbao_bot?start=" in texts_of(created)
    agency = agency_named(walk, name)
    assert agency is not None and agency.level is Level.GOVERNMENT
    again = Office(walk).tap(Turn(next(IDS), ADMIN), choice["部门（次年1月31日前报送）"], "nianbao_bot")
    assert "已经处理过" in texts_of(again)
    assert agency_named(walk, name).level is Level.GOVERNMENT  # type: ignore[union-attr]
    known = Office(walk).invite(Turn(next(IDS), ADMIN), name, "nianbao_bot")
    assert "（政府）生成邀请" in texts_of(known) and not buttons_of(known)  # a known agency: a link at once


def test_a_repeated_invite_update_changes_nothing(engine: Engine) -> None:
    office, turn = Office(Walk(engine)), Turn(next(IDS), ADMIN)
    assert office.invite(turn, "甲局", "nianbao_bot").handled
    assert not office.invite(turn, "甲局", "nianbao_bot").handled  # redelivered: already acted on


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("某某管委会政府 -> 某某管委会", ("某某管委会政府", "某某管委会")),
        ("某某管委会政府→某某管委会", ("某某管委会政府", "某某管委会")),
        ("Old Name Bureau => New Name Bureau", ("Old Name Bureau", "New Name Bureau")),
        ("某某 管委会\n某某管委会", ("某某 管委会", "某某管委会")),
        ("某某管委会政府 某某管委会", ("某某管委会政府", "某某管委会")),
        ("某某 管委会 某某管委会", None),  # three words: which space separates the names?
        ("某某管委会政府", None),
        ("-> 某某管委会", None),
    ],
)
def test_rename_names(text: str, names: tuple[str, str] | None) -> None:
    assert rename_names(text) == names


def test_rename_and_switch_the_level_until_a_report_is_final(engine: Engine) -> None:
    clock = Clock(2026, 12, 10)
    walk = Walk(engine, clock=clock)
    office = Office(walk)
    member = invite_and_join(walk, "某某管委会政府", 1)
    walk.invite(name="乙局", level=Level.DEPARTMENT, created_by=None)
    assert "没有名为“丙局”的机构" in texts_of(office.rename(Turn(next(IDS), ADMIN), "丙局", "丁局"))
    assert "已有名为“乙局”的机构" in texts_of(office.rename(Turn(next(IDS), ADMIN), "某某管委会政府", "乙局"))
    renamed = office.rename(Turn(next(IDS), ADMIN), "某某管委会政府", "某某管委会")
    assert "已将“某某管委会政府”改名为“某某管委会”（部门）" in texts_of(renamed)
    assert member.report().agency == "某某管委会"
    [(label, switch)] = buttons_of(renamed).items()
    assert label == "改为政府（次年3月31日前报送）"
    switched = office.tap(Turn(next(IDS), ADMIN), switch, "nianbao_bot")
    assert "已将“某某管委会”改为政府，报送截止日期为次年3月31日" in texts_of(switched)
    assert member.report().level is Level.GOVERNMENT
    complete(member)
    finalized(walk, 1)
    assert "已有定稿的报告" in texts_of(office.rename(Turn(next(IDS), ADMIN), "某某管委会", "某某委员会"))
    assert "已有定稿的报告" in texts_of(office.tap(Turn(next(IDS), ADMIN), switch, "nianbao_bot"))


def test_removal_asks_first_and_never_deletes_answers(engine: Engine) -> None:
    walk = Walk(engine, clock=Clock(2026, 12, 10))
    office = Office(walk)
    busy = invite_and_join(walk, "甲局", 1)
    busy.tap(Verb.STANDARD, "text.preamble")
    refused = office.remove(Turn(next(IDS), ADMIN), "甲局")
    assert "“甲局”已有 1 项填报内容，不能删除" in texts_of(refused) and not buttons_of(refused)
    invite_and_join(walk, "某某管委会政府", 2)
    asked = office.remove(Turn(next(IDS), ADMIN), "某某管委会政府")
    assert "确定删除“某某管委会政府”（部门）吗" in texts_of(asked) and "已有 1 名填报人员加入" in texts_of(asked)
    [confirm] = buttons_of(asked).values()
    late = invite_and_join(walk, "某某管委会政府", 3)  # joined after the question: ask again
    again = office.tap(Turn(next(IDS), ADMIN), confirm, "nianbao_bot")
    assert "请再确认一次" in texts_of(again) and "已有 2 名填报人员加入" in texts_of(again)
    late.say("我们局的开篇说明")  # a draft is content too
    assert "不能删除" in texts_of(office.tap(Turn(next(IDS), ADMIN), buttons_of(again)["确认删除"], "nianbao_bot"))
    with walk.session() as session:
        agency = repo.get_agency_by_name(session=session, name="某某管委会政府")
        assert agency is not None
        report = repo.get_report(session=session, agency=agency, year=2026)
        assert report is not None
        repo.stage_drop_draft(session=session, report=report, field_key="text.preamble", by=3)
        session.commit()
    removed = office.tap(Turn(next(IDS), ADMIN), buttons_of(again)["确认删除"], "nianbao_bot")
    assert texts_of(removed) == "已删除“某某管委会政府”。"
    assert agency_named(walk, "某某管委会政府") is None
    assert walk.membership(2) is None and walk.membership(3) is None  # strangers again
    assert walk.start(Turn(next(IDS), 2), display_name="某", code=None) is None
    assert walk.membership(1) is not None and busy.report().text("text.preamble")  # the others untouched
    gone = office.tap(Turn(next(IDS), ADMIN), confirm, "nianbao_bot")
    assert texts_of(gone) == "这个机构已被删除。"


def test_invite_links_point_at_the_chat_page_in_web_mode(engine: Engine) -> None:
    """The web channel's Office links to its page (``?start=CODE``, which the page reads), not to t.me."""
    office = Office(Walk(engine), invite_page="http://127.0.0.1:8080/")
    choice = buttons_of(office.invite(Turn(next(IDS), ADMIN), "东宁市财政局", "nianbao_web_bot"))
    created = texts_of(office.tap(Turn(next(IDS), ADMIN), choice["部门（次年1月31日前报送）"], "nianbao_web_bot"))
    assert "http://127.0.0.1:8080/?start=" in created and "t.me" not in created
