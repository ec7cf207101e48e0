"""Any document as an A4 PDF: a ruled grid like the paper 维护单 the customer signs.

fpdf2 (pure Python, LGPL-3.0) draws it; it and Pillow are imported here,
inside ``to_pdf``, never at CLI start-up. Every text uses the embedded CJK
font (``dcmaint.forms.fonts``), subset to the glyphs the form uses, so a
one-page form stays well under 100 KB and every reader shows the same
glyphs. Lines are broken by ``dcmaint.forms.wrap`` before fpdf2 sees them,
so Chinese wraps between characters and serials stay whole, and every row's
height is known before it is drawn: a section that fits on a page is never
split (the customer signs under the fields they sign for). A blank is an
empty cell of writing height: the printed form is filled in by hand.

A ``Chart`` (a monthly report's, an inspection report's) is its title as
text, the drawing (``dcmaint.forms.charts``, a PNG in the same font) in a
framed row the width of the page, and its data table: on paper the figures
are read, not guessed from the height of a bar, and a text extractor finds
the title and every figure.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from dcmaint.forms.content import BLANK, Block, Chart, Field, Fields, Sheet, Signature, Table, Text
from dcmaint.forms.fonts import CjkFont, cjk_font
from dcmaint.forms.wrap import wrap

if TYPE_CHECKING:
    from fpdf import FPDF

FAMILY = "cjk"
MARGIN = 15.0  # mm, left and right
TOP = 12.0  # mm
BOTTOM = 14.0  # mm, above the footer
WIDTH = 180.0  # A4 width less the margins
FONT_SIZE = 9  # pt
LINE = 4.4  # mm per text line
PAD = 1.0  # mm inside each cell
ROW = LINE + 2 * PAD  # a one-line row: also the height of a handwritten blank
WRITING_SPACE = 4 * LINE  # a blank text block: room for a few handwritten lines
SIGNING_SPACE = 19.0  # the signature box
TEXT_CHUNK = 3  # lines per row of a long text (rows without rules between them), so it flows over pages
FIELD_WIDTHS = (15, 35, 15, 35)  # label, value, label, value (relative)
LABEL_FILL = (238, 240, 243)
LABEL_INK = (70, 70, 70)
HEAD_FILL = (214, 222, 232)
HEAD = 6.5  # a section heading
GAP = 1.5  # between sections
TEXT_KEEP = 2  # a text section that cannot stay whole keeps its heading with this many rows
MISSING = "□"  # stands for a character the font lacks (fpdf2 would drop it silently)


@dataclass(frozen=True)
class Cell:
    text: str  # already broken into lines that fit
    colspan: int = 1
    label: bool = False  # shaded, grey ink
    padding: tuple[float, float, float, float] = (PAD, PAD, PAD, PAD)  # top, right, bottom, left


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    height: float  # what fpdf2 will draw: the tallest cell, at least a writing line


@dataclass(frozen=True)
class Grid:
    widths: tuple[float, ...]  # mm
    rows: tuple[Row, ...]
    headings: bool = False  # the first row is a header, repeated after a page break
    ruled: bool = True  # False: one box, no lines between rows (a text cut into rows only to flow)
    image: bytes | None = None  # drawn into the last row's value cell (the signature, a chart)
    image_column: int = 1  # the column the image is drawn in: 1 beside the signature's label, 0 a chart's row

    @property
    def height(self) -> float:
        return sum(row.height for row in self.rows)


@dataclass(frozen=True)
class Typeface:
    measure: Callable[[str], float]  # width in mm at the body size
    covered: Container[int]  # the code points the font has glyphs for

    def printable(self, text: str) -> str:
        """A rare character outside the font (CJK extension B...) shows as □, not as nothing."""
        return "".join(c if c == "\n" or ord(c) in self.covered else MISSING for c in text)


def to_pdf(sheet: Sheet, font_file: Path | None = None) -> bytes:
    """The PDF of ``sheet``, drawn with the CJK font ``font_file`` names, else the one shipped (forms.fonts)."""
    from fpdf import FPDF
    from fpdf.fonts import TTFFont

    class FormPDF(FPDF):
        def footer(self) -> None:
            self.set_y(-10)
            self.set_font(FAMILY, size=7.5)
            self.set_text_color(120)
            self.cell(WIDTH / 2, 4, f"{sheet.title} {sheet.reference}", align="L")
            self.cell(WIDTH / 2, 4, sheet.page_label.format(page=self.page_no(), pages="{nb}"), align="R")

    cjk = cjk_font(font_file)
    pdf = FormPDF(format="A4", unit="mm")
    pdf.set_margins(MARGIN, TOP, MARGIN)
    pdf.set_auto_page_break(True, margin=BOTTOM)
    pdf.add_font(FAMILY, "", str(cjk.path), collection_font_number=cjk.index)
    pdf.set_title(f"{sheet.title} {sheet.reference}")
    pdf.set_lang("zh-CN" if sheet.lang == "zh" else "en")
    pdf.set_creator("dcmaint")
    pdf.add_page()
    _heading(pdf, sheet)
    font = pdf.fonts[FAMILY]
    assert isinstance(font, TTFFont)  # added just above from a TrueType file
    face = Typeface(pdf.get_string_width, font.cmap)
    for index, section in enumerate(sheet.sections):
        if index:
            pdf.ln(GAP)
        pdf.set_font(FAMILY, size=FONT_SIZE)
        grids = [grid for part in section.blocks for grid in _layout(part, face, cjk)]
        _section(pdf, section.title, grids, keep_whole=not any(isinstance(p, Text) for p in section.blocks))
    return bytes(pdf.output())


def _heading(pdf: FPDF, sheet: Sheet) -> None:
    pdf.set_font(FAMILY, size=20)
    with pdf.local_context(text_mode="FILL_STROKE", line_width=0.3):  # the font has no bold face
        pdf.cell(WIDTH, 10, sheet.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, size=9)
    pdf.set_text_color(90)
    pdf.cell(WIDTH / 2, 6, sheet.timezone_note, align="L")
    pdf.set_font(FAMILY, size=11)
    pdf.set_text_color(0)
    separator = "：" if sheet.lang == "zh" else ": "
    reference = f"{sheet.reference_label}{separator}{sheet.reference}"
    pdf.cell(WIDTH / 2, 6, reference, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _section(pdf: FPDF, title: str, grids: list[Grid], keep_whole: bool) -> None:
    """Start on the next page rather than split a section that would fit on one."""
    room = pdf.page_break_trigger - pdf.get_y()
    whole = HEAD + sum(grid.height for grid in grids)
    rows = [row for grid in grids for row in grid.rows]
    first_rows = HEAD + sum(row.height for row in rows[:TEXT_KEEP])
    fits_a_page = whole <= pdf.page_break_trigger - pdf.t_margin
    at_top = pdf.get_y() <= pdf.t_margin + 1
    if whole > room and not at_top and ((keep_whole and fits_a_page) or first_rows > room):
        pdf.add_page()
    pdf.set_font(FAMILY, size=10)
    pdf.set_fill_color(*HEAD_FILL)
    pdf.set_draw_color(90)
    pdf.cell(WIDTH, HEAD, title, border=1, fill=True, new_x="LMARGIN", new_y="NEXT")
    pdf.set_fill_color(255)  # tables fill with the current colour: value cells stay white
    pdf.set_font(FAMILY, size=FONT_SIZE)
    for grid in grids:
        _draw(pdf, grid)


def _fit(text: str, width: float, face: Typeface) -> str:
    """``text`` broken into lines that fit a cell ``width`` mm wide (less its padding)."""
    return "\n".join(wrap(face.printable(text), width - 2 * PAD - 0.5, face.measure))


def _mm(widths: Sequence[int]) -> tuple[float, ...]:
    return tuple(WIDTH * w / sum(widths) for w in widths)


def _row(cells: Sequence[Cell], minimum: float = ROW) -> Row:
    return Row(
        tuple(cells),
        max(minimum, *((cell.text.count("\n") + 1) * LINE + cell.padding[0] + cell.padding[2] for cell in cells)),
    )


def _layout(part: Block, face: Typeface, font: CjkFont) -> list[Grid]:
    """The grids a block is drawn as: one for most, the drawing and then its data table for a chart."""
    if isinstance(part, Chart):
        return [_chart(part, face, font), _table(part.as_table(part.axis or part.title), face)]
    if isinstance(part, Table):
        return [_table(part, face)]
    return [_block(part, face)]


def _chart(part: Chart, face: Typeface, font: CjkFont) -> Grid:
    """The chart's title as text, then the chart drawn as a PNG into a framed row the width of the page."""
    from dcmaint.forms.charts import png, size_mm

    _width, height = size_mm(WIDTH - 2 * PAD)
    rows = (_row([Cell(_fit(part.title, WIDTH, face), label=True)]), Row((Cell(BLANK),), height + 2 * PAD))
    return Grid((WIDTH,), rows, image=png(part, font), image_column=0)


def _table(part: Table, face: Typeface) -> Grid:
    widths = _mm(part.widths)
    rows = [_row([Cell(_fit(h, w, face), label=True) for h, w in zip(part.header, widths, strict=True)])]
    rows += [_row([Cell(_fit(v, w, face)) for v, w in zip(values, widths, strict=True)]) for values in part.rows]
    return Grid(widths, tuple(rows), headings=True)


def _block(part: Fields | Text | Signature, face: Typeface) -> Grid:
    if isinstance(part, Fields):
        return _fields(part.fields, face)
    if isinstance(part, Text):
        if part.body == BLANK:
            return Grid((WIDTH,), (_row([Cell(BLANK)], WRITING_SPACE),))
        lines = _fit(part.body, WIDTH, face).split("\n")
        starts = range(0, len(lines), TEXT_CHUNK)
        return Grid(
            (WIDTH,),
            tuple(
                _row(
                    [
                        Cell(
                            "\n".join(lines[i : i + TEXT_CHUNK]),  # padded only at the top and bottom of the box
                            padding=(PAD if i == 0 else 0, PAD, PAD if i + TEXT_CHUNK >= len(lines) else 0, PAD),
                        )
                    ],
                    minimum=0,
                )
                for i in starts
            ),
            ruled=False,
        )
    widths = _mm(FIELD_WIDTHS)
    cells = [Cell(_fit(part.label, widths[0], face), label=True), Cell(BLANK, colspan=3)]
    return Grid(widths, (_row(cells, SIGNING_SPACE),), image=part.image)


def _fields(fields: Sequence[Field], face: Typeface) -> Grid:
    """Two label/value pairs a row; a wide field takes the whole row."""
    widths = _mm(FIELD_WIDTHS)
    label_mm, value_mm = widths[0], widths[1]
    pairs: list[list[Field]] = []
    for field in fields:
        if field.wide or not pairs or pairs[-1][0].wide or len(pairs[-1]) == 2:
            pairs.append([field])
        else:
            pairs[-1].append(field)
    rows = []
    for pair in pairs:
        cells = []
        for field in pair:
            cells.append(Cell(_fit(field.label, label_mm, face), label=True))
            if field.wide:
                cells.append(Cell(_fit(field.value, WIDTH - label_mm, face), colspan=3))
            else:
                cells.append(Cell(_fit(field.value, value_mm, face)))
        if len(cells) == 2 and cells[1].colspan == 1:
            cells += [Cell(BLANK, label=True), Cell(BLANK)]
        rows.append(_row(cells))
    return Grid(widths, tuple(rows))


def _draw(pdf: FPDF, grid: Grid) -> None:
    from fpdf import FontFace

    label = FontFace(fill_color=LABEL_FILL, color=LABEL_INK)
    with pdf.table(
        width=WIDTH,
        col_widths=grid.widths,
        first_row_as_headings=grid.headings,
        headings_style=label,
        text_align="LEFT",
        v_align="MIDDLE",
        line_height=LINE,
        padding=PAD,
        wrapmode="CHAR",
        borders_layout="ALL" if grid.ruled else "NO_HORIZONTAL_LINES",
    ) as table:
        for row in grid.rows:
            drawn = table.row(min_height=row.height)
            for cell in row.cells:
                drawn.cell(cell.text, colspan=cell.colspan, style=label if cell.label else None, padding=cell.padding)
    if grid.image is not None:
        top = pdf.get_y() - grid.rows[-1].height  # the row just drawn, on whichever page it landed
        beside = sum(grid.widths[: grid.image_column])
        left = MARGIN + beside
        box_w, box_h = WIDTH - beside - 2 * PAD, grid.rows[-1].height - 2 * PAD
        pdf.image(BytesIO(grid.image), x=left + PAD, y=top + PAD, w=box_w, h=box_h, keep_aspect_ratio=True)
