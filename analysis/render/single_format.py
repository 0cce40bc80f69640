"""An executed notebook as one format reads it: what Quarto would hide in that format taken out
before Quarto reads it.

Why: one execution serves both formats (analysis/render/execute.py), so every output carries what
the HTML shows and what only the PDF shows — a figure's numbered references in a
``[…]{.content-visible unless-format="html"}`` span after its raw-HTML tooltip, a chart's PNG in an
``unless-format="html"`` div after its raw-HTML block, the CSV downloads in a
``when-format="html"`` div. Quarto drops the other format's part only after Pandoc has read it and
Quarto's Lua filters have walked it. ``boston-report render`` renders each format in its own Quarto
process and its own copy of the project (analysis/render/render.py), so each copy's notebook can be
the view of its one format: the HTML's without the PDF's references and images, the PDF's without
raw HTML. The page is the same (checked by rendering both ways); Pandoc reads less. ``quarto
render`` at the root renders the full notebook to both formats, as before.

Only what is certainly hidden goes: a span or div whose condition names ``html`` or ``typst``, and
whose end is found in the same text. Anything else — a div that opens in one cell and closes in
another (the report's abstract, the source list's downloads heading), a bracket that does not
close, a condition on another format — is left for Quarto to decide, as it would be anyway.
"""

from __future__ import annotations

import bisect
import copy
import json
import os
import re
from pathlib import Path

from analysis.render.payloads import RAW_SPAN, fenced_chunks, map_rendered

FORMATS = ("html", "typst")  # the formats this module knows Quarto's answer for
_CONDITION = r'\{\.content-visible (?P<kind>when|unless)-format="(?P<format>[a-z0-9]+)"\}'
SPAN_CONDITION = re.compile(_CONDITION)
DIV_OPEN = re.compile(r"^(?P<fence>:{3,})[ \t]*" + _CONDITION + r"[ \t]*$")
ANY_DIV_OPEN = re.compile(r"^:{3,}[ \t]*\S")
DIV_CLOSE = re.compile(r"^:{3,}[ \t]*$")
CODE_FENCE = re.compile(r"^(`{3,}|~{3,})")
BACKTICKS = re.compile(r"`+")
RAW_HTML_FENCE = "```{=html}"  # how charts.html_and_png opens a chart's raw block


def hidden(kind: str, named: str, fmt: str) -> bool:
    """Whether Quarto hides ``{.content-visible <kind>-format="<named>"}`` when rendering ``fmt``
    (False when unsure: it stays, and Quarto decides)."""
    if named not in FORMATS or fmt not in FORMATS:
        return False
    return (named != fmt) if kind == "when" else (named == fmt)


def _escaped(text: str, i: int) -> bool:
    """Whether the character at ``i`` is backslash-escaped (an odd run of backslashes before it)."""
    run = 0
    while i - run - 1 >= 0 and text[i - run - 1] == "\\":
        run += 1
    return run % 2 == 1


def _code_span_end(text: str, i: int) -> int | None:
    """Where the code span opened by the backtick run at ``i`` ends (after its closing run of the
    same length); None when no such run follows (the backticks are literal)."""
    run = BACKTICKS.match(text, i).group(0)
    for closer in BACKTICKS.finditer(text, i + len(run)):
        if closer.group(0) == run:
            return closer.end()
    return None


def _closing_bracket(text: str, start: int) -> int | None:
    """Where the ``[`` at ``start`` closes, skipping escaped characters and code spans (raw spans
    included); None when it does not close in ``text``."""
    depth, i = 0, start
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "`":
            end = _code_span_end(text, i)
            i = end if end is not None else i + len(BACKTICKS.match(text, i).group(0))
            continue
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


def _code_spans(text: str) -> list[tuple[int, int]]:
    """Where the code spans (raw spans included) of ``text`` start and end: their text is literal."""
    spans, i = [], 0
    while True:
        tick = text.find("`", i)
        if tick == -1:
            return spans
        if _escaped(text, tick):
            i = tick + 1
            continue
        end = _code_span_end(text, tick)
        if end is None:
            i = tick + len(BACKTICKS.match(text, tick).group(0))
            continue
        spans.append((tick, end))
        i = end


def _inside(spans: list[tuple[int, int]], i: int) -> bool:
    """Whether position ``i`` lies in one of ``spans`` (sorted, not overlapping)."""
    at = bisect.bisect_right(spans, (i, float("inf"))) - 1
    return at >= 0 and i < spans[at][1]


def drop_hidden_spans(text: str, fmt: str) -> str:
    """``text`` without the inline spans Quarto hides in ``fmt``: ``[…]{.content-visible …}``
    whose brackets pair up (the nearest unescaped ``[`` outside code before the condition whose
    bracket closes right before it)."""
    code = _code_spans(text)
    out, at = [], 0
    for match in SPAN_CONDITION.finditer(text):
        close = match.start() - 1
        if match.start() < at or text[close:match.start()] != "]" or _escaped(text, close) \
                or _inside(code, close) or not hidden(match["kind"], match["format"], fmt):
            continue
        opening = text.rfind("[", at, close)
        while opening != -1 and (_escaped(text, opening) or _inside(code, opening)
                                 or _closing_bracket(text, opening) != close):
            opening = text.rfind("[", at, opening)
        if opening == -1:
            continue  # not a span this module can pair up: Quarto decides
        out.append(text[at:opening])
        at = match.end()
    return "".join(out) + text[at:]


def drop_hidden_divs(text: str, fmt: str) -> str:
    """``text`` without the fenced divs Quarto hides in ``fmt`` (an unclosed one stays)."""
    lines = text.split("\n")
    keep = [True] * len(lines)
    i = 0
    while i < len(lines):
        fence = CODE_FENCE.match(lines[i])
        if fence:  # a code block's lines are literal, up to a closing fence (no info string)
            closing = re.compile(re.escape(fence.group(1)[0]) + "{" + str(len(fence.group(1))) + r",}[ \t]*$")
            i += 1
            while i < len(lines) and not closing.match(lines[i]):
                i += 1
            i += 1
            continue
        opener = DIV_OPEN.match(lines[i])
        if opener and hidden(opener["kind"], opener["format"], fmt):
            depth, j = 1, i + 1
            while j < len(lines) and depth:
                if DIV_CLOSE.match(lines[j]):
                    depth -= 1
                elif ANY_DIV_OPEN.match(lines[j]):
                    depth += 1
                j += 1
            if depth == 0:
                for k in range(i, j):
                    keep[k] = False
                i = j
                continue
        i += 1
    return "\n".join(line for line, kept in zip(lines, keep) if kept)


def drop_raw_html(text: str) -> str:
    """``text`` without raw-HTML blocks (and the line break after one) and spans, which every
    format but HTML drops (a code block's text is literal and stays)."""
    parts, dropped = [], False
    for chunk, fenced in fenced_chunks(text):
        if fenced and chunk.startswith(RAW_HTML_FENCE + "\n"):
            dropped = True
            continue
        if not fenced:
            chunk = RAW_SPAN.sub("", chunk[1:] if dropped and chunk.startswith("\n") else chunk)
        parts.append(chunk)
        dropped = False
    return "".join(parts)


def view(text: str, fmt: str) -> str:
    """One Markdown text as ``fmt`` reads it."""
    text = drop_hidden_divs(drop_hidden_spans(text, fmt), fmt)
    return text if fmt == "html" else drop_raw_html(text)


def for_format(nb: dict, fmt: str) -> dict:
    """A copy of an executed notebook (as JSON) as ``fmt`` reads it: its Markdown cells, printed
    text, displayed Markdown and inline results."""
    if fmt not in FORMATS:
        raise ValueError(f"no single-format view for {fmt!r} (known: {', '.join(FORMATS)})")
    nb = copy.deepcopy(nb)
    map_rendered(nb, lambda text: view(text, fmt), prose=True)
    return nb


def write_for_format(notebook: Path, fmt: str) -> None:
    """Replace a copied notebook by its view for ``fmt``, keeping its modification time (the
    page's ``date: last-modified`` is its source's)."""
    stat = notebook.stat()
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    notebook.write_text(json.dumps(for_format(nb, fmt), ensure_ascii=False), encoding="utf-8")
    os.utime(notebook, (stat.st_atime, stat.st_mtime))
