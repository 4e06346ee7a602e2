"""Tables as pictures: every number under its own header and beside its own label, no text cut or
spilling into a neighbour (read back from the pixels), within Telegram's limits for a photo."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from bot import texts
from bot.render import picture
from bot.render.errors import RenderError
from bot.render.layout import Kind
from bot.render.picture import NoCjkFont, Picture, PlacedCell, draw_tables, render_tables_png, table_pictures
from bot.report import datafile
from bot.report.model import Report, format_number, with_totals
from bot.schema import CURRENT, Level, Table
from tests.conftest import DATA, replace_values

COUNTY = DATA / "county-2025-government.json"


def _has_font() -> bool:
    try:
        picture.font_files()
    except NoCjkFont:
        return False
    return True


pytestmark = pytest.mark.skipif(not _has_font(), reason="no Chinese font installed (fonts-noto-cjk)")


@pytest.fixture(scope="module")
def county() -> Report:
    return with_totals(datafile.load(COUNTY))


@pytest.fixture(scope="module")
def county_pictures(county: Report) -> tuple[Picture, ...]:
    return table_pictures(county)


def pixels(pic: Picture) -> Image.Image:
    image = Image.open(io.BytesIO(pic.png))
    assert image.format == "PNG"
    assert image.size == pic.size
    return image.convert("RGB")


def within_telegram_limits(size: tuple[int, int]) -> bool:
    width, height = size
    return width + height <= 10_000 and max(width, height) / min(width, height) <= 20


def inside(box: tuple[int, int, int, int], cell: PlacedCell) -> bool:
    """Within the cell's borders: they lie on its box's edges."""
    left, top, right, bottom = cell.box
    return left < box[0] and top < box[1] and box[2] <= right and box[3] <= bottom


def stray_ink(image: Image.Image, cell: PlacedCell) -> list[tuple[int, tuple[int, int, int]]]:
    """The colours inside the cell other than its fill, once its own lines of text are painted over:
    ink of a line that lies elsewhere than it says, or of a neighbour spilling over."""
    left, top, right, bottom = cell.box
    crop = image.crop((left + 1, top + 1, right, bottom))
    draw = ImageDraw.Draw(crop)
    for line in cell.lines:
        x0, y0, x1, y1 = line.box
        draw.rectangle((x0 - left - 1, y0 - top - 1, x1 - left - 1, y1 - top - 1), fill=cell.fill)
    return [(n, colour) for n, colour in crop.getcolors(1 << 16) if colour != cell.fill]


def check_drawn(pic: Picture) -> None:
    """Every text whole, inside its own cell and nowhere else; cells tiling each table, no overlap."""
    image = pixels(pic)
    for cell in pic.cells:
        assert "".join(line.text for line in cell.lines) == cell.cell.text, cell.cell
        for line in cell.lines:
            assert inside(line.box, cell), (line, cell.box)
        assert not stray_ink(image, cell), cell.cell
        if cell.lines:  # the text really is there: ink where the lines are
            ink = image.crop(cell.lines[0].box).getcolors(1 << 16)
            assert any(colour != cell.fill for _, colour in ink), cell.cell
    for section in {c.section for c in pic.cells}:
        boxes = [c.box for c in pic.cells if c.section == section]
        for k, a in enumerate(boxes):
            for b in boxes[k + 1 :]:
                assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
        left, top = min(b[0] for b in boxes), min(b[1] for b in boxes)
        right, bottom = max(b[2] for b in boxes), max(b[3] for b in boxes)
        assert sum((b[2] - b[0]) * (b[3] - b[1]) for b in boxes) == (right - left) * (bottom - top)


def number_cell(pic: Picture, table: Table, row: int, col: int) -> PlacedCell:
    place = table.cell_path(table.rows[row], col)
    found = [c for c in pic.cells if c.cell.place == place]
    assert len(found) == 1, place
    return found[0]


def nearest_above(pic: Picture, cell: PlacedCell, kinds: set[Kind]) -> PlacedCell:
    """The closest cell of those kinds over this one, spanning at least its columns."""
    over = [
        c
        for c in pic.cells
        if c.cell.kind in kinds and c.box[3] <= cell.box[1] and c.box[0] <= cell.box[0] and cell.box[2] <= c.box[2]
    ]
    return max(over, key=lambda c: c.box[3])


def labels_beside(pic: Picture, cell: PlacedCell) -> list[PlacedCell]:
    """The labels left of this cell spanning at least its rows, nearest first."""
    beside = [
        c
        for c in pic.cells
        if c.cell.kind is Kind.LABEL and c.box[2] <= cell.box[0] and c.box[1] <= cell.box[1] and cell.box[3] <= c.box[3]
    ]
    return sorted(beside, key=lambda c: -c.box[2])


def headers_above(pic: Picture, cell: PlacedCell) -> list[str]:
    return [
        c.cell.text
        for c in pic.cells
        if c.cell.kind is Kind.HEADER
        and c.box[3] <= cell.box[1]
        and c.box[0] <= cell.box[0]
        and cell.box[2] <= c.box[2]
    ]


def test_one_picture_per_table_section_within_a_phone_screen(county_pictures: tuple[Picture, ...]) -> None:
    assert [p.captions[1].text for p in county_pictures] == [s.heading for s in CURRENT.sections if s.tables]
    for pic in county_pictures:
        assert pic.captions[0].text == texts.TITLE.format(agency="某某县人民政府", year=2025)
        pixels(pic)
        assert max(pic.size) <= picture.MAX_SIDE  # Telegram shows it unscaled
        assert pic.size[0] >= picture.MIN_WIDTH


def test_every_number_sits_under_its_header_and_beside_its_label(
    county: Report, county_pictures: tuple[Picture, ...]
) -> None:
    by_section = dict(zip([s.number for s in CURRENT.sections if s.tables], county_pictures, strict=True))
    checked = 0
    for section in CURRENT.sections:
        for table in section.tables:
            pic = by_section[section.number]
            for r, row in enumerate(table.rows):
                for c, column in enumerate(table.columns):
                    cell = number_cell(pic, table, r, c)
                    value = county.cells(table, row)[c]
                    assert value is not None
                    assert [line.text for line in cell.lines] == [format_number(value)]
                    assert nearest_above(pic, cell, {Kind.HEADER}).cell.text == column.label
                    if table.transposed:  # table 四: each row is a block of columns under its label
                        assert {row.label, *row.groups} <= set(headers_above(pic, cell))
                    else:
                        assert [c.cell.text for c in labels_beside(pic, cell)] == [row.label, *reversed(row.groups)]
                    if table.caption:
                        assert nearest_above(pic, cell, {Kind.CAPTION}).cell.text == table.caption
                    checked += 1
    assert checked == sum(len(t.rows) * len(t.columns) for t in CURRENT.tables)


def test_text_is_whole_and_inside_its_own_cell(county_pictures: tuple[Picture, ...]) -> None:
    for pic in county_pictures:
        check_drawn(pic)
    wrapped = [c for pic in county_pictures for c in pic.cells if len(c.lines) > 1]
    assert any(c.cell.kind is Kind.LABEL and c.cell.rowspan == 1 for c in wrapped)  # the long labels of 三
    assert any(c.cell.kind is Kind.HEADER for c in wrapped)  # 社会公益组织 and the like


def test_type_is_legible(county_pictures: tuple[Picture, ...]) -> None:
    """No text below 20 px: the glyphs of a line of Chinese stand at least 16 px tall."""
    for pic in county_pictures:
        for cell in pic.cells:
            for line in cell.lines:
                if any(ord(ch) > 0x2E7F for ch in line.text):
                    assert line.box[3] - line.box[1] >= 16, line


def test_totals_and_unfilled_cells_stand_out(county: Report) -> None:
    values = dict(county.values)
    del values["applications.withheld_state_secret"]  # one row of 三 not yet answered
    del values["reviews_litigation.review"]
    report = with_totals(dataclasses.replace(county, values=values))
    three, four = draw_tables(report, ("三",)), draw_tables(report, ("四",))
    image = pixels(three)
    unfilled = [c for c in three.cells if c.cell.unfilled]
    # the row itself, and its column's （七）总计 row, which cannot be added up without it
    assert len(unfilled) == 2 * 7
    for cell in unfilled:
        assert [line.text for line in cell.lines] == [texts.UNFILLED_CELL]
        assert cell.fill == picture.UNFILLED_FILL and cell.ink == picture.UNFILLED_INK
        colours = {colour for _, colour in image.crop(cell.lines[0].box).getcolors(1 << 16)}
        assert picture.UNFILLED_INK in colours
    totals = [c for c in three.cells if c.total and not c.cell.unfilled]
    assert {c.cell.text for c in totals} >= {"81", "2", "4"}
    for cell in totals:
        left, top, _, _ = cell.box
        assert image.getpixel((left + 2, top + 2)) == picture.TOTAL_FILL
    plain = [c for c in three.cells if c.cell.kind is Kind.NUMBER and not c.total and not c.cell.unfilled]
    assert all(image.getpixel((c.box[0] + 2, c.box[1] + 2)) == picture.PAPER for c in plain)
    assert [c.cell.text for c in four.cells if c.cell.kind is Kind.NUMBER][:5] == [texts.UNFILLED_CELL] * 5
    check_drawn(three)
    check_drawn(four)


def test_long_amounts_are_printed_whole(county: Report) -> None:
    report = replace_values(county, proactive__fees_wan_yuan=(Decimal("5949.088667"),), proactive__licensing=(None,))
    pic = draw_tables(report, ("二",))
    texts_drawn = {c.cell.place: "".join(line.text for line in c.lines) for c in pic.cells}
    assert texts_drawn["proactive.fees_wan_yuan"] == "5949.088667"
    assert texts_drawn["proactive.licensing"] == texts.UNFILLED_CELL
    check_drawn(pic)


def test_huge_numbers_widen_the_picture_but_never_wrap(county: Report) -> None:
    values = dict(county.values)
    for table in CURRENT.tables:
        big = Decimal("999999999.999999") if table.number.decimals else 99_999_999
        for row in table.input_rows:
            values[row.key] = tuple(big for _ in table.input_columns)
    report = with_totals(dataclasses.replace(county, values=values))
    for pic in table_pictures(report):
        assert within_telegram_limits(pic.size)
        assert all(len(c.lines) == 1 for c in pic.cells if c.cell.kind is Kind.NUMBER)
        check_drawn(pic)


def test_an_empty_report_draws_every_cell_unfilled() -> None:
    report = Report("某某县人民政府" * 12, Level.GOVERNMENT, 2025)
    for pic in table_pictures(report):
        assert max(pic.size) <= picture.MAX_SIDE
        numbers = [c for c in pic.cells if c.cell.kind is Kind.NUMBER]
        assert numbers and all(c.cell.unfilled for c in numbers)
        assert "".join(line.text for line in pic.captions[:-1]) == texts.TITLE.format(agency=report.agency, year=2025)
        check_drawn(pic)


def test_all_tables_in_one_picture(county: Report, county_pictures: tuple[Picture, ...]) -> None:
    pic = draw_tables(county)
    assert [line.text for line in pic.captions[1:]] == [s.heading for s in CURRENT.sections if s.tables]
    assert Image.open(io.BytesIO(render_tables_png(county))).size == pic.size
    assert within_telegram_limits(pic.size)
    assert len(pic.cells) == sum(len(p.cells) for p in county_pictures)
    check_drawn(pic)
    assert render_tables_png(county, tables=("三",)) == county_pictures[1].png  # the same bytes every time
    with pytest.raises(ValueError, match="一"):
        draw_tables(county, ("一",))


@pytest.fixture
def fresh_fonts() -> Iterator[None]:
    """Font discovery run anew, and again afterwards for the other tests."""
    picture.font_files.cache_clear()
    picture._font.cache_clear()
    yield
    picture.font_files.cache_clear()
    picture._font.cache_clear()


def test_without_a_chinese_font_the_caller_is_told(
    county: Report, fresh_fonts: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # fontconfig answers a missing family with a font that has no Chinese (DejaVu Sans): not taken
    monkeypatch.setattr(picture, "FONT_FAMILIES", ("No Such Font Family",))
    monkeypatch.setattr(picture, "KNOWN_FONT_DIRS", (str(tmp_path),))
    with pytest.raises(NoCjkFont) as raised:
        render_tables_png(county)
    assert isinstance(raised.value, RenderError)
    assert str(raised.value) == texts.PICTURE_NO_FONT


def test_noto_is_found_where_distributions_put_it(fresh_fonts: None, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = next((d for d in picture.KNOWN_FONT_DIRS if (Path(d) / "NotoSansCJK-Regular.ttc").is_file()), None)
    if folder is None:
        pytest.skip("Noto Sans CJK is not at a known place on this machine")
    monkeypatch.setattr(picture, "FONT_FAMILIES", ("No Such Font Family",))
    regular, _ = picture.font_files()
    assert regular.path == str(Path(folder) / "NotoSansCJK-Regular.ttc")
    assert picture._font(20).getname() == ("Noto Sans CJK SC", "Regular")
