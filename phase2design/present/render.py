"""Rendering: numbers to text, tables to plain text, Markdown, CSV and JSON, documents to text, Markdown and HTML.

:func:`fmt` is the one place numbers are rounded for display.  A document is
a list of blocks from :mod:`phase2design.present.blocks`; :func:`render_text`
gives the command line's plain-text layout, :func:`render_markdown` and
:func:`render_html` the report's.  No pandas, so the command line starts fast.
"""

import csv
import io
import json
import re

from .blocks import Figure, Heading, Items, Paragraph, Preformatted, Table


def fmt(value, digits=4):
    """One cell: a float rounded to ``digits`` decimals, ``None`` as empty, anything else as ``str``.

    Parameters
    ----------
    value : float, int, bool, str or None
    digits : int
        Decimals of a float.

    Returns
    -------
    str
        A positive value too small for ``digits`` decimals prints as ``"<0.0001"``
        (for 4 decimals), never as zero and never in scientific notation, which
        readers of a protocol misread; the exact value stays in JSON and CSV.
        -0.0 prints as 0.

    Examples
    --------
    >>> fmt(3.0e-06), fmt(0.00005), fmt(0.0471), fmt(0.0, 4), fmt(2.5e-7, 6)
    ('<0.0001', '0.0001', '0.0471', '0.0000', '<0.000001')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        value = value + 0.0  # -0.0 prints as 0
        if 0.0 < value < 0.5 * 10.0 ** -digits:
            # a positive probability below the shown precision must not print as zero
            return "<" + (f"0.{'0' * (digits - 1)}1" if digits > 0 else "1")
        if -0.5 * 10.0 ** -digits < value < 0.0:
            return ">" + (f"-0.{'0' * (digits - 1)}1" if digits > 0 else "-1")
        return f"{value:.{digits}f}"
    return str(value)


def equals(value, digits=4):
    """``"= 0.0530"``, or ``"< 0.0001"`` when :func:`fmt` shows ``"<0.0001"``: a value after a symbol in a sentence.

    >>> equals(0.053), equals(3e-06)
    ('= 0.0530', '< 0.0001')
    """
    text = fmt(value, digits)
    return f"< {text[1:]}" if text.startswith("<") else f"= {text}"


def text_table(headers, rows, aligns=None):
    """A left/right-aligned table with a rule under the header (``aligns`` default: all right)."""
    cells = [[str(c) for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for i, c in enumerate(row):
            widths[i] = max(widths[i], len(c))
    aligns = aligns or ["r"] * len(headers)

    def line(row):
        parts = [c.rjust(w) if a == "r" else c.ljust(w) for c, w, a in zip(row, widths, aligns)]
        return "  ".join(parts).rstrip()

    out = [line(headers), "  ".join("-" * w for w in widths)]
    out.extend(line(r) for r in cells)
    return "\n".join(out)


def markdown_table(headers, rows, aligns=None, escape=None):
    """A GitHub-flavoured Markdown table.

    Parameters
    ----------
    headers, rows : sequences
    aligns : sequence of {"l", "r"}, optional
        Without it the separator row states no alignment (``---``).
    escape : callable, optional
        Applied to every header and cell before ``|`` is escaped (the report
        escapes Markdown markup; the command line's data tables do not).
    """
    esc = escape or (lambda s: s)
    seps = ["---"] * len(headers) if aligns is None else ["---:" if a == "r" else "---" for a in aligns]
    out = ["| " + " | ".join(esc(str(h)) for h in headers) + " |", "|" + "|".join(seps) + "|"]
    for row in rows:
        out.append("| " + " | ".join(esc(str(c)).replace("|", "\\|") for c in row) + " |")
    return "\n".join(out)


def csv_table(headers, rows):
    """CSV with floats written exactly (``repr``) and ``None`` as an empty cell."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(headers)
    for row in rows:
        w.writerow(["" if c is None else (repr(c) if isinstance(c, float) else c) for c in row])
    return buf.getvalue().rstrip("\n")


def to_json(obj):
    """Indented JSON; NaN or infinity is an error rather than invalid JSON."""
    return json.dumps(obj, indent=2, allow_nan=False)


# ---------------------------------------------------------------------------
# Documents
# ---------------------------------------------------------------------------

def _aligns(table):
    return table.aligns or ("r",) * len(table.headers)


def render_text(blocks):
    """Plain text as the command line prints it: blocks separated by one blank line.

    Items are plain lines (no bullets); a table's caption and note sit on
    the lines right above and below it; figures are left out.
    """
    parts = []
    for b in blocks:
        if isinstance(b, Table):
            lines = [] if b.caption is None else [b.caption]
            lines.append(text_table(b.headers, b.rows, _aligns(b)))
            if b.note is not None:
                lines.append(b.note)
            parts.append("\n".join(lines))
        elif isinstance(b, Items):
            parts.append("\n".join(b.lines))
        elif isinstance(b, (Heading, Paragraph, Preformatted)):
            parts.append(b.text)
        elif not isinstance(b, Figure):
            raise TypeError(f"not a document block: {b!r}")
    return "\n\n".join(parts)


_MD_SPECIAL = re.compile(r"([\\`*_])|<(?=[A-Za-z/!?])")


def _md(text):
    """Escape what Markdown would read as markup; '<=' and '>' stay readable."""
    return _MD_SPECIAL.sub(lambda m: "\\" + (m.group(1) or "<"), text)


def _data_uri(png):
    import base64

    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def render_markdown(title, blocks):
    """A Markdown document: ``# title``, then the blocks (a ``protocol`` paragraph as a quote)."""
    out = [f"# {_md(title)}", ""]
    for b in blocks:
        if isinstance(b, Heading):
            out += ["#" * b.level + " " + _md(b.text), ""]
        elif isinstance(b, Paragraph):
            out += [("> " if b.cls == "protocol" else "") + _md(b.text), ""]
        elif isinstance(b, Table):
            if b.caption is not None:
                out += [_md(b.caption), ""]
            out += [markdown_table(b.headers, b.rows, _aligns(b), escape=_md), ""]
            if b.note is not None:
                out += [_md(b.note), ""]
        elif isinstance(b, Preformatted):
            out += ["```text", b.text, "```", ""]
        elif isinstance(b, Items):
            out += [f"* {_md(x)}" for x in b.lines] + [""]
        elif isinstance(b, Figure):
            out += [f"![{_md(b.alt)}]({_data_uri(b.png)})", "", f"*{_md(b.caption)}*", ""]
        else:
            raise TypeError(f"not a document block: {b!r}")
    return "\n".join(out).rstrip() + "\n"


#: The stylesheet of :func:`render_html`, inline so the page needs no other file.
HTML_STYLE = """
body { font-family: Georgia, 'Times New Roman', serif; max-width: 52em; margin: 2em auto; padding: 0 1em;
       color: #111; line-height: 1.45; }
h1 { font-size: 1.5em; } h2 { font-size: 1.25em; border-bottom: 1px solid #999; margin-top: 1.8em; }
h3 { font-size: 1.05em; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.92em; }
th, td { border: 1px solid #999; padding: 0.2em 0.6em; }
th { background: #eee; } td.r { text-align: right; font-variant-numeric: tabular-nums; }
pre { background: #f4f4f4; padding: 0.6em; overflow-x: auto; font-size: 0.88em; }
p.warning { border: 2px solid #000; padding: 0.4em 0.9em; font-weight: bold; }
p.protocol { border-left: 4px solid #555; padding: 0.4em 0.9em; background: #f7f7f7; }
figure { margin: 1em 0; } figure img { max-width: 100%; height: auto; }
figcaption { font-size: 0.9em; color: #333; }
@media print { body { max-width: none; } }
"""


def render_html(title, blocks):
    """A self-contained HTML page: inline stylesheet, figures as PNG data URIs, no script."""
    import html

    e = html.escape
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           f"<title>{e(title)}</title>", f"<style>{HTML_STYLE}</style>", "</head>", "<body>",
           f"<h1>{e(title)}</h1>"]
    for b in blocks:
        if isinstance(b, Heading):
            out.append(f"<h{b.level}>{e(b.text)}</h{b.level}>")
        elif isinstance(b, Paragraph):
            cls = f' class="{e(b.cls)}"' if b.cls else ""
            out.append(f"<p{cls}>{e(b.text)}</p>")
        elif isinstance(b, Table):
            if b.caption is not None:
                out.append(f"<p>{e(b.caption)}</p>")
            out.append("<table>")
            out.append("<tr>" + "".join(f"<th>{e(h)}</th>" for h in b.headers) + "</tr>")
            for row in b.rows:
                out.append("<tr>" + "".join(f'<td class="{a}">{e(c)}</td>' for c, a in zip(row, _aligns(b)))
                           + "</tr>")
            out.append("</table>")
            if b.note is not None:
                out.append(f"<p>{e(b.note)}</p>")
        elif isinstance(b, Preformatted):
            out.append(f"<pre>{e(b.text)}</pre>")
        elif isinstance(b, Items):
            out.append("<ul>" + "".join(f"<li>{e(x)}</li>" for x in b.lines) + "</ul>")
        elif isinstance(b, Figure):
            out.append(f'<figure><img src="{_data_uri(b.png)}" alt="{e(b.alt)}">'
                       f"<figcaption>{e(b.caption)}</figcaption></figure>")
        else:
            raise TypeError(f"not a document block: {b!r}")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)
