"""The one way text from data becomes HTML in the pages the site step writes itself (the editions
index, each edition's "무엇이 바뀌었나" page).

Those pages are not rendered by Quarto, so :mod:`analysis.markup` (Markdown) does not reach
them. The same rule holds: a source title, a series label or a commit message is text, never markup.
:class:`Html` marks a string as already-safe HTML; :func:`element` escapes every child that is not
``Html`` and every attribute value, and links go through :func:`link`, which accepts only a relative
link within the site or a checked absolute http(s) URL (so no data string can become
``javascript:``, a second attribute or a script).
"""

from __future__ import annotations

import html as _html
from collections.abc import Iterable, Sequence

from analysis.markup import MISSING, href, is_blank, one_line, relative_href

# Elements and attributes the site's pages use; anything else is a programming error, not data.
TAGS = {"a", "p", "h1", "h2", "h3", "table", "caption", "thead", "tbody", "tr", "th", "td", "ul", "li", "strong", "code", "span",
        "section", "nav", "small", "main", "header", "footer", "div"}
ATTRIBUTES = {"class", "id", "lang", "scope"}


class Html(str):
    """HTML that is already safe: built by this module or written by the project's authors."""

    def __add__(self, other: str) -> "Html":
        return Html(str(self) + str(escape(other)))

    def join(self, parts: Iterable) -> "Html":  # type: ignore[override]
        return Html(str.join(self, (str(escape(p)) for p in parts)))


def escape(value) -> Html:
    """Any value as literal text on one line; ``Html`` passes through; a missing value (None, NaN,
    pandas' <NA>) is '—', while an empty string stays empty (a cell left blank on purpose)."""
    if isinstance(value, Html):
        return value
    if value != "" and is_blank(value):
        return Html(MISSING)
    return Html(_html.escape(one_line(str(value)), quote=True))


def element(tag: str, *children, **attrs: str) -> Html:
    """``<tag attr="…">children</tag>``; ``class_`` stands for ``class``."""
    if tag not in TAGS:
        raise ValueError(f"element <{tag}> is not one the site's pages use")
    parts = [tag]
    for name, value in attrs.items():
        name = name.rstrip("_")
        if name not in ATTRIBUTES:
            raise ValueError(f"attribute {name!r} is not one the site's pages use (links go through link())")
        parts.append(f'{name}="{escape(value)}"')
    return Html(f"<{' '.join(parts)}>" + "".join(str(escape(c)) for c in children) + f"</{tag}>")


def link(label, url: str, *, relative: bool = False) -> Html:
    """A link to a page of the site (``relative``) or to a checked absolute http(s) URL."""
    target = relative_href(url) if relative else href(url)
    return Html(f'<a href="{_html.escape(target, quote=True)}">') + escape(label) + Html("</a>")


def table(headers: Sequence[str], rows: Iterable[Sequence], right: Iterable[int] = (), *, caption: str) -> Html:
    """A table with a caption and a header row (``scope="col"``); cells in the columns ``right`` are
    right-aligned (figures)."""
    right = set(right)

    def cells(tag: str, values: Sequence, **attrs: str) -> Html:
        return Html("").join(element(tag, v, class_="num", **attrs) if i in right else element(tag, v, **attrs)
                             for i, v in enumerate(values))

    head = element("thead", element("tr", cells("th", headers, scope="col")))
    body = element("tbody", Html("\n").join(element("tr", cells("td", row)) for row in rows))
    return element("div", element("table", element("caption", caption), head, Html("\n"), body), class_="scroll")


# overflow-wrap: a word from data longer than a phone's line breaks instead of widening the page.
STYLE = """
body{overflow-wrap:anywhere;font-family:"Noto Sans CJK KR","Noto Sans KR","Apple SD Gothic Neo","Malgun Gothic",sans-serif;line-height:1.6;
margin:0 auto;max-width:60rem;padding:1rem;color:#212529}
h1{font-size:1.6rem;line-height:1.3}h2{font-size:1.25rem;margin-top:2rem}h3{font-size:1.05rem}
nav{font-size:.95rem;margin-bottom:1rem}a{color:#0b5cad}
.scroll{overflow-x:auto}table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.9rem}
th,td{border-bottom:1px solid #dee2e6;padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:#f1f3f5}.num{text-align:right;font-variant-numeric:tabular-nums}code{font-size:.9em}
small,.note{color:#555}caption{caption-side:top;text-align:left;font-weight:600;padding:.2rem 0}
.boston-skip{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
.boston-skip:focus{position:fixed;left:1rem;top:1rem;width:auto;height:auto;z-index:10;padding:.4rem .8rem;background:#fff;
border:2px solid #0b5cad;border-radius:4px}
"""
# The first thing Tab reaches: a link past the navigation to the page's <main id="main">.
SKIP_LINK = {"ko": "본문으로 건너뛰기", "en": "Skip to the content"}


def page(title: str, nav: Html, main: Sequence, *, lang: str = "ko", description: str = "") -> str:
    """A whole HTML document, self-contained (one inline style sheet, no script, nothing remote):
    a skip link, the navigation, then ``main`` as the page's <main id="main">."""
    meta = f'<meta name="description" content="{escape(description)}">\n' if description else ""
    skip = Html(f'<a class="boston-skip" href="#main">{escape(SKIP_LINK.get(lang, SKIP_LINK["en"]))}</a>')
    body = Html("\n").join([skip, nav, element("main", *main, id="main")])
    return (f'<!DOCTYPE html>\n<html lang="{escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n{meta}<style>{STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")
