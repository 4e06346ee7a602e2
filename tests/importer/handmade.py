"""A report as a person types it in Word: headings as plain paragraphs (numbered 一．), tables merged
with cell.merge, labels with half-width brackets and spaces, table 二 as four small tables under
their captions, paragraphs indented with full-width spaces."""

from __future__ import annotations

import io
from datetime import date

import docx
from docx.table import Table as DocxTable

from bot.report.model import Report, with_totals
from bot.schema import CURRENT, Level, Table

# Table 二 as four tables under their captions: (schema table, caption, header, row labels).
T2 = (
    (
        "T2-1",
        "第二十条第（一）项",
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", "规范性文件"],
    ),
    ("T2-5", "第二十条第（五）项", ["信息内容", "本年处理决定数量"], ["行政许可"]),
    ("T2-6", "第二十条第（六）项", ["信息内容", "本年处理决定数量"], ["行政处罚", "行政强制"]),
    ("T2-8", "第二十条第(八)项", ["信息内容", "本年收费金额(单位:万元)"], ["行政事业性收费"]),
)
# Table 三's label block as typed: (group, sub-group, label) with half-width numbering and spacing.
T3_LABELS = [
    ("一、本年新收政府信息公开申请数量", None, None),
    ("二、上年结转政府信息公开申请数量", None, None),
    *[
        ("三、本年度办理结果", label, None)
        for label in ("(一) 予以公开", "(二) 部分公开 (区分处理的, 只计这一情形, 不计其他情形)")
    ],
    *[
        ("三、本年度办理结果", "(三) 不予公开", label)
        for label in (
            "1. 属于国家秘密",
            "2. 其他法律行政法规禁止公开",
            '3. 危及"三安全一稳定"',
            "4. 保护第三方合法权益",
            "5. 属于三类内部事务信息",
            "6. 属于四类过程性信息",
            "7. 属于行政执法案卷",
            "8. 属于行政查询事项",
        )
    ],
    *[
        ("三、本年度办理结果", "(四) 无法提供", label)
        for label in ("1. 本机关不掌握相关政府信息", "2. 没有现成信息需要另行制作", "3. 补正后申请内容仍不明确")
    ],
    *[
        ("三、本年度办理结果", "(五) 不予处理", label)
        for label in (
            "1. 信访举报投诉类申请",
            "2. 重复申请",
            "3. 要求提供公开出版物",
            "4. 无正当理由大量反复申请",
            "5. 要求行政机关确认或重新出具已获取信息",
        )
    ],
    *[
        ("三、本年度办理结果", "(六) 其他处理", label)
        for label in (
            "1. 申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            "2. 申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            "3. 其他",
        )
    ],
    ("三、本年度办理结果", "(七) 总计", None),
    ("四、结转下年度继续办理", None, None),
]


def _merge_runs(table: DocxTable, column: int, first_row: int, labels: list[str | None]) -> None:
    """Merge equal neighbouring labels down a column, as Word users merge a group label."""
    start = 0
    for i in range(1, len(labels) + 1):
        if i == len(labels) or labels[i] != labels[start]:
            if i - start > 1 and labels[start] is not None:
                table.cell(first_row + start, column).merge(table.cell(first_row + i - 1, column))
            start = i


def table_three(document: docx.document.Document, report: Report) -> DocxTable:
    """Table 三 as typed in Word: its header and label blocks merged as the format prints them."""
    table = document.add_table(rows=3 + len(T3_LABELS), cols=10)
    table.cell(0, 0).merge(table.cell(2, 2)).text = "(本列数据的勾稽关系为: 第一项加第二项之和, 等于第三项加第四项之和)"
    table.cell(0, 3).merge(table.cell(0, 9)).text = "申请人情况"
    table.cell(1, 3).merge(table.cell(2, 3)).text = "自然人"
    table.cell(1, 4).merge(table.cell(1, 8)).text = "法人或其他组织"
    table.cell(1, 9).merge(table.cell(2, 9)).text = "总计"
    for c, label in enumerate(("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"), start=4):
        table.cell(2, c).text = label
    t3 = CURRENT.table("T3")
    for r, ((group, sub, label), row) in enumerate(zip(T3_LABELS, t3.rows, strict=True), start=3):
        if sub is None:
            table.cell(r, 0).merge(table.cell(r, 2)).text = group
        elif label is None:
            table.cell(r, 1).merge(table.cell(r, 2)).text = sub
        else:
            table.cell(r, 2).text = label
        for c, value in enumerate(report.cells(t3, row), start=3):
            table.cell(r, c).text = str(value)
    groups = [group if sub is not None else None for group, sub, _ in T3_LABELS]
    subs = [sub if label is not None else None for _, sub, label in T3_LABELS]
    _merge_runs(table, 0, 3, groups)
    _merge_runs(table, 1, 3, subs)
    for r, (group, sub, label) in enumerate(T3_LABELS, start=3):
        if sub is not None:
            table.cell(r, 0).text = group
        if label is not None:
            table.cell(r, 1).text = sub
    return table


def _simple_table(
    document: docx.document.Document, header: list[str], labels: list[str], schema: Table, report: Report
) -> None:
    table = document.add_table(rows=1 + len(labels), cols=len(header))
    for c, text in enumerate(header):
        table.cell(0, c).text = text
    for r, (label, row) in enumerate(zip(labels, schema.rows, strict=True), start=1):
        table.cell(r, 0).text = label
        for c, value in enumerate(report.cells(schema, row), start=1):
            table.cell(r, c).text = str(value)


def _table_four(document: docx.document.Document, report: Report) -> None:
    table = document.add_table(rows=4, cols=15)
    table.cell(0, 0).merge(table.cell(1, 4)).text = "行政复议"
    table.cell(0, 5).merge(table.cell(0, 14)).text = "行政诉讼"
    table.cell(1, 5).merge(table.cell(1, 9)).text = "未经复议直接起诉"
    table.cell(1, 10).merge(table.cell(1, 14)).text = "复议后起诉"
    t4 = CURRENT.table("T4")
    for b, row in enumerate(t4.rows):
        for c, (column, value) in enumerate(zip(t4.columns, report.cells(t4, row), strict=True)):
            table.cell(2, b * 5 + c).text = column.label[:2] + " " + column.label[2:]  # 结果 维持, as in the seed
            table.cell(3, b * 5 + c).text = str(value)


def word_document(report: Report) -> bytes:
    document = docx.Document()
    document.add_paragraph(f"{report.agency}{report.year}年度政府信息公开工作年度报告")
    document.add_paragraph(report.text("text.preamble"))
    for section in CURRENT.sections[1:]:
        document.add_paragraph(section.heading.replace("、", "．", 1))
        for prose in section.prose:
            if prose.heading:
                document.add_paragraph(prose.heading.replace("（", "(").replace("）", ") "))
            for paragraph in (report.text(prose.key) or "").split("\n\n"):
                document.add_paragraph("\u3000\u3000" + paragraph)  # indented with full-width spaces
        if section.number == "二":
            for table_id, caption, header, labels in T2:
                document.add_paragraph(caption)
                _simple_table(document, header, labels, CURRENT.table(table_id), report)
        elif section.number == "三":
            table_three(document, report)
        elif section.number == "四":
            _table_four(document, report)
    document.add_paragraph(report.agency)
    document.add_paragraph(f"{report.date.year}年{report.date.month}月{report.date.day}日")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def numbered(report: Report) -> Report:
    values = dict(report.values)
    counter = iter(range(1, 1000))
    for table in CURRENT.tables:
        for row in table.input_rows:
            values[row.key] = tuple(None if c.sums else next(counter) for c in table.columns)
    return with_totals(Report(report.agency, Level.DEPARTMENT, 2023, date(2024, 1, 12), values))
