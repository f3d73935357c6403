"""LaTeX (.tex) rendering of a document (a list of :mod:`phase2design.present.blocks`).

One renderer over the same blocks as :func:`phase2design.present.render.render_html`: the same text and
tables.  Tables are ``tabular`` environments with booktabs rules (copy the ``tabular`` into a protocol);
figures are PNG files beside the .tex, included with ``\\includegraphics`` (LaTeX cannot embed images in
the source).  The preamble uses only packages of every TeX distribution (inputenc, fontenc, lmodern,
geometry, booktabs, graphicx, array), and the source compiles with pdflatex, xelatex or lualatex.
"""

import re

from .blocks import Figure, Heading, Items, Paragraph, Preformatted, Table

__all__ = ["render_latex", "latex_escape"]

_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{",
            "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
_TOKEN = re.compile(r"<=|>=|[\\&%$#_{}~^<>]")


def latex_escape(text):
    """Text with LaTeX's special characters escaped; ``<=`` and ``>=`` set as the math signs, ``--`` kept."""
    def sub(m):
        t = m.group(0)
        if t == "<=":
            return r"$\le$"
        if t == ">=":
            return r"$\ge$"
        if t in "<>":
            return f"${t}$"
        return _SPECIAL[t]

    # "--" would print as an en dash: command lines (phase2design analyze --x1 ...) must keep both hyphens
    return re.sub(r"-(?=-)", "-{}", _TOKEN.sub(sub, text))


_SECTION = {2: "section", 3: "subsection", 4: "subsubsection"}


def _cell(text):
    # after "\\" or "\item" a leading "[" would be read as an optional argument: shield it
    out = latex_escape(text)
    return "{}" + out if out.startswith("[") else out


def _verbatim(text):
    # verbatim ends at the first \end{verbatim}; the blocks never hold one, but refuse rather than break
    if r"\end{verbatim}" in text:
        raise ValueError("preformatted text must not contain \\end{verbatim}")
    return "\\begin{verbatim}\n" + text + "\n\\end{verbatim}"


def render_latex(title, blocks, figure_name=None):
    """The document as LaTeX source.

    Parameters
    ----------
    title : str
    blocks : list of blocks
    figure_name : callable, optional
        ``figure_name(k)`` is the file name of the ``k``-th figure (1-based) as the .tex refers to it; the
        caller writes the PNG there.  Without it, figures are left out.

    Returns
    -------
    str
    """
    e = latex_escape
    out = [r"\documentclass[11pt]{article}", r"\usepackage[utf8]{inputenc}", r"\usepackage[T1]{fontenc}",
           r"\usepackage{lmodern}", r"\usepackage[margin=2.5cm]{geometry}", r"\usepackage{booktabs}",
           r"\usepackage{graphicx}", r"\usepackage{array}", r"\setlength{\parskip}{0.5em}",
           r"\setlength{\parindent}{0pt}", f"\\title{{{e(title)}}}", r"\author{phase2design}", r"\date{}",
           r"\begin{document}", r"\maketitle", ""]
    k = 0
    for b in blocks:
        if isinstance(b, Heading):
            out += [f"\\{_SECTION.get(b.level, 'paragraph')}*{{{e(b.text)}}}", ""]
        elif isinstance(b, Paragraph):
            if b.cls == "warning":
                out += [f"\\fbox{{\\parbox{{0.95\\linewidth}}{{\\textbf{{{e(b.text)}}}}}}}", ""]
            elif b.cls == "protocol":
                out += [r"\begin{quote}", e(b.text), r"\end{quote}", ""]
            else:
                out += [e(b.text), ""]
        elif isinstance(b, Table):
            aligns = b.aligns or ("r",) * len(b.headers)
            # long left-aligned columns (rules in words) wrap in a paragraph column instead of running off
            spec = "".join("r" if a == "r" else ("p{0.35\\linewidth}" if any(len(r[i]) > 40 for r in b.rows)
                                                  else "l") for i, a in enumerate(aligns))
            if b.caption is not None:
                out += [e(b.caption), ""]
            out += [r"\begin{center}", r"\small", f"\\begin{{tabular}}{{{spec}}}", r"\toprule",
                    " & ".join(_cell(h) for h in b.headers) + r" \\", r"\midrule"]
            out += [" & ".join(_cell(c) for c in row) + r" \\" for row in b.rows]
            out += [r"\bottomrule", r"\end{tabular}", r"\end{center}", ""]
            if b.note is not None:
                out += [e(b.note), ""]
        elif isinstance(b, Preformatted):
            out += [r"{\small", _verbatim(b.text), "}", ""]
        elif isinstance(b, Items):
            out += [r"\begin{itemize}"] + [f"\\item {_cell(x)}" for x in b.lines] + [r"\end{itemize}", ""]
        elif isinstance(b, Figure):
            if figure_name is None:
                continue
            k += 1
            out += [r"\begin{figure}[htbp]", r"\centering",
                    f"\\includegraphics[width=\\linewidth]{{{figure_name(k)}}}",
                    f"\\par\\small {e(b.caption)}",
                    r"\end{figure}", ""]
        else:
            raise TypeError(f"not a document block: {b!r}")
    out += [r"\end{document}", ""]
    return "\n".join(out)
