"""What figures a piece of prose states about the tables: 收到申请81件, 行政复议2件, 现行有效的规范性文件85件.

Evaluators' most frequent finding is prose that contradicts the tables, so the checks read the figures the
prose quotes; a check must never flag correct text, so the reading is conservative. A text is cut into
sentences (。；), a sentence into clauses (，： and brackets), a clause into segments (、). A number with a
counting unit belongs to the nearest topic word of its clause — the word just before it, or just after it
when the number begins a noun phrase (2起行政复议) — and only when nothing but a few filler characters
lies between. Whatever makes the figure something other than the table's total silences it: a part
(其中, 含), a comparison (同比, 较上年), last year or another year, an outcome (维持, 纠正), a sub-category
(国家秘密, 自然人), a combined count (行政复议和行政诉讼共9件) or a respective list (分别).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from bot.report.model import Cell, Report, sum_cells
from bot.report.numbers import CN_NUMERAL, NUMBER, parse_number
from bot.schema import Format, Table

# --- the quantities prose quotes --------------------------------------------------------------------------
RECEIVED, REVIEWS, LAWSUITS, IN_FORCE = "applications.new", "reviews", "lawsuits", "in_force"
CARRIED_OVER, TOTAL_HANDLED, CARRIED_FORWARD = (
    "applications.carried_over",
    "applications.total_handled",
    "applications.carried_forward",
)
CARRIED_OVER_WORDS = "(?:上一?年度?|去年)(?:结转|转入)(?:的)?(?:政府信息公开申请|申请)?"  # 上年结转申请2件
DOCS = "docs"  # 规范性文件 without 现行有效: a topic, not a quantity
OTHER = ""  # a word that counts something else: a number next to it is not ours


@dataclass(frozen=True)
class Quantity:
    """A figure of the tables that prose quotes, and the words prose uses for it."""

    id: str
    words: str  # a regular expression
    rows: tuple[str, ...]  # the rows whose 总计 cells add up to it (tables 三 and 四)
    label: str  # how a finding names the table's side: a row of 表三, or the quantity itself
    total: bool  # one of the year's totals (received, reviews, lawsuits, in force) rather than a 表三 category


def quantities(fmt: Format) -> tuple[Quantity, ...]:
    """Every quantity, the 表三 categories read from the schema's own labels."""
    t3, t4 = fmt.table_of(RECEIVED), fmt.table_of("reviews_litigation.review")
    found = [
        Quantity(RECEIVED, "政府信息公开申请|信息公开申请|公开申请|依申请公开|申请", (RECEIVED,), "", True),
        Quantity(REVIEWS, "行政复议申请|复议申请|行政复议|复议", ("reviews_litigation.review",), "", True),
        Quantity(LAWSUITS, "行政诉讼|行政应诉|诉讼|起诉|应诉", tuple(r.key for r in t4.rows if r.groups), "", True),
        Quantity(IN_FORCE, "现行有效", (), "", True),
        Quantity(CARRIED_OVER, CARRIED_OVER_WORDS, (CARRIED_OVER,), t3.row(CARRIED_OVER).label, False),
        Quantity(TOTAL_HANDLED, "办结", (TOTAL_HANDLED,), t3.row(TOTAL_HANDLED).label, False),
        Quantity(
            CARRIED_FORWARD,
            "(?:结转|转入)(?:至|到)?下一?年度?",
            (CARRIED_FORWARD,),
            t3.row(CARRIED_FORWARD).label,
            False,
        ),
    ]
    for label, rows in result_categories(t3):
        word = category_word(label)
        found.append(Quantity(rows[0], f"(?<!不){word}", rows, short_label(label), False))
    return tuple(found)


def result_categories(t3: Table) -> list[tuple[str, tuple[str, ...]]]:
    """三、本年度办理结果 as the prose counts it: （一）（二） by row, （三）…（六） by group; (label, rows)."""
    categories: dict[str, list[str]] = {}
    for row in t3.rows:
        if row.computed or not row.groups:
            continue
        categories.setdefault(row.groups[1] if len(row.groups) > 1 else row.label, []).append(row.key)
    return [(label, tuple(rows)) for label, rows in categories.items()]


def short_label(label: str) -> str:
    """（二）部分公开（区分处理的，…） → （二）部分公开."""
    return label[: label.index("（", 1)] if "（" in label[1:] else label


def category_word(label: str) -> str:
    """（二）部分公开（区分处理的，…） → 部分公开: the words prose uses for a result category."""
    return re.sub(r"^（.）", "", short_label(label))


def table_value(report: Report, quantity: Quantity) -> Cell:
    """The table's figure for a quantity; None while a cell it needs is unfilled."""
    if quantity.id == IN_FORCE:
        table = report.format.table("T2-1")
        return report.cells(table, table.row("proactive.normative_docs"))[2]
    cells = []
    for key in quantity.rows:
        table = report.format.table_of(key)
        cells.append(report.cells(table, table.row(key))[-1])
    return sum_cells(cells)


def quantity(fmt: Format, quantity_id: str) -> Quantity:
    return _lexicon(fmt).quantities[quantity_id]


def agrees(report: Report, quote: Quote) -> bool | None:
    """Whether the tables bear a quoted figure out; None while a cell it needs is unfilled.

    共受理申请83件（含上年结转2件） agrees with 新收 81 and 结转 2: the sentence says what the figure includes."""
    table = table_value(report, quote.quantity)
    if table is None:
        return None
    if quote.said == table:
        return True
    carried = table_value(report, quantity(report.format, CARRIED_OVER)) if quote.with_carried else None
    return bool(carried) and quote.said == table + carried


# --- the words around a number ---------------------------------------------------------------------------
OTHER_WORDS = (
    "未经复议直接起诉|未经复议|复议后起诉|复议后提起|直接起诉|被申请人|被申请|申请人|行政许可申请|许可申请|行政许可"
    "|行政处罚|行政强制|提案|建议|议案|投诉|举报|信访|来信|来访|来电|咨询|留言|诉求|工单|规章|政策文件|解读|人次"
)
APPLICANTS = "自然人|法人|商业企业|科研机构|社会公益组织|法律服务机构|其他组织|公民|企业|律师"
SHARES = (  # 县政府本级收到申请12件, 通过信函方式收到申请3件: a share of the total
    "本级|所属|下属|信函|邮寄|传真|当面|现场|网上|网络|在线|线上|线下|电子邮件|邮件|平台|窗口|渠道|方式"
)
DOC_WORDS = "行政规范性文件|规范性文件"

COUNT_UNIT = "件|起|宗|个|份|次|例"
NUMBER_WITH_UNIT = re.compile(
    rf"(?<![\d.第{CN_NUMERAL[1:-2]}])(?P<n>{NUMBER})\s*(?:{COUNT_UNIT})(?!性)(?P<next>[\u4e00-\u9fff]?)"
    rf"|(?<=为)(?P<z>{NUMBER})(?=$|[，,、。；;）)\s])"
)
NOT_A_NOUN = set("均都全已次")  # 2件均维持, 81件全部答复, 81件次: the number still counts the word before it
FILLER_LIST = re.compile(r"^(?:案件|的|数量)?(?:、|和|与|及|以及|或|或者)$")
EACH = re.compile("各|均|都|皆")
MAX_GAP = 12

YEAR = re.compile(r"((?:19|20)\d\d)\s*年")
PART = re.compile("其中|包括|包含|含(?=上年|上一年|本年|新收|结转)")
RESPECTIVELY = "分别"
COMPARED = (
    "上年|上一年|去年|前一年|往年|历年|累计|以来|同比|环比|较|相比|比上|增加|减少|增长|下降|上升|持平|多于|少于"
    "|平均|占|约|近|超过|以上|以下|左右"
)
OUTCOMES = "维持|纠正|纠错|撤销|驳回|败诉|胜诉|审结|结案|办结|答复|确认|撤诉|调解|和解|终止|决定|判决|裁定|通知书|文书"
AFTER_REVIEW = "复议后|经过?(?:行政)?复议|不服(?:行政)?复议"
REVIEW_BODY = "办理|审理|承办|受理|作出|审查"  # the agency decided reviews itself, as a 复议机关
SUB_ROWS = (
    "国家秘密|法律行政法规|三安全一稳定|第三方|内部事务|过程性|执法案卷|查询事项|不掌握|另行制作|不明确|信访|举报"
    "|投诉|重复|出版物|反复|重新出具|补正|收费|缴纳|逾期"
)
DOC_CHANGES = "清理|废止|修订|修改|审查|评估|失效|制发|印发|出台|备案|新增|起草|制定"
RECEIVE = re.compile("收到|受理|接到|接收|新收|收悉")
DISCLOSURE = "公开"  # outside 依申请公开情况, a sentence about reviews or applications must name disclosure

SENTENCE = re.compile(r"[^。；;！!？?\n]+")
CLAUSE_MARK = re.compile(r"[，,：:（）()]")

NEGATION = r"(?:(?<!尚)未(?!经|按|予|来|能|成年)|没有|(?<!有)无(?!法|正当|论))"
NO_APPLICATIONS = re.compile(
    rf"{NEGATION}(?:收到|受理|接到|接收|新收)[^、\d]{{0,15}}?申请(?!人)"
    rf"|{NEGATION}(?:发生|收到|受理|接到|产生)?[^、\d]{{0,10}}?(?:政府信息公开申请|信息公开申请|依申请公开)"
)
DISPUTES = re.compile("行政复议|复议|行政诉讼|行政应诉|诉讼|起诉|应诉")
NO_DISPUTES_BEFORE = re.compile(rf"{NEGATION}[^、\d]{{0,20}}?(?=行政复议|复议|行政诉讼|诉讼|起诉|应诉)")
NO_DISPUTES_AFTER = re.compile(r"(?:案件)?(?:均|都|皆)?(?:未发生|没有发生|未出现|未产生|无)")


@dataclass(frozen=True)
class Quote:
    """A figure the prose states for one quantity."""

    quantity: Quantity
    said: Decimal
    words: str  # the clause it was read from
    with_carried: bool = False  # the sentence says the figure includes 上年结转


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    kind: str  # a quantity id, DOCS, OTHER, or "#" for a number
    value: Decimal | None = None
    noun_follows: bool = False


class _Lexicon:
    """The topic words of one format, longest first so that 行政复议申请 wins over 申请."""

    def __init__(self, fmt: Format) -> None:
        self.quantities = {q.id: q for q in quantities(fmt)}
        parts = [(OTHER, OTHER_WORDS), (OTHER, APPLICANTS), (DOCS, DOC_WORDS)]
        order = [REVIEWS, LAWSUITS, CARRIED_OVER, CARRIED_FORWARD, TOTAL_HANDLED]
        order += [q for q in self.quantities if q not in (*order, RECEIVED, IN_FORCE)]
        parts += [(key, self.quantities[key].words) for key in (*order, IN_FORCE, RECEIVED)]
        self.names = [f"t{i}" for i in range(len(parts))]
        self.kinds = {name: kind for name, (kind, _) in zip(self.names, parts, strict=True)}
        self.pattern = re.compile(
            "|".join(f"(?P<{name}>{words})" for name, (_, words) in zip(self.names, parts, strict=True))
        )

    def tokens(self, clause: str) -> list[_Token]:
        found = [_Token(m.start(), m.end(), self.kinds[m.lastgroup or ""]) for m in self.pattern.finditer(clause)]
        for m in NUMBER_WITH_UNIT.finditer(clause):
            value = parse_number(m.group("n") or m.group("z"))
            end = m.end() - len(m.group("next") or "")
            if value is None or any(t.start < end and m.start() < t.end for t in found):
                continue
            noun = bool(m.group("next")) and m.group("next") not in NOT_A_NOUN
            found.append(_Token(m.start(), end, "#", value, noun))
        return sorted(found, key=lambda t: t.start)


_LEXICONS: dict[str, _Lexicon] = {}


def _lexicon(fmt: Format) -> _Lexicon:
    if fmt.id not in _LEXICONS:
        _LEXICONS[fmt.id] = _Lexicon(fmt)
    return _LEXICONS[fmt.id]


def plain(text: str) -> str:
    """Full-width digits to ASCII and thousands separators dropped, one character for one."""
    text = text.translate(str.maketrans("０１２３４５６７８９．％", "0123456789.%"))
    return re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)


# --- reading ------------------------------------------------------------------------------------------------
def quotes(text: str, fmt: Format, year: int, *, on_request: bool) -> list[Quote]:
    """The figures a text states about the tables; on_request: the text is 依申请公开情况 (表三's own part)."""
    lexicon = _lexicon(fmt)
    found: list[Quote] = []
    for sentence in SENTENCE.findall(plain(text)):
        found += _Sentence(lexicon, sentence, year, on_request).read()
    return found


class _Sentence:
    def __init__(self, lexicon: _Lexicon, text: str, year: int, on_request: bool) -> None:
        self.lexicon, self.text, self.year, self.on_request = lexicon, text, year, on_request
        self.about_disclosure = on_request or DISCLOSURE in text
        self.with_carried = bool(re.search("结转|转入", text))
        self.last: str | None = None  # the quantity of the latest figure read, the whole a 其中 divides
        self.about_carried = False  # the sentence tells of carried applications without their number

    def read(self) -> Iterator[Quote]:
        part_main: tuple[str | None] | None = None  # (the whole,) once 其中 was said outside brackets
        part_aside: tuple[str | None] | None = None
        depth = start = 0
        for mark in [*CLAUSE_MARK.finditer(self.text), None]:
            end = mark.start() if mark else len(self.text)
            clause = self.text[start:end]
            part = part_aside if depth else part_main
            if (m := PART.search(clause)) and part is None:
                part = (self.last,)
                if depth:
                    part_aside = part
                else:
                    part_main = part
            yield from self._clause(start, clause, part, m.end() if m else 0)
            if mark is not None:
                if mark.group() in "（(":
                    depth += 1
                elif mark.group() in "）)" and depth:
                    depth -= 1
                    part_aside = None
                start = mark.end()

    def _clause(self, at: int, clause: str, part: tuple[str | None] | None, part_from: int) -> Iterator[Quote]:
        if RESPECTIVELY in clause:
            return
        tokens = self.lexicon.tokens(clause)
        numbers = [t for t in tokens if t.kind == "#"]
        read: set[str] = set()
        if not numbers and not self._other_year(at + len(clause)):
            yield from self._negations(clause)
        for number in numbers:
            if self._other_year(at + number.start):
                continue
            for topic, span in self._topics(clause, tokens, tokens.index(number)):
                in_part = part is not None and number.start >= part_from
                quote = self._quote(at, clause, topic, number, span, part if in_part else None)
                if quote is not None:
                    self.last = topic
                    read.add(topic)
                    yield quote
        if any(t.kind in (CARRIED_OVER, CARRIED_FORWARD) and t.kind not in read for t in tokens):
            self.about_carried = True  # 上年结转的2件申请已办结，予以公开1件: what follows tells of those only

    def _other_year(self, upto: int) -> bool:
        """2024年 before the figure in a report of 2025: last year's figure, or a comparison."""
        return any(int(y) != self.year for y in YEAR.findall(self.text[:upto]))

    def _topics(self, clause: str, tokens: list[_Token], i: int) -> list[tuple[str, str]]:
        """The quantity (or quantities, for 行政复议、行政诉讼各1件) a number counts, each with its words."""
        number = tokens[i]
        before = tokens[i - 1] if i > 0 and tokens[i - 1].kind != "#" else None
        after = tokens[i + 1] if i + 1 < len(tokens) and tokens[i + 1].kind != "#" else None
        if before is not None and not _open(clause[before.end : number.start]):
            before = None
        if after is not None and not _open(clause[number.end : after.start]):
            after = None
        if number.noun_follows:  # 2起因政府信息公开引起的行政复议; 15个工作日内 counts days, nothing of ours
            if after is None or (before is not None and not _same(before.kind, after.kind)):
                return []
            before = None
        if before is not None and (after is None or number.start - before.end <= after.start - number.end):
            gap = clause[before.end : number.start]
            listed = [before]
            j = i - 1
            while (
                j > 0 and tokens[j - 1].kind != "#" and FILLER_LIST.match(clause[tokens[j - 1].end : tokens[j].start])
            ):
                j -= 1
                listed.insert(0, tokens[j])
            if len(listed) > 1 and not EACH.search(gap):
                return []  # 行政复议和行政诉讼共9件: a combined count
            span = clause[_segment_start(clause, listed[0].start) : number.end]
            return [(t.kind, span) for t in listed]
        if after is not None:
            rest = clause[after.end :]
            if re.match(r"(?:案件|的)?(?:、|和|与|及|以及|或)", rest) and DISPUTES.search(rest[:8]):
                return []  # 2起行政复议和行政诉讼: a combined count
            return [(after.kind, clause[_segment_start(clause, number.start) : after.end])]
        return []

    def _quote(
        self, at: int, clause: str, topic: str, number: _Token, span: str, part: tuple[str | None] | None
    ) -> Quote | None:
        if topic == DOCS:  # 规范性文件85件 is the number in force only after 现行有效
            topic = IN_FORCE if "现行有效" in clause[: number.start] else OTHER
        quantity = self.lexicon.quantities.get(topic)
        if quantity is None or number.value is None:
            return None
        words = re.sub(quantity.words, "", span)  # what is around the topic word and the number
        if quantity.total:
            if part is not None or re.search(f"{COMPARED}|{OUTCOMES}|{SHARES}", words):
                return None
            if quantity.id in (RECEIVED, REVIEWS, LAWSUITS) and not self.about_disclosure:
                return None
            if quantity.id == RECEIVED and (not RECEIVE.search(span) or re.search(APPLICANTS, span)):
                return None
            if quantity.id == REVIEWS and re.search(REVIEW_BODY, words):
                return None
            if quantity.id == LAWSUITS and re.search(AFTER_REVIEW, words):  # 复议后又提起行政诉讼2件: a part
                return None
            if quantity.id == IN_FORCE and (re.search(DOC_CHANGES, clause) or not self._normative(at + number.start)):
                return None
        else:
            if not self.on_request or re.search(SUB_ROWS, words) or re.search(COMPARED, words):
                return None
            if part is not None and part[0] not in (None, RECEIVED, TOTAL_HANDLED):
                return None  # 不予公开17件，其中……不予公开2件: a part of a category
            if self.about_carried and quantity.id not in (CARRIED_OVER, CARRIED_FORWARD):
                return None
        return Quote(quantity, number.value, clause, self.with_carried and quantity.id == RECEIVED)

    def _normative(self, upto: int) -> bool:
        """现行有效85件 counts 规范性文件 when they were named last before it, not 规章."""
        docs = re.findall(f"{DOC_WORDS}|规章", self.text[:upto])
        return bool(docs) and docs[-1] != "规章"

    def _negations(self, clause: str) -> Iterator[Quote]:
        """未收到政府信息公开申请; 未发生因政府信息公开引起的行政复议、行政诉讼: a zero for each."""
        if re.search(COMPARED, clause) or re.search(OUTCOMES, clause) or not self.about_disclosure:
            return
        zero = Decimal(0)
        q = self.lexicon.quantities
        if NO_APPLICATIONS.search(clause) and not re.search(
            f"复议|诉讼|许可|提案|建议|其中|{SUB_ROWS}|{SHARES}", clause
        ):
            yield Quote(q[RECEIVED], zero, clause)
        disputes: list[str] = []
        if m := NO_DISPUTES_BEFORE.search(clause):
            disputes = DISPUTES.findall(clause[m.end() :])
        else:
            listed = re.match(
                rf"^(?:[^、]*?)((?:{DISPUTES.pattern})(?:(?:案件)?(?:、|和|与|及|以及|或)(?:{DISPUTES.pattern}))*)"
                rf"{NO_DISPUTES_AFTER.pattern}",
                clause,
            )
            if listed:
                disputes = DISPUTES.findall(listed.group(1))
        if re.search("未经复议|复议后", clause):
            return
        for kind in dict.fromkeys(REVIEWS if "复议" in d else LAWSUITS for d in disputes):  # in the order said
            yield Quote(q[kind], zero, clause)


def _same(a: str, b: str) -> bool:
    """现行有效85件行政规范性文件: both words name the documents in force."""
    return a == b or {a, b} == {IN_FORCE, DOCS}


def _open(gap: str) -> bool:
    """Nothing but a few filler characters between a topic word and its number."""
    return len(gap) <= MAX_GAP and "、" not in gap and not re.search(r"\d", gap)


def _segment_start(clause: str, at: int) -> int:
    return clause.rfind("、", 0, at) + 1
