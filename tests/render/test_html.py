"""The web page and the plain text: every label and number in its cell, any text escaped and intact."""

from __future__ import annotations

from decimal import Decimal
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.render.document import paragraphs
from bot.render.layout import section_grid
from bot.render.text import render_html, render_markdown
from bot.report import datafile
from bot.report.model import Report, with_totals
from tests.conftest import SEED_JSON, replace_values


class Page(HTMLParser):
    """Reads tables back into position → text matrices (expanding rowspan/colspan) and paragraphs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[dict[tuple[int, int], str]] = []
        self.paragraphs: list[str] = []
        self._cell: list[str] | None = None
        self._para: list[str] | None = None
        self._taken: set[tuple[int, int]] = set()
        self._row = -1
        self._col = 0
        self._span = (1, 1)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self.tables.append({})
            self._taken, self._row = set(), -1
        elif tag == "tr":
            self._row, self._col = self._row + 1, 0
        elif tag == "td":
            while (self._row, self._col) in self._taken:
                self._col += 1
            self._span = (int(a.get("rowspan") or 1), int(a.get("colspan") or 1))
            self._cell = []
        elif tag == "p":
            self._para = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            rows, cols = self._span
            self.tables[-1][(self._row, self._col)] = "".join(self._cell)
            self._taken |= {(self._row + r, self._col + c) for r in range(rows) for c in range(cols)}
            self._col += cols
            self._cell = None
        elif tag == "p" and self._para is not None:
            self.paragraphs.append("".join(self._para))
            self._para = None

    def handle_data(self, data: str) -> None:
        for sink in (self._cell, self._para):
            if sink is not None:
                sink.append(data)


def read(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def nonzero(seed: Report) -> Report:
    return with_totals(
        replace_values(
            seed,
            applications__new=(12, 3, 1, 0, 2, 5, None),
            applications__disclosed=(7, 3, 1, 0, 2, 5, None),
            applications__not_processed_repeated=(5, 0, 0, 0, 0, 0, None),
            proactive__regulations=(1, 2, 3),
            proactive__fees_wan_yuan=(Decimal("5949.088667"),),
            reviews_litigation__litigation_after_review=(1, 2, 3, 4, None),
        )
    )


def test_every_table_cell_is_where_the_layout_puts_it(seed: Report) -> None:
    report = nonzero(seed)
    page = read(render_html(report))
    grids = [section_grid(report, s.tables) for s in report.format.sections if s.tables]
    assert len(page.tables) == len(grids) == 3
    for grid, table in zip(grids, page.tables, strict=True):
        assert {(c.row, c.col): c.text for c in grid.cells} == table
    t3 = page.tables[1]
    assert t3[(0, 0)] == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    assert t3[(3, 0)] == "一、本年新收政府信息公开申请数量"
    assert [t3[(3, c)] for c in range(3, 10)] == ["12", "3", "1", "0", "2", "5", "23"]
    assert t3[(26, 9)] == "23"  # （七）总计, 总计 column
    assert page.tables[0][(13, 1)] == "5949.088667"
    assert [page.tables[2][(3, c)] for c in range(10, 15)] == ["1", "2", "3", "4", "10"]


def test_merged_cells_follow_the_official_layout(seed: Report) -> None:
    html = render_html(seed)
    assert '<td class="corner" rowspan="3" colspan="3">（本列数据的勾稽关系为' in html
    assert '<td class="header" colspan="7">申请人情况</td>' in html
    assert '<td class="header" colspan="5">法人或其他组织</td>' in html
    assert '<td class="label" rowspan="22">三、本年度办理结果</td>' in html
    assert '<td class="label" rowspan="8">（三）不予公开</td>' in html
    assert '<td class="header" rowspan="2" colspan="5">行政复议</td>' in html
    assert '<td class="header" colspan="10">行政诉讼</td>' in html


def test_prose_headings_and_signature(seed: Report) -> None:
    html = render_html(seed)
    page = read(html)
    assert "<h1>绥芬河市文体广电和旅游局2023年政府信息公开工作年度报告</h1>" in html
    for heading in ("一、总体情况", "六、其他需要报告的事项", "（五）监督保障情况"):
        assert heading in html
    for prose in seed.format.prose:
        for paragraph in paragraphs(seed.text(prose.key)):
            assert paragraph in page.paragraphs
    assert page.paragraphs[-2:] == ["绥芬河市文体广电和旅游局", "2024年1月12日"]


def test_unfilled_cells_and_prose_are_marked(seed: Report) -> None:
    draft = replace_values(seed, applications__new=(None,) * 7)
    del draft.values["text.problems"]
    html = render_html(draft)
    assert html.count('class="number unfilled"') == 7
    assert '<p class="unfilled">（待填写：存在的主要问题及改进情况）</p>' in html


@settings(max_examples=40, deadline=None)
@given(st.text(min_size=1, max_size=300))
def test_any_text_comes_out_escaped_and_intact(text: str) -> None:
    report = replace_values(datafile.load(SEED_JSON), text__other=text, text__preamble="<script>alert('&')</script> 😀")
    page = read(render_html(report))
    assert "<script>alert('&')</script> 😀" in page.paragraphs
    written = [p for p in page.paragraphs[:-2] if p]
    expected = list(paragraphs(text)) or ["（待填写：其他需要报告的事项）"]
    assert written[-len(expected) :] == expected


def test_markdown_lists_every_row_with_its_numbers(seed: Report) -> None:
    report = nonzero(seed)
    md = render_markdown(report)
    assert md.startswith("# 绥芬河市文体广电和旅游局2023年政府信息公开工作年度报告\n")
    assert "| 一、本年新收政府信息公开申请数量 | 12 | 3 | 1 | 0 | 2 | 5 | 23 |" in md
    assert "| （五）2.重复申请 | 5 | 0 | 0 | 0 | 0 | 0 | 5 |" in md
    assert "| 规章 | 1 | 2 | 3 |" in md
    assert "| 行政诉讼·复议后起诉 | 1 | 2 | 3 | 4 | 10 |" in md
    for row in report.format.table("T3").rows:
        assert row.label in md
