"""The roll-up core: every cell of tables 二/三/四 summed, totals recalculated, unknown kept unknown, the
fee exact, prose never summed; sources of another year, in the 2019 format or unreadable refused."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from bot.report import datafile
from bot.report.model import Report, with_totals
from bot.report.rollup import Refused, Source, problems, read_source, roll_up
from bot.schema import FORMAT_2019, FORMAT_2021, Level
from tests.conftest import SEED_JSON


def filled(agency: str, year: int = 2026, seed: int = 0) -> Report:
    """A report whose every input cell holds a different number (the fee with six decimals), totals computed."""
    rng = random.Random(seed)
    values: dict[str, object] = {"text.preamble": f"{agency}的开篇"}
    for table in FORMAT_2021.tables:
        for row in table.rows:
            if row.computed:
                continue
            if table.number.is_integer:
                values[row.key] = tuple(rng.randint(0, 500) for _ in table.columns)
            else:
                values[row.key] = tuple(Decimal(rng.randint(0, 10**9)).scaleb(-6) for _ in table.columns)
    return with_totals(Report(agency, Level.DEPARTMENT, year, values=values))  # type: ignore[arg-type]


def test_every_cell_is_the_sum_of_the_sources() -> None:
    sources = [Source(name, filled(name, seed=i)) for i, name in enumerate(("教育局", "财政局", "民政局"))]
    result = roll_up(sources)
    assert result.year == 2026 and [s.name for s in result.used] == ["教育局", "财政局", "民政局"]
    assert not result.refused and not result.unknown and not result.mismatches
    counted = 0
    for table in FORMAT_2021.tables:
        for row in table.rows:
            for i in range(len(table.columns)):
                expected = sum(s.report.row(row.key)[i] for s in sources)  # type: ignore[index]
                assert result.values[row.key][i] == expected, (table.name, row.label, i)
                counted += 1
    assert counted == sum(len(t.rows) * len(t.columns) for t in FORMAT_2021.tables) == 6 + 1 + 2 + 1 + 25 * 7 + 15
    summed = result.report("某某县人民政府")
    assert summed.level is Level.GOVERNMENT and summed.year == 2026
    assert not any(key.startswith("text.") for key in summed.values)  # prose is never summed
    assert with_totals(summed).values == summed.values  # totals consistent


def test_the_fee_is_summed_exactly_as_decimal() -> None:
    reports = [filled(name, seed=i) for i, name in enumerate("甲乙丙")]
    fees = [Decimal("0.1"), Decimal("0.2"), Decimal("123456789.000001")]
    sources = [
        Source(r.agency, replace(r, values={**r.values, "proactive.fees_wan_yuan": (fee,)}))
        for r, fee in zip(reports, fees, strict=True)
    ]
    fee = roll_up(sources).values["proactive.fees_wan_yuan"][0]
    assert isinstance(fee, Decimal) and fee == Decimal("123456789.300001")
    ints = [Source(r.agency, replace(r, values={**r.values, "proactive.fees_wan_yuan": (3,)})) for r in reports]
    assert roll_up(ints).values["proactive.fees_wan_yuan"] == (Decimal(9),)


def test_an_unknown_cell_makes_the_sum_unknown_and_is_listed() -> None:
    a, b = filled("教育局", seed=1), filled("财政局", seed=2)
    new = list(b.row("applications.new"))  # type: ignore[arg-type]
    new[1] = None
    b = replace(b, values={**b.values, "applications.new": tuple(new)})
    del b.values["reviews_litigation.review"]  # a row never given: every cell unknown
    result = roll_up([Source("教育局", a), Source("财政局", b)])
    summed_new = result.values["applications.new"]
    assert summed_new[1] is None and summed_new[6] is None  # the cell and the row's 总计
    assert summed_new[0] == a.row("applications.new")[0] + b.row("applications.new")[0]  # type: ignore[index]
    assert result.values["applications.total_handled"] == with_totals(result.report("x")).row(
        "applications.total_handled"
    )
    assert result.values["reviews_litigation.review"] == (None,) * 5
    assert [(u.source, u.row.key, u.columns) for u in result.unknown] == [
        ("财政局", "applications.new", (1,)),
        ("财政局", "reviews_litigation.review", (0, 1, 2, 3)),
    ]
    said = problems(result)
    assert "“财政局”的 表三 一、本年新收政府信息公开申请数量 商业企业 未填，汇总中这些单元格也未知（待填）。" in said
    assert not result.complete


def test_sources_of_another_year_or_the_2019_format_or_twice_are_refused() -> None:
    this, other = filled("教育局", 2026), filled("财政局", 2025, seed=3)
    old = replace(filled("民政局", 2026, seed=4), format=FORMAT_2019)
    twice = filled("教育局", 2026, seed=5)
    result = roll_up([Source("a.json", this), Source("b.json", other), Source("c.json", old), Source("d.json", twice)])
    assert [s.name for s in result.used] == ["a.json"]
    assert [r.reason for r in result.refused] == [
        "“b.json”是 2025 年度的报告，汇总的是 2026 年度，未计入。",
        "“c.json”是 2019 年试行格式的报告，表格与 2021 年格式不同，不能相加，未计入。",
        "“d.json”与“a.json”都是“教育局”的报告，只计入一次。",
    ]
    assert result.values["applications.new"] == this.row("applications.new")
    # Without a year given, the year most sources are of; with one, exactly that year.
    assert roll_up([Source("b", other), Source("a", this), Source("x", filled("x", 2025))]).year == 2025
    assert [s.name for s in roll_up([Source("a", this), Source("b", other)], year=2025).used] == ["b"]


def test_a_stated_total_that_is_not_the_sum_is_named_and_the_cells_are_added() -> None:
    a = filled("教育局", seed=6)
    wrong = list(a.row("applications.new"))  # type: ignore[arg-type]
    wrong[6] += 1  # type: ignore[operator]
    bad = replace(a, values={**a.values, "applications.new": tuple(wrong)})
    result = roll_up([Source("教育局", bad)])
    assert result.values["applications.new"] == a.row("applications.new")
    place = "“教育局”的 表三 一、本年新收政府信息公开申请数量 总计"
    assert [str(m) for m in result.mismatches] == [
        f"{place} 写的是 {wrong[6]}，各项之和是 {wrong[6] - 1}；汇总按各项相加。"
    ]


def test_data_files_are_read_and_the_unreadable_or_2019_ones_refused(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    datafile.dump(filled("教育局"), good)
    old = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    old["format"] = FORMAT_2019.id
    (tmp_path / "old.json").write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    source = read_source(good)
    assert isinstance(source, Source) and source.report.agency == "教育局"
    refused = [read_source(tmp_path / name) for name in ("old.json", "broken.json", "absent.json")]
    assert all(isinstance(r, Refused) for r in refused)
    reasons = [r.reason for r in refused]  # type: ignore[union-attr]
    assert "2019 年试行格式" in reasons[0] and str(tmp_path / "old.json") in reasons[0]
    assert "无法读取" in reasons[1] and "broken.json" in reasons[1]
    assert "找不到文件" in reasons[2]


def test_a_thousand_sources_are_summed_in_one_linear_pass() -> None:
    base = filled("x")
    sources = [Source(f"机构{i}", replace(base, agency=f"机构{i}")) for i in range(1000)]
    result = roll_up(sources)
    assert result.values["applications.new"] == tuple(1000 * c for c in base.row("applications.new"))  # type: ignore[union-attr]
    assert len(result.used) == 1000


def test_a_stated_computed_row_that_is_not_the_sum_of_its_rows_is_named() -> None:
    a = filled("教育局", seed=7)
    wrong = list(a.row("applications.total_handled"))  # type: ignore[arg-type]
    wrong[0] += 2  # type: ignore[operator]
    wrong[6] += 2  # type: ignore[operator]
    bad = replace(a, values={**a.values, "applications.total_handled": tuple(wrong)})
    result = roll_up([Source("教育局", bad)])
    assert [(m.row.key, m.column, m.stated, m.summed) for m in result.mismatches] == [
        ("applications.total_handled", 0, wrong[0], wrong[0] - 2),
        ("applications.total_handled", 6, wrong[6], wrong[6] - 2),
    ]
    assert result.values["applications.total_handled"] == a.row("applications.total_handled")
    assert not roll_up([Source("教育局", a)]).mismatches
