"""`nianbao rollup` and `nianbao agency link/unlink/links`, as a person runs them in a terminal."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from bot.report import datafile
from bot.report.model import with_totals
from tests.conftest import SEED_JSON
from tests.test_cli import nianbao


def _write(path: Path, **changes: object) -> dict:
    doc = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    for key, value in changes.items():
        node = doc
        *parents, last = key.split("__")
        for part in parents:
            node = node[part]
        node[last] = value
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return doc


def test_rollup_sums_the_tables_of_the_files(tmp_path: Path) -> None:
    fees = ("0.1", "0.2", "123.000001")
    for i, (name, fee) in enumerate(zip(("甲", "乙", "丙"), fees, strict=True)):
        new = [i + 1, 0, 0, 0, 0, 0, i + 1]
        _write(tmp_path / f"{name}.json", agency=f"某某县{name}局", year=2026, proactive__licensing=10 * (i + 1))
        text = (tmp_path / f"{name}.json").read_text(encoding="utf-8")
        doc = json.loads(text)
        doc["applications"]["new"] = new
        doc["applications"]["disclosed"] = new
        doc["applications"]["total_handled"] = new
        text = json.dumps(doc, ensure_ascii=False).replace('"fees_wan_yuan": 0', f'"fees_wan_yuan": {fee}')
        (tmp_path / f"{name}.json").write_text(text, encoding="utf-8")
    result = nianbao(
        "rollup", "甲.json", "乙.json", "丙.json", "-o", "sum.json", "--agency", "某某县人民政府", cwd=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "已计入 3 份报告" in result.stdout and "甲.json（某某县甲局）" in result.stdout
    assert "已写入 sum.json：某某县人民政府 2026 年度" in result.stdout
    summed = datafile.load(tmp_path / "sum.json")
    sources = [datafile.load(tmp_path / f"{n}.json") for n in ("甲", "乙", "丙")]
    assert summed.agency == "某某县人民政府" and summed.level.value == "government" and summed.year == 2026
    assert not summed.text("text.preamble")  # prose is never summed
    assert summed.row("applications.new") == (6, 0, 0, 0, 0, 0, 6)
    assert summed.row("proactive.licensing") == (60,)
    assert summed.row("proactive.fees_wan_yuan") == (Decimal("123.300001"),)
    for table in summed.format.tables:
        for row in table.rows:
            expected = tuple(sum(cells) for cells in zip(*(s.row(row.key) for s in sources), strict=True))  # type: ignore[misc]
            assert summed.row(row.key) == expected, row.key
    assert with_totals(summed).values == summed.values
    check = nianbao("check", "sum.json", cwd=tmp_path)
    assert "T3-" not in check.stdout and "T4-" not in check.stdout  # the sums' totals hold


def test_rollup_refuses_other_years_the_2019_format_and_unreadable_files(tmp_path: Path) -> None:
    _write(tmp_path / "a.json", agency="某某县甲局", year=2026)
    _write(tmp_path / "b.json", agency="某某县乙局", year=2026)
    _write(tmp_path / "last.json", agency="某某县丙局", year=2025)
    _write(tmp_path / "old.json", agency="某某县丁局", year=2026, format="gov-info-disclosure-annual-report/2019-trial")
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    args = ("a.json", "b.json", "last.json", "old.json", "broken.json", "missing.json", "-o", "sum.json")
    result = nianbao("rollup", *args, cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "已计入 2 份报告" in result.stdout
    assert "“last.json”是 2025 年度的报告，汇总的是 2026 年度，未计入。" in result.stdout
    assert "“old.json”是 2019 年试行格式的报告，表格与 2021 年格式不同，不能相加，未计入。" in result.stdout
    assert (
        "“broken.json”无法读取，未计入" in result.stdout
        and "“missing.json”无法读取，未计入：找不到文件" in result.stdout
    )
    assert (tmp_path / "sum.json").exists() and "Traceback" not in result.stderr
    year = nianbao("rollup", "a.json", "last.json", "-o", "y.json", "--year", "2025", cwd=tmp_path)
    assert year.returncode == 1 and "“a.json”是 2026 年度的报告，汇总的是 2025 年度" in year.stdout
    nothing = nianbao("rollup", "old.json", "-o", "none.json", cwd=tmp_path)
    assert nothing.returncode == 2 and "没有可以相加的报告" in nothing.stderr
    assert not (tmp_path / "none.json").exists()


def test_rollup_keeps_an_unknown_cell_unknown(tmp_path: Path) -> None:
    _write(tmp_path / "a.json", agency="某某县甲局", year=2026)
    doc = _write(tmp_path / "b.json", agency="某某县乙局", year=2026)
    doc["applications"]["new"][2] = None
    (tmp_path / "b.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    result = nianbao("rollup", "a.json", "b.json", "-o", "sum.json", cwd=tmp_path)
    assert result.returncode == 1
    assert "“b.json”的 表三 一、本年新收政府信息公开申请数量 科研机构 未填" in result.stdout
    summed = json.loads((tmp_path / "sum.json").read_text(encoding="utf-8"))
    assert summed["applications"]["new"][2] is None and summed["applications"]["new"][6] is None


def test_agency_link_unlink_and_links(tmp_path: Path) -> None:
    database = {"DATABASE_URL": f"sqlite:///{tmp_path}/n.db"}
    for name, level in (
        ("某某县人民政府", "government"),
        ("某某县教育局", "department"),
        ("某某县财政局", "department"),
    ):
        assert nianbao("invite", name, "--level", level, cwd=tmp_path, env=database).returncode == 0
    linked = nianbao("agency", "link", "某某县人民政府", "某某县教育局", "某某县财政局", cwd=tmp_path, env=database)
    assert linked.returncode == 0, linked.stderr
    assert "已关联：“某某县教育局”、“某某县财政局”。" in linked.stdout
    again = nianbao("agency", "link", "某某县人民政府", "某某县教育局", cwd=tmp_path, env=database)
    assert again.returncode == 0 and "早已关联：“某某县教育局”" in again.stdout
    unknown = nianbao("agency", "link", "某某县人民政府", "某某县民政局", cwd=tmp_path, env=database)
    assert unknown.returncode == 1 and "没有名为“某某县民政局”的机构，未作任何关联" in unknown.stderr
    department = nianbao("agency", "link", "某某县教育局", "某某县财政局", cwd=tmp_path, env=database)
    assert department.returncode == 1 and "“某某县教育局”是部门" in department.stderr
    listed = nianbao("agency", "links", cwd=tmp_path, env=database)
    assert "• 某某县人民政府（2 个）：某某县教育局、某某县财政局" in listed.stdout
    gone = nianbao("agency", "unlink", "某某县人民政府", "某某县财政局", cwd=tmp_path, env=database)
    assert gone.returncode == 0 and "已取消关联：“某某县财政局”" in gone.stdout
    one = nianbao("agency", "links", "某某县人民政府", cwd=tmp_path, env=database)
    assert one.stdout.strip() == "“某某县人民政府”汇总 1 个机构：某某县教育局"
