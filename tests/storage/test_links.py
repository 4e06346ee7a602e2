"""A government linked to the agencies it covers, on both databases: linking once, unlinking, no cycles, the
links gone with a removed agency, and the covered agencies' reports read in a fixed number of queries."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import event
from sqlmodel import Session

from bot.report.model import Report
from bot.schema import FORMAT_2019, Level
from storage import repo
from storage.models import Agency, ReportStatus


def _agency(session: Session, name: str, level: Level = Level.DEPARTMENT) -> Agency:
    return repo.create_agency(session=session, name=name, level=level)


def test_link_unlink_and_list(session: Session) -> None:
    county = _agency(session, "某某县人民政府", Level.GOVERNMENT)
    town = _agency(session, "某某镇人民政府", Level.GOVERNMENT)
    education, finance = _agency(session, "某某县教育局"), _agency(session, "某某县财政局")
    assert repo.stage_link(session=session, government=county, agency=finance, by=42)
    assert repo.stage_link(session=session, government=county, agency=education, by=42)
    assert not repo.stage_link(session=session, government=county, agency=education, by=42)  # once only
    assert repo.stage_link(session=session, government=county, agency=town, by=None)
    session.commit()
    assert [a.name for a in repo.covered(session=session, government=county)] == [
        "某某县教育局",
        "某某县财政局",
        "某某镇人民政府",
    ]
    assert [(g.name, [a.name for a in c]) for g, c in repo.links(session=session)] == [
        ("某某县人民政府", ["某某县教育局", "某某县财政局", "某某镇人民政府"])
    ]
    assert repo.covers(session=session, government=county, agency=town)
    assert not repo.covers(session=session, government=town, agency=county)
    assert repo.stage_link(session=session, government=town, agency=_agency(session, "某某镇财政所"), by=None)
    assert repo.covers(
        session=session, government=county, agency=repo.get_agency_by_name(session=session, name="某某镇财政所")
    )  # type: ignore[arg-type]
    assert repo.stage_unlink(session=session, government=county, agency=finance)
    assert not repo.stage_unlink(session=session, government=county, agency=finance)
    session.commit()
    assert [a.name for a in repo.covered(session=session, government=county)] == ["某某县教育局", "某某镇人民政府"]


def test_a_removed_agency_takes_its_links_along(session: Session) -> None:
    county = _agency(session, "某某县人民政府", Level.GOVERNMENT)
    mistake = _agency(session, "某某县教育局（误建）")
    repo.stage_link(session=session, government=county, agency=mistake, by=None)
    session.commit()
    repo.stage_remove_agency(session=session, agency=mistake)
    session.commit()
    assert repo.covered(session=session, government=county) == []
    assert repo.links(session=session) == []


def test_covered_reports_come_in_two_queries_without_prose(session: Session) -> None:
    county = _agency(session, "某某县人民政府", Level.GOVERNMENT)
    covered = [_agency(session, f"某某县第{i}局") for i in range(12)]
    for i, agency in enumerate(covered):
        repo.stage_link(session=session, government=county, agency=agency, by=None)
        if i == 0:
            continue  # no report of the year
        values = {
            "text.preamble": "开篇",
            "applications.new": (i, 0, 0, 0, 0, 0, i),
            "proactive.fees_wan_yuan": (Decimal("0.000001"),),
        }
        report = Report(agency.name, Level.DEPARTMENT, 2026, values=values)  # type: ignore[arg-type]
        row = repo.store_report(session=session, agency=agency, report=report)
        if i % 2:
            repo.set_status(session=session, report=row, status=ReportStatus.FINAL)
    other_year = Report(covered[0].name, Level.DEPARTMENT, 2025, values={"applications.new": (9,) * 7})
    repo.store_report(session=session, agency=covered[0], report=other_year)
    session.commit()
    session.refresh(county)  # loaded before counting: the commit expired it

    statements: list[str] = []
    engine = session.get_bind()
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listen)
    try:
        found = repo.covered_reports(session=session, government=county, year=2026)
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    assert len(statements) == 2
    assert [a.name for a, _, _ in found] == sorted(a.name for a in covered)
    by_name = {a.name: (row, values) for a, row, values in found}
    assert by_name["某某县第0局"] == (None, {})
    row, values = by_name["某某县第3局"]
    assert row is not None and row.status == ReportStatus.FINAL and row.year == 2026
    assert values == {"applications.new": (3, 0, 0, 0, 0, 0, 3), "proactive.fees_wan_yuan": (Decimal("0.000001"),)}
    assert by_name["某某县第4局"][0].status == ReportStatus.DRAFT  # type: ignore[union-attr]


def test_a_report_in_the_2019_format_comes_with_its_format(session: Session) -> None:
    county = _agency(session, "某某县人民政府", Level.GOVERNMENT)
    old = _agency(session, "某某县旧局")
    repo.stage_link(session=session, government=county, agency=old, by=None)
    report = Report(old.name, Level.DEPARTMENT, 2026, values={"text.preamble": "旧"}, format=FORMAT_2019)
    repo.store_report(session=session, agency=old, report=report)
    [(_, row, values)] = repo.covered_reports(session=session, government=county, year=2026)
    assert row is not None and row.format_id == FORMAT_2019.id and values == {}
