"""Plain-text, Markdown and CSV rendering of tables for the CLI (no pandas)."""

import csv
import io
import json


def fmt(value, digits=4):
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        value = value + 0.0  # -0.0 prints as 0
        if value != 0.0 and abs(value) < 0.5 * 10.0 ** -digits:
            # a positive probability below the shown precision must not print as zero
            return f"{value:.{max(digits - 3, 1)}e}"
        return f"{value:.{digits}f}"
    return str(value)


def text_table(headers, rows, aligns=None):
    """A left/right-aligned table with a rule under the header."""
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


def markdown_table(headers, rows):
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    for row in rows:
        out.append("| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |")
    return "\n".join(out)


def csv_table(headers, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(headers)
    for row in rows:
        w.writerow(["" if c is None else (repr(c) if isinstance(c, float) else c) for c in row])
    return buf.getvalue().rstrip("\n")


def to_json(obj):
    return json.dumps(obj, indent=2, allow_nan=False)
