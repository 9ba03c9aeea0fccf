"""The official documents' layout (Nghị định 30/2020/NĐ-CP): Times New Roman, paragraphs with
their spacing and first-line indent, tables without borders, fixed widths, rows kept on one page.
The report builds its document from these; nothing here knows what a report says."""

from __future__ import annotations

import copy

from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

FONT = "Times New Roman"


def font(run, size: float, bold: bool = False, italic: bool = False, underline: bool = False) -> None:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold, run.italic, run.underline = bold, italic, underline
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)


def paragraph(container, text: str = "", size: float = 14, bold: bool = False, italic: bool = False,
               align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = True, after: float = 6, underline: bool = False):
    if isinstance(container, DocumentObject) and text and not _UNPLAIN.intersection(text):
        return body_paragraph(container, text, (size, bold, italic, align, indent, after, underline))
    return formatted(container.add_paragraph(), text, size, bold, italic, align, indent, after, underline)


def formatted(paragraph, text: str, size: float, bold: bool, italic: bool, align, indent: bool, after: float,
               underline: bool):
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), Pt(after)
    fmt.line_spacing = 1.1
    if indent:
        fmt.first_line_indent = Mm(12.7)
    if text:
        font(paragraph.add_run(text), size, bold, italic, underline)
    return paragraph


_UNPLAIN = set("\t\n\r")  # python-docx writes these as w:tab and w:br, not as text


def body_paragraph(document, text: str, style: tuple):
    """A paragraph of the document's body, as _formatted makes it, in constant time. At province
    scale the report lists ten thousand activities: python-docx looks for the body's closing sectPr
    among all its children for each paragraph it adds, and builds each paragraph's formatting
    element by element (about 1 ms each); here the first paragraph of each style is made by
    python-docx and the others are copies of it with their own text."""
    templates = document.__dict__.setdefault("_vanhoa_paragraphs", {})
    body = document.element.body
    if style not in templates:
        paragraph = formatted(document.add_paragraph(), text, *style)
        templates[style] = copy.deepcopy(paragraph._element)
        return paragraph
    element = copy.deepcopy(templates[style])
    run_text = element.find(f"{qn('w:r')}/{qn('w:t')}")
    run_text.text = text
    run_text.set(qn("xml:space"), "preserve")
    last = body[-1]  # lxml finds the last child from the end; len(body) would count them all
    if last.tag == qn("w:sectPr"):
        last.addprevious(element)
    else:
        body.append(element)
    return Paragraph(element, document._body)


def no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def unsplit(table) -> None:
    """Rows that a page break does not cut: the signature block (recipients, title, name) stays
    on one page, as a signed document needs (a full year's report ended with the signer's name
    alone on a last page)."""
    for row in table.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def widths(table, *millimetres: float) -> None:
    """Fixed column widths (Word reads the cells, LibreOffice the grid: set both)."""
    table.autofit = False
    for column, width in zip(table.columns, millimetres):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)


def cell_lines(cell, lines: list[tuple[str, float, bool, bool, bool]], align=WD_ALIGN_PARAGRAPH.CENTER) -> None:
    cell.paragraphs[0]._element.getparent().remove(cell.paragraphs[0]._element)
    for text, size, bold, italic, underline in lines:
        paragraph(cell, text, size, bold, italic, align=align, indent=False, after=0, underline=underline)


