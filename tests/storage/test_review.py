"""Review storage on both databases: who reviews, the reports waiting, comments from writing to settled, the
reviewer's writing state, and the removal of an agency with what review left behind."""

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from bot.schema import Level
from storage import repo
from storage.models import Agency, MemberRole, ReportRow, ReportStatus, ReviewComment, ReviewWriting

ADMIN, MEMBER, REVIEWER = 42, 7_123_456_789, 7_123_456_790


@pytest.fixture
def agency(session: Session) -> Agency:
    return repo.create_agency(session=session, name="东宁市民政局", level=Level.DEPARTMENT)


@pytest.fixture
def report(session: Session, agency: Agency) -> ReportRow:
    return repo.get_or_create_report(session=session, agency=agency, year=2026)


def test_an_agency_needs_no_review_until_told(session: Session, agency: Agency) -> None:
    assert agency.needs_review is False
    agency.needs_review = True
    session.add(agency)
    session.commit()
    session.expire_all()
    assert repo.get_agency_by_name(session=session, name="东宁市民政局").needs_review is True  # type: ignore[union-attr]


def test_reviewers_are_the_admins_and_the_agency_s_reviewer_members(session: Session, agency: Agency) -> None:
    repo.stage_member(session=session, agency=agency, telegram_user_id=MEMBER, display_name="小李")
    repo.stage_member(
        session=session, agency=agency, telegram_user_id=REVIEWER, display_name="张局长", role=MemberRole.REVIEWER
    )
    session.commit()
    assert repo.reviewers(session=session, agency=agency, admins=(ADMIN,)) == [(ADMIN, ""), (REVIEWER, "张局长")]
    assert repo.reviewers(session=session, agency=agency, admins=()) == [(REVIEWER, "张局长")]
    for user, expected in ((ADMIN, True), (REVIEWER, True), (MEMBER, False), (999, False)):
        assert repo.is_reviewer(session=session, agency=agency, user_id=user, admins=(ADMIN,)) is expected
    other = repo.create_agency(session=session, name="另一个局", level=Level.DEPARTMENT)
    assert not repo.is_reviewer(session=session, agency=other, user_id=REVIEWER, admins=(ADMIN,))


def test_submitted_reports_come_with_their_latest_submission(
    session: Session, agency: Agency, report: ReportRow
) -> None:
    assert repo.submitted_reports(session=session) == []
    first = repo.stage_event(session=session, report=report, kind="submit", by=MEMBER)
    repo.stage_event(session=session, report=report, kind="return", by=ADMIN)
    second = repo.stage_event(session=session, report=report, kind="submit", by=MEMBER)
    report.status = ReportStatus.SUBMITTED
    session.add(report)
    session.commit()
    assert first.id is not None and second.id is not None and second.id > first.id
    [(row, found, event)] = repo.submitted_reports(session=session)
    assert (row.id, found.id, event.id) == (report.id, agency.id, second.id)
    assert repo.last_event(session=session, report=report).id == second.id  # type: ignore[union-attr]


def test_a_comment_is_written_sent_and_settled(session: Session, report: ReportRow) -> None:
    assert report.id is not None
    for text, target, column in (("行政许可 有误", "proactive.licensing", None), ("整体再看看", "", None)):
        repo.stage_comment(
            session=session, report=report, target=target, column_index=column, text=text, by=ADMIN, by_name="王科长"
        )
    repo.stage_comment(
        session=session, report=report, target="三", column_index=2, text="表三", by=REVIEWER, by_name="张局长"
    )
    session.commit()
    mine = repo.unsent_comments(session=session, report_id=report.id, by=ADMIN)
    assert [c.text for c in mine] == ["行政许可 有误", "整体再看看"] and repo.open_comments(
        session=session, report=report
    ) == []
    sent_at = datetime(2027, 1, 5, 2, 0, tzinfo=UTC)
    repo.stage_send_comments(session=session, comments=mine, at=sent_at)
    session.commit()
    assert [c.target for c in repo.open_comments(session=session, report=report)] == ["proactive.licensing", ""]
    assert repo.unsent_comments(session=session, report_id=report.id, by=ADMIN) == []
    repo.stage_drop_unsent(session=session, report_id=report.id, by=REVIEWER)
    repo.stage_resolve_comments(session=session, report=report)
    session.commit()
    assert repo.open_comments(session=session, report=report) == []
    kept = session.exec(select(ReviewComment).where(ReviewComment.report_id == report.id)).all()
    assert len(kept) == 2 and all(c.resolved_at is not None for c in kept)  # settled, never deleted


def test_a_reviewer_writes_on_one_submission_at_a_time(session: Session, agency: Agency, report: ReportRow) -> None:
    other = repo.get_or_create_report(session=session, agency=agency, year=2025)
    assert repo.writing(session=session, reviewer=ADMIN) is None
    repo.stage_writing(session=session, reviewer=ADMIN, report=report, event_id=5, by_name="王科长")
    repo.stage_writing(session=session, reviewer=ADMIN, report=other, event_id=9, by_name="王科长")
    session.commit()
    session.expire_all()
    writing = repo.writing(session=session, reviewer=ADMIN)
    assert writing is not None and (writing.report_id, writing.event_id) == (other.id, 9)
    repo.stage_stop_writing(session=session, reviewer=ADMIN)
    session.commit()
    session.expire_all()
    assert repo.writing(session=session, reviewer=ADMIN) is None


def test_removing_an_agency_removes_what_review_left(session: Session, agency: Agency, report: ReportRow) -> None:
    repo.stage_comment(session=session, report=report, target="", column_index=None, text="意见", by=ADMIN, by_name="")
    repo.stage_writing(session=session, reviewer=ADMIN, report=report, event_id=1, by_name="")
    session.commit()
    repo.stage_remove_agency(session=session, agency=agency)
    session.commit()
    assert session.exec(select(ReviewComment)).all() == [] and session.exec(select(ReviewWriting)).all() == []
