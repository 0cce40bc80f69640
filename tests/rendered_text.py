"""The report's prose as its HTML page shows it, rebuilt from a Jupyter execution of the chapters
(no Quarto): every paragraph, heading and list item with its inline values in place, the PDF-only
parts left out and the raw HTML of each cited figure kept as HTML. The pairing check reads this
as it reads the rendered page."""

from __future__ import annotations

import html
import re
from pathlib import Path

from analysis.render import qmd
from analysis.render.payloads import RAW_SPAN
from analysis.render.single_format import view

BLOCK_START = re.compile(r"^\s*(?:[-*]|\d+\.)\s+|^#{1,6}\s")
UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def inline_values(nb, executable) -> list[str]:
    """What each inline expression printed, in document order (see test_report.notebook_for)."""
    out = []
    for cell, source in zip(nb.cells, executable):
        if source.kind == "inline":
            text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
            out.append(text.partition("|")[2].rstrip("\n"))
    return out


def html_of(markdown: str) -> str:
    """A block's Markdown as HTML text: the HTML view, raw spans as HTML, the rest literal text."""
    text = view(markdown, "html")
    parts, at = [], 0
    for raw in RAW_SPAN.finditer(text):
        parts.append(html.escape(UNESCAPE.sub(r"\1", text[at:raw.start()]), quote=False))
        parts.append(raw.group(1))
        at = raw.end()
    parts.append(html.escape(UNESCAPE.sub(r"\1", text[at:]), quote=False))
    return "".join(parts).replace("**", "")


def blocks(document: Path, values: list[str]) -> list[tuple[str, str]]:
    """(tag, HTML) of every prose block: paragraphs, list items and headings."""
    pending = iter(values)
    out, lines, comment = [], [], False

    def flush():
        if lines:
            tag = "h2" if lines[0].startswith("#") else "li" if BLOCK_START.match(lines[0]) else "p"
            text = BLOCK_START.sub("", " ".join(lines).strip(), count=1)
            out.append((tag, html_of(re.sub(r"\s*\{[^}]*\}\s*$", "", text) if tag == "h2" else text)))
            lines.clear()

    for cell in qmd.cells(document):
        if cell.kind == "code":
            flush()
            continue
        if cell.kind == "inline":
            continue
        line = qmd.INLINE.sub(lambda _: next(pending), cell.source)  # consumed in order, shown or not
        if "<!--" in line:
            comment = True
        if comment:
            comment = "-->" not in line
            continue
        if not line.strip() or line.startswith(":::"):
            flush()
            continue
        if BLOCK_START.match(line):
            flush()
        lines.append(line.strip())
    flush()
    return out


def page(blocks_: list[tuple[str, str]]) -> str:
    return "<html><head></head><body>" + "\n".join(f"<{tag}>{body}</{tag}>" for tag, body in blocks_) + "</body></html>"
