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
BROKEN_TEXT = "含有无法识别的字符（不成对的代理项，如 \\ud800），请检查文件"
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
UNFILLED_DATE = "（待填写：成文日期）"
PDF_UNAVAILABLE = "未安装 LibreOffice（soffice），无法生成 PDF。请安装 libreoffice-writer 后重试，或先生成 .docx。"
PDF_FAILED = "PDF 转换失败：{reason}"
PDF_TIMEOUT = "LibreOffice 超过 {seconds} 秒仍未完成"
PDF_EXIT = "LibreOffice 异常退出（退出码 {code}）：{detail}"
PDF_NO_OUTPUT = "LibreOffice 没有生成 PDF 文件：{detail}"
PDF_NO_DETAIL = "LibreOffice 没有说明原因"
UNKNOWN_SUFFIX = "不支持的文件类型“{suffix}”，请使用 .docx、.pdf、.html 或 .md"
RENDERED = "已生成：{path}"
WRITE_FAILED = "无法写入 {path}：{reason}"

# --- command line --------------------------------------------------------------------------------
CLI_DESCRIPTION = "年报助手：政府信息公开工作年度报告的填报、检查与生成"
CLI_CHECK_HELP = "检查数据文件的勾稽关系和内容"
CLI_RENDER_HELP = "把数据文件生成为 .docx / .pdf / .html / .md"
CLI_PREVIOUS_HELP = "上一年度的数据文件，用于跨年度核对"
CLI_OUTPUT_HELP = "输出文件，格式由扩展名决定"
CLI_RUN_HELP = "启动机器人（长轮询）"
CLI_STATUS_HELP = "列出各机构的填报情况（与机器人中的 /agencies 相同）"
CLI_INVITE_HELP = "为机构生成一次性邀请链接（机构不存在时自动创建）"
CLI_INVITE_NAME_HELP = "机构名称"
CLI_DB_HELP = "升级数据库结构到最新版本"

# --- answers to number questions ---------------------------------------------------------------------
PARSE_EMPTY = "没有收到数字。"
PARSE_NEGATIVE = "“{token}”是负数，数量不能为负。"
PARSE_NOT_A_NUMBER = "“{token}”不是数字。"
PARSE_NOT_INTEGER = "“{token}”不是整数，件数应为整数。"
PARSE_TOO_PRECISE = "“{token}”的小数位太多，最多保留 {decimals} 位。"
PARSE_TOO_LARGE = "“{token}”太大了，请核对。"
PARSE_WRONG_COUNT = "这一题需要 {count} 个数字，收到了 {given} 个。"
PARSE_TOTAL_WRONG = (
    "您发送了 {count} 个数字和总计 {given}，但 {terms} = {sum}。请核对后重新发送（总计可以不发，会自动计算）。"
)
PARSE_TOO_LONG = "内容太长了，这一题只需要 {count} 个数字。"

# --- the walk ------------------------------------------------------------------------------------
SAVED_VALUES = "✅ {name}：{values} · {done}/{total}"
SAVED_ROW = "✅ {name}：{values}（总计 {row_total}） · {done}/{total}"
SAVED_ZERO = "✅ 已填 0：{rows} · {done}/{total}"
SAVED_GATE_NONE = "✅ {table}已全部填 0 · {done}/{total}"
SAVED_PROSE = "✅ 已保存“{name}”（{chars} 字） · {done}/{total}"
SKIPPED = "⏭ 已跳过“{name}”，稍后会再提醒您。"
WHERE = "【{section}】"
WHERE_PART = "【{section} · {part}】"
PROSE_ASK = (
    "请填写“{name}”。这一部分应写明：\n{covers}\n\n可以分几条消息发送，发完请点“完成”；也可以上传 .txt 或 .docx 文件。"
)
PROSE_COVER = "· {topic}"
PROSE_CURRENT = "\n\n当前内容（{chars} 字）：\n{excerpt}"
PROSE_DRAFT = "已记录，目前共 {chars} 字。可以继续发送补充内容，写完请点“完成”。"
PROSE_TOO_LONG = "内容过长（{chars} 字），每一部分最多 {limit} 字。请精简后重新发送。"
PROSE_EMPTY = "没有收到文字内容，请直接发送这一部分的文字。"
PROSE_LAST_YEAR = "\n\n上年报告中这一部分（{chars} 字）：\n{excerpt}\n可以沿用，沿用后请更新其中的年份和数字。"
PROSE_REUSED = "已沿用上年内容（{chars} 字）：\n{excerpt}"
PROSE_REUSED_CHECK = "请务必更新其中的年份、数字和具体工作，避免照搬。点“修改”可取得全文。"
PROSE_STALE_ITEM = "• {note}"
ROW_ASK = "{label}\n请依次发送 {count} 个数字：{columns}\n例如：{example}"
ROW_ASK_ONE = "{label}：{column}是多少？\n例如：{example}"
ROW_CURRENT = "\n当前：{values}"
ROW_WITH_TOTAL = "{values}（总计 {total}）"
ROW_LAST_YEAR = "\n上年报告“四、结转下年度继续办理”为：{values}（总计 {total}）"
ROW_ERROR = "⚠️ {reason}\n{hint}"
ROW_HINT_MANY = "请发送 {count} 个数字，用空格、逗号或顿号隔开，没有的填 0。例如：{example}"
ROW_HINT_ONE = "请发送一个数字，没有的填 0。例如：{example}"
GATE_ASK = {
    "T3": "本年度是否收到过政府信息公开申请，或有上年结转的申请？",
    "T4": "本年度是否发生过政府信息公开方面的行政复议或行政诉讼？",
}
FIX_ASK = "⚠️ {table}的数字对不上{equation}：\n{findings}\n\n请点有误的行修改（按钮上是该行的总计）："
FIX_EQUATION = {"T3": "（第一项加第二项，应等于第三项加第四项）"}
FIX_IDENTITY = "{column}：\n  {left} ＝ {left_sum}\n  {right} ＝ {right_sum}\n  相差 {difference}"
FIX_PLUS = " ＋ "
BUTTON_FIX_ROW = "{name}：{total}"
BALANCED = "✅ {table}已平衡。"
FIX_RESULTS_ASK = "请选择要修改的办理结果："
SKIPPED_LIST = "还有 {count} 项尚未填写：\n{items}\n\n点下面的按钮逐项补填。"
DONE = "🎉 全部填写完成！可以发送 /report 生成报告，或 /review 再检查一遍。"
STALE = "这个按钮已过期，请按下面的当前问题继续。"
NOT_A_QUESTION = "现在没有需要回答的问题。发送 /fill 继续填写，/review 查看，/report 生成报告。"
BUTTON_DONE = "完成"
BUTTON_ZERO = "0"
BUTTON_ZERO_ROW = "本行均为 0"
BUTTON_ZERO_GROUP = "{group}各项均为 0"
BUTTON_ZERO_ARTICLE = "本条各项均为 0"
BUTTON_SKIP = "跳过"
BUTTON_BACK = "上一步"
BUTTON_REUSE_TEXT = "沿用上年内容"
BUTTON_REUSE_ROW = "沿用：{values}"
BUTTON_STANDARD = "使用标准开篇"
BUTTON_GATE_NONE = "没有，全部填 0"
BUTTON_GATE_SOME = "有"
BUTTON_EDIT = "修改 {name}"
BUTTON_FIX_RESULTS = "修改办理结果…"
BUTTON_FIX_LATER = "稍后再改"
BUTTON_CONTINUE = "继续填写"
BUTTON_REVIEW = "检查一遍"
BUTTON_REPORT = "生成报告"
BUTTON_REPORT_DRAFT = "仍生成草稿"
BUTTON_PREVIEW = "预览表格"
BUTTON_FILL = "开始填写"
STANDARD_PREAMBLE = (
    "根据《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式》要求，"
    "编制本报告。报告由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、"
    "政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项等部分组成。"
    "本年度报告所列数据统计期限为 {year} 年 1 月 1 日至 {year} 年 12 月 31 日。"
)

# --- joining and access --------------------------------------------------------------------------
WELCOME = "您好，{name}！您已加入“{agency}”，可以填写 {year} 年度政府信息公开工作年度报告了。\n{hint}"
WELCOME_BACK = "您好，{name}！您是“{agency}”的填报人员，正在填写 {year} 年度报告。"
START_STRANGER = "您好！本机器人仅供受邀的机关工作人员使用。请向本级政府信息公开工作主管部门索取邀请链接。"
INVITE_INVALID = "邀请码无效。请核对链接，或向主管部门重新索取。"
INVITE_EXPIRED = "邀请码已过期。请向主管部门重新索取。"
INVITE_USED = "邀请码已被使用过，每个邀请码只能使用一次。请向主管部门重新索取。"
INVITE_ALREADY = "您已经是“{agency}”的填报人员，无需再次加入。"
INVITE_CREATED = "已为“{agency}”（{level}）生成邀请，{days} 天内有效，仅能使用一次：\n{link}\n\n邀请码：{code}"
INVITE_USAGE = "用法：/invite 机构名称"
INVITE_NAME_INVALID = "机构名称应为 2 至 100 个字，且不含换行。"
LEVEL_NAMES = {"department": "部门", "government": "政府"}
ADMIN_ONLY = "此功能仅供主管部门管理员使用。"
ERROR_GENERIC = "抱歉，刚才出了点问题，您的已保存内容不受影响。请稍后重试，或发送 /fill 继续。"

# --- status, review, report ------------------------------------------------------------------------
STATUS_HEAD = "“{agency}”{year} 年度报告填写进度：{done}/{total}"
STATUS_LINE = "{bar} {section} {done}/{total}"
STATUS_SKIPPED = "已跳过待补填：{count} 项"
REVIEW_HEAD = "“{agency}”{year} 年度报告概览（点“修改”可更改）："
REVIEW_PROSE = "{mark} {name}：{summary}"
REVIEW_PROSE_FILLED = "{chars} 字"
REVIEW_UNFILLED = "未填写"
REVIEW_ROW = "{mark} {name}：{values}"
REVIEW_ALL_ZERO = "✅ 全部为 0"
ALL_ZERO = "均为 0"
NAMED_TOTAL = "总计 {total}（{parts}）"
LIST_SEPARATOR = "，"
BUTTON_REVIEW_ALL = "全部概览"
REVIEW_SECTION = "{heading}"
REVIEW_PICK = "{heading}（点下面的项目修改）："
BUTTON_EDIT_SECTION = "修改 {number}"
REPORT_ERRORS = "报告还有 {count} 个错误，请先改正：\n{items}"
REPORT_WARNINGS = "提示（不影响生成，建议核对）：\n{items}"
REPORT_OK = "✅ 检查通过。"
REPORT_DRAFT = "按您的要求生成草稿，其中尚有 {count} 个错误，未填写处已标为“待填”。"
FILES_PENDING = "⏳ 正在生成报告文件，请稍候……"
FILES_DOCX_SENT_PDF_PENDING = "✅ Word 文件已发出；⏳ 正在生成 PDF，约需半分钟……"
FILES_SENT = "✅ Word 和 PDF 文件已发出，见下方。"
FILES_SENT_DOCX_ONLY = "✅ Word 文件已发出，见下方。（服务器未安装 LibreOffice，暂不能生成 PDF。）"
FILES_SENT_HTML = "✅ 网页版已发出，见下方。"
FILES_PDF_FAILED = "✅ Word 文件已发出；⚠️ PDF 未能生成：{reason}"
FILES_INTERNAL_ERROR = "程序出错，已记录，我们会尽快处理"
FILES_FAILED = "⚠️ 报告文件未能生成（{reason}）。您填写的内容不受影响，请稍后再发送 /report。"
REPORT_NO_PDF = "（服务器未安装 LibreOffice，暂不能生成 PDF。）"
REPORT_CAPTION = "{title}"
REPORT_FILE = "{agency}_{year}年政府信息公开工作年度报告{suffix}"
PREVIEW_HEAD = "表格预览："

# --- export: every agency's report of a year as files (/export, nianbao export) -------------------------
EXPORT_USAGE = "用法：/export [年度]，例如 /export 2025；不写年度时导出 {year} 年度。"
EXPORT_PENDING = "⏳ 正在生成各机构的报告文件和汇总表，请稍候……"
EXPORT_HEAD = "导出 {year} 年度全部 {count} 个机构的报告（Word、PDF 压缩包和 Excel 汇总表）。\n{pending}"
EXPORT_NO_AGENCIES = "还没有机构，没有可导出的报告。用 /invite 机构名称 邀请第一个机构。"
EXPORT_SENT = "✅ 已发出 {year} 年度 {reports} 个机构的报告文件（{parts} 个压缩包）和汇总表，见下方。{pdf}"
EXPORT_FAILED = "⚠️ 导出未能完成（{reason}）。各机构的内容不受影响，请稍后再发送 /export。"
EXPORT_PDF_NOTE = "（未包含 PDF：{reason}）"
EXPORT_PDF_SOME = "（{count} 个机构的 PDF 未能生成：{agencies}）"
EXPORT_PDF_OFF = "按要求不生成 PDF"
EXPORT_PDF_NO_SOFFICE = "服务器未安装 LibreOffice"
EXPORT_CAPTION = "{year} 年度政府信息公开工作年度报告{part}"
EXPORT_CAPTION_PART = "（第 {n} 部分，共 {total} 部分）"
EXPORT_XLSX_CAPTION = "{year} 年度各机构报告汇总表"
EXPORT_ZIP_FILE = "{year}年政府信息公开工作年度报告.zip"
EXPORT_ZIP_PART_FILE = "{year}年政府信息公开工作年度报告（第{n}部分，共{total}部分）.zip"
EXPORT_XLSX_FILE = "{year}年政府信息公开工作年度报告汇总表.xlsx"
EXPORT_README_FILE = "说明.txt"
EXPORT_SHEET = "{year}年度"
EXPORT_FIXED_COLUMNS = ("机构", "类别", "状态", "成文日期", "最后修改")
EXPORT_STATUS = {"draft": "草稿", "submitted": "待审核", "final": "已定稿"}
EXPORT_NOT_STARTED = "未开始（尚无填写内容）"
EXPORT_NO_REPORT = "无报告（本年度尚未填写）"
EXPORT_OTHER_FORMAT = "（{format}，表格数字未列入本表）"
EXPORT_CELL_HEADER = "{table} {row}"
EXPORT_README = (
    "{year} 年度政府信息公开工作年度报告，共 {agencies} 个机构：已定稿 {final} 个，未定稿 {drafts} 个，"
    "无报告 {none} 个。\n"
    "每个机构的报告文件名为“机构_{year}年政府信息公开工作年度报告”（.docx 为 Word 文件，.pdf 为 PDF 文件）。"
    "未定稿的报告也按此命名，是否定稿以汇总表“状态”列为准。\n"
    "汇总表：{xlsx}（每个机构一行：状态、日期和表二、表三、表四的全部数字；未填写的单元格为空）。\n"
    "{pdf}\n"
)
EXPORT_README_PDF = "PDF：已包含。"
EXPORT_README_NO_PDF = "PDF：未包含（{reason}）。"
EXPORT_README_PDF_MISSING = "PDF：以下机构的 PDF 未能生成：{agencies}。"
EXPORT_README_DRAFTS = "未定稿：{agencies}\n"
EXPORT_README_NONE = "无报告：{agencies}\n"
EXPORT_README_PART = "本压缩包为第 {n} 部分，共 {total} 部分。\n"
EXPORT_DOCX_FAILED = "以下机构的 Word 文件未能生成：{agencies}\n"
CLI_EXPORT_HELP = "导出某一年度全部机构的报告：Word、PDF 文件和 Excel 汇总表，打包为一个 .zip"
CLI_EXPORT_YEAR_HELP = "报告年度，默认为上一年度（12 月起为本年度）"
CLI_EXPORT_OUTPUT_HELP = "输出的 .zip 文件"
CLI_EXPORT_NO_PDF_HELP = "不生成 PDF（快得多）"
CLI_EXPORTED = "已导出 {year} 年度 {agencies} 个机构（{reports} 份报告）到 {path}。{pdf}"
MORE_ITEMS = "……另有 {count} 项"
NOT_MEMBER = "您还没有加入任何机构。请使用主管部门发给您的邀请链接。"

# --- uploads -------------------------------------------------------------------------------------
UPLOAD_WRONG_KIND = (
    "只能上传 .txt 或 .docx 文件作为正文内容，或上传已发布的年度报告（.docx、.pdf、.html、.txt、.json）导入。"
)
UPLOAD_TOO_LARGE = "文件太大（超过 {limit} MB）。"
UPLOAD_UNREADABLE = "无法读取这个文件：{reason}"
UPLOAD_NOT_NOW = (
    "这个文件不是年度报告，现在也没有需要填写文字的部分，没有保存。"
    "如要导入上年报告，请发送已发布的报告（Word、PDF、网页或从网页复制的文字）。"
)
UPLOAD_AS_DRAFT = (
    "文件不是年度报告，已把其中的文字（{chars} 字）作为“{name}”的草稿：\n{excerpt}\n\n"
    "点“完成”保存为这一部分的内容；不是这一部分的，点“重写”清除。"
)
BUTTON_REWRITE = "重写"
DRAFT_CLEARED = "已清除“{name}”的草稿，什么也没有保存。"
UPLOAD_EMPTY = "文件中没有文字内容。"

# --- bot commands (the menu) ---------------------------------------------------------------------
COMMANDS = {
    "fill": "继续填写报告",
    "status": "查看填写进度",
    "review": "概览并修改",
    "report": "检查并生成报告",
    "finalize": "定稿（停止提醒）",
    "reopen": "重新打开已定稿的报告",
    "remind": "提醒设置：on / off / 08:30",
    "import": "导入上年报告或本年草稿",
    "history": "某一项的修改记录，如 /history 行政许可",
    "rollup": "政府：汇总所辖机构的表格",
    "help": "使用说明",
}
ADMIN_COMMANDS = {
    "invite": "邀请机构（管理员）",
    "agencies": "各机构填报情况（管理员）",
    "nudge": "立即提醒某机构（管理员）",
    "rename": "更正机构名称（管理员）",
    "remove": "删除误建的机构（管理员）",
    "needreview": "设置机构报告需审核（管理员）",
    "reviewer": "设置机构的审核人（管理员）",
    "link": "关联政府与其汇总的机构（管理员）",
    "unlink": "取消政府与机构的关联（管理员）",
    "export": "导出全部报告和汇总表（管理员）",
}
HELP = (
    "年报助手帮您填写《政府信息公开工作年度报告》：\n"
    "/fill 继续填写（从第一个未填项开始）\n"
    "/status 查看进度\n"
    "/review 概览并修改任意部分\n"
    "/report 检查勾稽关系并生成 Word 文件；/report html 生成网页版\n"
    "/finalize 定稿（确认成文日期后定稿，提醒停止；/finalize 2027-01-20 指定日期）；/reopen 重新打开\n"
    "/remind off 关闭提醒，/remind 08:30 改提醒时间\n"
    "/history 行政许可 查看某一项由谁、何时修改\n"
    "/rollup 政府：把所汇总机构报告的表二、表三、表四逐格相加后填入（确认后才填入）\n"
    "发送上年已发布的报告文件（Word、PDF、网页或复制的文字），可导入上年数字和正文。\n"
    "数字可以用空格、逗号或顿号隔开，也可以写中文数字，例如“三 十二 0”。"
)
TOKEN_MISSING = (
    "没有设置机器人令牌 TELEGRAM_BOT_TOKEN：现在启动的是网页版（地址见下）。\n"
    "可选的下一步，改为在 Telegram 中使用：\n"
    "1. 在 Telegram 中打开 @BotFather，发送 /newbot 并按提示起名，它会回复形如 123456789:AA… 的令牌；\n"
    "2. 把这一行写入 {env}：TELEGRAM_BOT_TOKEN=令牌\n"
    "   （{env_state}；.env 从启动 nianbao 的目录读取，也可以改为设置同名环境变量）\n"
    "3. 再次运行 nianbao run。\n"
    "\n"
    "TELEGRAM_BOT_TOKEN is not set: the bot starts with its web page (address below).\n"
    "Optional next step, to use it in Telegram instead:\n"
    "1. In Telegram, open @BotFather, send /newbot and follow it: it answers with a token like 123456789:AA…\n"
    "2. Put this line into {env}: TELEGRAM_BOT_TOKEN=<token>\n"
    "   ({env_state_en}; .env is read from the directory you start nianbao in, an environment variable works too)\n"
    "3. Run nianbao run again."
)
ENV_FOUND = "该文件已存在，填写其中 TELEGRAM_BOT_TOKEN= 这一行即可"
ENV_FOUND_EN = "the file exists: fill in its TELEGRAM_BOT_TOKEN= line"
ENV_MISSING = "该文件还不存在，可先复制示例：cp .env.example .env"
ENV_MISSING_EN = "the file does not exist yet: copy the example first, cp .env.example .env"
SETTINGS_INVALID = "设置有误，请检查 .env 或环境变量：{problem}"
TOKEN_MALFORMED = "TELEGRAM_BOT_TOKEN 格式不正确（应形如 123456789:AA…）。请从 @BotFather 重新复制。"
TOKEN_REJECTED = "Telegram 拒绝了这个机器人令牌（Unauthorized）。请从 @BotFather 重新复制 TELEGRAM_BOT_TOKEN。"
API_UNREACHABLE = "无法连接 Telegram 服务器 {url}：{reason}"
RUNNING = "年报助手已启动（@{username}），数据库：{database}。按 Ctrl+C 停止。"

# --- import ---
IMPORT_WRONG_KIND = (
    "不支持的文件类型“{suffix}”。只能导入 .txt（从网页复制的文字）、.docx、.pdf（文字版）、.html 或 .json（数据文件）。"
)
IMPORT_NOT_DOCX = "不是有效的 .docx 文件"
IMPORT_NOT_DOCX_PDF = (
    "不是有效的 .docx 文件：这是改了扩展名的 PDF 文件。"
    "请把扩展名改回 .pdf 后再发送，或提供 Word 原件（.docx）、网页（.html）或从网页复制的文字（.txt）"
)
IMPORT_NOT_PDF = "不是有效的 PDF 文件（文件开头没有 PDF 标记）"
IMPORT_PDF_DAMAGED = "PDF 文件已损坏，无法打开。请重新下载或导出后再发送，或发送 Word 原件（.docx）"
IMPORT_PDF_ENCRYPTED = "PDF 文件设有密码或加密保护，无法读取。请发送未加密的 PDF 或 Word 原件（.docx）"
IMPORT_PDF_SCANNED = (
    "这个 PDF 是扫描件或图片，没有可以读取的文字。"
    "请发送 Word 原件（.docx）、网页（.html），或由 Word/WPS 直接导出的文字版 PDF"
)
IMPORT_PDF_PAGES = "PDF 共 {pages} 页，超过 {limit} 页的上限，不像是一份年度报告，已拒绝"
IMPORT_PDF_SLOW = "PDF 过于复杂，{seconds} 秒内没有读完，已拒绝。请发送 Word 原件（.docx）"
IMPORT_PDF_TOO_DENSE = "PDF 第 {page} 页的字符数量异常，可能是恶意文件，已拒绝"
IMPORT_NOT_DOCX_DOC = "不是有效的 .docx 文件：这是旧版 Word 的 .doc 文件。请在 Word 中另存为 .docx 后再试"
IMPORT_ZIP_ENTRIES = "文件内部有 {count} 个条目，超过上限 {limit} 个，可能是恶意文件，已拒绝"
IMPORT_ZIP_UNPACKED = "文件解压后超过 {limit} MB，可能是恶意文件，已拒绝"
IMPORT_ZIP_RATIO = "文件中的“{name}”压缩比异常，可能是恶意文件，已拒绝"
IMPORT_BINARY = "这不是文字文件"
IMPORT_ENCODING = "未知的文字编码，请保存为 UTF-8 或 GB18030 后再试"
IMPORT_NOT_A_REPORT = (
    "文件中没有找到政府信息公开工作年度报告：没有“××××年政府信息公开工作年度报告”的标题，"
    "也没有“一、总体情况”等章节标题或年报的表格。"
)
IMPORT_NO_TITLE = "没有找到报告标题“<机构名称>××××年政府信息公开工作年度报告”，无法确定机构和年度。"
IMPORT_NO_DATE = "没有找到成文日期（如“2024年1月12日”），导入后请补填。"
IMPORT_FORMAT_2019 = (
    "这份报告使用的是 2019 年试行格式（国办公开办函〔2019〕60号），已读取表三、表四和含义不变的数字；"
    "2021 年格式的以下内容无法从中得到，已留空：{missing}。"
)
IMPORT_SECTION_MISSING = "没有找到“{heading}”，这一部分留空。"
IMPORT_PART_MISSING = "总体情况中没有找到“{heading}”，这一部分留空。"
IMPORT_PARTS_MISSING = "总体情况中没有找到（一）至（五）小标题，全文作为“总体情况概述”导入。"
IMPORT_TABLE_MISSING = "{table}：没有找到这张表，全部留空。"
IMPORT_ROW_MISSING = "{place}：没有找到这一行的数字，已留空。"
IMPORT_ROW_COUNT = "{place}：读到 {found} 个数字，应为 {width} 个，无法确定各自属于哪一栏，整行留空。"
IMPORT_ROW_AMBIGUOUS = "{place}：读到 {found} 个数字和空白单元格，应为 {width} 栏，无法确定空白在哪一栏，整行留空。"
IMPORT_ROW_RUN = "{place}：数字连在一起（{digits}），无法确定如何分成 {width} 栏，整行留空。"
IMPORT_CELL_UNREADABLE = "{place}：“{text}”无法识别为数字，已留空。"
IMPORT_CELL_BLANK = "{place}：单元格空白，已留空。"
IMPORT_WARNING = "导入提示 {warning}"
IMPORT_WRITTEN = "已导入：{path}（{format}）"
CLI_IMPORT_HELP = "把已发布的年报（.txt 网页文字 / .docx / .pdf 文字版 / .html / .json）导入为数据文件"
CLI_IMPORT_OUTPUT_HELP = "输出的数据文件（.json）"

# --- finishing -------------------------------------------------------------------------------------
FINAL_READONLY = "报告已定稿（{date}），不能再修改。如需修改，请发送 /reopen 重新打开。"
FINALIZED = "✅ 报告已定稿，成文日期 {date}。提醒已停止。发送 /report 获取最终文件；如需修改，发送 /reopen。"
FINALIZE_BLOCKED = "报告还有 {count} 个错误，改正后才能定稿：\n{items}"
FINALIZE_ALREADY = "报告已于 {date} 定稿。"
REOPENED = "报告已重新打开，可以修改了。改完请再次发送 /finalize 定稿。"
REOPEN_NOT_FINAL = "报告尚未定稿，可以直接修改。"
BUTTON_FINALIZE = "定稿"
FINALIZE_CONFIRM = (
    "即将把“{agency}”{year} 年度报告定稿，成文日期印为 {date}。\n"
    "定稿后不能再修改（需要时可发送 /reopen 重新打开），截止日期提醒停止。\n"
    "如需其他成文日期，请发送 /finalize 加日期，例如 /finalize {example}"
)
BUTTON_FINALIZE_CONFIRM = "确认定稿（{date}）"
BUTTON_NOT_NOW = "暂不定稿"
FINALIZE_TOO_EARLY = (
    "{year} 年度的统计期限到 {year} 年 12 月 31 日才结束，成文日期（{date}）须在此之后，"
    "统计期限结束后才能定稿。现在可以先发送 /report 生成草稿。"
)
FINALIZE_FUTURE = "成文日期 {date} 还没到，请指定今天或之前的日期，例如 /finalize {example}"
FINALIZE_BAD_DATE = "“{text}”不是日期。请这样发送：/finalize {example}"

# --- the supervising office ------------------------------------------------------------------------
AGENCIES_HEAD = "各机构填报情况（{count} 个；已完成 {finished}，逾期 {late}）："
AGENCY_LINE = "{mark} {agency}（{level}，{year} 年度）{percent}%{errors} · {state} · 截止 {deadline}"
AGENCY_ERRORS = " · {count} 个错误"
AGENCY_MARKS = {"逾期": "🔴", "未开始": "⚪", "填报中": "🟡", "待审核": "🔵", "已完成": "🟢"}
NO_AGENCIES = "还没有机构。用 /invite 机构名称 邀请第一个机构。"
STATUS_COLUMNS = ("状态", "机构", "级别", "年度", "进度", "错误", "截止日期", "人员")

# --- reminders -----------------------------------------------------------------------------------
REMIND_OFF = "已关闭截止日期提醒。需要时发送 /remind on 重新打开。"
REMIND_ON = "已打开截止日期提醒，每次在 {time} 提醒您。"
REMIND_TIME = "好的，以后在 {time} 提醒您。"
REMIND_USAGE = "用法：/remind on、/remind off，或 /remind 08:30 设置提醒时间。当前：{state}，{time}。"
REMIND_STATE = {True: "已打开", False: "已关闭"}

# --- reminder messages -----------------------------------------------------------------------------
REMIND_KICKOFF = (
    "📣 “{agency}”{year} 年度政府信息公开工作年度报告现在可以开始填写了，{level}的报送截止日期是 {deadline}。"
)
REMIND_BEFORE = "⏰ “{agency}”{year} 年度报告距截止还有 {days} 个工作日（{deadline}）。"
REMIND_DEADLINE = "⏰ 今天是“{agency}”{year} 年度报告的报送截止日（{deadline}）。"
REMIND_OVERDUE = "❗ “{agency}”{year} 年度报告已逾期 {days} 天（截止日期 {deadline}），请尽快完成。"
REMIND_SNOOZED = "⏰ 提醒您：“{agency}”{year} 年度报告尚未完成（截止日期 {deadline}）。"
REMIND_PROGRESS = "已填写 {done}/{total}。"
REMIND_OPEN = "尚未完成：{sections}。"
REMIND_ERRORS = "另有 {count} 个错误待改正。"
REMIND_NOT_STARTED = "还没有开始填写，全部为 0 的机构几分钟即可完成。"
REMIND_FINAL_HINT = "填完后请发送 /finalize 定稿，提醒即停止。"
BUTTON_STATUS = "查看进度"
BUTTON_SNOOZE = "稍后提醒"
SNOOZED = "好的，{when} 再提醒您。"
SNOOZE_NOT_NEEDED = "报告已定稿，无需再提醒。"
DIGEST_HEAD = (
    "📊 {day} 填报情况：共 {count} 个机构，已完成 {finished} 个，"
    "填报中 {in_progress} 个，未开始 {not_started} 个，逾期 {late} 个。"
)
DIGEST_LATE = "逾期：{agencies}"
DIGEST_DEADLINE = "今天是{level}的报送截止日，以下 {count} 个机构尚未完成：{agencies}"
NUDGE_USAGE = "用法：/nudge 机构名称"
NUDGE_UNKNOWN = "没有名为“{agency}”的机构。"
NUDGE_DONE = "已向“{agency}”的 {count} 位填报人员发送提醒。"
NUDGE_NONE = "“{agency}”没有可提醒的填报人员（尚无人加入、已关闭提醒或已定稿）。"

# --- importing in the chat -------------------------------------------------------------------------
IMPORT_SUMMARY_LAST = "已读取上年（{year} 年度）报告：{agency}，成文日期 {date}。"
HISTORY_USAGE = "请在 /history 后写上要查看的项目，例如：/history 行政许可"
HISTORY_NOT_FOUND = "没有找到“{words}”。请写表格中的行名或正文部分的名称，例如：/history 行政许可"
HISTORY_WHICH = "有 {count} 项与所写相符，请选择要查看的一项：\n{items}"
HISTORY_NONE = "“{name}”还没有填写过。"
HISTORY_HEAD = "“{name}”的修改记录（共 {count} 次，最新的在前）："
HISTORY_LINE = "• {when} {who}：{value}"
HISTORY_IMPORT = "导入文件"
HISTORY_FORMER_MEMBER = "已不在本机关的成员"
HISTORY_CLEARED = "（清空）"
IMPORT_SUMMARY_NO_YEAR = "已读取年度报告：{agency}，成文日期 {date}。文件中没有写明是哪一年度的报告。"
IMPORT_ASK_YEAR = "请选择这份报告的年度："
BUTTON_IMPORT_YEAR_LAST = "{year} 年度（上年报告）"
BUTTON_IMPORT_YEAR_THIS = "{year} 年度（本年草稿）"
IMPORT_YEAR_LAST = "按 {year} 年度（上年）报告导入。"
IMPORT_YEAR_THIS = "按 {year} 年度（本年）报告草稿导入。"
IMPORT_UNNAMED = "（文件未写明）"
IMPORT_SUMMARY_THIS = "已读取本年度（{year} 年度）报告草稿：{agency}。"
IMPORT_OTHER_AGENCY = "注意：文件中的机构是“{file}”，将作为“{ours}”的报告保存。"
IMPORT_TABLES = (
    "表二：规章现行有效 {regulations} 件，行政规范性文件现行有效 {normative} 件，行政许可 {licensing} 件\n"
    "表三：新收 {new} 件，上年结转 {carried_over} 件，结转下年度 {carried_forward} 件\n"
    "表四：行政复议 {review} 件，行政诉讼 {litigation} 件"
)
IMPORT_PROSE = "正文：读到 {count} 个部分。"
IMPORT_UNREADABLE = "有 {count} 处无法识别，已留空：\n{items}"
IMPORT_OVERWRITES = "确认后将覆盖已填写的 {count} 项：{items}"
IMPORT_CONFIRM_LAST = (
    "确认后保存为上年报告：填写本年“二、上年结转”时可一键沿用上年的“结转下年度”，上年正文可供参考沿用。"
)
IMPORT_CONFIRM_THIS = "确认后用文件内容预填本年度报告，无法识别的单元格需要再填写。"
IMPORT_WRONG_YEAR = "这是 {year} 年度的报告。只能导入上年（{last} 年度）报告或本年（{this} 年度）草稿。"
IMPORT_DONE_LAST = "✅ 已保存 {year} 年度报告。"
IMPORT_DONE_THIS = "✅ 已用文件预填 {count} 项。"
IMPORT_CANCELLED = "已取消，未保存任何内容。"
IMPORT_GONE = "这个导入已处理、已取消或已过期（上传后 7 天内有效）。如需导入，请重新发送文件。"
IMPORT_HINT = (
    "如有上年已发布的报告（Word、PDF、网页或网页复制的文字），可以直接发给我，我会读出上年数字和正文供本年使用。"
)
BUTTON_IMPORT_CONFIRM = "确认导入"
BUTTON_IMPORT_CANCEL = "取消"

# --- answers that arrive after the report moved on (a colleague, a late or repeated message) ---
SAVED_SAME = "✅ {name}：{values}（已保存过，未改动）"
CONFLICT = "“{name}”已由{who}在 {when} 填为：{theirs}\n您刚才发送的是：{mine}\n\n请选择保留哪一个。"
BUTTON_KEEP = "保留 {value}"
BUTTON_OVERWRITE = "改为 {value}"
KEPT = "好的，“{name}”保留同事填写的内容。"
KEPT_PROSE = "好的，“{name}”保留同事保存的文字，您的草稿已删除。"
CHARS = "{chars} 字"
ANSWER_UNSEEN = "您发送的内容没有保存：当时还没有显示需要回答的问题。请回答下面的问题。"
GATE_HINT = "您发送的内容没有保存。请先回答下面的问题：点“有”后再逐行填写数字，没有发生的点“没有，全部填 0”。"
GATE_TAKEN = "同事已经开始填写这张表，您的选择没有保存，以免覆盖已填的数字。"
WHICH_QUESTION = "刚才的消息可能重复发送了。您发送的“{text}”是回答哪一题的？请点选，确认后才保存。"
BUTTON_KEEP_STORED = "保留"
BUTTON_FULL_TEXT = "修改（显示全文）"
ROW_KEEP_HINT = "\n没有变化请点“保留”；要修改，直接发送新的数字。"
PROSE_KEEP_HINT = "\n\n没有变化请点“保留”；要修改，点“修改”取得全文，改好后发送给我。"
GATE_CURRENT = "\n\n{table}已填写。没有变化请点“保留”。"
KEPT_STORED = "✅ “{name}”保持不变。"
FULL_TEXT_HEAD = "“{name}”的全文如下（{chars} 字）。复制后修改，再发送给我；新内容会替换原文，发完点“完成”。"
PROSE_REPEATED = "这段内容已经记录过，没有重复添加（目前共 {chars} 字）。写完请点“完成”。"

# --- hostile input and uploads ---
PARSE_COUNT_MAGNITUDE = "“{token}”：这一栏是件数，请填写整数，不要带“{unit}”。例如 3万 请写 30000。"
FILE_TOO_DEEP = "文件结构嵌套过深（超过 {limit} 层），不是年度报告数据文件，已拒绝"
FILE_NUMBER_TOO_LONG = "文件中的数字“{number}”过长（超过 {limit} 位），不是年度报告中的数字，已拒绝"
IMPORT_ZIP_MEMBER = "文件中的“{name}”解压后过大，可能是恶意文件，已拒绝"
IMPORT_CHARSET = "文件编码（{charset}）不受支持，请另存为 UTF-8 或 GBK 后再发送"
UPLOAD_TIMEOUT = "文件太复杂，无法在限定时间（{seconds} 秒）内读取，已拒绝。请另存为普通的 .docx 或 .txt 后再发送。"
UPLOAD_OUT_OF_MEMORY = "文件太复杂，读取所需的内存超过上限，已拒绝。请另存为普通的 .docx 或 .txt 后再发送。"
UPLOAD_FAILED = "读取这个文件时出错，已拒绝。请另存为普通的 .docx 或 .txt 后再发送。"

# --- tables as pictures ---------------------------------------------------------------------------
PICTURE_NO_FONT = "未安装中文字体（如 Noto Sans CJK），无法把表格画成图片。"

# --- prose and the tables: figures read from the text, drafts, reused text ---------------------------------
PROSE_TABLE_THREE = "正文{where}写{name} {said} 件，表三“{row}”为 {table} 件"
PROSE_QUANTITY_NAMES = {
    "applications.carried_over": "上年结转",
    "applications.total_handled": "办结",
    "applications.carried_forward": "结转下年度",
}
DRAFT_RECEIVED = "本年度共收到政府信息公开申请{count}件"
DRAFT_NONE_RECEIVED = "本年度未收到政府信息公开申请"
DRAFT_CARRIED_OVER = "上年结转{count}件"
DRAFT_PARTS = "，其中{items}"
DRAFT_ITEM = "{name}{count}件"
DRAFT_HANDLED = "本年度办结{count}件"
DRAFT_CARRIED_FORWARD = "结转下年度继续办理{count}件"
DRAFT_DISPUTES = "本年度因政府信息公开工作{reviews}，{lawsuits}。"
DRAFT_REVIEWS = "被申请行政复议{count}件"
DRAFT_NO_REVIEWS = "未被申请行政复议"
DRAFT_LAWSUITS = "被提起行政诉讼{count}件"
DRAFT_NO_LAWSUITS = "未被提起行政诉讼"
DRAFT_NO_DISPUTES = "本年度未发生因政府信息公开引起的行政复议、行政诉讼。"
DRAFT_NO_FEE = "本年度未收取信息处理费。"
DRAFT_FEE_NOTICES = (
    "本年度依据《政府信息公开信息处理费管理办法》发出信息处理费收费通知，其中{count}件申请的申请人"
    "逾期未按收费通知要求缴纳费用，行政机关不再处理其政府信息公开申请。"
)
DRAFT_FEE_AMOUNTS = "请补充发出收费通知的件数和总金额、实际收取的总金额（表格中没有这些数字）。"
STALE_YEAR = "“{words}”写的是 {said} 年，本报告是 {year} 年度的，请核对是否为上年内容"
STALE_FIGURE = "“{words}”与本年表格不一致：{name}为 {table} 件"
STALE_FIGURE_LAST_YEAR = "“{words}”是上年报告的数字（{said} 件），本年{name}为 {table} 件"
STALE_FIGURE_LAST_YEAR_ONLY = "“{words}”是上年报告的数字（{said} 件），请改为本年数字"
STALE_TABLE_NAMES = {
    "applications.new": "表三“一、本年新收”总计",
    "reviews": "表四行政复议总计",
    "lawsuits": "表四行政诉讼总计",
    "in_force": "表二行政规范性文件现行有效件数",
}
STALE_ROW_NAME = "表三“{row}”"
# for the walk: a saved text that the tables now contradict, the draft offered instead, reused text to update
DRAFT_DISAGREES = "“{name}”中的数字与现在的表格不一致：\n{findings}\n\n可以改用根据表格生成的草稿。"
DRAFT_OFFER = "根据已填写的表格，这一部分可以这样写（可直接使用，也可修改后发送）：\n{draft}"
STALE_HEAD = "沿用的上年内容中可能有需要更新的地方：\n{marks}"
BUTTON_USE_DRAFT = "使用草稿"
DRAFT_COVERS_ONLY = {
    "text.other": (
        "（草稿只写了信息处理费一项；工作要点落实、建议提案办理结果公开等，"
        "请在使用后点“修改”补充，或直接发送完整内容。）"
    )
}
BUTTON_SEE_DRAFT = "修改“{name}”"
DRAFT_LATER = "\n\n也可以先点“跳过”：填完表三、表四后回到这一部分，可以直接使用根据表格数字生成的草稿。"
DRAFT_DISAGREES_HERE = "⚠️ 当前内容与表格不一致：\n{findings}"

# --- the supervising office: admins' greeting, help, invites of new agencies, corrections -----------
ADMIN_HELP = (
    "管理员命令：\n"
    "/invite 机构名称 邀请机构的填报人员（新机构先选择部门或政府）\n"
    "/agencies 各机构填报情况\n"
    "/nudge 机构名称 立即提醒该机构\n"
    "/rename 原名称 -> 新名称 更正机构名称（也可改为部门或政府）\n"
    "/remove 机构名称 删除误建且尚无填报内容的机构\n"
    "/needreview 机构名称 设置该机构的报告需审核后定稿（再次发送即取消）\n"
    "/reviewer 机构名称 成员名称 设该成员为审核人（再次发送即取消）"
    "/link 政府名称 机构名称…… 关联政府与其汇总的机构；/link 查看全部关联；/unlink 取消关联\n"
    "/rollup 政府名称 预览并填入该政府的汇总数（可选择计入草稿）\n"
    "/export [年度] 导出全部机构的报告（Word、PDF 压缩包）和 Excel 汇总表"
)
ADMIN_GREETING = "您好，{name}！您是政府信息公开工作主管部门的管理员。\n" + ADMIN_HELP
ADMIN_NOTE = "您是管理员：发送 /help 可查看管理员命令。"
ADMIN_NOT_MEMBER = "您是管理员，但不是任何机构的填报人员，没有需要填写的报告。发送 /help 可查看管理员命令。"
INVITE_LEVEL_ASK = "“{agency}”是新机构。请选择它是部门还是政府（决定报送截止日期），选择后即生成邀请链接："
BUTTON_INVITE_LEVEL = "{level}（次年{month}月{day}日前报送）"
INVITE_LEVEL_GONE = "这个邀请已经处理过或已过期（7 天内有效）。如需邀请，请重新发送 /invite 机构名称。"
AGENCY_UNKNOWN = "没有名为“{agency}”的机构。发送 /agencies 可查看全部机构。"
AGENCY_GONE = "这个机构已被删除。"
AGENCY_FINAL = "“{agency}”已有定稿的报告，名称和类别不能再改。"
RENAME_USAGE = "用法：/rename 原名称 -> 新名称\n名称中有空格时，也可以把新名称写在第二行。"
RENAME_SAME = "新名称与原名称相同，“{agency}”未作改动。"
RENAME_TAKEN = "已有名为“{agency}”的机构，不能重名。"
RENAMED = "已将“{old}”改名为“{new}”（{level}）。已发出的邀请链接仍然有效。如类别也有误，请点下面的按钮。"
BUTTON_LEVEL = "改为{level}（次年{month}月{day}日前报送）"
LEVEL_CHANGED = "已将“{agency}”改为{level}，报送截止日期为次年{month}月{day}日。"
REMOVE_USAGE = "用法：/remove 机构名称"
REMOVE_REFUSED = "“{agency}”已有 {count} 项填报内容，不能删除，以免丢失数据。名称有误请用 /rename 更正。"
REMOVE_CONFIRM = "确定删除“{agency}”（{level}）吗？尚未使用的邀请链接将一并失效。"
REMOVE_CONFIRM_MEMBERS = "已有 {count} 名填报人员加入，删除后他们需要新的邀请才能继续使用。"
BUTTON_REMOVE = "确认删除"
REMOVE_CHANGED = "加入的填报人员有变化，请再确认一次。"
REMOVED = "已删除“{agency}”。"
CLI_LEVEL_HELP = "机构类别：department（部门）或 government（政府）；新机构必须指明，已有机构不必填写"
CLI_INVITE_LEVEL_NEEDED = "“{agency}”是新机构，请用 --level department（部门）或 government（政府）指明类别。"
CLI_INVITE_NO_LINK = (
    "已为“{agency}”（{level}）生成邀请，{days} 天内有效，仅能使用一次。\n"
    "未能生成邀请链接：{problem}，无法查到机器人的用户名。"
    "请把邀请码发给对方，由对方在与机器人的对话中发送：/start {code}\n"
    "（设置好 TELEGRAM_BOT_TOKEN 且能连接 Telegram 时，本命令会直接给出链接。）\n\n"
    "邀请码：{code}"
)
CLI_INVITE_NO_TOKEN = "没有设置 TELEGRAM_BOT_TOKEN"
CLI_INVITE_TOKEN_REJECTED = "Telegram 拒绝了机器人令牌"
CLI_INVITE_UNREACHABLE = "无法连接 Telegram 服务器 {url}"
CLI_AGENCY_HELP = "更正误建的机构：改名、改类别或删除"
CLI_RENAME_HELP = "更正机构名称"
CLI_OLD_NAME_HELP = "原名称"
CLI_NEW_NAME_HELP = "新名称"
CLI_SET_LEVEL_HELP = "把机构改为部门或政府（决定报送截止日期）"
CLI_REMOVE_HELP = "删除误建且尚无填报内容的机构"
CLI_REMOVE_YES_HELP = "机构已有填报人员加入时，确认删除"
CLI_REMOVE_CONFIRM = "“{agency}”已有 {count} 名填报人员加入，删除后他们需要新的邀请。确认删除请加 --yes。"

# --- nianbao import: agency, year and level given on the command line (issue #11) ---
IMPORT_AGENCY_GIVEN = "文件中的机构是“{file}”，已按指定的“{given}”导入。"
IMPORT_YEAR_GIVEN = "文件中的年度是 {file} 年度，已按指定的 {given} 年度导入。"
CLI_IMPORT_AGENCY_HELP = "机构名称：文件中没有写明时使用；文件写法不同时以此为准"
CLI_IMPORT_YEAR_HELP = "报告年度（如 2025）：文件中没有写明时使用；文件写法不同时以此为准"
CLI_IMPORT_LEVEL_HELP = "机构类别：department（部门）或 government（政府）；不填时按名称判断，以“人民政府”结尾的为政府"
CLI_IMPORT_YEAR_INVALID = "年度应为 2000 至 2100 之间的年份，如 2025，实际是“{value}”。"
CLI_IMPORT_AGENCY_INVALID = "机构名称应为一行、不超过 100 个字，且不含控制字符。"
CLI_IMPORT_LEVEL_INVALID = "机构类别应为 department（部门）或 government（政府），实际是“{value}”。"
CLI_IMPORT_GIVE_TITLE = "文件中没有写明机构或年度时，请用 --agency 机构名称 --year 年度 指明。"

# --- review before publishing (审核, issue #12) ------------------------------------------------------
SUBMIT_CONFIRM = (
    "即将把“{agency}”{year} 年度报告提交审核，成文日期印为 {date}。\n"
    "审核期间不能修改；审核通过即定稿，退回时会附上修改意见。\n"
    "如需其他成文日期，请发送 /finalize 加日期，例如 /finalize {example}"
)
BUTTON_SUBMIT_CONFIRM = "提交审核（{date}）"
BUTTON_NOT_NOW_SUBMIT = "暂不提交"
SUBMITTED = "✅ 报告已提交审核，成文日期 {date}。审核结果会通知您，提醒已暂停。如需修改，可发送 /reopen 撤回。"
STATUS_SUBMITTED = "📝 报告已提交审核，正在等待审核。"
STATUS_FINAL = "✅ 报告已定稿，成文日期 {date}。"
SUBMITTED_READONLY = "报告已提交审核，正在等待审核，暂不能修改。如需修改，请发送 /reopen 撤回。"
SUBMIT_ALREADY = "报告已提交审核，正在等待审核。如需修改，请发送 /reopen 撤回。"
SUBMIT_NO_REVIEWER = "本机构的报告需要审核后定稿，但还没有审核人。请联系主管部门。"
WITHDRAWN = "已撤回审核申请，报告可以修改了。改完请再次发送 /finalize 提交审核。"
REVIEW_NOTICE = "📝 “{agency}”提交了 {year} 年度报告，请审核。\n提交人：{who}；成文日期 {date}。"
REVIEW_WITHDRAWN_NOTICE = "“{agency}”撤回了 {year} 年度报告的审核申请，暂不需要审核。"
BUTTON_REVIEW_VIEW = "查看"
BUTTON_APPROVE = "通过"
BUTTON_RETURN = "退回修改"
REVIEW_VIEW = "“{agency}”{year} 年度报告（待审核），表格图片和 Word 文件随后发出。"
REVIEW_FILES_SENT = "✅ 表格图片和 Word 文件已发出，见下方。"
REVIEW_NOT_REVIEWER = "此操作仅供该机构报告的审核人使用。"
REVIEW_GONE = "这份报告已不存在。"
REVIEW_ALREADY_APPROVED = "这份报告已于 {at} 审核通过，无需再次操作。"
REVIEW_ALREADY_RETURNED = "这份报告已于 {at} 退回修改，正在等待重新提交。"
REVIEW_RESUBMITTED = "这份报告已重新提交，请按最新的审核通知操作。"
REVIEW_NOT_WAITING = "这份报告目前不在待审核状态，无需操作。"
APPROVED = "✅ 已审核通过“{agency}”{year} 年度报告，报告已定稿。"
APPROVED_NOTICE = (
    "🎉 “{agency}”{year} 年度报告已审核通过（{who}），已定稿，成文日期 {date}。发送 /report 可获取最终文件。"
)
RETURN_ASK = (
    "请发送对“{agency}”报告的修改意见，一条消息一条，或一行一条。\n"
    "开头可写明位置，例如：\n行政许可 数字有误\n表三 （一）予以公开 法律服务机构 应为 2\n五、问题写得太笼统\n"
    "未写位置的作为总体意见。写完请点“退回”。"
)
RETURN_NOTED = "已记录 {count} 条意见：\n{items}\n\n可以继续发送；写完请点“退回”。"
RETURN_ITEM = "{n}. 【{place}】{text}"
RETURN_EMPTY = "还没有意见。请先发送修改意见，再点“退回”。"
RETURN_CANCELLED = "已取消退回，写好的意见已删除，报告仍待审核。"
RETURN_STALE = "您刚才发送的内容没有记录：{reason}"
RETURNED = "已退回“{agency}”{year} 年度报告，{count} 条意见已发给填报人员。"
RETURNED_NOTICE = (
    "📝 “{agency}”{year} 年度报告被退回修改（{who}），共 {count} 条意见：\n{items}\n\n"
    "各条意见也显示在相应的题目中。改完请再次发送 /finalize 提交审核。"
)
BUTTON_RETURN_SEND = "退回（{count} 条意见）"
BUTTON_RETURN_CANCEL = "取消"
BUTTON_FIRST_COMMENT = "去修改第一条"
PLACE_GENERAL = "总体意见"
COMMENT = "💬 审核意见（{who}，{at}）：{text}"
COMMENT_TIME = "{d.month}月{d.day}日 {d:%H:%M}"
COMMENT_REVIEWER = "审核人"
COMMENTS_ELSEWHERE = "💬 另有 {count} 条审核意见，见相应部分。"
NEEDREVIEW_USAGE = "用法：/needreview 机构名称（切换），或 /needreview 机构名称 on / off"
NEEDREVIEW_ON = "“{agency}”的报告今后需要审核：/finalize 改为提交审核，审核人（管理员{reviewers}）通过后定稿。"
NEEDREVIEW_OFF = "“{agency}”的报告不再需要审核，填报人员可直接定稿。"
NEEDREVIEW_REVIEWERS = "及{names}"
REVIEWER_USAGE = "用法：/reviewer 机构名称 成员名称（再次发送即取消）"
REVIEWER_ON = "已设“{name}”为“{agency}”报告的审核人。"
REVIEWER_OFF = "已取消“{name}”的审核人身份。"
REVIEWER_MEMBERS = "“{agency}”的成员：{members}\n设为审核人：/reviewer {agency} 成员名称"
REVIEWER_NO_MEMBERS = "“{agency}”还没有成员加入。"
REVIEWER_UNKNOWN = "“{agency}”中没有名为“{name}”的成员。现有成员：{members}"
REVIEWER_MARK = "（审核人）"
REVIEW_REMINDER = "📝 待审核：{count} 份\n{items}"
REVIEW_REMINDER_ITEM = "• {agency} {year} 年度（{date} 提交）"
BUTTON_REVIEW_AGENCY = "审核 {agency}"
AGENCIES_SUBMITTED = "待审核：{agencies}"
DIGEST_SUBMITTED = "待审核：{agencies}"
CLI_REVIEW_HELP = "设置机构的报告是否需要审核后定稿"
CLI_REVIEW_STATE_HELP = "on：需要审核；off：不需要"


# --- the roll-up: a government's tables 二/三/四 summed from the agencies it covers (issue #12) ---
ROLLUP_REFUSED_2019 = "“{source}”是 2019 年试行格式的报告，表格与 2021 年格式不同，不能相加，未计入。"
ROLLUP_REFUSED_FORMAT = "“{source}”不是 2021 年格式的报告数据文件（格式：{actual}），未计入。"
ROLLUP_REFUSED_YEAR = "“{source}”是 {actual} 年度的报告，汇总的是 {year} 年度，未计入。"
ROLLUP_REFUSED_UNREADABLE = "“{source}”无法读取，未计入：{reason}"
ROLLUP_REFUSED_TWICE = "“{source}”与“{first}”都是“{agency}”的报告，只计入一次。"
ROLLUP_NO_FILE = "找不到文件"
ROLLUP_UNKNOWN_CELLS = "“{source}”的 {table} {row}{columns} 未填，汇总中这些单元格也未知（待填）。"
ROLLUP_UNKNOWN_MORE = "“{source}”还有 {count} 行有未填的单元格，汇总中也未知（待填）。"
ROLLUP_MISMATCH = "“{source}”的 {table} {row}{column} 写的是 {stated}，各项之和是 {summed}；汇总按各项相加。"
ROLLUP_MISSING = "尚无本年度报告的机构 {count} 个，未计入：{agencies}"
ROLLUP_UNFINISHED = "报告尚未定稿的机构 {count} 个，未计入：{agencies}"
ROLLUP_DRAFTS = "以下 {count} 个机构的报告尚未定稿，按当前草稿计入：{agencies}"
ROLLUP_NOTHING = "没有可以相加的报告。"
ROLLUP_MORE_NAMES = "等 {count} 个"
# nianbao rollup
CLI_ROLLUP_HELP = "把多个机构的报告数据文件的表二、表三、表四逐格相加，写成一个数据文件（不含文字部分）"
CLI_ROLLUP_FILES_HELP = "各机构的报告数据文件（JSON）"
CLI_ROLLUP_OUTPUT_HELP = "汇总结果写入的数据文件"
CLI_ROLLUP_AGENCY_HELP = "汇总结果的机构名称（默认“汇总”）"
CLI_ROLLUP_YEAR_HELP = "汇总的年度；不填时按多数文件的年度，其他年度的文件不计入"
CLI_ROLLUP_AGENCY_DEFAULT = "汇总"
CLI_ROLLUP_SOURCES = "已计入 {count} 份报告："
CLI_ROLLUP_SOURCE = "  {name}（{agency}）"
CLI_ROLLUP_PROBLEMS = "需要注意 {count} 项："
CLI_ROLLUP_PROBLEM = "  {problem}"
CLI_ROLLUP_WRITTEN = "已写入 {path}：{agency} {year} 年度 表二、表三、表四（文字部分需另行填写）。"
CLI_ROLLUP_NOT_WRITTEN = "无法写入 {path}：{reason}"
# nianbao agency link / unlink / links
CLI_LINK_HELP = "把政府与其汇总的机构关联（用于汇总表二、表三、表四）"
CLI_UNLINK_HELP = "取消政府与机构的关联"
CLI_LINKS_HELP = "列出各政府汇总的机构"
CLI_GOVERNMENT_HELP = "政府的名称"
CLI_COVERED_HELP = "被汇总的机构名称，可写多个"
# linking, in the chat and on the command line
LINK_USAGE = (
    "用法：/link 政府名称 机构名称 机构名称……（名称之间用空格或顿号分开）\n"
    "取消关联：/unlink 政府名称 机构名称……\n"
    "关联后，该政府的填报人员可用 /rollup 把这些机构报告的表二、表三、表四逐格相加后填入。"
)
UNLINK_USAGE = "用法：/unlink 政府名称 机构名称 机构名称……"
LINK_UNKNOWN = "没有名为{agencies}的机构，未作任何关联。发送 /agencies 可查看全部机构。"
LINK_NOT_GOVERNMENT = "“{agency}”是部门，只有政府可以汇总其他机构的报告。如类别有误，请用 /rename 更正。"
LINK_SELF = "“{agency}”不能汇总它自己。"
LINK_CYCLE = "“{agency}”已经（直接或间接）汇总“{government}”，不能反过来再被它汇总。"
LINKED = "已关联：{agencies}。"
LINKED_ALREADY = "早已关联：{agencies}。"
UNLINKED = "已取消关联：{agencies}。"
UNLINKED_NONE = "本来就没有关联：{agencies}。"
LINKS_OF = "“{government}”汇总 {count} 个机构：{agencies}"
LINKS_OF_NONE = "“{government}”尚未关联任何机构。"
LINKS_HEAD = "各政府汇总的机构："
LINKS_NONE = "还没有政府关联任何机构。"
LINKS_LINE = "• {government}（{count} 个）：{agencies}"
# /rollup
ROLLUP_USAGE = "用法：/rollup 政府名称（管理员）。政府的填报人员直接发送 /rollup。"
ROLLUP_NOT_GOVERNMENT = "“{agency}”是部门。汇总只用于政府：把它所汇总机构报告的表二、表三、表四逐格相加。"
ROLLUP_NO_LINKS = "“{agency}”尚未关联要汇总的机构。请主管部门管理员发送：/link {agency} 机构名称……"
ROLLUP_NOT_MEMBER = "您不是“{agency}”的填报人员，不能为它汇总。"
ROLLUP_FINAL = "“{agency}”的 {year} 年度报告已定稿，不能再填入。如需修改，请先发送 /reopen。"
ROLLUP_HEAD = "📊 汇总预览：{agency} {year} 年度\n以下是所汇总机构报告的表二、表三、表四逐格相加的结果，尚未填入。"
ROLLUP_HEAD_DRAFTS = "（含尚未定稿的草稿，已在来源中标明）"
ROLLUP_SOURCES = "来源（{count} 份）：{agencies}"
ROLLUP_SOURCE_DRAFT = "{agency}（草稿）"
ROLLUP_PROBLEMS = "⚠️ 需要注意："
ROLLUP_TABLE = "【{table}】"
ROLLUP_ROW = "• {row}：{values}"
ROLLUP_FEE = "{value} 万元"
ROLLUP_ZERO_ROWS = "• 其余 {count} 行均为 0"
ROLLUP_OVERWRITES = "确认后将覆盖本报告已填的 {count} 行。"
ROLLUP_UNKNOWN_STORED = "有 {count} 行含未知的单元格，填入后显示为“待填”，需要补填。"
ROLLUP_ASK = "文字部分不会改动。请核对后确认填入。"
ROLLUP_ASK_DRAFTS = "本次汇总含草稿：草稿的数字之后可能还会改动。请核对后确认填入。"
BUTTON_ROLLUP_CONFIRM = "确认填入汇总数"
BUTTON_ROLLUP_CONFIRM_DRAFTS = "确认填入（含草稿）"
BUTTON_ROLLUP_DRAFTS = "包含尚未定稿的草稿重新汇总"
ROLLUP_DONE = "✅ 已把汇总数填入“{agency}”{year} 年度报告的表二、表三、表四（{count} 行）。来源：{sources}。"
ROLLUP_DONE_DRAFTS = "其中含草稿：{agencies}。"
ROLLUP_DONE_PROGRESS = "已保存 · {done}/{total}"
ROLLUP_SAME = "汇总数已填入“{agency}”{year} 年度报告，没有变化。"
ROLLUP_CHANGED = "预览之后，所汇总的报告有了变化，未填入。请核对新的汇总结果后再确认。"
ROLLUP_STALE_YEAR = "这个汇总按钮是 {year} 年度的，已过期。请重新发送 /rollup。"
ROLLUP_DRAFTS_ADMIN = "只有管理员可以选择计入尚未定稿的草稿。"

# --- the web channel: the chat page (issue #13) ----------------------------------------------------
WEB_TITLE = "年报助手"
WEB_RUNNING = "年报助手网页版已启动，请用浏览器打开：{url}\n按 Ctrl+C 停止。"
WEB_ADMIN_CODE = (
    "还没有管理员。第一位管理员请打开下面的地址，填写姓名后进入（一次性邀请码，仅能使用一次；"
    "若未使用，下次启动时会换一个新的）：\n{url}?start={code}\n管理员邀请码：{code}"
)
WEB_LISTEN_FAILED = "网页版无法在 {listen} 上启动：{reason}。请检查 WEB_LISTEN 设置，或该端口是否已被占用。"
WEB_REFUSED = "请求被拒绝，请刷新页面后重试。"
WEB_SIGNED_OUT = "您尚未登录，或登录已失效。请刷新页面，用邀请码重新进入。"
WEB_NAME_NEEDED = "请填写您的姓名。"
WEB_CODE_INVALID = "邀请码无效、已被使用或已过期。请向管理员索取新的邀请链接。"
WEB_TEXT_INVALID = "消息为空或过长（最多 4096 字）。"
WEB_BUTTON_GONE = "这个按钮已失效，请使用最新消息中的按钮。"
WEB_FILE_MISSING = "没有收到文件，请重新选择。"
WEB_FILE_TOO_BIG = "文件太大：最多 20 MB。"
WEB_FILE_GONE = "文件已不在，请重新生成（例如再次发送 /report）。"
WEB_TOO_FAST = "操作太快了，请稍候再试。"
# Shown by the page's script (handed over as JSON): the join form, the chat's controls, its notices.
WEB_PAGE = {
    "join_title": "年报助手 · 政府信息公开工作年度报告",
    "join_intro": "请输入管理员发给您的邀请链接或邀请码，以及您的姓名。",
    "code": "邀请链接或邀请码",
    "name": "您的姓名",
    "join": "进入",
    "placeholder": "输入回答或命令，例如 /fill",
    "send": "发送",
    "upload": "上传文件",
    "uploading": "正在上传…",
    "edited": "已修改",
    "empty": "还没有消息。发送 /fill 继续填写，/help 查看说明。",
    "offline": "连接中断，正在重新连接…",
    "leave": "退出",
    "failed": "发送失败，请重试。",
}
