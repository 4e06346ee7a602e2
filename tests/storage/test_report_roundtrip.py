"""A report stored in the database and loaded back is the same report, exactly.

"Exactly" is stricter than ``==`` (for which Decimal("1.0") == 1): every cell keeps its type and digits.
"""

import uuid
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.report.model import Report, Value, with_totals
from bot.schema import CURRENT, FORMAT_2019, Format, Level
from storage import repo
from storage.models import Agency, Answer


def exactly(report: Report) -> tuple[object, ...]:
    """What must survive the database, with each value's repr so types and digits count."""
    values = {key: repr(value) for key, value in report.values.items()}
    return report.agency, report.level, report.year, report.date, report.format.id, values


def round_trip(session: Session, agency: Agency, report: Report) -> Report:
    row = repo.store_report(session=session, agency=agency, report=report)
    session.expire_all()  # read from the database, not from objects in memory
    return repo.load_report(session=session, report_id=row.id)


def test_seed_report_round_trips(session: Session, seed_agency: Agency, seed: Report) -> None:
    loaded = round_trip(session, seed_agency, seed)
    assert loaded == seed
    assert exactly(loaded) == exactly(seed)


def test_draft_keeps_null_cells_and_absent_fields(session: Session, seed_agency: Agency, seed: Report) -> None:
    values = {key: value for key, value in seed.values.items() if not key.startswith(("text.overview", "applications"))}
    values["applications.new"] = (1, None, 0, None, 0, 0, None)
    values["reviews_litigation.review"] = (None,) * 5  # given as wholly unknown, which is not absent
    values["proactive.licensing"] = (None,)
    values["text.other"] = ""
    draft = replace(seed, date=None, values=values)
    loaded = round_trip(session, seed_agency, draft)
    assert exactly(loaded) == exactly(draft)
    assert "applications.carried_over" not in loaded.values
    assert loaded.date is None


def test_wrong_totals_are_kept_as_given(session: Session, seed_agency: Agency, seed: Report) -> None:
    wrong = replace(seed, values={**seed.values, "applications.new": (1, 2, 0, 0, 0, 0, 4)})
    assert with_totals(wrong).values["applications.new"][-1] == 3
    assert exactly(round_trip(session, seed_agency, wrong)) == exactly(wrong)


def test_decimal_fee_round_trips(session: Session, seed_agency: Agency, seed: Report) -> None:
    for fee in (Decimal("5949.088667"), Decimal("0.000001"), Decimal("12.50"), Decimal("100"), Decimal("0")):
        report = replace(seed, values={**seed.values, "proactive.fees_wan_yuan": (fee,)})
        cell = round_trip(session, seed_agency, report).values["proactive.fees_wan_yuan"][0]
        assert isinstance(cell, Decimal)
        assert str(cell) == str(fee)


def test_storing_again_replaces_the_report(session: Session, seed_agency: Agency, seed: Report) -> None:
    row = repo.store_report(session=session, agency=seed_agency, report=seed, by=1)
    fewer = replace(
        seed, values={k: v for k, v in seed.values.items() if k != "text.other"} | {"text.problems": "无。"}
    )
    assert repo.store_report(session=session, agency=seed_agency, report=fewer, by=2).id == row.id
    assert exactly(repo.load_report(session=session, report_id=row.id)) == exactly(fewer)
    by = {a.field_key: a.answered_by for a in session.exec(select(Answer))}
    assert by["text.problems"] == 2
    assert by["text.preamble"] == 1  # unchanged answers keep who gave them


def test_report_must_name_the_agency_and_its_level(session: Session, seed_agency: Agency, seed: Report) -> None:
    with pytest.raises(ValueError):
        repo.store_report(session=session, agency=seed_agency, report=replace(seed, agency="绥芬河市人民政府"))
    with pytest.raises(ValueError):
        repo.store_report(session=session, agency=seed_agency, report=replace(seed, level=Level.GOVERNMENT))


def test_two_agencies_answers_never_mix(session: Session, seed_agency: Agency, seed: Report) -> None:
    government = repo.create_agency(session=session, name="绥芬河市人民政府", level=Level.GOVERNMENT)
    theirs = Report(
        agency=government.name,
        level=Level.GOVERNMENT,
        year=seed.year,
        values={"text.other": "政府的其他事项。", "applications.new": (5, 0, 0, 0, 0, 0, 5)},
    )
    ours_row = repo.store_report(session=session, agency=seed_agency, report=seed)
    theirs_row = repo.store_report(session=session, agency=government, report=theirs)
    repo.save_answer(session=session, report=theirs_row, field_key="text.problems", value="政府的问题。", by=1)
    assert exactly(repo.load_report(session=session, report_id=ours_row.id)) == exactly(seed)
    theirs_now = replace(theirs, values={**theirs.values, "text.problems": "政府的问题。"})
    assert exactly(repo.load_report(session=session, report_id=theirs_row.id)) == exactly(theirs_now)


def test_loading_a_missing_report_fails(session: Session) -> None:
    with pytest.raises(LookupError):
        repo.load_report(session=session, report_id=12345)


# --- any report at all ------------------------------------------------------------------------------

cells = st.one_of(
    st.none(),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.decimals(allow_nan=False, allow_infinity=False),
)
# Names as a data file may bring them: it refuses NUL (PostgreSQL cannot hold it in a VARCHAR) and half
# of a UTF-16 pair. Prose is stored as JSON, where NUL is escaped, so it may have one.
names = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), min_size=1, max_size=40)


@st.composite
def reports(draw: st.DrawFn) -> Report:
    fmt: Format = draw(st.sampled_from([CURRENT, FORMAT_2019]))
    fields: dict[str, st.SearchStrategy[Value]] = {prose.key: st.text() for prose in fmt.prose}
    for table in fmt.tables:
        for row in table.rows:
            fields[row.key] = st.tuples(*[cells] * len(table.columns))
    return Report(
        agency=draw(names),
        level=draw(st.sampled_from(Level)),
        year=draw(st.integers(min_value=2000, max_value=2100)),
        date=draw(st.none() | st.dates(min_value=date(2000, 1, 1))),
        values=draw(st.fixed_dictionaries({}, optional=fields)),
        format=fmt,
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(report=reports())
def test_any_report_round_trips(engine: Engine, report: Report) -> None:
    report = replace(report, agency=f"{uuid.uuid4().hex[:8]} {report.agency}")  # one agency per example
    with Session(engine) as session:
        agency = repo.create_agency(session=session, name=report.agency, level=report.level)
        assert exactly(round_trip(session, agency, report)) == exactly(report)
