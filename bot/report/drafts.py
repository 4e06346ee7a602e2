"""Prose written from the stored numbers, and what makes a stored or reused text disagree with them.

Evaluators' most frequent finding is prose that contradicts the tables. The parts that retell a table — 依申请公开情况
(表三, 表四) and the fee statement of 六 (表三（六）2) — can be drafted from the stored cells alone: templates, not
guesses, every figure a stored cell (or the sum of a 表三 category's rows), a sentence left out while a cell it needs
is unfilled. The same reading of prose that the checks use tells whether a saved text still agrees with the tables
after a number changed, and what in a text reused from last year's report is probably stale.
"""

from __future__ import annotations

import re

from bot import texts
from bot.report import prose
from bot.report.checks import ON_REQUEST, Finding, fee_notices, prose_numbers
from bot.report.model import Cell, Report, format_number, sum_cells
from bot.report.numbers import parse_chinese_integer
from bot.schema import Column

OTHER = "text.other"
DRAFTED = (ON_REQUEST, OTHER)  # the parts draft() writes


def draft(report: Report, key: str) -> str | None:
    """The part written from the tables; None for a part that is not drafted or while its cells are unfilled."""
    if key == ON_REQUEST:
        sentences = [_received(report), _handled(report), _disputes(report)]
    elif key == OTHER:
        sentences = [_fee(report)]
    else:
        return None
    text = "".join(s for s in sentences if s)
    return text or None


def draft_notes(report: Report, key: str) -> list[str]:
    """What the member must still add to the draft because the tables do not hold it (the fee amounts)."""
    no_fee = _total(report, "applications.other_no_fee")
    return [texts.DRAFT_FEE_AMOUNTS] if key == OTHER and no_fee else []


def disagreements(text: str, report: Report, key: str) -> list[Finding]:
    """The findings a text saved at key now gives against the tables: figures the tables contradict (TEXT-NUMBERS),
    and for 六 a statement that no fee notice went out while （六）2 counts unpaid ones (S6-FEE)."""
    found = prose_numbers(report, key, text)
    return found + fee_notices(report, text) if key == OTHER else found


def stale_marks(text: str, report: Report, last_year: Report | None = None, key: str | None = None) -> list[str]:
    """Short notes on what in a text reused from last year's report is probably stale: last year's year where the
    text speaks of its own year, and figures that differ from this year's tables (or equal last year's)."""
    marks = [*_stale_years(text, report), *_stale_figures(text, report, last_year, key)]
    return list(dict.fromkeys(marks))


# --- 依申请公开情况 -------------------------------------------------------------------------------------------
def _total(report: Report, key: str) -> Cell:
    """The stored 总计 cell of a row of 表三 or 表四."""
    row = report.row(key)
    return None if row is None else row[-1]


def _received(report: Report) -> str | None:
    """本年度共收到政府信息公开申请81件，其中自然人80件、商业企业1件；上年结转2件。"""
    new, carried = _total(report, prose.RECEIVED), _total(report, prose.CARRIED_OVER)
    if new is None or carried is None:
        return None
    applicants = _applicants(report) if new else ""
    sentence = texts.DRAFT_RECEIVED.format(count=format_number(new)) + applicants if new else texts.DRAFT_NONE_RECEIVED
    if carried:
        sentence += ("；" if applicants else "，") + texts.DRAFT_CARRIED_OVER.format(count=format_number(carried))
    return sentence + "。"


def _applicants(report: Report) -> str:
    """，其中自然人80件、商业企业1件 — only when more than one kind of applicant asked."""
    table = report.format.table_of(prose.RECEIVED)
    cells = report.row(prose.RECEIVED)
    if cells is None:
        return ""
    given = [(c, cells[i]) for i, c in enumerate(table.columns) if not c.sums]
    if any(cell is None for _, cell in given):
        return ""
    items = [texts.DRAFT_ITEM.format(name=_applicant(c), count=format_number(cell)) for c, cell in given if cell]
    return texts.DRAFT_PARTS.format(items="、".join(items)) if len(items) > 1 else ""


def _applicant(column: Column) -> str:
    """其他 under 法人或其他组织 reads 其他法人或其他组织; the other columns read as labelled."""
    return column.label + column.groups[-1] if column.label == "其他" and column.groups else column.label


def _handled(report: Report) -> str | None:
    """本年度办结79件，其中予以公开31件，……；结转下年度继续办理4件。 — the results by the format's categories."""
    handled, forward = _total(report, prose.TOTAL_HANDLED), _total(report, prose.CARRIED_FORWARD)
    categories = [
        (prose.category_word(label), sum_cells([_total(report, key) for key in rows]))
        for label, rows in prose.result_categories(report.format.table_of(prose.RECEIVED))
    ]
    if handled is None or forward is None or any(count is None for _, count in categories):
        return None
    parts = []
    if handled:
        items = [texts.DRAFT_ITEM.format(name=name, count=format_number(n)) for name, n in categories if n]
        results = texts.DRAFT_PARTS.format(items="，".join(items)) if items else ""
        parts.append(texts.DRAFT_HANDLED.format(count=format_number(handled)) + results)
    if forward:
        parts.append(texts.DRAFT_CARRIED_FORWARD.format(count=format_number(forward)))
    return "；".join(parts) + "。" if parts else None


def _disputes(report: Report) -> str | None:
    """本年度因政府信息公开工作被申请行政复议2件，被提起行政诉讼7件。 — from 表四's 总计 cells."""
    reviews = prose.table_value(report, prose.quantity(report.format, prose.REVIEWS))
    lawsuits = prose.table_value(report, prose.quantity(report.format, prose.LAWSUITS))
    if reviews is None or lawsuits is None:
        return None
    if reviews == 0 and lawsuits == 0:
        return texts.DRAFT_NO_DISPUTES
    said = texts.DRAFT_REVIEWS.format(count=format_number(reviews)) if reviews else texts.DRAFT_NO_REVIEWS
    sued = texts.DRAFT_LAWSUITS.format(count=format_number(lawsuits)) if lawsuits else texts.DRAFT_NO_LAWSUITS
    return texts.DRAFT_DISPUTES.format(reviews=said, lawsuits=sued)


# --- 六: 信息处理费 ------------------------------------------------------------------------------------------
def _fee(report: Report) -> str | None:
    """（六）2 > 0 means fee notices went out and were not paid; the amounts are not in the tables, so not claimed."""
    no_fee = _total(report, "applications.other_no_fee")
    if no_fee is None:
        return None
    if no_fee == 0:
        return texts.DRAFT_NO_FEE
    return texts.DRAFT_FEE_NOTICES.format(count=format_number(no_fee))


# --- reused text ---------------------------------------------------------------------------------------------
YEAR = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d|[〇零一二三四五六七八九]{4})\s*年(?!度报告)")
SENTENCE = re.compile(r"[^。；;！!？?\n]+")
CLAUSE_MARKS = "，,：:"
COMPARED = re.compile("相比|同比|对比|比较|较|比|以来|至今|增长|增加|减少|下降|上升|持平")  # 与2024年相比, 2024年以来
LAST_YEARS_PROBLEMS = re.compile("上年度|上一年度|整改")  # 针对2024年……的问题，已全部整改
YEAR_RANGE = re.compile(r"((?:19|20)\d\d)\s*年?\s*(?:至|到|—|－|-|~)\s*((?:19|20)\d\d)")
MAX_WORDS = 30


def _year(text: str) -> int | None:
    return int(text) if text.isdigit() else parse_chinese_integer(text)


def _stale_years(text: str, report: Report) -> list[str]:
    """2024年 in a report of 2025, once a sentence, unless compared with, in a span of years, or told of 整改."""
    marks = []
    for sentence in SENTENCE.findall(prose.plain(text)):
        sentence = sentence.strip()
        if LAST_YEARS_PROBLEMS.search(sentence):
            continue
        spans = [m.span() for m in YEAR_RANGE.finditer(sentence) if m.group(1) != m.group(2)]
        for m in YEAR.finditer(sentence):
            if (
                _year(m.group("y")) != report.year - 1
                or COMPARED.search(_clause_at(sentence, m.start()))
                or any(a <= m.start() < b for a, b in spans)
            ):
                continue
            words = _excerpt(sentence, m.start())
            marks.append(texts.STALE_YEAR.format(words=words, said=report.year - 1, year=report.year))
            break
    return marks


def _clause_at(sentence: str, at: int) -> str:
    start = max(sentence.rfind(mark, 0, at) for mark in CLAUSE_MARKS) + 1
    end = min((i for mark in CLAUSE_MARKS if (i := sentence.find(mark, at)) >= 0), default=len(sentence))
    return sentence[start:end]


def _stale_figures(text: str, report: Report, last_year: Report | None, key: str | None) -> list[str]:
    marks = []
    for quote in prose.quotes(text, report.format, report.year, on_request=key == ON_REQUEST):
        quantity, said = quote.quantity, quote.said
        if prose.agrees(report, quote):
            continue
        now = prose.table_value(report, quantity)
        before = prose.table_value(last_year, quantity) if last_year is not None else None
        names = {
            "words": _excerpt(quote.words.strip()),
            "said": format_number(said),
            "table": format_number(now),
            "name": texts.STALE_TABLE_NAMES.get(quantity.id) or texts.STALE_ROW_NAME.format(row=quantity.label),
        }
        if before is not None and said == before:
            template = texts.STALE_FIGURE_LAST_YEAR if now is not None else texts.STALE_FIGURE_LAST_YEAR_ONLY
            marks.append(template.format(**names))
        elif now is not None:
            marks.append(texts.STALE_FIGURE.format(**names))
    return marks


def _excerpt(words: str, at: int = 0) -> str:
    """At most MAX_WORDS characters of the words, from a little before position at."""
    if len(words) <= MAX_WORDS:
        return words
    start = max(0, min(at - 8, len(words) - MAX_WORDS))
    middle = words[start : start + MAX_WORDS]
    return ("…" if start else "") + middle + ("…" if start + MAX_WORDS < len(words) else "")
