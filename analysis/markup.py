"""The one way text from data becomes Markdown: escaped, single-line, and never markup.

Titles, producers, quotes, hospital names and URLs come from sidecars and raw rows that anyone
can edit. Pasted into Markdown as they are, ``<script>`` would run in the published HTML, a ``|``
would split a table cell, ``$…$`` would become math and ``[x](y)`` a second link. So every
generator of the report's Markdown builds it here:

- :func:`escape` turns any value into literal text: newlines and control characters become
  spaces and every ASCII punctuation character is backslash-escaped (Pandoc reads a backslash
  before any punctuation as that literal character), so no character of data can open markup.
- :func:`href` accepts only absolute http(s) URLs and percent-encodes what could end a link target.
- :class:`Markup` marks a string as already-safe Markdown; :func:`table`, :func:`link` and
  :func:`join` escape whatever is not ``Markup`` and return ``Markup``.
- :func:`script_json` is the one way data reaches a ``<script>`` element (a chart's spec): JSON in
  which no character can end the script or change how the HTML parser reads it.

``Markup`` has ``_repr_markdown_``, so a cell or an inline ``{python}`` expression that returns it is
read by Quarto as Markdown, while a plain ``str`` is shown as plain text. Its output also names its
kind (``Cited``, ``Label``, …) under :data:`KIND`, which Quarto ignores: the tests read it to prove that
every inline expression gives a cited figure or a label, never a bare value.
"""

from __future__ import annotations

import json
import math
import os
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Mapping
from urllib.parse import quote

from analysis.build.urls import UnsafeURL, check_url  # noqa: F401  (re-exported: link() raises it)

# Set by the pre-render's one execution (analysis.render.execute) for the kernel it starts.
EXECUTING_ENV = "BOSTON_REPORT_EXECUTING"


def rendering() -> bool:
    """True while the chapters execute for a render: the pre-render's execution, which serves
    every format at once (so a helper emits each format's form: :func:`per_format`), or Quarto
    executing a ``.qmd`` itself, which names an execute-info file. Outside a render (Jupyter,
    tests) a chart shows as a notebook shows it."""
    return os.environ.get(EXECUTING_ENV) == "1" or bool(os.environ.get("QUARTO_EXECUTE_INFO"))

MISSING = "—"
_LINE_BREAKS = re.compile(r"[\r\n\u0085\u2028\u2029]+")


def one_line(text: str) -> str:
    """Data strings may hold newlines and control characters; a table row must stay one line."""
    text = _LINE_BREAKS.sub(" ", text)
    return "".join(" " if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in text)


_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character
_SAFE_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
# Characters kept as they are in a link target: RFC 3986 unreserved and reserved characters, minus
# those that can end or break a Markdown link or an HTML attribute: ( ) < > " ' ` space \ | [ ] { } ^.
_URL_SAFE = "-._~:/?#@!$&*+,;=%"


KIND = "text/x-boston-report-kind"  # the media type of a Markup output's kind


class Markup(str):
    """Markdown that is already safe: produced by this module (or written by the report's authors)."""

    def _repr_markdown_(self) -> str:
        return str(self)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        return {KIND: type(self).__name__}  # IPython adds the Markdown from _repr_markdown_

    def __add__(self, other: str) -> "Markup":
        return Markup(str(self) + str(escape(other)))

    def join(self, parts: Iterable) -> "Markup":  # type: ignore[override]
        return Markup(str.join(self, (str(escape(p)) for p in parts)))


def is_blank(value) -> bool:
    """No value: None, NaN, or what pandas writes for one ('', '<NA>', 'nan', 'NaT')."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return str(value) in ("", "<NA>", "nan", "NaT")


def escape(value) -> Markup:
    """Any value as literal Markdown text. ``Markup`` passes through unchanged."""
    if isinstance(value, Markup):
        return value
    text = one_line(str(value))
    return Markup(_PUNCTUATION.sub(r"\\\1", text))


def cell(value) -> Markup:
    """A table cell: escaped text, or '—' for a missing value (never 'nan', never empty)."""
    return Markup(MISSING) if is_blank(value) else escape(value)


def strong(value) -> Markup:
    return Markup(f"**{escape(value)}**")


def code(value: str) -> Markup:
    """An identifier (source id, table name) in code style. Only plain identifiers are accepted:
    code spans are literal, but a backtick or a '|' in one would still end the span or the cell."""
    text = str(value)
    if not _SAFE_CODE.match(text):
        raise ValueError(f"not a plain identifier for code style: {text!r}")
    return Markup(f"`{text}`")


def href(value: str) -> str:
    """A checked URL, percent-encoded so that it cannot end the link target it is placed in."""
    return quote(check_url(value), safe=_URL_SAFE)


_RELATIVE = re.compile(r"^(?![a-zA-Z][a-zA-Z0-9+.-]*:)(?!/)[A-Za-z0-9._~/#-]+$")


def relative_href(value: str) -> str:
    """A link within the site (``report/index.html#sec-x``): no scheme, no leading slash (the site
    is served from a sub-path), only characters that cannot end a link target or an attribute."""
    text = str(value)
    if not _RELATIVE.match(text) or text.startswith("//"):
        raise UnsafeURL(f"not a relative link within the site: {text!r}")
    return text


def link(label, url: str, *, relative: bool = False, lang: str | None = None) -> Markup:
    """A link: an absolute http(s) URL from data, or (``relative``) a page of the site itself;
    ``lang`` when its words are in another language than the page's (an English source's title)."""
    if lang is not None and not _LANGUAGE.match(lang):
        raise ValueError(f"not a language tag: {lang!r}")
    attributes = f'{{lang="{lang}"}}' if lang else ""
    return Markup(f"[{escape(label)}]({relative_href(url) if relative else href(url)}){attributes}")


_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Z]{2})?$")
_HANGUL = re.compile("[\uac00-\ud7a3\u3131-\u318e]")
_OTHER_SCRIPTS = re.compile("[\u3040-\u30ff\u4e00-\u9fff]")  # kana and CJK ideographs: neither ko nor en
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def in_language(text: Markup, lang: str) -> Markup:
    """Markdown whose language differs from the page's (an English link on a Korean page): a span
    with ``lang``, which the HTML keeps (screen readers switch voice) and the PDF ignores."""
    if not _LANGUAGE.match(lang):
        raise ValueError(f"not a language tag: {lang!r}")
    return Markup(f'[{text}]{{lang="{lang}"}}')


def language_of(text: str) -> str | None:
    """'ko' for text from data with Hangul (Korean sentences hold Latin names: "(KERI) 2020"), 'en'
    for Latin words without Hangul or another Asian script, else None: the sources are Korean or
    English, and their titles and quotes are marked so a screen reader reads each in its language."""
    text = str(text)
    if _HANGUL.search(text):
        return "ko"
    if _OTHER_SCRIPTS.search(text):
        return None
    return "en" if _LATIN_WORD.search(text) else None


def attribute(value) -> str:
    """Any value as a quoted attribute value of Pandoc's attribute syntax (``{fig-alt=…}``): one
    line, each backslash and double quote escaped with a backslash, so no data string can end the
    value, the attribute list or the image it belongs to. (Quarto escapes the same two characters
    again where it writes the value into Typst's ``image(alt: "…")``.)"""
    text = one_line(str(value)).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def per_format(html: str, printed: str) -> Markup:
    """Inline text for both formats from one execution: ``html`` is a raw-HTML span (``…{=html}``,
    which every other format drops) and ``printed`` is Markdown that only the PDF shows. Both must
    already be safe Markdown (built by this module's helpers)."""
    hidden = f'[{printed}]{{.content-visible unless-format="html"}}' if printed else ""
    return Markup(f"{html}{hidden}")


def per_format_block(html: str, printed: str) -> Markup:
    """Block Markdown for both formats from one execution: ``html`` shown only in the HTML,
    ``printed`` only in the PDF (either may be empty)."""
    parts = []
    for body, condition in ((html, 'when-format="html"'), (printed, 'unless-format="html"')):
        if body:
            parts.append(f"::: {{.content-visible {condition}}}\n{body}\n:::\n")
    return Markup("\n".join(parts))


# Inside a <script> element the HTML parser knows nothing of JSON: "</script" ends the element,
# "<!--" followed by "<script" puts it into a state in which the next "</script>" no longer does
# (one chart would swallow the rest of the page), and U+2028/U+2029 end a line in older JavaScript.
# As JSON escapes they are the same strings, and no markup character is left in the text.
_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_SCRIPT_UNSAFE_RE = re.compile("[" + "".join(_SCRIPT_UNSAFE) + "]")


def script_json(value) -> str:
    """``value`` as JSON that can stand inside an HTML ``<script>`` element as it is: every ``<``,
    ``>``, ``&``, U+2028 and U+2029 written as a ``\\uXXXX`` escape (they can occur only inside
    JSON strings, where the escape is the same character), so whatever the data say, the parser
    stays in the script's plain state and the script ends where its author ended it."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return _SCRIPT_UNSAFE_RE.sub(lambda m: _SCRIPT_UNSAFE[m.group(0)], text)


def code_block(text: str, language: str = "") -> Markup:
    """Literal text shown as it is (a BibTeX entry): a fence longer than any run of backticks in
    the text, so nothing in it can close the block."""
    longest = max((len(run) for run in re.findall(r"`+", str(text))), default=0)
    fence = "`" * max(3, longest + 1)
    return Markup(f"{fence}{language and ' ' + language}\n{text}\n{fence}\n")


def join(parts: Iterable, sep: str = ", ") -> Markup:
    return escape(sep).join(parts)


@dataclass(frozen=True)
class Column:
    """One table column: its header, the row key it shows, alignment ('l' or 'r') and its share of
    the line width (relative; a date column 1, a sentence column 4)."""

    header: str
    key: str
    align: str = "l"
    width: float = 1.0


TABLE_RULE_WIDTH = 100  # dashes in the rule line; Pandoc turns their counts into relative widths


def table(rows: Iterable[Mapping], columns: list[Column]) -> Markup:
    """A Pandoc pipe table. Every cell is escaped unless it is ``Markup``; a missing value is '—'.
    The rule line is longer than Pandoc's 72 columns, so Pandoc wraps cells and sizes the columns
    by the number of dashes under each header (narrow id and date columns, wide text columns)."""
    total = sum(c.width for c in columns)
    dashes = [max(3, round(TABLE_RULE_WIDTH * c.width / total)) for c in columns]
    head = "| " + " | ".join(str(escape(c.header)) for c in columns) + " |"
    rule = "|" + "|".join((":" + "-" * (n - 1)) if c.align == "l" else ("-" * (n - 1) + ":") for c, n in zip(columns, dashes)) + "|"
    body = ["| " + " | ".join(str(cell(row.get(c.key))) for c in columns) + " |" for row in rows]
    return Markup("\n".join([head, rule, *body]) + "\n")
