"""Render a :class:`~pioneer.reports.document.Report` as DOCX (python-docx) or PDF (HTML → WeasyPrint with the
system's Noto CJK fonts). Output files are written atomically (``.part`` then rename): no partial file."""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

from pioneer.reports.document import Figure, Heading, Paragraph, Report, Table

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


def to_docx(report: Report) -> bytes:
    """The report as a Word document: headings use Word's Heading styles (levels 0–3), tables the Table Grid style."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    d = docx.Document()
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
                d.add_paragraph(b.caption, style="Caption")
            t = d.add_table(rows=1 + len(b.rows), cols=len(b.columns))
            t.style = "Table Grid"
            rows = (
                t.rows
            )  # (t.cell(i, j) rebuilds the grid on every call: quadratic; take each row's cells once)
            for cell, c in zip(rows[0].cells, b.columns, strict=True):
                cell.text = c
                for r in cell.paragraphs[0].runs:
                    r.bold = True
            for row, values in zip(list(rows)[1:], b.rows, strict=True):
                for cell, v in zip(row.cells, values, strict=True):
                    cell.text = v
        elif isinstance(b, Figure):
            d.add_picture(io.BytesIO(b.png), width=Cm(b.width_cm))
            d.add_paragraph(b.caption, style="Caption")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


CSS = f"""
@page {{ size: A4; margin: 2cm 1.8cm; @bottom-center {{ content: counter(page); font-size: 9pt; }} }}
body {{ font-family: {FONTS_CSS}; font-size: 10.5pt; line-height: 1.5; color: #111; }}
h1.title {{ font-size: 20pt; text-align: center; margin: 1.5cm 0 0.3cm; }}
p.subtitle {{ text-align: center; color: #444; margin-bottom: 1cm; }}
h1 {{ font-size: 15pt; margin-top: 0.8cm; border-bottom: 1px solid #999; }}
h2 {{ font-size: 12.5pt; }} h3 {{ font-size: 11pt; }}
table {{ border-collapse: collapse; width: 100%; margin: 0.2cm 0 0.4cm; font-size: 9pt; }}
th, td {{ border: 0.5pt solid #666; padding: 2pt 4pt; vertical-align: top; overflow-wrap: anywhere; }}
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
            head = "".join(f"<th>{e(c)}</th>" for c in b.columns)
            body = "".join("<tr>" + "".join(f"<td>{e(v)}</td>" for v in row) + "</tr>" for row in b.rows)
            parts.append(
                f'{cap}<table data-key="{e(b.key)}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
            )
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
