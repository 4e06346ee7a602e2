"""The supervising office's view: where every agency stands with its report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlmodel import Session

from bot import texts
from bot.chat.service import Walk
from bot.engine.questions import Progress
from bot.report.checks import check, errors
from bot.report.model import Report, with_totals
from bot.schema import Level
from storage import repo
from storage.models import Agency, ReportRow, ReportStatus


class AgencyState(StrEnum):
    NOT_STARTED = "未开始"
    IN_PROGRESS = "填报中"
    FINISHED = "已完成"
    LATE = "逾期"


@dataclass(frozen=True)
class AgencyStatus:
    """One line of the supervisor's overview."""

    agency: str
    level: Level
    year: int
    deadline: date
    percent: int
    errors: int  # 勾稽 and value errors; what is merely unfilled shows in the percentage
    state: AgencyState
    members: int


def _state(report: Report, row: ReportRow | None, deadline: date, today: date) -> AgencyState:
    if row is not None and row.status == ReportStatus.FINAL:
        return AgencyState.FINISHED
    if today > deadline:
        return AgencyState.LATE
    return AgencyState.IN_PROGRESS if report.values else AgencyState.NOT_STARTED


COMPLETENESS_RULES = {"CELL-FILLED", "TEXT-FILLED"}


def agency_status(walk: Walk, session: Session, agency: Agency) -> AgencyStatus:
    """Where one agency stands, for the supervisor."""
    year = walk.report_year(session, agency)
    row = repo.get_report(session=session, agency=agency, year=year)
    if row is not None:
        report = repo.load_report(session=session, report_id=row.id)  # type: ignore[arg-type]
    else:
        report = Report(agency.name, agency.level, year)
    done, total = Progress(report).counted()
    deadline = walk.deadline(agency.level, year)
    open_errors = [f for f in errors(check(with_totals(report))) if f.rule not in COMPLETENESS_RULES]
    return AgencyStatus(
        agency=agency.name,
        level=agency.level,
        year=year,
        deadline=deadline,
        percent=round(100 * done / total),
        errors=len(open_errors),
        state=_state(report, row, deadline, walk.today()),
        members=len(repo.members_of(session=session, agency=agency)),
    )


STATE_ORDER = [AgencyState.LATE, AgencyState.NOT_STARTED, AgencyState.IN_PROGRESS, AgencyState.FINISHED]


def overview(walk: Walk) -> list[AgencyStatus]:
    """Every agency, late ones first, then the least advanced."""
    with walk.session() as session:
        rows = [agency_status(walk, session, agency) for agency in repo.agencies(session=session)]
    return sorted(rows, key=lambda r: (STATE_ORDER.index(r.state), r.deadline, r.percent, r.agency))


def overview_text(rows: list[AgencyStatus]) -> str:
    """The overview as chat lines (long lists are split into several messages by the handler)."""
    if not rows:
        return texts.NO_AGENCIES
    finished = sum(r.state is AgencyState.FINISHED for r in rows)
    late = sum(r.state is AgencyState.LATE for r in rows)
    lines = [texts.AGENCIES_HEAD.format(count=len(rows), finished=finished, late=late)]
    for r in rows:
        lines.append(
            texts.AGENCY_LINE.format(
                mark=texts.AGENCY_MARKS[r.state.value],
                agency=r.agency,
                level=texts.LEVEL_NAMES[r.level],
                year=r.year,
                percent=r.percent,
                errors=texts.AGENCY_ERRORS.format(count=r.errors) if r.errors else "",
                state=r.state.value,
                deadline=r.deadline.isoformat(),
            )
        )
    return "\n".join(lines)


def overview_table(rows: list[AgencyStatus]) -> list[tuple[str, ...]]:
    """The overview as rows of cells for a terminal table, header first."""
    body = [
        (
            r.state.value,
            r.agency,
            texts.LEVEL_NAMES[r.level],
            str(r.year),
            f"{r.percent}%",
            str(r.errors),
            r.deadline.isoformat(),
            str(r.members),
        )
        for r in rows
    ]
    return [texts.STATUS_COLUMNS, *body]
