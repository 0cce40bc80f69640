"""What goes into the HTML <head> beyond Quarto's own: the Open Graph preview of a shared link.

Quarto writes ``<title>`` and ``<meta name="description">`` from the front matter; a link shared in
a chat or a post is previewed from ``og:title``/``og:description``, which Quarto writes only for
websites. They are generated from the same front matter (never typed twice) by the pre-render.
"""

from __future__ import annotations

import html
from pathlib import Path

from analysis.render import qmd


def open_graph(front: dict) -> str:
    """Meta tags for a document's title and description (escaped: front matter is text)."""
    tags = [("og:type", "article"), ("og:title", front.get("title")), ("og:description", front.get("description")),
            ("og:locale", "ko_KR")]
    return "".join(f'<meta property="{name}" content="{html.escape(str(value), quote=True)}">\n'
                   for name, value in tags if value)


def write_open_graph(document: Path) -> Path:
    """report/_og.html for the report's front matter (included by index.qmd)."""
    out = document.parent / "_og.html"
    out.write_text(open_graph(qmd.front_matter(document)), encoding="utf-8")
    return out
