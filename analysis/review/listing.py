"""Small tables for the terminal and for GitHub: what ``boston-report diff`` and ``status`` print.

Two readers, two formats. A terminal wants aligned columns that stay aligned with Korean text (two
cells wide per syllable) and lists cut short; a pull-request comment or a job summary wants GitHub-
flavoured Markdown tables in which no data string (a title, a claim, an entity) can close a cell,
start a new row, open HTML or a code span. The report's own escaping (:mod:`analysis.markup`)
targets Pandoc; this one targets GitHub's renderer and keeps the source text readable.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence

from analysis.markup import MISSING, one_line  # noqa: F401 (re-exported to diff and status)

# Backslash-escaped for GitHub: table cells (|), code spans (`), emphasis (* _ ~), links ([ ]) and
# the backslash itself. < > & become entities so that no tag or entity reaches GitHub's HTML.
_MD_BACKSLASH = re.compile(r"([\\`*_~\[\]|])")
_MD_ENTITIES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))


def is_missing(value: object) -> bool:
    """pandas' NA, NaN and None all mean 'no value' in a clean table."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        return bool(value != value)  # pd.NA raises, NaN-likes are unequal to themselves
    except TypeError:
        return True


def to_python(value: object) -> object:
    """A cell as a plain Python value (numpy scalars -> int/float/bool; every kind of missing -> None)."""
    if is_missing(value):
        return None
    item = getattr(value, "item", None)
    return item() if callable(item) else value


def md_escape(value: object) -> str:
    """Any value as literal text inside a GitHub-flavoured Markdown table cell."""
    text = one_line(str(value))
    for raw, entity in _MD_ENTITIES:
        text = text.replace(raw, entity)
    return _MD_BACKSLASH.sub(r"\\\1", text)


def fmt_value(value: object) -> str:
    """Numbers as a reader compares them: thousands separators, no float noise, '—' for missing."""
    value = to_python(value)
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value.is_integer():
            return f"{value:,.0f}"
        return f"{value:,.4f}".rstrip("0").rstrip(".")
    return one_line(str(value))


def fmt_pct(pct: float | None) -> str:
    """A relative change with its sign; small changes keep enough digits not to read as zero."""
    if pct is None:
        return ""
    if pct != 0 and abs(pct) < 0.1:
        return f"{pct:+.2g}%"
    return f"{pct:+.1f}%"


def width(text: str) -> int:
    """Terminal cells taken by ``text``: East Asian wide characters take two, combining marks none."""
    total = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        total += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return total


def truncate(text: str, cells: int) -> str:
    """Cut to at most ``cells`` terminal cells, marking the cut with '…'."""
    if width(text) <= cells:
        return text
    out, used = "", 0
    for ch in text:
        w = width(ch)
        if used + w > cells - 1:
            break
        out, used = out + ch, used + w
    return out + "…"


def _pad(text: str, cells: int, right: bool) -> str:
    fill = " " * max(0, cells - width(text))
    return fill + text if right else text + fill


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, right: Sequence[int] = (),
               indent: str = "  ", max_cell: int | None = None) -> list[str]:
    """Aligned columns (numbers right-aligned by index); columns empty in every row are dropped and,
    with ``max_cell``, long cells (a title, a claim's wording) are cut so the table stays legible,
    except in the first column, which names the row and must stay whole."""
    keep = [i for i in range(len(headers)) if any(str(r[i]) for r in rows)] if rows else list(range(len(headers)))
    heads = [headers[i] for i in keep]
    body = [[one_line(str(r[i])) for i in keep] for r in rows]
    if max_cell:
        body = [[c if j == 0 else truncate(c, max_cell) for j, c in enumerate(r)] for r in body]
    widths = [max([width(h)] + [width(r[j]) for r in body]) for j, h in enumerate(heads)]
    aligned = [keep[j] in right for j in range(len(keep))]

    def line(cells: Sequence[str]) -> str:
        return (indent + "  ".join(_pad(c, w, a) for c, w, a in zip(cells, widths, aligned))).rstrip()

    return [line(heads)] + [line(r) for r in body]


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, right: Sequence[int] = ()) -> list[str]:
    """A GFM table; every cell is escaped here, so callers pass plain text only."""
    keep = [i for i in range(len(headers)) if any(str(r[i]) for r in rows)] if rows else list(range(len(headers)))

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(md_escape(c) if str(c) else " " for c in cells) + " |"

    rule = "|" + "|".join("--:" if i in right else "---" for i in keep) + "|"
    return [line([headers[i] for i in keep]), rule] + [line([r[i] for i in keep]) for r in rows]


def more(total: int, shown: int) -> str | None:
    """The line under a capped list, or None when nothing was left out."""
    return f"… and {total - shown} more" if total > shown else None
