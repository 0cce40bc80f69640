"""The report's page as its HTML shows it, rebuilt without Quarto from the executed notebook: the
Markdown Quarto hands Pandoc (each cell the HTML page shows, inline values in place, printed and
displayed Markdown), converted by Pandoc with the project's reader and Quarto's content-visible rule
(print_only.lua). The pairing check reads it as it reads the rendered page."""

from __future__ import annotations

from pathlib import Path

import pypandoc

from analysis.render import qmd

LUA = str(Path(__file__).with_name("print_only.lua"))
READER = "markdown-tex_math_dollars-tex_math_single_backslash"


def html_of(markdown: str) -> str:
    """Markdown as the HTML page shows it (Pandoc, this project's reader, print-only parts removed)."""
    return pypandoc.convert_text(markdown, "html", format=READER, filters=[LUA])


def inline_html_of(markdown: str) -> str:
    """One paragraph's inner HTML (a table cell's content)."""
    html = html_of(markdown).strip()
    return html[3:-4] if html.startswith("<p>") and html.endswith("</p>") else html


def _shown(cell, fmt: str) -> bool:
    return fmt in cell.metadata.get("boston_report", {}).get("formats", qmd.FORMATS)


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else value


def page_markdown(nb, fmt: str = "html") -> str:
    """What Quarto renders of the notebook for ``fmt``: prose with its inline values, the outputs."""
    parts = []
    for cell in nb.cells:
        if not _shown(cell, fmt):
            continue
        if cell.cell_type == "markdown":
            values = iter(_text(e["result"]["data"].get("text/markdown", e["result"]["data"].get("text/plain", "")))
                          for e in cell.metadata.get("user_expressions", []))
            parts.append(qmd.INLINE.sub(lambda _: next(values), cell.source))
        elif cell.cell_type == "code":
            for out in cell.outputs:
                if out.output_type == "stream":
                    parts.append(_text(out["text"]))
                elif "text/markdown" in out.get("data", {}):
                    parts.append(_text(out["data"]["text/markdown"]))
    return "\n\n".join(parts)


def page(nb) -> str:
    return f"<html><head></head><body>{html_of(page_markdown(nb))}</body></html>"
