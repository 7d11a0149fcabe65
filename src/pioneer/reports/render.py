"""Render a :class:`~pioneer.reports.document.Report` as DOCX (python-docx) or PDF (HTML → WeasyPrint with the
system's Noto CJK fonts). Output files are written atomically (``.part`` then rename): no partial file."""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

from pioneer.reports.document import A4, Figure, Heading, Paragraph, Report, Table

FONT_DOCX = "Noto Sans CJK SC"  # Word falls back to its own CJK font where this one is not installed
FONTS_CSS = '"Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Serif CJK SC", sans-serif'


def _east_asian(run, font: str = FONT_DOCX) -> None:
    from docx.oxml.ns import qn

    run.font.name = font
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), font)


def _xml(tag: str, **attrs: str):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement(tag)
    for k, v in attrs.items():
        el.set(qn(k), v)
    return el


def _page_setup(d) -> None:
    """A4 with the type area of :data:`pioneer.reports.document.A4`, and the page number centred in the footer."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    sec = d.sections[0]
    sec.page_width, sec.page_height = Cm(A4.width), Cm(A4.height)
    sec.top_margin, sec.bottom_margin = Cm(A4.top), Cm(A4.bottom)
    sec.left_margin, sec.right_margin = Cm(A4.left), Cm(A4.right)
    sec.footer_distance = Cm(2.0)
    p = sec.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = _xml("w:fldSimple", **{"w:instr": "PAGE"})
    run = _xml("w:r")
    text = _xml("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    p._p.append(field)


def _docx_table(d, b: Table, cell_style) -> None:
    """A fixed-layout table across the type area: sized columns (grid and every cell), the header row repeated
    on each page, rows never split across pages, numbers right-aligned."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm

    widths, numeric = b.widths(A4), b.numeric()
    t = d.add_table(rows=1 + len(b.rows), cols=len(b.columns))
    t.style = "Table Grid"
    t.autofit = False
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    tbl_pr = t._tbl.tblPr
    for old in tbl_pr.findall(qn("w:tblW")):
        tbl_pr.remove(old)
    tbl_pr.append(_xml("w:tblW", **{"w:w": str(round(sum(widths) / 2.54 * 1440)), "w:type": "dxa"}))
    tbl_pr.append(_xml("w:tblLayout", **{"w:type": "fixed"}))
    for col, w in zip(t._tbl.tblGrid.gridCol_lst, widths, strict=True):
        col.w = Cm(w)
    rows = t.rows  # (t.cell(i, j) rebuilds the grid on every call: quadratic; take each row's cells once)
    for i, (row, values) in enumerate(zip(rows, [b.columns, *b.rows], strict=True)):
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(_xml("w:cantSplit"))
        if i == 0:
            tr_pr.append(_xml("w:tblHeader"))
        for j, (cell, v) in enumerate(zip(row.cells, values, strict=True)):
            cell.width = Cm(widths[j])
            par = cell.paragraphs[0]
            par.style = cell_style
            run = par.add_run(v)
            if i == 0:
                run.bold = True
            elif numeric[j]:
                par.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def to_docx(report: Report) -> bytes:
    """The report as a Word document on A4 (:func:`_page_setup`): headings use Word's Heading styles (levels 0–3),
    tables the Table Grid style with sized columns and repeated header rows (:func:`_docx_table`)."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    d = docx.Document()
    _page_setup(d)
    d.core_properties.title = report.title
    d.core_properties.language = "zh-CN" if report.lang.startswith("zh") else "en"
    for style in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Caption"):
        st = d.styles[style]
        st.font.name = FONT_DOCX
        rpr = st.element.get_or_add_rPr()
        from docx.oxml.ns import qn

        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(fonts)
        fonts.set(qn("w:eastAsia"), FONT_DOCX)
    d.styles["Normal"].font.size = Pt(10.5)
    cell_style = d.styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    cell_style.base_style = d.styles["Normal"]
    cell_style.font.size = Pt(A4.table_font_pt)
    cell_style.paragraph_format.space_before = cell_style.paragraph_format.space_after = Pt(0)
    cell_style.paragraph_format.line_spacing = 1.0
    d.add_heading(report.title, level=0)
    sub = d.add_paragraph(report.subtitle)
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for b in report.blocks:
        if isinstance(b, Heading):
            d.add_heading(b.text, level=min(3, b.level))
        elif isinstance(b, Paragraph):
            p = d.add_paragraph(b.text)
            if b.style == "note":
                for r in p.runs:
                    r.font.size = Pt(9)
                    r.italic = True
        elif isinstance(b, Table):
            if b.caption:
                cap = d.add_paragraph(b.caption, style="Caption")
                cap.paragraph_format.keep_with_next = True
            _docx_table(d, b, cell_style)
        elif isinstance(b, Figure):
            d.add_picture(io.BytesIO(b.png), width=Cm(min(b.width_cm, A4.text_width)))
            d.add_paragraph(b.caption, style="Caption")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


CSS = f"""
@page {{ size: A4; margin: {A4.top}cm {A4.right}cm {A4.bottom}cm {A4.left}cm;
        @bottom-center {{ content: counter(page); font-size: 9pt; }} }}
body {{ font-family: {FONTS_CSS}; font-size: 10.5pt; line-height: 1.5; color: #111; }}
h1.title {{ font-size: 20pt; text-align: center; margin: 0.6cm 0 0.3cm; }}
p.subtitle {{ text-align: center; color: #444; margin-bottom: 1cm; }}
h1 {{ font-size: 15pt; margin-top: 0.8cm; border-bottom: 1px solid #999; }}
h2 {{ font-size: 12.5pt; }} h3 {{ font-size: 11pt; }}
table {{ border-collapse: collapse; width: 100%; table-layout: fixed; margin: 0.2cm 0 0.4cm;
         font-size: {A4.table_font_pt}pt; }}
tr {{ break-inside: avoid; }} thead {{ display: table-header-group; }}
th, td {{ border: 0.5pt solid #666; padding: 2pt 4pt; vertical-align: top; overflow-wrap: break-word; }}
td.num {{ text-align: right; }}
.caption + table, p.caption {{ break-after: avoid; }}
th {{ background: #e8eef5; }}
.caption {{ font-size: 9pt; color: #333; font-weight: bold; }}
p.note {{ font-size: 8.5pt; color: #555; }}
img {{ max-width: 100%; }}
"""


def to_html(report: Report) -> str:
    """The report as a standalone HTML page (figures inline as PNG data URIs)."""
    e = html.escape
    parts = [f'<!doctype html><html lang="{"zh-CN" if report.lang.startswith("zh") else "en"}"><head>'
             f'<meta charset="utf-8"><title>{e(report.title)}</title><style>{CSS}</style></head><body>',
             f'<h1 class="title">{e(report.title)}</h1><p class="subtitle">{e(report.subtitle)}</p>']  # fmt: skip
    for b in report.blocks:
        if isinstance(b, Heading):
            parts.append(f"<h{b.level}>{e(b.text)}</h{b.level}>")
        elif isinstance(b, Paragraph):
            parts.append(f'<p class="{b.style}">{e(b.text)}</p>')
        elif isinstance(b, Table):
            cap = f'<p class="caption">{e(b.caption)}</p>' if b.caption else ""
            widths, numeric = b.widths(A4), b.numeric()
            cols = "".join(f'<col style="width:{100 * w / sum(widths):.2f}%">' for w in widths)
            head = "".join(f"<th>{e(c)}</th>" for c in b.columns)
            body = "".join("<tr>" + "".join(f'<td class="num">{e(v)}</td>' if numeric[j] else f"<td>{e(v)}</td>"
                                            for j, v in enumerate(row)) + "</tr>" for row in b.rows)  # fmt: skip
            parts.append(f'{cap}<table data-key="{e(b.key)}"><colgroup>{cols}</colgroup><thead><tr>{head}</tr>'
                         f"</thead><tbody>{body}</tbody></table>")  # fmt: skip
        elif isinstance(b, Figure):
            src = "data:image/png;base64," + base64.b64encode(b.png).decode()
            parts.append(f'<figure><img src="{src}" style="width:{b.width_cm}cm"><p class="caption">{e(b.caption)}'
                         "</p></figure>")  # fmt: skip
    parts.append("</body></html>")
    return "".join(parts)


def to_pdf(report: Report) -> bytes:
    """The report as PDF through WeasyPrint (fonts from the system: ``fonts-noto-cjk``)."""
    from weasyprint import HTML

    return HTML(string=to_html(report)).write_pdf()


FORMATS = {"docx": to_docx, "pdf": to_pdf, "html": lambda r: to_html(r).encode()}


def write(report: Report, path: str | Path, fmt: str | None = None) -> Path:
    """Write ``report`` to ``path`` in ``fmt`` (default: the file's suffix), atomically."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        from pioneer.errors import InputError

        raise InputError(
            "报告格式须为 docx、pdf 或 html", "report format must be docx, pdf or html", value=fmt
        )
    data = FORMATS[fmt](report)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path
