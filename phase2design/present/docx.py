"""Word (.docx) rendering of a document (a list of :mod:`phase2design.present.blocks`).

One renderer over the same blocks as :func:`phase2design.present.render.render_html`, so the Word file holds
the same text, tables and figures as the HTML report.  Tables are real Word tables (style "Table Grid",
header row repeated on each page, numbers right-aligned), so they paste into a protocol as tables, not as
pictures or tab-separated text.  Needs python-docx (``pip install phase2design[docx]``); it is imported only
here, when a .docx is written.
"""

import io

from .blocks import Figure, Heading, Items, Paragraph, Preformatted, Table

__all__ = ["render_docx", "DOCX_MISSING"]

DOCX_MISSING = ("writing a .docx file needs python-docx: pip install 'phase2design[docx]' (or pip install "
                "python-docx)")


def _docx():
    try:
        import docx  # noqa: F401
    except ImportError:
        raise ValueError(DOCX_MISSING) from None
    return docx


def _repeat_header(row):
    # Word's "repeat as header row" flag (w:tblHeader) has no python-docx API
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def render_docx(title, blocks):
    """The document as the bytes of a .docx file.

    Parameters
    ----------
    title : str
        Document title (heading level 0 and the file's core title property).
    blocks : list of blocks

    Returns
    -------
    bytes
        The same inputs give the same bytes: the document's dates and the zip entries' timestamps are
        fixed (python-docx would stamp both with the clock).
    """
    docx = _docx()
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Inches, Pt

    doc = docx.Document()
    props = doc.core_properties
    props.title = title
    props.author = "phase2design"
    import datetime

    fixed = datetime.datetime(2000, 1, 1)
    props.created = props.modified = fixed
    props.last_modified_by = "phase2design"
    props.revision = 1
    doc.add_heading(title, level=0)
    for b in blocks:
        if isinstance(b, Heading):
            doc.add_heading(b.text, level=min(max(b.level - 1, 1), 9))
        elif isinstance(b, Paragraph):
            p = doc.add_paragraph()
            run = p.add_run(b.text)
            if b.cls == "warning":
                run.bold = True
            elif b.cls == "protocol":
                p.paragraph_format.left_indent = Inches(0.25)
        elif isinstance(b, Table):
            if b.caption is not None:
                doc.add_paragraph(b.caption)
            aligns = b.aligns or ("r",) * len(b.headers)
            t = doc.add_table(rows=1 + len(b.rows), cols=len(b.headers))
            t.style = "Table Grid"
            t.alignment = WD_TABLE_ALIGNMENT.CENTER
            for i, h in enumerate(b.headers):
                cell = t.rows[0].cells[i]
                cell.text = ""
                cell.paragraphs[0].add_run(h).bold = True
            _repeat_header(t.rows[0])
            for r, row in enumerate(b.rows, start=1):
                for i, (c, a) in enumerate(zip(row, aligns)):
                    cell = t.rows[r].cells[i]
                    cell.text = c
                    if a == "r":
                        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if b.note is not None:
                doc.add_paragraph(b.note)
        elif isinstance(b, Preformatted):
            p = doc.add_paragraph()
            run = p.add_run(b.text)
            run.font.name = "Courier New"
            run.font.size = Pt(9)
        elif isinstance(b, Items):
            for line in b.lines:
                doc.add_paragraph(line, style="List Bullet")
        elif isinstance(b, Figure):
            doc.add_picture(io.BytesIO(b.png), width=Inches(6.0))
            doc.add_paragraph(b.caption, style="Caption")
        else:
            raise TypeError(f"not a document block: {b!r}")
    buf = io.BytesIO()
    doc.save(buf)
    return _fixed_times(buf.getvalue())


def _fixed_times(data):
    """The same package with every zip entry dated 2000-01-01: python-docx stamps them with the clock."""
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
