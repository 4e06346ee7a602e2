"""The uniform format of 国办公开办函〔2021〕30号, used for the reports of 2021 and later.

Every label here is verbatim from the official format; render them exactly, never paraphrase them.
"""

from __future__ import annotations

from bot.schema.types import (
    WAN_YUAN,
    CellShape,
    Column,
    Equation,
    Format,
    Level,
    Prose,
    Row,
    Rule,
    Section,
    Severity,
    Table,
)

E, W = Severity.ERROR, Severity.WARNING

PREAMBLE = Prose(
    key="text.preamble",
    name="开篇说明",
    heading=None,
    covers=(
        "依据《中华人民共和国政府信息公开条例》编制本报告",
        "报告的组成部分",
        "统计期限：本年度报告所列数据统计期限为 1 月 1 日至 12 月 31 日",
    ),
)

OVERVIEW = (
    Prose(
        key="text.overview.intro",
        name="总体情况概述",
        heading=None,
        covers=("本年度政府信息公开工作的总体情况和主要成效",),
    ),
    Prose(
        key="text.overview.proactive",
        name="主动公开情况",
        heading="（一）主动公开情况",
        covers=("主动公开的渠道和信息数量", "政策解读和回应关切", "重点领域信息公开"),
    ),
    Prose(
        key="text.overview.on_request",
        name="依申请公开情况",
        heading="（二）依申请公开情况",
        covers=("收到和办理政府信息公开申请的数量和结果（与表三一致）", "依申请公开的办理机制"),
    ),
    Prose(
        key="text.overview.management",
        name="政府信息管理情况",
        heading="（三）政府信息管理情况",
        covers=("信息发布审核和保密审查", "行政规范性文件清理和管理", "政府信息的动态更新"),
    ),
    Prose(
        key="text.overview.platforms",
        name="政府信息公开平台建设情况",
        heading="（四）政府信息公开平台建设情况",
        covers=("政府网站、政务新媒体、政府公报等公开平台的建设和管理",),
    ),
    Prose(
        key="text.overview.supervision",
        name="监督保障情况",
        heading="（五）监督保障情况",
        covers=("组织领导和工作机制", "培训、监督检查和考核"),
        government_covers=("工作考核、社会评议和责任追究结果情况",),
    ),
)

PROBLEMS = Prose(
    key="text.problems",
    name="存在的主要问题及改进情况",
    heading=None,
    covers=("本年度存在的主要问题", "上年度问题的整改落实情况", "下一步改进措施"),
)

OTHER = Prose(
    key="text.other",
    name="其他需要报告的事项",
    heading=None,
    covers=(
        "依据《政府信息公开信息处理费管理办法》收取信息处理费的情况（发出收费通知的件数和总金额、实际收取的总金额），没有也要写明",
        "本年度政务公开工作要点落实情况",
        "人大代表建议和政协提案办理结果公开情况",
        "其他需要报告的事项（如创新举措）",
    ),
)

ITEM = "信息内容"
DECISIONS = Column(key="decisions", label="本年处理决定数量")

T2_RULES = Table(
    id="T2-1",
    name="表二 第二十条第（一）项",
    caption="第二十条第（一）项",
    corner=ITEM,
    columns=(
        Column(key="issued", label="本年制发件数"),
        Column(key="repealed", label="本年废止件数"),
        Column(key="in_force", label="现行有效件数"),
    ),
    rows=(
        Row(key="proactive.regulations", label="规章"),
        Row(key="proactive.normative_docs", label="行政规范性文件", alias=("规范性文件",)),
    ),
    shape=CellShape.OBJECT,
)
T2_LICENSING = Table(
    id="T2-5",
    name="表二 第二十条第（五）项",
    caption="第二十条第（五）项",
    corner=ITEM,
    columns=(DECISIONS,),
    rows=(Row(key="proactive.licensing", label="行政许可"),),
    shape=CellShape.SCALAR,
)
T2_ENFORCEMENT = Table(
    id="T2-6",
    name="表二 第二十条第（六）项",
    caption="第二十条第（六）项",
    corner=ITEM,
    columns=(DECISIONS,),
    rows=(
        Row(key="proactive.punishment", label="行政处罚"),
        Row(key="proactive.enforcement", label="行政强制"),
    ),
    shape=CellShape.SCALAR,
)
T2_FEES = Table(
    id="T2-8",
    name="表二 第二十条第（八）项",
    caption="第二十条第（八）项",
    corner=ITEM,
    columns=(Column(key="amount", label="本年收费金额（单位：万元）"),),
    rows=(Row(key="proactive.fees_wan_yuan", label="行政事业性收费"),),
    shape=CellShape.SCALAR,
    number=WAN_YUAN,
)

APPLICANTS = "申请人情况"
ORGANISATIONS = (APPLICANTS, "法人或其他组织")
RESULTS = "三、本年度办理结果"
WITHHELD = (RESULTS, "（三）不予公开")
UNAVAILABLE = (RESULTS, "（四）无法提供")
NOT_PROCESSED = (RESULTS, "（五）不予处理")
OTHER_HANDLING = (RESULTS, "（六）其他处理")


def _result(key: str, label: str, groups: tuple[str, ...] = (RESULTS,), **kw: object) -> Row:
    return Row(key=f"applications.{key}", label=label, groups=groups, **kw)  # type: ignore[arg-type]


T3_RESULT_ROWS = (
    _result("disclosed", "（一）予以公开", brief="（一）予以公开"),
    _result("partially_disclosed", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", brief="（二）部分公开"),
    _result("withheld_state_secret", "1.属于国家秘密", WITHHELD, brief="（三）1.国家秘密"),
    _result("withheld_law_prohibited", "2.其他法律行政法规禁止公开", WITHHELD, brief="（三）2.法律法规禁止"),
    _result("withheld_three_safety", "3.危及“三安全一稳定”", WITHHELD, brief="（三）3.三安全一稳定"),
    _result("withheld_third_party", "4.保护第三方合法权益", WITHHELD, brief="（三）4.第三方权益"),
    _result("withheld_internal_affairs", "5.属于三类内部事务信息", WITHHELD, brief="（三）5.内部事务信息"),
    _result("withheld_process_info", "6.属于四类过程性信息", WITHHELD, brief="（三）6.过程性信息"),
    _result("withheld_enforcement_file", "7.属于行政执法案卷", WITHHELD, brief="（三）7.行政执法案卷"),
    _result("withheld_query_item", "8.属于行政查询事项", WITHHELD, brief="（三）8.行政查询事项"),
    _result("unavailable_not_held", "1.本机关不掌握相关政府信息", UNAVAILABLE, brief="（四）1.不掌握"),
    _result("unavailable_needs_creation", "2.没有现成信息需要另行制作", UNAVAILABLE, brief="（四）2.需另行制作"),
    _result("unavailable_unclear", "3.补正后申请内容仍不明确", UNAVAILABLE, brief="（四）3.补正后仍不明确"),
    _result("not_processed_petition", "1.信访举报投诉类申请", NOT_PROCESSED, brief="（五）1.信访举报投诉"),
    _result("not_processed_repeated", "2.重复申请", NOT_PROCESSED, brief="（五）2.重复申请"),
    _result("not_processed_publication", "3.要求提供公开出版物", NOT_PROCESSED, brief="（五）3.公开出版物"),
    _result("not_processed_mass_repeated", "4.无正当理由大量反复申请", NOT_PROCESSED, brief="（五）4.大量反复申请"),
    _result(
        "not_processed_confirmation",
        "5.要求行政机关确认或重新出具已获取信息",
        NOT_PROCESSED,
        brief="（五）5.确认或重新出具",
    ),
    _result(
        "other_no_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        OTHER_HANDLING,
        brief="（六）1.逾期不补正",
    ),
    _result(
        "other_no_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        OTHER_HANDLING,
        brief="（六）2.逾期未缴费",
    ),
    _result("other_other", "3.其他", OTHER_HANDLING, brief="（六）3.其他"),
)

T3 = Table(
    id="T3",
    name="表三",
    caption=None,
    corner="（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
    columns=(
        Column(key="natural_person", label="自然人", groups=(APPLICANTS,)),
        Column(key="business", label="商业企业", groups=ORGANISATIONS),
        Column(key="research", label="科研机构", groups=ORGANISATIONS),
        Column(key="public_welfare", label="社会公益组织", groups=ORGANISATIONS),
        Column(key="legal_services", label="法律服务机构", groups=ORGANISATIONS),
        Column(key="other", label="其他", groups=ORGANISATIONS),
        Column(key="total", label="总计", groups=(APPLICANTS,), sums=(0, 1, 2, 3, 4, 5), rule="T3-ROW-TOTAL"),
    ),
    rows=(
        Row(key="applications.new", label="一、本年新收政府信息公开申请数量", short="第一项", brief="一、本年新收"),
        Row(
            key="applications.carried_over",
            label="二、上年结转政府信息公开申请数量",
            short="第二项",
            brief="二、上年结转",
        ),
        *T3_RESULT_ROWS,
        _result(
            "total_handled",
            "（七）总计",
            short="第三项",
            brief="三、办理结果（七）总计",
            sums=tuple(r.key for r in T3_RESULT_ROWS),
            rule="T3-COL-TOTAL",
        ),
        Row(key="applications.carried_forward", label="四、结转下年度继续办理", short="第四项", brief="四、结转下年度"),
    ),
    shape=CellShape.ARRAY,
)

REVIEW_RESULTS = (
    Column(key="upheld", label="结果维持"),
    Column(key="corrected", label="结果纠正"),
    Column(key="other", label="其他结果"),
    Column(key="pending", label="尚未审结"),
    Column(key="total", label="总计", sums=(0, 1, 2, 3), rule="T4-TOTAL"),
)
T4 = Table(
    id="T4",
    name="表四",
    caption=None,
    corner="",
    columns=REVIEW_RESULTS,
    rows=(
        Row(key="reviews_litigation.review", label="行政复议"),
        Row(key="reviews_litigation.litigation_direct", label="未经复议直接起诉", groups=("行政诉讼",)),
        Row(key="reviews_litigation.litigation_after_review", label="复议后起诉", groups=("行政诉讼",)),
    ),
    shape=CellShape.ARRAY,
    transposed=True,
)

RULES = (
    Rule("T3-ROW-TOTAL", E, 1, "表三每一行的总计等于六类申请人之和"),
    Rule("T3-COL-TOTAL", E, 2, "表三每一列的（七）总计等于（一）至（六）各项之和"),
    Rule("T3-IDENTITY", E, 3, "表三每一列：第一项加第二项之和，等于第三项加第四项之和"),
    Rule("T4-TOTAL", E, 4, "表四每一栏的总计等于结果维持、结果纠正、其他结果、尚未审结之和"),
    Rule("CELL-FILLED", E, 5, "表格的每个单元格都要填写数字，没有发生的填 0"),
    Rule("CELL-VALUE", E, 5, "数字不能为负；除收费金额外都是整数，收费金额最多六位小数"),
    Rule("TEXT-FILLED", E, 5, "每一部分都要有文字内容"),
    Rule("X-CARRIED-OVER", W, 6, "本年“二、上年结转”应等于上年“四、结转下年度继续办理”"),
    Rule("X-IN-FORCE", W, 7, "现行有效件数应等于上年现行有效件数加本年制发件数减本年废止件数"),
    Rule("TEXT-NUMBERS", W, 8, "正文中的数字应与表格一致"),
    Rule("S6-FEE", W, 9, "第六部分应写明信息处理费的收取情况"),
    Rule("S6-TOPICS", W, 9, "第六部分应写明政务公开工作要点落实情况和建议提案办理结果公开情况"),
    Rule("S5-LAST-YEAR", W, 10, "第五部分应写明上年度问题的整改情况"),
    Rule("X-COPIED", W, 10, "第五、六部分不应照搬上年报告"),
    Rule("S1-GOVERNMENT", W, 10, "政府的报告应写明工作考核、社会评议和责任追究结果情况"),
    Rule("DATE-DEADLINE", W, 11, "报告的成文日期应在报送期限之内"),
    Rule("OLD-FORMAT", W, 12, "报告不应含有 2019 年试行格式的内容，应按 2021 年格式重新填写"),
)

FORMAT_2021 = Format(
    id="gov-info-disclosure-annual-report/2021",
    name="政府信息公开工作年度报告格式（国办公开办函〔2021〕30号）",
    sections=(
        Section(number="", heading=None, parts=(PREAMBLE,)),
        Section(number="一", heading="一、总体情况", parts=OVERVIEW),
        Section(
            number="二",
            heading="二、主动公开政府信息情况",
            parts=(T2_RULES, T2_LICENSING, T2_ENFORCEMENT, T2_FEES),
        ),
        Section(number="三", heading="三、收到和处理政府信息公开申请情况", parts=(T3,)),
        Section(number="四", heading="四、政府信息公开行政复议、行政诉讼情况", parts=(T4,)),
        Section(number="五", heading="五、存在的主要问题及改进情况", parts=(PROBLEMS,)),
        Section(number="六", heading="六、其他需要报告的事项", parts=(OTHER,)),
    ),
    equations=(
        Equation(
            rule="T3-IDENTITY",
            table="T3",
            left=("applications.new", "applications.carried_over"),
            right=("applications.total_handled", "applications.carried_forward"),
        ),
    ),
    rules=RULES,
    old_markers=(
        "本年新制作数量",
        "本年新公开数量",
        "对外公开总数量",
        "其他对外管理服务事项",
        "上一年项目数量",
        "第二十条第（九）项",
        "政府集中采购",
    ),
    deadlines={Level.DEPARTMENT: (1, 31), Level.GOVERNMENT: (3, 31)},
)
