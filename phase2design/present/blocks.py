"""The document model shared by the command line and the report: a document is a list of blocks.

The blocks hold finished text (numbers already formatted by
:func:`phase2design.present.render.fmt`), so every renderer prints the same
digits; :mod:`phase2design.present.render` turns a list of them into plain
text, Markdown or HTML.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Heading:
    """A section title; ``level`` 2 is a section, 3 a subsection (1 is the document title)."""

    text: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    """Running text; ``cls`` marks a styled paragraph (``"protocol"`` or ``"warning"`` in HTML)."""

    text: str
    cls: str | None = None


@dataclass(frozen=True)
class Items:
    """Lines that belong together: a bulleted list in HTML and Markdown, plain lines in text."""

    lines: tuple[str, ...]

    def __init__(self, lines):
        object.__setattr__(self, "lines", tuple(lines))


@dataclass(frozen=True)
class Preformatted:
    """Text shown as it is, in a fixed-width font (formulas, text pictures)."""

    text: str


@dataclass(frozen=True)
class Table:
    """A table of strings.

    Parameters
    ----------
    headers : sequence of str
    rows : sequence of sequences
        Cells, converted with ``str`` (format numbers before).
    aligns : sequence of {"l", "r"}, optional
        Column alignment (default: every column right-aligned, as numbers are).
    caption : str, optional
        A line introducing the table, printed right above it.
    note : str, optional
        A line closing the table, printed right below it.
    """

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    aligns: tuple[str, ...] | None = None
    caption: str | None = None
    note: str | None = None

    def __init__(self, headers, rows, aligns=None, caption=None, note=None):
        object.__setattr__(self, "headers", tuple(headers))
        object.__setattr__(self, "rows", tuple(tuple(str(c) for c in r) for r in rows))
        object.__setattr__(self, "aligns", None if aligns is None else tuple(aligns))
        object.__setattr__(self, "caption", caption)
        object.__setattr__(self, "note", note)


@dataclass(frozen=True)
class Figure:
    """A PNG image with alternative text and a caption (text output has no place for it)."""

    png: bytes
    alt: str
    caption: str


__all__ = ["Figure", "Heading", "Items", "Paragraph", "Preformatted", "Table"]
