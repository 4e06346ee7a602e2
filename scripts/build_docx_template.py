"""Generate templates/report.docx, the docxtpl template of the .docx report, reproducibly.

The template holds what an office may restyle without code: the A4 page and its margins, the footer
page number, the named styles (fonts, sizes, spacing) and the table style; and the Jinja placeholders
that bot/render/docx.py fills from the document outline. It holds no label of the report: every
heading, row and column comes from the schema at render time.

Run from the repository root: python -m scripts.build_docx_template [output.docx]
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import BaseStyle, ParagraphStyle

from bot.render.docx import (
    CELL_STYLES,
    SIGNATURE_STYLE,
    TABLE_SPACING_STYLE,
    TABLE_STYLE,
    TITLE_STYLE,
    UNFILLED_STYLE,
)
from bot.render.layout import Kind

OUTPUT = Path(__file__).resolve().parent.parent / "templates" / "report.docx"
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"

TITLE = TITLE_STYLE
HEADING_1 = "Report Heading 1"
HEADING_2 = "Report Heading 2"
BODY = "Report Body"
DATE = "Report Date"
# The styles the renderer names as well.
SIGNATURE = SIGNATURE_STYLE
TABLE = TABLE_STYLE
TABLE_TEXT = CELL_STYLES[Kind.NUMBER]
TABLE_HEADER = CELL_STYLES[Kind.HEADER]
TABLE_LABEL = CELL_STYLES[Kind.LABEL]
UNFILLED = UNFILLED_STYLE
TABLE_SPACING = TABLE_SPACING_STYLE

BODY_FONT = "仿宋_GB2312"
BODY_SIZE = Pt(16)  # 三号
LINE = Pt(28)  # 固定值 28 磅: 22 lines on the type area of an A4 page
TABLE_FONT = "宋体"
TABLE_SIZE = Pt(10.5)  # 五号
TABLE_LINE = Pt(15)  # 固定值 15 磅: close to Word's single spacing of 宋体 五号, the same in LibreOffice
CELL_MARGIN_TWIPS = 57  # 0.1 cm left and right (the wide tables need every millimetre); none above and below,
# where the line spacing leaves room enough
TABLE_GAP = Pt(10)  # the empty line above and below a table, a third of a body line

# Each paragraph of the body, as (style, text). Lines starting with {%p are docxtpl's paragraph tags:
# the paragraph holding one is removed and only the Jinja statement stays.
BODY_LINES: tuple[tuple[str | None, ...], ...] = (
    (TITLE, "{{ title }}"),
    (None, "{%p for section in sections %}"),
    (None, "{%p if section.heading %}"),
    (HEADING_1, "{{ section.heading }}"),
    (None, "{%p endif %}"),
    (None, "{%p for part in section.parts %}"),
    (None, "{%p if part.heading %}"),
    (HEADING_2, "{{ part.heading }}"),
    (None, "{%p endif %}"),
    (None, "{%p for text in part.paragraphs %}"),
    (None, "{%p if part.unfilled %}"),
    (BODY, "{{ text }}", UNFILLED),
    (None, "{%p else %}"),
    (BODY, "{{ text }}"),
    (None, "{%p endif %}"),
    (None, "{%p endfor %}"),
    (None, "{%p if part.table %}"),
    (TABLE_SPACING, ""),
    (None, "{{p part.table }}"),
    (TABLE_SPACING, ""),
    (None, "{%p endif %}"),
    (None, "{%p endfor %}"),
    (None, "{%p endfor %}"),
    (SIGNATURE, "{{ agency }}"),
    (None, "{%p if date_unfilled %}"),
    (DATE, "{{ date }}", UNFILLED),
    (None, "{%p else %}"),
    (DATE, "{{ date }}"),
    (None, "{%p endif %}"),
)


def set_fonts(style: BaseStyle, font: str) -> None:
    """Name the font for every script (w:eastAsia is the one Word uses for Chinese characters), so
    digits and Latin letters print in the same face as the Chinese around them."""
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), font)


def indent_chars(style: ParagraphStyle, chars: int) -> None:
    """A first-line indent in characters (w:firstLineChars), as Chinese Word sets it, plus its twips."""
    style.paragraph_format.first_line_indent = Pt(chars * style.font.size.pt)
    ind = style.element.pPr.find(qn("w:ind"))
    ind.set(qn("w:firstLineChars"), str(chars * 100))


def paragraph_style(
    doc: DocxDocument,
    name: str,
    *,
    font: str,
    size: Pt,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY,
    line: Pt | None = LINE,
    indent: int = 0,
    base: str | None = None,
) -> ParagraphStyle:
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles[base] if base else doc.styles["Normal"]
    style.quick_style = True
    style.font.size = size
    set_fonts(style, font)
    fmt = style.paragraph_format
    fmt.alignment = align
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if line is None:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = line
    if indent:
        indent_chars(style, indent)
    else:
        fmt.first_line_indent = Pt(0)
    return style


def document_defaults(doc: DocxDocument) -> None:
    """Defaults for anything unstyled: 仿宋 三号, Chinese (PRC) language, no theme fonts."""
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for child in list(rpr):
        rpr.remove(child)
    fonts = f'w:ascii="{BODY_FONT}" w:hAnsi="{BODY_FONT}" w:cs="{BODY_FONT}" w:eastAsia="{BODY_FONT}"'
    rpr.append(parse_xml(f"<w:rFonts {nsdecls('w')} {fonts}/>"))
    rpr.append(parse_xml(f'<w:sz {nsdecls("w")} w:val="{int(BODY_SIZE.pt * 2)}"/>'))
    rpr.append(parse_xml(f'<w:lang {nsdecls("w")} w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'))
    normal = doc.styles["Normal"]
    set_fonts(normal, BODY_FONT)
    normal.font.size = BODY_SIZE


def table_style(doc: DocxDocument) -> None:
    """Single lines round every cell, narrow cell margins, text centred vertically."""
    style = doc.styles.add_style(TABLE, WD_STYLE_TYPE.TABLE)
    style.quick_style = True
    borders = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    style.element.append(
        parse_xml(
            f"<w:tblPr {nsdecls('w')}>"
            '<w:jc w:val="center"/>'
            f"<w:tblBorders>{borders}</w:tblBorders>"
            '<w:tblLayout w:type="fixed"/>'
            "<w:tblCellMar>"
            f'<w:top w:w="0" w:type="dxa"/><w:left w:w="{CELL_MARGIN_TWIPS}" w:type="dxa"/>'
            f'<w:bottom w:w="0" w:type="dxa"/><w:right w:w="{CELL_MARGIN_TWIPS}" w:type="dxa"/>'
            "</w:tblCellMar>"
            "</w:tblPr>"
        )
    )
    style.element.append(parse_xml(f'<w:tcPr {nsdecls("w")}><w:vAlign w:val="center"/></w:tcPr>'))


def styles(doc: DocxDocument) -> None:
    document_defaults(doc)
    title = paragraph_style(doc, TITLE, font="方正小标宋简体", size=Pt(22), align=WD_ALIGN_PARAGRAPH.CENTER, line=None)
    title.paragraph_format.space_before = Pt(0)
    title.paragraph_format.space_after = LINE  # one empty body line under the title
    # Both heading levels are bold as well as in their own face (黑体, 楷体), so that they stand out
    # from the body even where a reader lacks the faces and everything prints in one.
    heading_1 = paragraph_style(doc, HEADING_1, font="黑体", size=BODY_SIZE, indent=2)
    heading_1.paragraph_format.keep_with_next = True
    heading_1.font.bold = True
    heading_2 = paragraph_style(doc, HEADING_2, font="楷体_GB2312", size=BODY_SIZE, indent=2)
    heading_2.paragraph_format.keep_with_next = True
    heading_2.font.bold = True
    for outline, style in ((0, heading_1), (1, heading_2)):
        style.element.get_or_add_pPr().append(parse_xml(f'<w:outlineLvl {nsdecls("w")} w:val="{outline}"/>'))
    paragraph_style(doc, BODY, font=BODY_FONT, size=BODY_SIZE, indent=2)
    # The empty paragraphs above and below each table: their line height is the gap an office may
    # restyle. Kept with the next, the one above holds the heading above it to the table.
    spacing = paragraph_style(doc, TABLE_SPACING, font=BODY_FONT, size=TABLE_GAP, line=TABLE_GAP)
    spacing.paragraph_format.keep_with_next = True
    signature = paragraph_style(doc, SIGNATURE, font=BODY_FONT, size=BODY_SIZE, align=WD_ALIGN_PARAGRAPH.RIGHT)
    signature.paragraph_format.right_indent = Pt(2 * BODY_SIZE.pt)
    signature.paragraph_format.space_before = Pt(2 * LINE.pt)  # two empty lines under the text
    signature.paragraph_format.keep_with_next = True  # the agency stays with the date
    date = paragraph_style(doc, DATE, font=BODY_FONT, size=BODY_SIZE, align=WD_ALIGN_PARAGRAPH.RIGHT, base=SIGNATURE)
    date.paragraph_format.space_before = Pt(0)
    date.paragraph_format.keep_with_next = False

    center, left = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT
    paragraph_style(doc, TABLE_TEXT, font=TABLE_FONT, size=TABLE_SIZE, align=center, line=TABLE_LINE)
    header = paragraph_style(
        doc, TABLE_HEADER, font=TABLE_FONT, size=TABLE_SIZE, align=center, line=TABLE_LINE, base=TABLE_TEXT
    )
    header.font.bold = True
    paragraph_style(doc, TABLE_LABEL, font=TABLE_FONT, size=TABLE_SIZE, align=left, line=TABLE_LINE, base=TABLE_TEXT)
    table_style(doc)

    unfilled = doc.styles.add_style(UNFILLED, WD_STYLE_TYPE.CHARACTER)
    unfilled.quick_style = True
    unfilled.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    # Shading rather than w:highlight: LibreOffice ignores a highlight set in a character style.
    unfilled.element.get_or_add_rPr().append(
        parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="FFFF00"/>')
    )


def page(doc: DocxDocument) -> None:
    """A4 with the margins customary for official documents, and a centred page number."""
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.header_distance, section.footer_distance = Cm(1.5), Cm(2.5)
    footer_style = doc.styles["Footer"]
    set_fonts(footer_style, "宋体")
    footer_style.font.size = Pt(14)  # 四号
    footer = section.footer.paragraphs[0]
    footer.style = footer_style
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("— ")
    number = OxmlElement("w:fldSimple")
    number.set(qn("w:instr"), " PAGE ")
    number.append(parse_xml(f"<w:r {nsdecls('w')}><w:t>1</w:t></w:r>"))
    footer._p.append(number)
    footer._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:t xml:space="preserve"> —</w:t></w:r>'))


def body(doc: DocxDocument) -> None:
    for style, text, *run_style in BODY_LINES:
        paragraph = doc.add_paragraph(style=style)
        if text:
            paragraph.add_run(text, style=run_style[0] if run_style else None)


# The fonts the styles name, with the font Word falls back to where one is not installed: a plain
# Windows has 仿宋 and 楷体 but not their _GB2312 editions, and no 方正 fonts.
FONTS = {
    "宋体": "SimSun",
    "黑体": "SimHei",
    "仿宋_GB2312": "仿宋",
    "楷体_GB2312": "楷体",
    "方正小标宋简体": "宋体",
}


def font_table(doc: DocxDocument) -> None:
    """Replace the font table (Word's Latin and Japanese defaults) with the report's Chinese fonts."""
    entries = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alternative}"/><w:charset w:val="86"/>'
        '<w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
        for name, alternative in FONTS.items()
    )
    xml = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:fonts {nsdecls("w")}>{entries}</w:fonts>'
    doc.part.part_related_by(RT.FONT_TABLE)._blob = xml.encode()  # python-docx keeps this part as bytes


def slim(doc: DocxDocument) -> None:
    """Keep only the styles the report uses and drop parts it does not need.

    python-docx's blank document carries Word's whole style gallery (~800 kB of XML with its
    stylesWithEffects twin); every render parses and writes it again, so it costs most of the time.
    """
    dropped = (STYLES_WITH_EFFECTS, RT.CUSTOM_XML, RT.THUMBNAIL)
    for rels in (doc.part.rels, doc.part.package.rels):
        for rid in [rid for rid, rel in rels.items() if rel.reltype in dropped]:
            del rels[rid]
    sheet = doc.styles.element
    used = (
        TITLE,
        HEADING_1,
        HEADING_2,
        BODY,
        TABLE_SPACING,
        SIGNATURE,
        DATE,
        TABLE,
        TABLE_TEXT,
        TABLE_HEADER,
        TABLE_LABEL,
        UNFILLED,
    )
    defaults = ("Normal", "Default Paragraph Font", "Normal Table", "No List", "Footer")
    keep = {doc.styles[name].element for name in (*used, *defaults)}
    for style in list(sheet.iterchildren(qn("w:style"))):
        if style not in keep:
            sheet.remove(style)
    for latent in list(sheet.iterchildren(qn("w:latentStyles"))):
        sheet.remove(latent)
    for style in sheet.iterchildren(qn("w:style")):
        for link in style.iterchildren(qn("w:link")):
            style.remove(link)  # the linked character styles (Footer Char) are gone


def build() -> DocxDocument:
    doc = Document()
    core = doc.core_properties
    core.author = core.last_modified_by = "nianbao"
    core.title = core.subject = core.keywords = core.comments = core.category = ""
    core.created = core.modified = datetime(2024, 1, 1, tzinfo=UTC)  # the same content on every run
    core.revision = 1
    styles(doc)
    page(doc)
    body(doc)
    font_table(doc)
    slim(doc)
    return doc


def main() -> None:
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT
    build().save(output)
    print(output)


if __name__ == "__main__":
    main()
