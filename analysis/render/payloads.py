"""The executed notebook's bulky HTML (each chart's Vega-Lite spec, each embedded CSV file, each
raw-HTML span: a tooltip, a CSV link, a verdict's colour) held beside the Markdown Quarto renders,
and put back into the HTML after it: Pandoc and Quarto's Lua filters need not walk 0.9 MB that only
the browser reads (the measured gain is in docs/rendering.md).

A token is ``boston-payload-`` and 32 hex digits of a hash of the payload and of the execution's
inputs (so no data string can spell one in advance). It is put back only where it was taken from:
after ``base64,`` in a CSV link's ``href``, as the spec of ``bostonChart("#id", …``, or as the raw
comment ``<!--token-->`` that stands for a raw-HTML span (fenced blocks are literal: never
searched). An unknown token in such a place (another execution's page), an own token anywhere
else, or a payload a page should show and does not, stops the post-render.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Callable

from analysis.render import qmd

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


# Where a token may stand (its group "token") and whether the text around it stays; in this order:
# a raw-HTML span put back may hold a CSV link's token.
PLACES = ((re.compile(r"<!--(?P<token>" + TOKEN.pattern + r")-->"), False),
          (re.compile(r'href="' + re.escape(CSV_URI) + r'(?P<token>' + TOKEN.pattern + r')(?=")'), True),
          (re.compile(CHART_CALL.pattern + r'(?P<token>' + TOKEN.pattern + r')(?=, )'), True))
# The outputs Quarto turns into the page (text/plain is only a fallback it does not use here).
RENDERED_TYPES = ("text/markdown", "text/html")


class PayloadError(RuntimeError):
    """A page holds a token that cannot be put back: the message names the file and the token."""


def token_for(payload: str, salt: str) -> str:
    return PREFIX + hashlib.sha256(f"{salt}\0{payload}".encode()).hexdigest()[:32]


def detach_text(text: str, salt: str, payloads: dict[str, str]) -> str:
    """``text`` with each CSV payload, chart spec and raw-HTML span replaced by its token (added to
    ``payloads``); a spec is cut where its JSON ends (decoded: no string inside can move the cut)."""
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


def _map_cell(cell, change: Callable[[str], str]) -> None:
    """Replace, in place, every output of a cell Quarto renders (printed and displayed Markdown and
    HTML, inline results) by ``change(text)``, keeping each field's shape (a list of lines or a string)."""
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


def detach_notebook(nb, salt: str, shown_in_html: Callable[[dict], bool] = lambda cell: True) -> dict[str, str]:
    """Replace the payloads in the rendered outputs of an executed notebook, in place, and return
    token -> payload. A cell the HTML page does not show (inside a print-only div) keeps its raw
    HTML: the page then shows every payload held, which the post-render checks."""
    payloads: dict[str, str] = {}
    for cell in nb.get("cells", []):
        if shown_in_html(cell):
            _map_cell(cell, lambda text: detach_text(text, salt, payloads))
    return payloads


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

    for pattern, keep_around in PLACES:
        html = pattern.sub(lambda match: back(match, keep_around), html)
    stray = next((t for t in TOKEN.findall(html) if t in payloads), None)  # a token of data text is text
    if stray:
        raise PayloadError(f"{where}: {stray} is left in the page outside a CSV link, chart call or raw-HTML span: "
                           "it was not put back")
    return html, used


def fill_page(html: str, held: dict[str, str], where: str) -> str:
    """:func:`attach_text` for a whole page, which must put back every payload its notebook held: a
    place Quarto dropped (an HTML comment stripped by a new version, say) would lose a tooltip, a
    CSV link or a chart without a word."""
    page, used = attach_text(html, held, where)
    lost = sorted(set(held) - used)
    if lost:
        raise PayloadError(f"{where}: {len(lost)} of the {len(held)} chart specs, CSV files and raw-HTML spans held apart were "
                           f"not put back (e.g. {lost[0]}): their place is gone from the page Quarto wrote")
    return page


def payloads_of(notebook: Path) -> dict[str, str]:
    """Every token -> payload an executed notebook holds (none when it is not there)."""
    try:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return nb.get("metadata", {}).get(META, {}).get(KEY, {})
