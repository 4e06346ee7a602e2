"""Review before publishing (审核) against a real database: submit, return with comments where they apply,
resubmit, approve; who may review; stale and repeated taps; reminders of the reviewers instead of the members."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from bot import texts
from bot.chat.actions import Action, Verb
from bot.chat.reminders import Reminders
from bot.chat.review import Place, Reviews, parse_place, place_name
from bot.chat.screens import Reply
from bot.chat.service import Walk
from bot.delivery.turn import Turn
from bot.reminders.schedule import Schedule
from bot.schema import FORMAT_2021
from storage import repo
from storage.models import MemberRole, ReportStatus
from tests.chat.test_service import Member, complete, join

ADMIN, USER, REVIEWER, STRANGER = 42, 1001, 1002, 3003
IDS = itertools.count(900_000)


class Clock:
    def __init__(self) -> None:
        self.at = datetime(2027, 1, 4, 2, 0, tzinfo=UTC)  # Monday 4 January 2027, 10:00 in Shanghai

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def walk(engine: Engine, clock: Clock) -> Walk:
    return Walk(engine, clock=clock, admins=(ADMIN,))


@pytest.fixture
def reviews(walk: Walk) -> Reviews:
    return Reviews(walk)


def turn(user: int = ADMIN) -> Turn:
    return Turn(next(IDS), user)


def said(reply: Reply | None) -> str:
    assert reply is not None
    return "\n".join(s.text for s in reply.screens)


def status(walk: Walk) -> ReportStatus:
    with walk.session() as session:
        agency = repo.get_agency_by_name(session=session, name="某市某局")
        assert agency is not None
        row = repo.get_report(session=session, agency=agency, year=2026)
        assert row is not None
        return row.status


def events(walk: Walk) -> list[tuple[str, int | None]]:
    with walk.session() as session:
        agency = repo.get_agency_by_name(session=session, name="某市某局")
        row = repo.get_report(session=session, agency=agency, year=2026)  # type: ignore[arg-type]
        return [(e.kind, e.by) for e in repo.events_of(session=session, report=row)]  # type: ignore[arg-type]


def needing_review(walk: Walk, reviews: Reviews) -> Member:
    member = join(walk)
    assert "今后需要审核" in said(reviews.needs_review(turn(), "某市某局 on"))
    complete(member)
    return member


def submitted(walk: Walk) -> tuple[Reply, int]:
    """/finalize, then its confirm button: the reply and the submission's event id (from a reviewer's notice)."""
    asked = walk.finalize(turn(USER))
    assert asked is not None and asked.screens[0].buttons[0][0] == ("提交审核（2027年1月4日）", "fz:20270104")
    assert "提交审核" in asked.screens[0].text and not asked.notices
    reply = walk.finalize(turn(USER), "2027-01-04", confirmed=True)
    assert reply is not None and reply.notices
    view, approve, back = reply.notices[0].screen.buttons[0]
    assert (view[0], approve[0], back[0]) == ("查看", "通过", "退回修改")
    return reply, int(approve[1].split(":")[1])


@pytest.mark.parametrize(
    ("line", "place"),
    [
        ("行政许可 数字有误", Place("proactive.licensing")),
        ("表二 行政许可 本年处理决定数量 应为 3", Place("proactive.licensing", 0)),
        ("表三 （一）予以公开 法律服务机构 应为 2", Place("applications.disclosed", 4)),
        ("(一)予以公开 自然人 多了一件", Place("applications.disclosed", 0)),
        ("（三）1.国家秘密 请核对", Place("applications.withheld_state_secret")),
        ("行政复议 结果纠正 与正文不符", Place("reviews_litigation.review", 1)),
        ("主动公开情况 请补充重点领域", Place("text.overview.proactive")),
        ("五、问题写得太笼统", Place("text.problems")),
        ("一、总体情况过于简略", Place("一")),
        ("表四 请再核对", Place("四")),
        ("（七）总计 不对", Place("三")),  # a sum has no question: its section
        ("请整体再核对一遍", Place()),
    ],
)
def test_a_comment_applies_where_its_beginning_says(line: str, place: Place) -> None:
    assert parse_place(FORMAT_2021, line) == place


def test_place_names_read_like_the_format() -> None:
    assert place_name(FORMAT_2021, Place("applications.disclosed", 4)) == "表三 （一）予以公开 法律服务机构"
    assert place_name(FORMAT_2021, Place("proactive.licensing")) == "表二 行政许可"
    assert place_name(FORMAT_2021, Place("text.problems")) == "存在的主要问题及改进情况"
    assert place_name(FORMAT_2021, Place("一")) == "一、总体情况"
    assert place_name(FORMAT_2021, Place()) == texts.PLACE_GENERAL


def test_submit_return_with_comments_resubmit_and_approve(walk: Walk, reviews: Reviews, engine: Engine) -> None:
    member = needing_review(walk, reviews)
    reply, first = submitted(walk)
    assert "已提交审核" in said(reply) and [n.chat_id for n in reply.notices] == [ADMIN]
    assert "“某市某局”提交了 2026 年度报告，请审核" in reply.notices[0].screen.text
    assert status(walk) is ReportStatus.SUBMITTED
    assert "已提交审核，正在等待审核" in member.say("3")  # the member cannot change it meanwhile
    assert texts.STATUS_SUBMITTED in said(walk.status(turn(USER)))
    assert "已提交审核" in said(walk.finalize(turn(USER)))

    viewed = reviews.tap(turn(), Action(Verb.REVIEW_VIEW, str(first)), "王科长")
    assert viewed.files == f"review-{_report_id(walk)}" and texts.FILES_PENDING in said(viewed)
    assert reviews.report_for(ADMIN, _report_id(walk)) is not None
    assert reviews.report_for(STRANGER, _report_id(walk)) is None  # never another agency's data

    asked = reviews.tap(turn(), Action(Verb.REVIEW_RETURN, str(first)), "王科长")
    assert "请发送对“某市某局”报告的修改意见" in said(asked)
    empty = reviews.tap(turn(), Action(Verb.REVIEW_SEND, str(first)), "王科长")
    assert said(empty) == texts.RETURN_EMPTY and status(walk) is ReportStatus.SUBMITTED
    noted = walk.answer_text(turn(), "表二 行政许可 本年处理决定数量 应为 3\n请整体再核对一遍")
    assert noted is not None
    assert "1. 【表二 行政许可 本年处理决定数量】" in said(noted) and "2. 【总体意见】" in said(noted)
    assert noted.screens[-1].buttons[0][0][0] == "退回（2 条意见）"
    returned = reviews.tap(turn(), Action(Verb.REVIEW_SEND, str(first)), "王科长")
    assert "已退回“某市某局”2026 年度报告，2 条意见" in said(returned)
    [notice] = returned.notices
    assert notice.chat_id == USER and "被退回修改（王科长），共 2 条意见" in notice.screen.text
    assert notice.screen.buttons == [[("去修改第一条", "e:proactive.licensing")]]
    again = reviews.tap(turn(), Action(Verb.REVIEW_SEND, str(first)), "王科长")  # a double tap
    assert "已于" in said(again) and "退回修改" in said(again) and not again.notices
    assert status(walk) is ReportStatus.DRAFT

    shown = member.tap(Verb.EDIT, "proactive.licensing")
    assert re.search(r"💬 审核意见（王科长，\d+月\d+日 \d\d:\d\d）：表二 行政许可 本年处理决定数量 应为 3", shown)
    assert "整体再核对" not in shown  # a general comment shows in the review, not at every question
    assert "💬" not in member.tap(Verb.EDIT, "text.preamble")  # nor at the preamble (of no numbered section)
    overview = said(walk.review(turn(USER)))
    assert "请整体再核对一遍" in overview and "另有 1 条审核意见" in overview
    assert "💬 审核意见" in said(walk.act(turn(USER), Action(Verb.REVIEW, "二")))
    member.tap(Verb.EDIT_FROM_REVIEW, "proactive.licensing")
    assert "✅" in member.say("3")
    assert member.report().row("proactive.licensing") == (3,)

    reply, second = submitted(walk)
    assert second != first
    assert "💬" not in member.tap(Verb.REVIEW)  # resubmitting settles the comments
    stale = reviews.tap(turn(), Action(Verb.REVIEW_APPROVE, str(first)), "王科长")
    assert said(stale) == texts.REVIEW_RESUBMITTED and status(walk) is ReportStatus.SUBMITTED
    approved = reviews.tap(turn(), Action(Verb.REVIEW_APPROVE, str(second)), "王科长")
    assert "已审核通过" in said(approved) and status(walk) is ReportStatus.FINAL
    assert [n.chat_id for n in approved.notices] == [USER] and "已定稿" in approved.notices[0].screen.text
    twice = reviews.tap(turn(), Action(Verb.REVIEW_APPROVE, str(second)), "王科长")
    assert "已于" in said(twice) and "审核通过" in said(twice) and not twice.notices
    assert "不能再修改" in member.say("4")
    assert events(walk) == [("submit", USER), ("return", ADMIN), ("submit", USER), ("approve", ADMIN)]


def _report_id(walk: Walk) -> int:
    with walk.session() as session:
        agency = repo.get_agency_by_name(session=session, name="某市某局")
        row = repo.get_report(session=session, agency=agency, year=2026)  # type: ignore[arg-type]
        return row.id  # type: ignore[union-attr,return-value]


def test_only_the_agency_s_reviewers_may_review(walk: Walk, reviews: Reviews) -> None:
    needing_review(walk, reviews)
    join(walk, REVIEWER)
    join(walk, STRANGER, agency="另一个局")
    _, event = submitted(walk)
    for user in (USER, STRANGER, REVIEWER):  # forged button data: nothing happens
        for verb in (Verb.REVIEW_APPROVE, Verb.REVIEW_RETURN, Verb.REVIEW_VIEW):
            refused = reviews.tap(turn(user), Action(verb, str(event)), "某人")
            assert said(refused) == texts.REVIEW_NOT_REVIEWER and not refused.files and not refused.notices
    assert status(walk) is ReportStatus.SUBMITTED
    assert "小李（审核人）" not in said(reviews.reviewer(turn(), "某市某局"))
    assert said(reviews.reviewer(turn(), "某市某局 小李")).startswith("已设“小李”")  # both are 小李: both
    assert "小李（审核人）" in said(reviews.reviewer(turn(), "某市某局"))
    approved = reviews.tap(turn(REVIEWER), Action(Verb.REVIEW_APPROVE, str(event)), "小李")
    assert "已审核通过" in said(approved) and status(walk) is ReportStatus.FINAL
    assert "没有名为" in said(reviews.reviewer(turn(), "某市某局 老王"))
    assert "没有名为“不存在的局”" in said(reviews.reviewer(turn(), "不存在的局 小李"))


def test_a_reviewer_member_is_told_of_submissions_and_a_report_without_reviewers_waits_for_none(
    engine: Engine, clock: Clock
) -> None:
    walk = Walk(engine, clock=clock)  # no admins configured
    reviews = Reviews(walk)
    member = needing_review(walk, reviews)
    refused = walk.finalize(turn(USER), "2027-01-04", confirmed=True)
    assert said(refused) == texts.SUBMIT_NO_REVIEWER and status(walk) is ReportStatus.DRAFT
    join(walk, REVIEWER)
    with Session(engine) as session:
        agency = repo.get_agency_by_name(session=session, name="某市某局")
        members = repo.members_of(session=session, agency=agency)  # type: ignore[arg-type]
        [reviewer] = [m for m in members if m.telegram_user_id == REVIEWER]
        reviewer.role = MemberRole.REVIEWER
        session.add(reviewer)
        session.commit()
    reply = walk.finalize(turn(USER), "2027-01-04", confirmed=True)
    assert reply is not None and [n.chat_id for n in reply.notices] == [REVIEWER]
    withdrawn = walk.reopen(turn(USER))  # the member takes it back
    assert "已撤回审核申请" in said(withdrawn) and [n.chat_id for n in withdrawn.notices] == [REVIEWER]
    assert status(walk) is ReportStatus.DRAFT and "不能修改" not in member.tap(Verb.EDIT, "proactive.licensing")


def test_a_reviewer_writing_comments_on_a_report_no_longer_waiting_is_told(walk: Walk, reviews: Reviews) -> None:
    needing_review(walk, reviews)
    _, event = submitted(walk)
    reviews.tap(turn(), Action(Verb.REVIEW_RETURN, str(event)), "王科长")
    walk.answer_text(turn(), "行政许可 数字有误")
    walk.reopen(turn(USER))  # withdrawn meanwhile
    late = walk.answer_text(turn(), "表三 再看看")
    assert "没有记录" in said(late)
    assert walk.answer_text(turn(), "随便说点什么") is None  # no longer writing: an admin without a report
    cancelled = reviews.tap(turn(), Action(Verb.REVIEW_CANCEL, str(event)), "王科长")
    assert said(cancelled) == texts.RETURN_CANCELLED


def test_needs_review_toggles_and_a_direct_finalize_without_it(walk: Walk, reviews: Reviews) -> None:
    member = join(walk)
    assert "今后需要审核" in said(reviews.needs_review(turn(), "某市某局"))
    assert "不再需要审核" in said(reviews.needs_review(turn(), "某市某局"))
    assert "不再需要审核" in said(reviews.needs_review(turn(), "某市某局 off"))
    assert "没有名为" in said(reviews.needs_review(turn(), "某局 on"))
    complete(member)
    done = walk.finalize(turn(USER), "2027-01-04", confirmed=True)
    assert "报告已定稿" in said(done) and not done.notices  # type: ignore[union-attr]


def test_a_submitted_report_reminds_its_reviewers_not_its_members(walk: Walk, reviews: Reviews, clock: Clock) -> None:
    needing_review(walk, reviews)
    reminders = Reminders(walk, Schedule(), admins=(ADMIN,))
    submitted(walk)
    now = walk.now()
    assert not [d for d in reminders.due(now) if d.slot.startswith("review:")]  # submitted today: not yet
    wakeup = reminders.next_wakeup(now)
    assert wakeup is not None and wakeup <= datetime(2027, 1, 5, 1, 30, tzinfo=UTC)  # Tuesday 09:30
    clock.at = datetime(2027, 1, 5, 1, 31, tzinfo=UTC)  # Tuesday 09:31 in Shanghai: before-n of the members
    due = reminders.due(walk.now())
    assert not [d for d in due if d.recipient == USER]  # submitted counts as done for the member
    [waiting] = [d for d in due if d.slot.startswith("review:")]
    assert waiting.recipient == ADMIN and "待审核：1 份" in waiting.screen.text
    assert waiting.screen.buttons[0][0][0] == "审核 某市某局"
    reminders.record([(d, "sent") for d in reminders.claim(due)])
    assert not [d for d in reminders.due(walk.now()) if d.slot.startswith("review:")]  # once a day
    from bot.chat.supervision import overview, overview_text

    assert "待审核：某市某局" in overview_text(overview(walk))
