"""The executed notebook's bulky HTML — each chart's Vega-Lite spec, each embedded CSV file and
each raw-HTML span (a figure's provenance tooltip, a CSV link, a verdict's colour) — held beside the
Markdown Quarto renders, and put back into the HTML after it.

Why: Quarto hands every output to Pandoc, whose reader and Quarto's Lua filters walk (and copy
between Haskell and Lua, once per filter pass) every raw-HTML string; the report's 15 chart specs
and 33 CSV data URIs are 0.75 MB and its 285 raw-HTML spans 0.14 MB of text that only the browser
reads. Measured on the report's HTML render (2 cores): 7.7 s as it was, 6.9 s with the specs and
CSV files replaced by a short token; the raw-HTML spans replaced too took about 0.45 s more off
(median of ten alternating pairs). So the pre-render (analysis/render/execute.py) replaces each payload in the executed
notebook by a token and keeps the payloads in the notebook's metadata; the project's post-render
(report/_postrender.py, run by ``quarto render``, ``quarto preview`` and ``boston-report render``
alike) puts them back into every HTML page it is given. The PDF never shows them (raw HTML, which
Typst drops).

Safety: a token is ``boston-payload-`` and 32 hex digits of a hash of the payload and of the
execution's inputs — which include every data string, so no data string can spell a valid token
in advance. A token is put back only where it was taken from: after ``base64,`` inside a CSV link's
``href="…"``, as the spec argument of ``bostonChart("#id", …,``, or as a whole raw-HTML span, which
stands in the Markdown as the raw HTML comment ``<!--token-->`` (data text is escaped, so no data
string can make a raw comment). An own token anywhere else, or an unknown token in one of those
places (an HTML rendered from another execution), stops the post-render with the file and the
token. Fenced blocks (a BibTeX entry, a chart's raw block) are not searched for raw-HTML spans:
in a code block such text is literal, not markup.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

META, KEY = "boston_report", "payloads"  # where an executed notebook keeps them (execute.META)
PREFIX = "boston-payload-"
TOKEN = re.compile(re.escape(PREFIX) + r"[0-9a-f]{32}")
CSV_URI = "data:text/csv;charset=utf-8;base64,"
# What the chapters emit (provenance.csv_link, charts.chart_html) and where a token may stand.
CSV_PAYLOAD = re.compile(r'(?<=href="' + re.escape(CSV_URI) + r')[A-Za-z0-9+/=]+(?=")')
CHART_CALL = re.compile(r'bostonChart\("#[A-Za-z0-9_-]+", ')
# A raw-HTML span as provenance._raw_html and quality.verdict_badge write it: one backtick each
# side, HTML inside (no backtick, no newline), not after an escaping backslash or another backtick.
RAW_SPAN = re.compile(r"(?<![`\\])`(<[^`\n]+)`\{=html\}")
RAW_SPAN_TOKEN = "`<!--{token}-->`{{=html}}"
FENCED = re.compile(r"^(`{3,}|~{3,})[^\n]*\n.*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Place:
    """Where a token may stand in a page (its group ``token``), and whether the text around it stays
    (a CSV link's ``href``, a chart call) or is part of the stand-in (a raw-HTML span's comment)."""

    pattern: re.Pattern
    keep_around: bool


# In this order: a raw-HTML span put back may hold a CSV link's token.
PLACES = (Place(re.compile(r"<!--(?P<token>" + TOKEN.pattern + r")-->"), keep_around=False),
          Place(re.compile(r'href="' + re.escape(CSV_URI) + r'(?P<token>' + TOKEN.pattern + r')(?=")'), keep_around=True),
          Place(re.compile(CHART_CALL.pattern + r'(?P<token>' + TOKEN.pattern + r')(?=, )'), keep_around=True))
# The outputs Quarto turns into the page (text/plain is only a fallback it does not use here).
RENDERED_TYPES = ("text/markdown", "text/html")


class PayloadError(RuntimeError):
    """A page holds a token that cannot be put back: the message names the file and the token."""


def token_for(payload: str, salt: str) -> str:
    return PREFIX + hashlib.sha256(f"{salt}\0{payload}".encode()).hexdigest()[:32]


def detach_text(text: str, salt: str, payloads: dict[str, str]) -> str:
    """``text`` with each CSV payload, chart spec and raw-HTML span replaced by its token (added to
    ``payloads``). A spec is cut exactly where its JSON ends (decoded, not matched), so no string
    inside it can move the cut."""
    def csv(match: re.Match) -> str:
        token = token_for(match.group(0), salt)
        payloads[token] = match.group(0)
        return token

    text = CSV_PAYLOAD.sub(csv, text)
    text = _detach_specs(text, salt, payloads)
    return _detach_raw_spans(text, salt, payloads)


def _detach_specs(text: str, salt: str, payloads: dict[str, str]) -> str:
    decoder = json.JSONDecoder()
    parts, at = [], 0
    for call in CHART_CALL.finditer(text):
        if call.start() < at:
            continue
        try:
            value, end = decoder.raw_decode(text, call.end())
        except ValueError:
            continue  # not a spec the chapters wrote: left as it is
        if not isinstance(value, dict):
            continue
        spec = text[call.end():end]
        token = token_for(spec, salt)
        payloads[token] = spec
        parts += [text[at:call.end()], token]
        at = end
    return "".join(parts) + text[at:]


def fenced_chunks(text: str) -> list[tuple[str, bool]]:
    """``text`` cut into its fenced blocks (code or raw, True) and the Markdown between them
    (False), in order: what is inside a fence is literal or raw, never Markdown to rewrite."""
    chunks, at = [], 0
    for block in FENCED.finditer(text):
        chunks += [(text[at:block.start()], False), (block.group(0), True)]
        at = block.end()
    return chunks + [(text[at:], False)]


def _detach_raw_spans(text: str, salt: str, payloads: dict[str, str]) -> str:
    """Each raw-HTML span outside fenced blocks as ``<!--token-->`` (its CSV link, if any, already
    a token: it is put back first)."""
    def span(match: re.Match) -> str:
        token = token_for(match.group(1), salt)
        payloads[token] = match.group(1)
        return RAW_SPAN_TOKEN.format(token=token)

    return "".join(chunk if fenced else RAW_SPAN.sub(span, chunk) for chunk, fenced in fenced_chunks(text))


def map_rendered(nb, change: Callable[[str], str], *, prose: bool = False) -> None:
    """Replace, in place, every text of an executed notebook that Quarto renders by ``change(text)``:
    printed text (an ``output: asis`` cell's Markdown), displayed Markdown and HTML, inline
    expressions' results and, with ``prose``, the Markdown cells. Each field keeps its shape: a
    notebook file holds multi-line text as a list of lines, and Quarto reads a cell's source only
    in that shape (a plain string loses its line breaks)."""
    def apply(holder: dict, field: str) -> None:
        if field in holder:
            value = holder[field]
            if isinstance(value, list):
                holder[field] = change("".join(value)).splitlines(keepends=True)
            else:
                holder[field] = change(value)

    for cell in nb.get("cells", []):
        if prose and cell.get("cell_type") == "markdown":
            apply(cell, "source")
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                apply(out, "text")
            else:
                for field in RENDERED_TYPES:
                    apply(out.get("data", {}), field)
        for expression in cell.get("metadata", {}).get("user_expressions", []) or []:
            for field in RENDERED_TYPES:
                apply(expression.get("result", {}).get("data", {}), field)


def detach_notebook(nb, salt: str) -> dict[str, str]:
    """Replace the payloads in every rendered output of an executed notebook, in place (the
    Markdown cells are the authors' text: nothing to hold apart). Returns token -> payload."""
    payloads: dict[str, str] = {}
    map_rendered(nb, lambda text: detach_text(text, salt, payloads))
    return payloads


def attach_text(html: str, payloads: dict[str, str], where: str) -> str:
    """The page with every token put back in its place. Raises :class:`PayloadError` for an own
    token out of place or an unknown token in a payload's place."""
    def back(match: re.Match, keep_around: bool) -> str:
        token = match.group("token")
        if token not in payloads:
            raise PayloadError(f"{where}: {token} stands for a chart spec, CSV file or raw-HTML span of another "
                               "execution; render again (the pre-render executes the document anew)")
        if not keep_around:
            return payloads[token]
        start, end = match.span("token")
        return match.string[match.start():start] + payloads[token] + match.string[end:match.end()]

    for place in PLACES:
        html = place.pattern.sub(lambda match: back(match, place.keep_around), html)
    stray = next((t for t in TOKEN.findall(html) if t in payloads), None)
    if stray:
        raise PayloadError(f"{where}: {stray} stands outside a CSV link, chart call or raw-HTML span; it was not put back")
    return html


def payloads_of(notebooks: list[Path]) -> dict[str, str]:
    """Every token -> payload the executed notebooks hold (a notebook not there holds none)."""
    payloads: dict[str, str] = {}
    for notebook in notebooks:
        try:
            nb = json.loads(notebook.read_text(encoding="utf-8"))
        except FileNotFoundError:
            continue
        payloads.update(nb.get("metadata", {}).get(META, {}).get(KEY, {}))
    return payloads


def rewrite_pages(files: list[Path], fills: list[Callable[[str, str], str]]) -> list[Path]:
    """Apply each ``fill(html, where)`` to every HTML file and rewrite (atomically) the files it
    changed; returns them. Other files (the PDF) and files not there are left."""
    rewritten = []
    for path in files:
        if path.suffix.lower() != ".html" or not path.is_file():
            continue
        html = path.read_text(encoding="utf-8")
        whole = html
        for fill in fills:
            whole = fill(whole, str(path))
        if whole != html:
            tmp = path.with_name(f".{path.name}.post-render.tmp")
            tmp.write_text(whole, encoding="utf-8")
            os.replace(tmp, path)
            rewritten.append(path)
    return rewritten


def payload_filler(held: dict[str, str]) -> Callable[[str, str], str]:
    """:func:`attach_text` for :func:`rewrite_pages`, with what the notebooks hold."""
    return lambda html, where: attach_text(html, held, where) if PREFIX in html else html
