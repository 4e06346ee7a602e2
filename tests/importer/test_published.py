"""Reports as government websites publish them (tests/data/published, written from real pages, not from
this importer): every number the input tells is read right, none is guessed, and what cannot be read is
named in a warning."""

from __future__ import annotations

import pytest

from bot import texts
from bot.importer import ImportFailed, import_report
from bot.importer.labels import letters
from bot.report.checks import row_name
from bot.schema import FORMAT_2019, FORMAT_2021
from tests.importer.handmade_pdf import tabbed_pdf
from tests.importer.published import Case, cases, score
from tests.render.test_pdf import needs_soffice

CASES = cases()
REPORTS = [c for c in CASES if not c.not_a_report]


def _prose(case: Case) -> dict[str, str]:
    assert case.report is not None
    return {p.key: text for p in FORMAT_2021.prose if (text := case.report.text(p.key))}


@pytest.mark.parametrize("case", REPORTS, ids=lambda c: c.name)
def test_every_number_the_input_tells_is_read_right(case: Case) -> None:
    imported = import_report(case.path.name, case.data)
    assert (imported.report.agency, imported.report.year) == (case.agency, case.year)
    assert case.report is not None and imported.report.date == case.report.date
    result = score(case, imported.report)
    assert result.wrong == []
    assert result.unread == []


@pytest.mark.parametrize("case", [c for c in REPORTS if c.unreadable], ids=lambda c: c.name)
def test_what_cannot_be_told_is_named(case: Case) -> None:
    warnings = "\n".join(import_report(case.path.name, case.data).warnings)
    for key, _ in case.unreadable:
        row = next(r for t in FORMAT_2021.tables for r in t.rows if r.key == key)
        assert f"{row_name(row)}：数字连在一起" in warnings, key


@pytest.mark.parametrize("case", [c for c in REPORTS if c.format2019], ids=lambda c: c.name)
def test_a_2019_report_says_what_the_2021_format_needs(case: Case) -> None:
    imported = import_report(case.path.name, case.data)
    assert imported.format_detected is FORMAT_2019
    assert any(w.startswith(texts.IMPORT_FORMAT_2019.split("{")[0]) for w in imported.warnings)


@pytest.mark.parametrize("case", [c for c in REPORTS if c.report and _prose(c)], ids=lambda c: c.name)
def test_the_prose_parts_are_read(case: Case) -> None:
    assert case.report is not None
    imported = import_report(case.path.name, case.data).report
    for key, text in _prose(case).items():
        assert letters(imported.text(key) or "") == letters(text), key


@pytest.mark.parametrize("case", [c for c in CASES if c.not_a_report], ids=lambda c: c.name)
def test_a_text_that_is_no_report_is_refused(case: Case) -> None:
    with pytest.raises(ImportFailed, match=texts.IMPORT_NOT_A_REPORT[:10]):
        import_report(case.path.name, case.data)


@needs_soffice
@pytest.mark.parametrize("case", [c for c in REPORTS if "tabs-" in c.name], ids=lambda c: c.name)
def test_the_same_reports_as_pdf(case: Case) -> None:
    """A tab-separated copy laid out as a Word document with ruled tables, printed to PDF: as published."""
    imported = import_report(case.name + ".pdf", tabbed_pdf(case.data.decode("utf-8")))
    assert (imported.report.agency, imported.report.year) == (case.agency, case.year)
    result = score(case, imported.report)
    assert result.wrong == []
    assert result.unread == []
    if case.format2019:
        assert imported.format_detected is FORMAT_2019
