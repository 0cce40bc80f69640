"""The executed notebook's bulky HTML — each chart's Vega-Lite spec, each embedded CSV file and
each raw-HTML span (a figure's provenance tooltip, a CSV link, a verdict's colour) — held beside the
Markdown Quarto renders, and put back into the HTML after it.

Why: Quarto hands every output to Pandoc, whose reader and Quarto's Lua filters walk (and copy
between Haskell and Lua, once per filter pass) every raw-HTML string; the report's 15 chart specs
and 33 CSV data URIs are 0.75 MB and its 285 raw-HTML spans 0.14 MB of text that only the browser
reads. Measured on the report's HTML render (2 cores): 7.7 s as it was, 6.9 s with the specs and
CSV files replaced by a short token; the raw-HTML spans replaced too took about 0.45 s more off
(median of ten alternating pairs). So the pre-render (analysis/render/execute.py) replaces each
payload in the executed notebook by a token and keeps the payloads in the notebook's metadata; the
project's post-render (analysis/render/postrender.py) puts them back into every HTML page, and
fails unless every payload of the page's notebook was put back and no token is left. The PDF never
shows them (raw HTML, which Typst drops).

Safety: a token is ``boston-payload-`` and 32 hex digits of a hash of the payload and of the
execution's inputs — which include every data string, so no data string can spell a valid token
in advance. A token is put back only where it was taken from: after ``base64,`` inside a CSV link's
``href="…"``, as the spec argument of ``bostonChart("#id", …,``, or as a whole raw-HTML span, which
stands in the Markdown as the raw HTML comment ``<!--token-->`` (data text is escaped, so no data
string can make a raw comment). A token anywhere else, or an unknown token in one of those places
(an HTML rendered from another execution), stops the post-render with the file and the token. Fenced blocks (a BibTeX entry, a chart's raw block) are not searched for raw-HTML spans:
in a code block such text is literal, not markup.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from analysis.render import qmd

META, KEY = "boston_report", "payloads"  # where an executed notebook keeps them (execute.META)
FORMATS_KEY = "payload_formats"  # token -> the formats that show it, for tokens not every format shows
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


def _detach_raw_spans(text: str, salt: str, payloads: dict[str, str]) -> str:
    """Each raw-HTML span outside fenced blocks as ``<!--token-->`` (its CSV link, if any, already
    a token: it is put back first)."""
    def span(match: re.Match) -> str:
        token = token_for(match.group(1), salt)
        payloads[token] = match.group(1)
        return RAW_SPAN_TOKEN.format(token=token)

    return "".join(chunk if fenced else RAW_SPAN.sub(span, chunk) for chunk, fenced in qmd.fenced_chunks(text))


def map_rendered(nb, change: Callable[[str], str]) -> None:
    """Replace, in place, every output of an executed notebook that Quarto renders by
    ``change(text)``: printed text (an ``output: asis`` cell's Markdown), displayed Markdown and
    HTML, inline expressions' results. Each field keeps its shape (a list of lines or a string)."""
    for cell in nb.get("cells", []):
        _map_cell(cell, change)


def _map_cell(cell, change: Callable[[str], str]) -> None:
    def apply(holder: dict, field: str) -> None:
        if field in holder:
            value = holder[field]
            if isinstance(value, list):
                holder[field] = change("".join(value)).splitlines(keepends=True)
            else:
                holder[field] = change(value)

    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            apply(out, "text")
        else:
            for field in RENDERED_TYPES:
                apply(out.get("data", {}), field)
    for expression in cell.get("metadata", {}).get("user_expressions", []) or []:
        for field in RENDERED_TYPES:
            apply(expression.get("result", {}).get("data", {}), field)


def detach_notebook(nb, salt: str, formats_of: Callable[[dict], list[str]] = lambda cell: list(qmd.FORMATS),
                    ) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Replace the payloads in every rendered output of an executed notebook, in place (the
    Markdown cells are the authors' text: nothing to hold apart). Returns token -> payload, and
    token -> the formats whose page shows it, for the tokens of cells not every format shows
    (``formats_of(cell)``: a conditional div's content)."""
    payloads: dict[str, str] = {}
    shown: dict[str, set[str]] = {}
    for cell in nb.get("cells", []):
        found: dict[str, str] = {}
        _map_cell(cell, lambda text: detach_text(text, salt, found))
        payloads.update(found)
        for token in found:
            shown.setdefault(token, set()).update(formats_of(cell))
    every = set().union(*shown.values()) if shown else set()
    return payloads, {t: sorted(f) for t, f in shown.items() if f != every}


def attach_text(html: str, payloads: dict[str, str], where: str) -> tuple[str, set[str]]:
    """The page with every token put back in its place, and the tokens put back. Raises
    :class:`PayloadError` for an unknown token in a payload's place (a page of another execution)
    and for an own token left anywhere else (a place Quarto moved or rewrote)."""
    used: set[str] = set()

    def back(match: re.Match, keep_around: bool) -> str:
        token = match.group("token")
        if token not in payloads:
            raise PayloadError(f"{where}: {token} stands for a chart spec, CSV file or raw-HTML span of another "
                               "execution; render again (the pre-render executes the document anew)")
        used.add(token)
        if not keep_around:
            return payloads[token]
        start, end = match.span("token")
        return match.string[match.start():start] + payloads[token] + match.string[end:match.end()]

    for place in PLACES:
        html = place.pattern.sub(lambda match: back(match, place.keep_around), html)
    stray = next((t for t in TOKEN.findall(html) if t in payloads), None)  # a token of data text is text
    if stray:
        raise PayloadError(f"{where}: {stray} is left in the page outside a CSV link, chart call or raw-HTML span: "
                           "it was not put back")
    return html, used


def fill_page(html: str, held: dict[str, str], where: str, expected: set[str] | None = None) -> str:
    """:func:`attach_text` for a whole page, which must put back every payload it is ``expected``
    to show (default: all its notebook held): a place Quarto dropped (an HTML comment stripped by
    a new version, say) would lose a tooltip, a CSV link or a chart without a word."""
    page, used = attach_text(html, held, where)
    lost = sorted((set(held) if expected is None else expected) - used)
    if lost:
        raise PayloadError(f"{where}: {len(lost)} of the {len(held)} chart specs, CSV files and raw-HTML spans held apart were "
                           f"not put back (e.g. {lost[0]}): their place is gone from the page Quarto wrote")
    return page


def payloads_of(notebook: Path, fmt: str = "html") -> tuple[dict[str, str], set[str]]:
    """Every token -> payload an executed notebook holds, and the tokens its ``fmt`` page must show
    (none of either when the notebook is not there)."""
    try:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, set()
    meta = nb.get("metadata", {}).get(META, {})
    held, formats = meta.get(KEY, {}), meta.get(FORMATS_KEY, {})
    return held, {t for t in held if fmt in formats.get(t, [fmt])}
