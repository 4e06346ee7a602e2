"""The outline of a report found in its paragraphs: title, date, the six sections, the five parts of 一.

The title gives the agency and the year (<机构>YYYY年政府信息公开工作年度报告, or the year first, or
the agency on a line of its own above). Section headings are found in order, each after the one
before, by their number and wording (tolerantly: 四、结转下年度继续办理 in table 三 is not the heading
四); a heading Word numbers automatically has no number and must match more closely. The sub-headings
（一）…（五） of 一 are found the same way, also when the text runs on after them (（四）政府信息平台建设。
…). The date is a line holding only a date, above the preamble or at the signature; the signature
ends the report, so whatever a web page shows after it is left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from bot import texts
from bot.importer.blocks import Block, Paragraph
from bot.importer.labels import key, letters, similar, split_numbering
from bot.report.numbers import parse_chinese_integer
from bot.schema import FORMAT_2021, Prose, Section

STOP = r"[^>|»/\\:：，,。;；]"
YEAR = r"(?P<year>(?:19|20)\d\d)"
REPORT = r"政府信息公开\s*(?:工作\s*)?"
# The ways a title names the year: before the report's name (with the agency before or after the year),
# inside it (…工作2024年度报告), or after it in brackets (…年度报告（2022年）).
TITLE_FORMS = (
    rf"{{agency}}\s*{YEAR}\s*年\s*度?\s*{{after}}\s*{REPORT}(?:年度\s*)?报告",
    rf"{{agency}}\s*{REPORT}{YEAR}\s*年\s*度?\s*报告",
    rf"{{agency}}\s*{REPORT}年度\s*报告\s*[（(]\s*{YEAR}\s*年?\s*度?\s*[)）]",
)
AGENCY = rf"(?P<before>{STOP}*?)"
# Inside a line of other text the title starts the line, or follows a space or a page's separator
# ("首页 > 年报 > …", "标题：…"), and the agency before the year is one word.
AGENCY_IN_LINE = r"(?P<before>[^\s>|»/\\:：，,。;；]{0,40}?)"
SET_APART = r"(?<![^\s>|»/\\:：】\]])"


def _title_pattern(form: str, agency: str, prefix: str = "") -> re.Pattern[str]:
    form = form.replace("{agency}", agency).replace("{after}", agency.replace("before", "after"))
    return re.compile(prefix + r"(?:标题\s*[:：]\s*)?[《「]?\s*" + form + r"\s*[》」]?")


TITLES = tuple(_title_pattern(form, AGENCY) for form in TITLE_FORMS)
TITLES_IN_LINE = tuple(_title_pattern(form, AGENCY_IN_LINE, SET_APART) for form in TITLE_FORMS)
CN = "〇零一二三四五六七八九十"
DATE = re.compile(rf"(?P<y>[\d{CN}]{{4}})\s*年\s*(?P<m>[\d{CN}]{{1,3}})\s*月\s*(?P<d>[\d{CN}]{{1,3}})\s*日")
ISO_DATE = re.compile(r"(?P<y>\d{4})[-./](?P<m>\d{1,2})[-./](?P<d>\d{1,2})")
STATISTICS_YEAR = re.compile(r"统计(?:期限|时限|时间|区间)\s*[为是自从:：]?\s*(?P<year>\d{4})\s*年")
SUBHEADING = re.compile(r"\s*[（(]\s*(?P<n>[一二三四五六七八九十]+)\s*[）)]\s*(?P<head>[^。：:]*)[。：:]?\s*")
SENTENCE_END = "。！？；…."
# What a web page shows around an article: where it is, when and by whom it was published, how often read.
FURNITURE = re.compile(
    r"当前位置|您的位置|您现在的位置|发布(?:时间|日期|机构|单位)|(?:信息|文章)?来源|浏览(?:次数|量)|点击(?:数|量|率)"
    r"|阅读(?:次数|量)|字体|字号|分享到|索引号|主题分类|发文(?:机关|字号|日期)|公开(?:方式|范围|时限)|打印本页|关闭窗口"
)
PREAMBLE_START = re.compile(r"本年度报告|本报告|本年报|根据|依照|依据|按照|为贯彻|为进一步|现将|现公布")
MAX_SUBHEADING = 25  # letters in a sub-heading; longer is a paragraph that happens to be numbered
MAX_SIGNATURE = 40
MAX_TITLE = 120  # a title is one short line; this also keeps the title pattern from long lines


@dataclass
class Outline:
    agency: str | None = None
    year: int | None = None
    date: date | None = None
    texts: dict[str, str] = field(default_factory=dict)  # prose field key → text
    tables: list[Block] = field(default_factory=list)  # what sections 二, 三 and 四 hold
    warnings: list[str] = field(default_factory=list)
    recognised: bool = False  # a title or a heading was found: this is a report at all


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() else parse_chinese_integer(text)


def read_date(text: str) -> date | None:
    """The date a line consists of, 2024 年 1 月 12 日, 二〇二四年一月十二日 or 2024-01-12; else None."""
    match = DATE.fullmatch(text.strip()) or ISO_DATE.fullmatch(text.strip())
    if not match:
        return None
    parts = [_number(match[g]) for g in ("y", "m", "d")]
    try:
        return date(*parts)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def is_furniture(text: str) -> bool:
    """A line of the page around the report (发布时间：… 来源：… 浏览次数：…), not of the report."""
    return FURNITURE.search(text) is not None and not any(ch in text for ch in "。；;")


def furniture_end(text: str) -> int:
    """Where the page's furniture at the start of a line ends and the report's preamble begins; 0 if not."""
    sentence = text[: next((n for n, ch in enumerate(text) if ch in "。；;"), len(text))]
    last = None
    for last in FURNITURE.finditer(sentence):  # noqa: B007 - the last one is wanted
        pass
    if last is None or (start := PREAMBLE_START.search(sentence, last.end())) is None:
        return 0
    return start.start()


def _is_date_line(text: str) -> bool:
    return read_date(text) is not None or text.strip() == texts.UNFILLED_DATE


def _is_heading(text: str, heading: str) -> bool:
    if len(text) > 3 * len(heading) + 20:  # a paragraph, not a heading: spare comparing it
        return False
    number, rest = split_numbering(text)
    expected_number, expected = split_numbering(heading)
    rest, expected = letters(rest), letters(expected)
    if len(rest) > 2 * len(expected) + 6:
        return False
    if number == expected_number:
        return similar(rest, expected, 0.6)
    return not number and similar(rest, expected, 0.85)  # numbered by Word itself


def _subheading(text: str, heading: str) -> tuple[bool, str]:
    """Whether the paragraph is this sub-heading, and the text that runs on after it."""
    match = SUBHEADING.match(text[: 2 * MAX_SUBHEADING])
    number, expected = split_numbering(heading)
    if match and f"({match['n']})" == number and len(letters(match["head"])) <= MAX_SUBHEADING:
        return True, text[match.end() :].strip()
    if not match and len(text) <= 2 * MAX_SUBHEADING and len(letters(text)) <= MAX_SUBHEADING:
        return similar(letters(text), letters(expected), 0.85), ""
    return False, ""


def find_title(text: str) -> re.Match[str] | None:
    """The first title in a line of other text (as a copied page runs on), set apart from what is before."""
    found = (m for pattern in TITLES_IN_LINE if (m := pattern.search(text)))
    return min(found, key=lambda m: m.start(), default=None)


def _agency(match: re.Match[str]) -> str:
    named = match["before"] or match.groupdict().get("after") or ""
    return named.strip().removesuffix("关于").strip()


def _title(paragraphs: list[tuple[int, str]]) -> tuple[int, str | None, int | None]:
    """Where the title is, the agency and the year it names; (-1, None, None) when there is none."""
    for n, (at, text) in enumerate(paragraphs):
        found = (m for pattern in TITLES if (m := pattern.fullmatch(text.strip())))
        match = next(found, None) if len(text) <= MAX_TITLE else None
        if not match:
            continue
        agency = _agency(match)
        if not agency and n > 0 and len(paragraphs[n - 1][1].strip()) <= MAX_SIGNATURE:
            agency = paragraphs[n - 1][1].strip()  # the agency on a line of its own above
        return at, agency or None, int(match["year"])
    return -1, None, None


def _prose(paragraphs: list[str], prose: Prose) -> str | None:
    written = [p.strip() for p in paragraphs if p.strip()]
    if written == [texts.UNFILLED_TEXT.format(name=prose.name)]:
        return None  # nianbao's own mark of an unwritten part
    return "\n\n".join(written) or None


def _overview(paragraphs: list[str], parts: tuple[Prose, ...], outline: Outline) -> None:
    """Section 一: its lead paragraph, then （一）…（五）, each found after the one before."""
    texts_of: dict[str, list[str]] = {p.key: [] for p in parts}
    current, upcoming = parts[0], list(parts[1:])
    for text in paragraphs:
        for n, part in enumerate(upcoming):
            found, run_on = _subheading(text, part.heading or "")
            if found:
                current, upcoming = part, upcoming[n + 1 :]
                texts_of[part.key].append(run_on)
                break
        else:
            texts_of[current.key].append(text)
    headed = [p for p in parts if p.heading]
    missing = [p for p in headed if not texts_of[p.key]]
    if len(missing) == len(headed):
        outline.warnings.append(texts.IMPORT_PARTS_MISSING)
    else:
        outline.warnings += [texts.IMPORT_PART_MISSING.format(heading=p.heading) for p in missing]
    for part in parts:
        if (text := _prose(texts_of[part.key], part)) is not None:
            outline.texts[part.key] = text


def _signs(outline: Outline, text: str, dated: bool) -> bool:
    """Whether a line above the date (or ending an undated report) is the agency signing it."""
    signed, agency = key(text), key(outline.agency or "")
    if agency:
        return signed == agency or (len(signed) >= 4 and (signed in agency or agency in signed))
    return dated and len(text.strip()) <= MAX_SIGNATURE and text.strip()[-1] not in SENTENCE_END


def _signature(outline: Outline, paragraphs: list[tuple[int, str]], start: int) -> int | None:
    """Where the report ends: at its signature (the agency, the date) after ``start``; None if unsigned.

    Sets the date found there, and the agency when the title did not give it.
    """
    after = [(at, text) for at, text in paragraphs if at >= start]
    dated = next((n for n, (_, text) in enumerate(after) if _is_date_line(text)), None)
    if dated is not None:
        outline.date = read_date(after[dated][1])
    last = len(after) if dated is None else dated
    if last > 0 and _signs(outline, after[last - 1][1], dated is not None):
        outline.agency = outline.agency or after[last - 1][1].strip()
        return after[last - 1][0]
    return None if dated is None else after[dated][0]


def read_outline(blocks: list[Block]) -> Outline:
    outline = Outline()
    paragraphs = [(i, b.text) for i, b in enumerate(blocks) if isinstance(b, Paragraph)]
    title_at, outline.agency, outline.year = _title(paragraphs)
    headings: list[tuple[Section, int]] = []
    position = title_at + 1
    for section in FORMAT_2021.sections[1:]:
        at = next((i for i, t in paragraphs if i >= position and _is_heading(t, section.heading or "")), None)
        if at is None:
            outline.warnings.append(texts.IMPORT_SECTION_MISSING.format(heading=section.heading))
            continue
        headings.append((section, at))
        position = at + 1
    outline.recognised = title_at >= 0 or bool(headings)
    body_start = headings[0][1] if headings else len(blocks)
    end = _signature(outline, paragraphs, headings[-1][1] + 1) if headings else None
    end = len(blocks) if end is None else end

    top = [t for i, t in paragraphs if title_at < i < body_start]
    outline.date = outline.date or next((d for t in top if (d := read_date(t))), None)
    preamble = [t for t in top if not _is_date_line(t) and t.strip() != outline.agency and not is_furniture(t)]
    _set(outline, FORMAT_2021.sections[0], preamble)
    if outline.year is None:  # no title: the year the preamble states, or the report it names
        stated = next((m for t in preamble for p in (STATISTICS_YEAR, *TITLES) if (m := p.search(t))), None)
        outline.year = int(stated["year"]) if stated else None

    table_span: list[int] = []
    for (section, at), stop in zip(headings, [at for _, at in headings[1:]] + [end], strict=False):
        if section.tables:
            table_span += [at + 1, stop]
        else:
            _set(outline, section, [t for i, t in paragraphs if at < i < stop])
    if table_span:
        outline.tables = blocks[min(table_span) : max(table_span)]
    else:  # no heading of 二, 三 or 四: the tables may still be there
        outline.tables = [b for b in blocks[title_at + 1 : end] if not isinstance(b, Paragraph)]
    return outline


def _set(outline: Outline, section: Section, paragraphs: list[str]) -> None:
    if len(section.prose) > 1:
        _overview(paragraphs, section.prose, outline)
    elif (text := _prose(paragraphs, section.prose[0])) is not None:
        outline.texts[section.prose[0].key] = text
