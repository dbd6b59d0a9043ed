"""Builds ``agreements/agreement_template.docx``, the docxtpl template of the agreement.

Run it after changing the layout and commit the .docx it writes:

    .venv/bin/python src/techbridge/agreements/templates_src/build_docx_template.py

The template holds layout only: every word of the agreement comes from the version's snapshot
(``agreements.content``), so the DOCX and the PDF say the same. Chinese text is set in 宋体
(SimSun) and headings in 黑体 (SimHei) through the styles' East Asian font, which Word and
LibreOffice honour; Latin text in Times New Roman.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

OUTPUT = Path(__file__).resolve().parent.parent / "agreement_template.docx"
BODY_FONT, HEADING_FONT, LATIN_FONT = "宋体", "黑体", "Times New Roman"


def _fonts(style, east_asian: str, size: float, *, bold: bool = False) -> None:
    style.font.name = LATIN_FONT
    style.font.size = Pt(size)
    style.font.bold = bold
    r_pr = style.element.get_or_add_rPr()
    r_fonts = r_pr.find(qn("w:rFonts"))
    if r_fonts is None:
        r_fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, r_fonts)
    for attribute in ("w:ascii", "w:hAnsi"):
        r_fonts.set(qn(attribute), LATIN_FONT)
    r_fonts.set(qn("w:eastAsia"), east_asian)


def _styles(document) -> None:
    styles = document.styles
    normal = styles["Normal"]
    _fonts(normal, BODY_FONT, 11)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.25
    title = styles.add_style("AgreementTitle", 1)
    title.base_style = normal
    _fonts(title, HEADING_FONT, 18, bold=True)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(6)
    heading = styles.add_style("AgreementHeading", 1)
    heading.base_style = normal
    _fonts(heading, HEADING_FONT, 13, bold=True)
    heading.paragraph_format.space_before = Pt(10)
    heading.paragraph_format.keep_with_next = True
    clause = styles.add_style("AgreementClause", 1)
    clause.base_style = normal
    clause.paragraph_format.first_line_indent = Pt(22)
    small = styles.add_style("AgreementSmall", 1)
    small.base_style = normal
    _fonts(small, BODY_FONT, 9)


def _row_table(document, rows_expression: str) -> None:
    """A two-column table of label and value, one row per item of ``rows_expression``."""
    table = document.add_table(rows=3, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.cell(0, 0).text = f"{{%tr for row in {rows_expression} %}}"
    table.cell(1, 0).text = "{{ row[0] }}"
    table.cell(1, 1).text = "{{ row[1] }}"
    table.cell(2, 0).text = "{%tr endfor %}"
    for row in table.rows:
        row.cells[0].width = Cm(4.2)
        row.cells[1].width = Cm(11.8)


def build(output: Path = OUTPUT) -> Path:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin = section.right_margin = Cm(2.6)
    _styles(document)

    document.add_paragraph("{{ labels.title }}", style="AgreementTitle")
    subtitle = document.add_paragraph("{{ labels.subtitle }}")
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    number = document.add_paragraph(
        "{{ labels.number }}: {{ number }}    {{ labels.version }}: {{ version }}"
    )
    number.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_paragraph(
        "{{ labels.round }}: {{ round.name }} ({{ round.period }}, {{ round.region }})"
    )

    document.add_paragraph("{{ labels.parties }}", style="AgreementHeading")
    for party in ("enterprise", "commissioner", "unit"):
        document.add_paragraph(f"{{{{ parties.{party}.heading }}}}").runs[0].bold = True
        _row_table(document, f"parties.{party}.rows")

    document.add_paragraph("{{ labels.demand }}", style="AgreementHeading")
    _row_table(document, "demand.rows")

    document.add_paragraph("{%p for article in articles %}")
    document.add_paragraph("{{ article.heading }}", style="AgreementHeading")
    document.add_paragraph("{%p for paragraph in article.paragraphs %}")
    document.add_paragraph("{{ paragraph }}", style="AgreementClause")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{%p endfor %}")

    document.add_paragraph("{{ labels.signatures }}", style="AgreementHeading")
    table = document.add_table(rows=4, cols=3)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for column in range(3):
        table.cell(0, column).text = f"{{{{ signatures[{column}].heading }}}}"
        table.cell(0, column).paragraphs[0].runs[0].bold = True
        table.cell(1, column).text = f"{{{{ signatures[{column}].name }}}}"
        table.cell(2, column).text = "{{ labels.signature }}:\n\n"
        table.cell(3, column).text = f"{{{{ signatures[{column}].confirmation }}}}"

    footer = section.footer.paragraphs[0]
    footer.text = "{{ number }} v{{ version }} · {{ labels.fingerprint }}: {{ fingerprint }}"
    footer.style = "AgreementSmall"
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER

    document.core_properties.title = "Three-party agreement template"
    document.core_properties.author = "TechBridge"
    document.save(str(output))
    return output


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT))
