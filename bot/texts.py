"""Every sentence nianbao says to a person, in Chinese, in one place.

Keep them polite and short, in the vocabulary of the format itself. Placeholders use str.format names.
"""

# --- the data file -------------------------------------------------------------------------------
FILE_NOT_FOUND = "找不到文件：{path}"
FILE_NOT_READABLE = "无法读取文件：{path}（{reason}）"
FILE_BAD_JSON = "文件不是有效的 JSON：第 {line} 行第 {column} 列，{reason}"
FILE_PROBLEMS = "数据文件有 {count} 处问题："
FILE_PROBLEM = "  {place}：{problem}"
EXPECTED_OBJECT = "应为一个对象（{{…}}）"
EXPECTED_STRING = "应为文字"
EXPECTED_NUMBER = "应为数字或 null，实际是{actual}"
EXPECTED_ARRAY = "应为含 {length} 个数字的数组"
WRONG_LENGTH = "应有 {length} 个数字，实际有 {actual} 个"
UNKNOWN_ROW = "表中没有这一行"
UNKNOWN_ROW_HINT = "表中没有这一行，是否应为“{guess}”？"
UNKNOWN_FORMAT = "格式为“{actual}”，本程序读取的是“{expected}”"
MISSING_KEY = "缺少这一项"
BAD_LEVEL = "应为 department（部门）或 government（政府），实际是“{actual}”"
BAD_YEAR = "应为 2000 至 2100 之间的年份"
BAD_DATE = "应为 YYYY-MM-DD 格式的日期，实际是“{actual}”"
JSON_TYPE_NAMES = {
    "str": "文字",
    "bool": "true/false",
    "list": "数组",
    "dict": "对象",
    "float": "非有限数值",
    "Decimal": "非有限数值",
}

# --- findings of the checks ------------------------------------------------------------------------
CHECK_SUMMARY = "检查完毕：{errors} 个错误，{warnings} 个提示。"
CHECK_CLEAN = "检查完毕：没有发现问题。"
SEVERITY_NAMES = {"error": "错误", "warning": "提示"}
ROW_TOTAL = "{table} {row}：总计({total}) ≠ {terms}(={sum})"
COL_TOTAL = "{table} {column}列：{row}({total}) ≠ {terms}之和({sum})"
COL_TOTAL_TERMS = "（一）至（六）各项"
IDENTITY = "{table} {column}列：{left} ≠ {right}"
BLOCK_TOTAL = "{table} {block}：总计({total}) ≠ {terms}(={sum})"
CELL_EMPTY = "{table} {row}{column}：未填写（没有发生的请填 0）"
CELL_NEGATIVE = "{table} {row}{column}：不能为负数（{value}）"
CELL_NOT_INTEGER = "{table} {row}{column}：应为整数（{value}）"
CELL_TOO_PRECISE = "{table} {row}{column}：最多保留六位小数（{value}）"
CELL_TOO_LARGE = "{table} {row}{column}：数值过大（{value}），请核对"
TEXT_EMPTY = "{section}“{name}”尚未填写"
CARRIED_OVER = "表三 {column}列：本年“二、上年结转”({this}) ≠ 上年“四、结转下年度继续办理”({last})"
IN_FORCE = (
    "表二 {row}：现行有效件数({this}) ≠ 上年现行有效({last}) + 本年制发({issued}) − 本年废止({repealed})"
    " = {expected}；如因集中清理等原因不一致，请在正文中说明"
)
PROSE_APPLICATIONS = "正文{where}写收到申请 {said} 件，表三“一、本年新收”总计为 {table} 件"
PROSE_APPLICATIONS_SUMMED = "；{said} 件是新收加上年结转之和，“收到”应只计本年新收"
PROSE_NO_APPLICATIONS = "正文{where}写未收到申请，但表三“一、本年新收”总计为 {table} 件"
PROSE_REVIEWS = "正文{where}写行政复议 {said} 件，表四行政复议总计为 {table} 件"
PROSE_LAWSUITS = "正文{where}写行政诉讼 {said} 件，表四行政诉讼总计为 {table} 件"
PROSE_IN_FORCE = "正文{where}写现行有效的行政规范性文件 {said} 件，表二为 {table} 件"
PROSE_WHERE = "“{name}”"
FEE_NOT_STATED = "第六部分没有写明信息处理费的收取情况（没有收取也要写明）"
FEE_NOTICES = (
    "表三（六）2 有 {count} 件因逾期未缴纳信息处理费而不再处理，说明发出过收费通知，但第六部分写的是未收取或未发出"
)
S6_TOPIC_MISSING = "第六部分没有写明{topic}"
S6_TOPICS = {
    "要点": "本年度政务公开工作要点的落实情况",
    "建议|提案": "人大代表建议和政协提案办理结果的公开情况",
}
LAST_YEAR_NOT_MENTIONED = "第五部分没有提到上年度问题的整改情况"
COPIED = "“{name}”与上年报告几乎相同（相似度 {ratio:.0%}），评议时会被视为照搬"
GOVERNMENT_ASSESSMENT = "政府的报告应写明工作考核、社会评议和责任追究结果情况"
DATE_LATE = "成文日期 {date} 晚于报送期限 {deadline}"
DATE_EARLY = "成文日期 {date} 早于统计期限结束（{year} 年 12 月 31 日）"
DATE_MISSING = "尚未填写成文日期"
OLD_MARKER = "“{name}”中出现了 2019 年试行格式的内容“{marker}”，应按 2021 年格式重新填写"

# --- documents -----------------------------------------------------------------------------------
TITLE = "{agency}{year}年政府信息公开工作年度报告"
DATE_CN = "{d.year}年{d.month}月{d.day}日"
UNFILLED_CELL = "待填"
UNFILLED_TEXT = "（待填写：{name}）"
PDF_UNAVAILABLE = "未安装 LibreOffice（soffice），无法生成 PDF。请安装 libreoffice-writer 后重试，或先生成 .docx。"
PDF_FAILED = "PDF 转换失败：{reason}"
UNKNOWN_SUFFIX = "不支持的文件类型“{suffix}”，请使用 .docx、.pdf、.html 或 .md"
RENDERED = "已生成：{path}"
WRITE_FAILED = "无法写入 {path}：{reason}"

# --- command line --------------------------------------------------------------------------------
CLI_DESCRIPTION = "年报助手：政府信息公开工作年度报告的填报、检查与生成"
CLI_CHECK_HELP = "检查数据文件的勾稽关系和内容"
CLI_RENDER_HELP = "把数据文件生成为 .docx / .pdf / .html / .md"
CLI_PREVIOUS_HELP = "上一年度的数据文件，用于跨年度核对"
CLI_OUTPUT_HELP = "输出文件，格式由扩展名决定"
CLI_RUN_HELP = "启动机器人"
CLI_DB_HELP = "升级数据库结构到最新版本"
