"""The repository functions: commits, validation of field keys and values, and the unique constraints."""

from decimal import Decimal

import pytest
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot.schema import Level
from storage import repo
from storage.db import make_engine
from storage.models import Agency, Answer, Member, MemberRole, ReportRow, ReportStatus

BIG_TELEGRAM_ID = 7_123_456_789  # beyond 32 bits, as recent Telegram ids are


@pytest.fixture
def agency(session: Session) -> Agency:
    return repo.create_agency(session=session, name="绥芬河市文体广电和旅游局", level=Level.DEPARTMENT)


@pytest.fixture
def report(session: Session, agency: Agency) -> ReportRow:
    return repo.get_or_create_report(session=session, agency=agency, year=2023)


def test_agency_is_found_by_name(session: Session, agency: Agency) -> None:
    found = repo.get_agency_by_name(session=session, name="绥芬河市文体广电和旅游局")
    assert found is not None
    assert (found.id, found.level) == (agency.id, Level.DEPARTMENT)
    assert repo.get_agency_by_name(session=session, name="绥芬河市人民政府") is None


def test_agency_names_are_unique(session: Session, agency: Agency) -> None:
    with pytest.raises(IntegrityError):
        repo.create_agency(session=session, name=agency.name, level=Level.GOVERNMENT)


def test_member_is_found_by_agency_and_telegram_id(session: Session, agency: Agency) -> None:
    member = repo.stage_member(
        session=session, agency=agency, telegram_user_id=BIG_TELEGRAM_ID, display_name="王科长", role=MemberRole.ADMIN
    )
    session.commit()
    found = repo.get_member(session=session, agency=agency, telegram_user_id=BIG_TELEGRAM_ID)
    assert found is not None
    assert (found.id, found.telegram_user_id, found.role) == (member.id, BIG_TELEGRAM_ID, MemberRole.ADMIN)
    assert repo.get_member(session=session, agency=agency, telegram_user_id=1) is None


def test_a_user_may_belong_to_two_agencies_but_once_to_each(session: Session, agency: Agency) -> None:
    other = repo.create_agency(session=session, name="绥芬河市人民政府", level=Level.GOVERNMENT)
    repo.stage_member(session=session, agency=agency, telegram_user_id=BIG_TELEGRAM_ID, display_name="王")
    repo.stage_member(session=session, agency=other, telegram_user_id=BIG_TELEGRAM_ID, display_name="王")
    session.commit()
    assert [m.agency_id for m in repo.memberships(session=session, telegram_user_id=BIG_TELEGRAM_ID)] == [
        agency.id,
        other.id,
    ]
    with pytest.raises(IntegrityError):
        repo.stage_member(session=session, agency=agency, telegram_user_id=BIG_TELEGRAM_ID, display_name="王")


def test_foreign_keys_are_enforced(session: Session) -> None:
    session.add(Member(agency_id=999, telegram_user_id=1, display_name="nobody"))
    with pytest.raises(IntegrityError):
        session.commit()


def test_one_report_per_agency_and_year(session: Session, agency: Agency, report: ReportRow) -> None:
    again = repo.get_or_create_report(session=session, agency=agency, year=2023)
    assert again.id == report.id
    assert (again.status, again.date) == (ReportStatus.DRAFT, None)
    assert repo.get_or_create_report(session=session, agency=agency, year=2024).id != report.id
    session.add(ReportRow(agency_id=agency.id, year=2023, format_id=report.format_id))
    with pytest.raises(IntegrityError):
        session.commit()


def test_one_answer_per_report_and_field(session: Session, report: ReportRow) -> None:
    session.add(Answer(report_id=report.id, field_key="text.other", value_json='"a"'))
    session.commit()
    session.add(Answer(report_id=report.id, field_key="text.other", value_json='"b"'))
    with pytest.raises(IntegrityError):
        session.commit()


def test_save_answer_is_committed_when_it_returns(session: Session, report: ReportRow, database_url: str) -> None:
    repo.save_answer(session=session, report=report, field_key="proactive.licensing", value=(3,), by=BIG_TELEGRAM_ID)
    elsewhere = make_engine(database_url)
    try:
        with Session(elsewhere) as other:
            answer = other.exec(select(Answer).where(Answer.report_id == report.id)).one()
            assert (answer.field_key, answer.value_json, answer.answered_by) == (
                "proactive.licensing",
                "3",
                BIG_TELEGRAM_ID,
            )
    finally:
        elsewhere.dispose()


def test_save_answer_replaces_the_earlier_value(session: Session, report: ReportRow) -> None:
    repo.save_answer(session=session, report=report, field_key="text.other", value="无。", by=1)
    first_update = report.updated_at
    repo.save_answer(session=session, report=report, field_key="text.other", value="无其他需要报告事项。", by=2)
    assert repo.answers_of(session=session, report=report) == {"text.other": "无其他需要报告事项。"}
    answer = session.exec(select(Answer)).one()
    assert answer.answered_by == 2
    assert report.updated_at >= first_update


def test_values_are_stored_in_the_data_file_shape(session: Session, report: ReportRow) -> None:
    saves = {
        "text.other": ("无。", '"无。"'),
        "proactive.regulations": ((1, None, 0), '{"issued": 1, "repealed": null, "in_force": 0}'),
        "proactive.fees_wan_yuan": ((Decimal("5949.088667"),), "5949.088667"),
        "reviews_litigation.review": ((0, 1, None, 0, 1), "[0, 1, null, 0, 1]"),
    }
    for key, (value, _) in saves.items():
        repo.save_answer(session=session, report=report, field_key=key, value=value, by=None)
    stored = {a.field_key: a.value_json for a in session.exec(select(Answer))}
    assert stored == {key: value_json for key, (_, value_json) in saves.items()}
    assert repo.answers_of(session=session, report=report) == {key: value for key, (value, _) in saves.items()}


@pytest.mark.parametrize(
    ("field_key", "value"),
    [
        ("text.epilogue", "谢谢。"),  # not a field of the format
        ("applications", (0,) * 7),  # a table, not a row
        ("proactive2019.fees", (0, 0)),  # a field of the 2019 format, not of this report's
        ("text.other", (0,)),  # prose holds text
        ("proactive.licensing", "3"),  # a row holds cells
        ("applications.new", (0,) * 6),  # table 三 has seven columns
        ("proactive.licensing", (3.0,)),  # floats would lose digits
        ("proactive.licensing", (True,)),
        ("proactive.fees_wan_yuan", (Decimal("NaN"),)),
    ],
)
def test_save_answer_rejects_what_does_not_fit(
    session: Session, report: ReportRow, field_key: str, value: object
) -> None:
    with pytest.raises(ValueError):
        repo.save_answer(session=session, report=report, field_key=field_key, value=value, by=1)  # type: ignore[arg-type]
    assert session.exec(select(func.count()).select_from(Answer)).one() == 0


def test_delete_answer_makes_the_field_unanswered(session: Session, report: ReportRow) -> None:
    repo.save_answer(session=session, report=report, field_key="text.other", value="无。", by=1)
    repo.save_answer(session=session, report=report, field_key="text.problems", value="无。", by=1)
    repo.delete_answer(session=session, report=report, field_key="text.other")
    assert repo.answers_of(session=session, report=report) == {"text.problems": "无。"}


def test_deleting_a_report_deletes_its_answers(session: Session, report: ReportRow) -> None:
    repo.save_answer(session=session, report=report, field_key="text.other", value="无。", by=1)
    session.delete(report)
    session.commit()
    assert session.exec(select(func.count()).select_from(Answer)).one() == 0


def test_set_status(session: Session, agency: Agency, report: ReportRow) -> None:
    repo.set_status(session=session, report=report, status=ReportStatus.FINAL)
    session.expire_all()
    assert repo.get_or_create_report(session=session, agency=agency, year=2023).status is ReportStatus.FINAL
