"""The published HTML references nothing remote: Quarto's post-render step fails the render if it does.

With ``embed-resources: true`` Quarto inlines what it can fetch; what it cannot (offline, or a CDN
loader it adds itself) stays a remote reference and the page breaks without a network. The charts
avoid Quarto's CDN loaders at the source (see ``charts.html_and_png``), and the report turns off
TeX math (MathJax's loader); this step proves nothing remote is left.
"""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from pathlib import Path

# Attributes through which an element loads something. <a href> (and <area href>) is a link the
# reader may follow, not a resource; every other element's URL attribute counts.
URL_ATTRIBUTES = {"src", "href", "srcset", "poster", "data", "action", "formaction", "xlink:href", "background", "manifest", "ping"}
LINK_TAGS = {"a", "area"}
REMOTE_URL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
CSS_REMOTE = re.compile(r"""(?:url\(\s*["']?|@import\s+["'])((?:[a-z][a-z0-9+.-]*:)?//[^)"'\s]+)""", re.IGNORECASE)
META_REFRESH = re.compile(r"url\s*=\s*['\"]?((?:[a-z][a-z0-9+.-]*:)?//[^'\"\s>]+)", re.IGNORECASE)


class _RemoteFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_style = tag == "style"
        for name, value in attrs:
            if value is None:
                continue
            if name == "style":
                self.found += CSS_REMOTE.findall(value)
            elif tag == "meta" and name == "content" and any(n == "http-equiv" and (v or "").lower() == "refresh" for n, v in attrs):
                self.found += META_REFRESH.findall(value)
            elif name in URL_ATTRIBUTES and tag not in LINK_TAGS:
                urls = [u.strip().split(" ")[0] for u in value.split(",")] if name == "srcset" else [value]
                self.found += [u.strip() for u in urls if REMOTE_URL.match(u)]

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.found += CSS_REMOTE.findall(data)


def remote_resources(html: str) -> list[str]:
    """Every URL through which the page would load something from another host: element attributes
    (scripts, styles, images, frames, media, objects, forms, SVG images), CSS url() and @import in
    <style> and style attributes, and meta refresh. Script *text* is not read: the browser check
    (check_output) catches what scripts would fetch."""
    finder = _RemoteFinder()
    finder.feed(html)
    finder.close()
    return finder.found


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
