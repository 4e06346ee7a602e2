"""The published-report corpus itself is sound: every expected file loads, its tables add up, and what it
says cannot be read is exactly what cannot be read. (Importing the texts is tested elsewhere.)"""

from __future__ import annotations

import pytest

from bot.report import checks
from bot.schema import CURRENT, Severity
from bot.schema.format2019 import OTHER_HANDLING_2019
from tests.importer.published import DIR, EXPECTED_SUFFIX, Case, cases

CASES = cases()
TABLE_RULES = {"T3-ROW-TOTAL", "T3-COL-TOTAL", "T3-IDENTITY", "T4-TOTAL", "CELL-VALUE", "CELL-FILLED"}
SPLIT_IN_2021 = ("applications.other_no_correction", "applications.other_no_fee", "applications.other_other")
IDS = [c.name for c in CASES]


def test_every_text_has_its_truth() -> None:
    texts = {p.name.removesuffix(".txt") for p in DIR.glob("*.txt")}
    truths = {p.name.removesuffix(EXPECTED_SUFFIX) for p in DIR.glob("*" + EXPECTED_SUFFIX)}
    assert texts == truths
    assert len(CASES) >= 9
    assert any(c.not_a_report for c in CASES)


def test_agencies_differ() -> None:
    agencies = [c.agency for c in CASES if not c.not_a_report]
    assert len(agencies) == len(set(agencies))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_text_is_utf8_and_names_agency_and_year(case: Case) -> None:
    text = case.data.decode("utf-8")
    if case.not_a_report:
        return
    assert case.agency in text
    assert str(case.year) in text


@pytest.mark.parametrize("case", [c for c in CASES if not c.not_a_report], ids=lambda c: c.name)
def test_tables_add_up(case: Case) -> None:
    assert case.report is not None
    errors = [
        f
        for f in checks.check(case.report)
        if f.severity is Severity.ERROR and f.rule in TABLE_RULES and f.rule not in case.inconsistent
    ]
    if case.format2019:  # the three （六） sub-rows are unknown in 2021 terms, and table 二 is partial
        errors = [
            f
            for f in errors
            if f.rule != "CELL-FILLED" or not f.places[0].startswith(("applications.other_", "proactive."))
        ]
    assert errors == []


@pytest.mark.parametrize("case", [c for c in CASES if c.format2019], ids=lambda c: c.name)
def test_2019_other_handling_closes_the_columns(case: Case) -> None:
    table = CURRENT.table("T3")
    results = [r.key for r in table.rows if r.groups and r.key not in SPLIT_IN_2021 and not r.computed]
    rows = [case.expected[k] for k in (*results, OTHER_HANDLING_2019.key)]
    total = case.expected["applications.total_handled"]
    assert all(k not in case.expected for k in SPLIT_IN_2021)
    assert tuple(sum(r[i] for r in rows) for i in range(7)) == total  # type: ignore[misc]
    other = case.expected[OTHER_HANDLING_2019.key]
    assert other[6] == sum(other[:6])  # type: ignore[operator]


@pytest.mark.parametrize("case", [c for c in CASES if not c.not_a_report], ids=lambda c: c.name)
def test_unreadable_cells_exist(case: Case) -> None:
    for key, column in case.unreadable:
        assert key in case.expected, key
        assert column is None or 0 <= column < len(case.expected[key])


def cuts(run: str, k: int) -> int:
    """How many ways a digit run cuts into k numbers without leading zeros (a lone 0 is fine)."""
    if k == 1:
        return 1 if run and (run == "0" or not run.startswith("0")) else 0
    return sum(cuts(run[i:], k - 1) for i in range(1, len(run) - k + 2) if i == 1 or run[0] != "0")


@pytest.mark.parametrize("case", [c for c in CASES if c.name.startswith("runtogether-")], ids=lambda c: c.name)
def test_run_together_unreadable_is_exactly_the_ambiguous_runs(case: Case) -> None:
    """Each table row is one digit run (table 四: one run of 15); a run is certain iff it cuts one way."""
    text = case.data.decode("utf-8")
    runs: list[tuple[tuple[str, ...], str, int]] = []
    t4 = [k for k in case.expected if k.startswith("reviews_litigation.")]
    for key, cells in case.expected.items():
        if key.startswith("reviews_litigation."):
            continue
        digits = "".join(str(c) for c in cells)
        runs.append(((key,), digits, 1 if "." in digits else len(cells)))
    runs.append((tuple(t4), "".join(str(c) for k in t4 for c in case.expected[k]), 15))
    ambiguous = set()
    for keys, digits, k in runs:
        assert digits in text, keys
        if "." not in digits and cuts(digits, k) != 1:
            ambiguous |= {(key, None) for key in keys}
    assert ambiguous == set(case.unreadable)
    assert ambiguous  # the case is meant to hold some
