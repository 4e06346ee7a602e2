"""The trial format of 国办公开办函〔2019〕60号 (reports of 2019 and 2020), as far as import needs it.

Tables 三 and 四 match the 2021 format except that （六）其他处理 was one undivided row; table 二 had
other columns and a fifth article. Only a few of its cells mean the same as a 2021 cell; those are
listed in ``CARRIED_INTO_2021`` so an import can keep them and leave the rest unfilled.
"""

from __future__ import annotations

from dataclasses import replace

from bot.schema.format2021 import FORMAT_2021, RESULTS, T3, T4
from bot.schema.types import CellShape, Column, Format, Row, Table

ITEM = "信息内容"
PROJECT_COLUMNS = (
    Column(key="last_year", label="上一年项目数量"),
    Column(key="change", label="本年增/减"),
    Column(key="decisions", label="处理决定数量"),
)

T2_RULES_2019 = Table(
    id="T2-1",
    name="表二 第二十条第（一）项",
    caption="第二十条第（一）项",
    corner=ITEM,
    columns=(
        Column(key="made", label="本年新制作数量"),
        Column(key="published", label="本年新公开数量"),
        Column(key="total_published", label="对外公开总数量"),
    ),
    rows=(
        Row(key="proactive2019.regulations", label="规章"),
        Row(key="proactive2019.normative_docs", label="规范性文件", alias=("行政规范性文件",)),
    ),
    shape=CellShape.OBJECT,
)
T2_LICENSING_2019 = Table(
    id="T2-5",
    name="表二 第二十条第（五）项",
    caption="第二十条第（五）项",
    corner=ITEM,
    columns=PROJECT_COLUMNS,
    rows=(
        Row(key="proactive2019.licensing", label="行政许可"),
        Row(key="proactive2019.other_services", label="其他对外管理服务事项"),
    ),
    shape=CellShape.OBJECT,
)
T2_ENFORCEMENT_2019 = Table(
    id="T2-6",
    name="表二 第二十条第（六）项",
    caption="第二十条第（六）项",
    corner=ITEM,
    columns=PROJECT_COLUMNS,
    rows=(
        Row(key="proactive2019.punishment", label="行政处罚"),
        Row(key="proactive2019.enforcement", label="行政强制"),
    ),
    shape=CellShape.OBJECT,
)
T2_FEES_2019 = Table(
    id="T2-8",
    name="表二 第二十条第（八）项",
    caption="第二十条第（八）项",
    corner=ITEM,
    columns=PROJECT_COLUMNS[:2],
    rows=(Row(key="proactive2019.fees", label="行政事业性收费"),),
    shape=CellShape.OBJECT,
)
T2_PROCUREMENT_2019 = Table(
    id="T2-9",
    name="表二 第二十条第（九）项",
    caption="第二十条第（九）项",
    corner=ITEM,
    columns=(Column(key="projects", label="采购项目数量"), Column(key="amount", label="采购总金额")),
    rows=(Row(key="proactive2019.procurement", label="政府集中采购"),),
    shape=CellShape.OBJECT,
)

_SPLIT_IN_2021 = {"applications.other_no_correction", "applications.other_no_fee", "applications.other_other"}
OTHER_HANDLING_2019 = Row(key="applications.other_handling", label="（六）其他处理", groups=(RESULTS,))


def _t3_2019() -> Table:
    rows: list[Row] = []
    for row in T3.rows:
        if row.key in _SPLIT_IN_2021:
            if OTHER_HANDLING_2019 not in rows:
                rows.append(OTHER_HANDLING_2019)
            continue
        if row.computed:
            sums = (*tuple(k for k in row.sums if k not in _SPLIT_IN_2021), OTHER_HANDLING_2019.key)
            row = replace(row, sums=sums)
        rows.append(row)
    return replace(T3, rows=tuple(rows))


T3_2019 = _t3_2019()

FORMAT_2019 = Format(
    id="gov-info-disclosure-annual-report/2019-trial",
    name="政府信息公开工作年度报告格式（试行）（国办公开办函〔2019〕60号）",
    sections=tuple(
        replace(s, parts=(T2_RULES_2019, T2_LICENSING_2019, T2_ENFORCEMENT_2019, T2_FEES_2019, T2_PROCUREMENT_2019))
        if s.number == "二"
        else replace(s, parts=(T3_2019,))
        if s.number == "三"
        else replace(s, parts=(T4,))
        if s.number == "四"
        else s
        for s in FORMAT_2021.sections
    ),
    equations=FORMAT_2021.equations,
    rules=FORMAT_2021.rules,
    deadlines=FORMAT_2021.deadlines,
)

# 2019 cells whose meaning is unchanged in 2021: (2019 row key, column key) -> 2021 row key.
CARRIED_INTO_2021 = {
    ("proactive2019.licensing", "decisions"): "proactive.licensing",
    ("proactive2019.punishment", "decisions"): "proactive.punishment",
    ("proactive2019.enforcement", "decisions"): "proactive.enforcement",
}

# What a 2019 report cannot supply for the 2021 format, said in the import warning.
MISSING_IN_2019 = (
    "表二 第二十条第（一）项 的本年制发件数、本年废止件数、现行有效件数",
    "表二 第二十条第（八）项 的本年收费金额",
    "表三 （六）其他处理 的三个细分项",
)
