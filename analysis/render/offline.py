"""The published HTML references nothing remote: Quarto's post-render step fails the render if it does.

With ``embed-resources: true`` Quarto inlines what it can fetch; what it cannot (offline, or a CDN
loader it adds itself) stays a remote reference and the page breaks without a network. The charts
avoid Quarto's CDN loaders at the source (see ``charts.html_and_png``), and the report turns off
TeX math (MathJax's loader); this step proves nothing remote is left.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

# Attributes through which an element loads something. <a href> (and <area href>) is a link the
# reader may follow, not a resource; every other element's URL attribute counts.
URL_ATTRIBUTES = {"src", "href", "srcset", "poster", "data", "action", "formaction", "xlink:href", "background", "manifest", "ping"}
LINK_TAGS = {"a", "area"}
REMOTE_URL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
CSS_URL = re.compile(r"""(?:url\(\s*["']?|@import\s+["'])([^)"'\s]+)""", re.IGNORECASE)
META_REFRESH = re.compile(r"url\s*=\s*['\"]?([^'\"\s>]+)", re.IGNORECASE)


_CANDIDATE = re.compile(r"[\s,]*(\S+)")


def srcset_urls(value: str) -> list[str]:
    """The URLs of a srcset: 'a.png 1x, b.png 2x' -> a.png, b.png (a data: URL's commas do not split it)."""
    urls, pos = [], 0
    while (m := _CANDIDATE.match(value, pos)) is not None:
        url, pos = m.group(1), m.end()
        if url.endswith(","):
            url = url.rstrip(",")
        else:  # descriptors, up to the next comma
            comma = value.find(",", pos)
            pos = len(value) if comma < 0 else comma + 1
        urls.append(url)
    return urls


@dataclass(frozen=True)
class Reference:
    """One URL in a page: the element and attribute it stands in (``style`` for CSS, also a
    <style> element's; ``content`` for a meta refresh), and whether it is a link the reader may
    follow (<a>, <area>) rather than something the page loads."""

    tag: str
    attribute: str
    url: str

    @property
    def is_link(self) -> bool:
        return self.tag in LINK_TAGS and self.attribute != "style"


class PageReferences(HTMLParser):
    """Every URL of a page (:class:`Reference`), the ids and <a name>s a #fragment may name, and
    the <base href> if any. Script *text* is not read."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.references: list[Reference] = []
        self.ids: set[str] = set()
        self.base: str | None = None
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_style = tag == "style"
        found = self.references
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                self.ids.add(value)
            if name == "style":
                found += [Reference(tag, "style", u) for u in CSS_URL.findall(value)]
            elif tag == "meta" and name == "content" and any(n == "http-equiv" and (v or "").lower() == "refresh" for n, v in attrs):
                found += [Reference(tag, name, u) for u in META_REFRESH.findall(value)]
            elif name in URL_ATTRIBUTES:
                urls = srcset_urls(value) if name == "srcset" else [value.strip()]
                found += [Reference(tag, name, u) for u in urls if u]
                if tag == "base" and name == "href" and self.base is None:
                    self.base = value.strip()

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.references += [Reference("style", "style", u) for u in CSS_URL.findall(data)]


def page_references(html: str) -> PageReferences:
    parsed = PageReferences()
    parsed.feed(html)
    parsed.close()
    return parsed


def remote_resources(html: str) -> list[str]:
    """Every URL through which the page would load something from another host: element attributes
    (scripts, styles, images, frames, media, objects, forms, SVG images), CSS url() and @import in
    <style> and style attributes, and meta refresh. Script *text* is not read: the browser check
    (check_output) catches what scripts would fetch."""
    return [r.url for r in page_references(html).references if not r.is_link and REMOTE_URL.match(r.url)]


def css_remote(css: str) -> list[str]:
    """The URLs a style sheet would load from another host (url(), @import)."""
    return [u for u in CSS_URL.findall(css) if REMOTE_URL.match(u)]


def check_offline(path: Path) -> None:
    """Raise if the HTML file references anything remote."""
    remaining = remote_resources(path.read_text(encoding="utf-8"))
    if remaining:
        raise ValueError(f"{path}: {len(remaining)} remote resource(s), e.g. {remaining[:3]}: the page would not work offline")


def main(paths: list[str]) -> int:
    status = 0
    for name in paths:
        path = Path(name)
        if path.suffix.lower() != ".html" or not path.exists():
            continue
        try:
            check_offline(path)
            print(f"post-render: {path}: no remote resources", file=sys.stderr)
        except ValueError as exc:
            print(f"post-render: {exc}", file=sys.stderr)
            status = 1
    return status
