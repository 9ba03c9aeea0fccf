"""The official documents' layout (Nghị định 30/2020/NĐ-CP): Times New Roman, paragraphs with
their spacing and first-line indent, tables without borders, fixed widths, rows kept on one page.
The report builds its document from these; nothing here knows what a report says.

Each look of a body paragraph is a paragraph style, defined once on the document with
python-docx's public API (`document.styles`): a paragraph only names its style, so ten thousand
activities cost ten thousand small paragraphs, and an office that opens the file in Word finds
the looks under their names ("Nội dung", "Đề mục", ...) and may change them in one place. The
styles live in code rather than in a committed .docx template: a template is a binary a
reviewer cannot read, and python-docx's own default document is already the right base (A4 is
set on the section, every look here).
"""

from __future__ import annotations

from typing import NamedTuple

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

FONT = "Times New Roman"


class Look(NamedTuple):
    """How a paragraph looks: its text's size and emphasis, alignment, first-line indent, the
    space after it (points)."""
    size: float = 14
    bold: bool = False
    italic: bool = False
    underline: bool = False
    align: int = WD_ALIGN_PARAGRAPH.JUSTIFY
    indent: bool = True
    after: float = 6


# The report body's looks, by style name (what Word lists; the body's own look is Normal).
BODY, HEADING, NOTE, TITLE, SUBTITLE, SPACER = "Nội dung", "Đề mục", "Ghi chú", "Tiêu đề", "Trích yếu", "Dòng trống"
LOOKS = {
    BODY: Look(),
    HEADING: Look(bold=True),
    NOTE: Look(italic=True),
    TITLE: Look(bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, after=0),
    SUBTITLE: Look(bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, after=12),
    SPACER: Look(indent=False),
}


_KEPT = {"Normal", "Default Paragraph Font", "Normal Table", "No List"}  # what the defaults point to


def set_up(document) -> None:
    """Normal is the body's look (Times New Roman 14, justified, first-line indent), and one
    paragraph style per other look of LOOKS. Body text names no style at all: python-docx's
    public style setter costs about 0,5 ms a paragraph (it looks the style up and checks it
    against the default), which a province's twenty thousand paragraphs felt as 10 s. The
    default template's other 160 styles are deleted: python-docx reads every style of the
    document to give a paragraph its style (3 ms a paragraph with them, 0.3 ms without)."""
    for style in list(document.styles):
        if style.name not in _KEPT:
            style.delete()
    normal = document.styles["Normal"]
    normal.font.name = FONT
    _east_asian_font(normal)
    _apply(normal.font, normal.paragraph_format, LOOKS[BODY])
    for name, look in LOOKS.items():
        if name == BODY:
            continue
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.quick_style = True
        _apply(style.font, style.paragraph_format, look)


def _apply(font, paragraph_format, look: Look) -> None:
    font.size = Pt(look.size)
    font.bold, font.italic, font.underline = look.bold, look.italic, look.underline
    paragraph_format.alignment = look.align
    paragraph_format.space_before, paragraph_format.space_after = Pt(0), Pt(look.after)
    paragraph_format.line_spacing = 1.1
    # zero, not unset: a look without indent must not inherit Normal's
    paragraph_format.first_line_indent = Mm(12.7) if look.indent else Mm(0)


class Body:
    """The body's paragraphs, each inserted before `end` (a paragraph already in the document):
    python-docx's document.add_paragraph looks for the body's closing section properties among
    all its children, at every paragraph (a province's report has twenty thousand);
    insert_paragraph_before puts the new one in place at once."""

    def __init__(self, document, end) -> None:
        self.end = end
        # the body's look is Normal's: its paragraphs name no style (see set_up)
        self.styles = {name: None if name == BODY else document.styles[name] for name in LOOKS}

    def add(self, text: str = "", style: str = BODY):
        return self.end.insert_paragraph_before(text, self.styles[style])


def cell_lines(cell, lines: list[tuple[str, float, bool, bool, bool]], align=WD_ALIGN_PARAGRAPH.CENTER) -> None:
    """A cell's lines (text, size, bold, italic, underline), the first in the cell's own paragraph."""
    for index, (text, size, bold, italic, underline) in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        look = Look(size, bold, italic, underline, align, indent=False, after=0)
        _apply(paragraph.add_run(text).font, paragraph.paragraph_format, look)


def widths(table, *millimetres: float) -> None:
    """Fixed column widths (Word reads the cells, LibreOffice the grid: set both)."""
    table.autofit = False
    for column, width in zip(table.columns, millimetres, strict=False):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)


# ---------------------------------------------------------------- what python-docx has no API for
#
# python-docx 1.2 sets a font's ascii and hAnsi names only, and has no "row cannot split" property.
# These two functions are the only places that touch the XML: the first through a style's public
# `element`, the second through a row's `_tr` (a table row has no public element).


def _east_asian_font(style) -> None:
    """The East Asian slot of the style's font as well: Word with an East Asian language enabled
    sets quotes and some punctuation in it (MS Mincho among Times New Roman)."""
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def unsplit(table) -> None:
    """Rows that a page break does not cut: the signature block (recipients, title, name) stays
    on one page, as a signed document needs (a full year's report ended with the signer's name
    alone on a last page)."""
    for row in table.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
