"""Great Expectations' Data Docs pages made inert: a content security policy in every page,
computed from the page and from GX's own templates (read from the installed package, not imported).

The pages are drawn by :mod:`analysis.build.gx_views`, which writes every data string as text. Should
anything get past that, the policy keeps it from running: scripts only from the files GX's
templates load (the CDN URLs in the build's Data Docs, the site's own vendored copies once
published, :mod:`analysis.review.datadocs`), inline scripts only when their text is one GX's
templates hold (or the shape of GX's table set-up), inline event handlers only GX's three. A
handler, an inline script or a ``javascript:`` URL that came from data runs nowhere; nothing may be
fetched, framed, embedded or posted. What the policy leaves blocked is returned, so that the site
can refuse to publish such a page.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import importlib.util
import re
from html.parser import HTMLParser
from pathlib import Path

TEMPLATES = Path(importlib.util.find_spec("great_expectations").origin).parent / "render" / "view" / "templates"
POLICY_MARK = 'data-boston="inert"'
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
_SRC = re.compile(r"""\bsrc\s*=\s*["']([^"']+)["']""", re.I)
_STYLESHEET = re.compile(r"""<link\b[^>]*\brel=["']stylesheet["'][^>]*\bhref=["'](https://[^"']+)["']""", re.I)
_HANDLER = re.compile(r"^(?:showAllValidations\(\)|hideSucceededValidations\(\)|clearTableFilters\('[A-Za-z0-9_-]+'\))$")
# bootstrap_table.j2: the one inline script GX fills in (the index's tables: suite and run names).
_TABLE_SETUP = re.compile(r"^\s*\$\('#[A-Za-z0-9_-]+-body-table'\)\.bootstrapTable\(\s*Object\.assign\(\s*\{\s*columns: \[.*\],\s*"
                          r"data: \[.*\],\s*toolbar: '#[A-Za-z0-9_-]+-body-table-toolbar'\s*\},\s*\{.*\}\s*\)\s*\);"
                          r"(?:\s*\$\(document\)\.ready\(function\(\) \{\s*\$\(\"#[A-Za-z0-9_-]+-body-table\"\)\.on\('click-row\.bs\.table', "
                          r"function\(e, row, \$element\) \{\s*window\.location = \$element\.data\(\"href\"\);\s*\}\)\s*\}\s*\);)?\s*$", re.S)
IMAGES = "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/"  # GX's logo (top_navbar.j2)
FONTS = "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/webfonts/"  # what GX's Font Awesome stylesheet loads


def _templates() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(TEMPLATES.glob("*.j2")))


@functools.cache
def _gx_sources() -> tuple[frozenset[str], tuple[str, ...], tuple[str, ...]]:
    """From GX's installed templates: the inline scripts without template code in them, and the
    remote scripts and stylesheets its pages load."""
    text = _templates()
    inline, scripts = set(), []
    for attrs, body in _SCRIPT.findall(text):
        src = _SRC.search(attrs)
        if src:
            scripts.append(src.group(1))
        elif "{{" not in body and "{%" not in body:
            inline.add(body.strip())
    return frozenset(inline), tuple(dict.fromkeys(scripts)), tuple(dict.fromkeys(_STYLESHEET.findall(text)))


class _Code(HTMLParser):
    """The inline scripts and the inline event handlers of a page, as the browser would read them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.handlers: list[str] = []
        self._inline: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handlers += [value or "" for name, value in attrs if name.lower().startswith("on")]
        if tag == "script" and not any(name == "src" for name, _ in attrs):
            self._inline = []

    def handle_data(self, data: str) -> None:
        if self._inline is not None:
            self._inline.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._inline is not None:
            self.scripts.append("".join(self._inline))
            self._inline = None


def _hash(code: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode("ascii") + "'"


def policy(page: str, *, vendored: bool) -> tuple[str, list[str]]:
    """The page's content security policy, and what in the page it leaves blocked (an inline script
    or handler GX's templates do not write). ``vendored``: the page loads its scripts and styles
    from its own site (analysis.review.datadocs), not from GX's CDNs."""
    inline, scripts, styles = _gx_sources()
    code = _Code()
    code.feed(page)
    allowed, blocked = [], []
    for body in code.scripts:
        if body.strip() in inline or _TABLE_SETUP.match(body):
            allowed.append(_hash(body))
        else:
            blocked.append(f"an inline script GX's templates do not write: {body.strip()[:80]!r}")
    for handler in code.handlers:
        if _HANDLER.match(handler):
            allowed.append(_hash(handler))
        else:
            blocked.append(f"an inline event handler GX's templates do not write: {handler[:80]!r}")
    hashes = " ".join(dict.fromkeys(allowed))
    handlers = " 'unsafe-hashes'" if code.handlers else ""
    if vendored:
        script_src, style_src, img_src, font_src = "'self'", "'self'", "'self'", "'self'"
    else:
        script_src, style_src = " ".join(("'self'", *scripts)), " ".join(("'self'", *styles))
        img_src, font_src = f"'self' {IMAGES}", f"'self' {FONTS}"
    rules = (f"default-src 'none'; script-src {script_src}{handlers} {hashes}".rstrip() + ";",
             f"style-src {style_src} 'unsafe-inline';", f"img-src {img_src} data:;", f"font-src {font_src} data:;",
             "connect-src 'none'; frame-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'")
    return " ".join(rules), blocked


_HEAD = re.compile(r"<head\b[^>]*>", re.I)
_OLD_POLICY = re.compile(r'<meta http-equiv="Content-Security-Policy" ' + re.escape(POLICY_MARK) + r' content="[^"]*">\n?')


def without_policy(page: str) -> str:
    """The page without the policy :func:`with_policy` put there."""
    return _OLD_POLICY.sub("", page)


def with_policy(page: str, *, vendored: bool) -> tuple[str, list[str]]:
    """The page with its policy first in <head> (replacing one put there before)."""
    page = without_policy(page)
    rules, blocked = policy(page, vendored=vendored)
    head = _HEAD.search(page)
    meta = f'<meta http-equiv="Content-Security-Policy" {POLICY_MARK} content="{html.escape(rules, quote=True)}">\n'
    if head is None:
        return meta + page, blocked + ["no <head>: the policy stands before the document"]
    return page[:head.end()] + "\n" + meta.rstrip("\n") + page[head.end():], blocked


def make_inert(folder: Path) -> dict[str, list[str]]:
    """Every page of the Data Docs in ``folder`` with its policy (as GX wrote them: CDN loads);
    returns, per page, what the policy blocks, and pages GX left unfinished (it logs a renderer's
    failure and writes what it has)."""
    found = {}
    for path in sorted(folder.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        page, blocked = with_policy(text, vendored=False)
        path.write_text(page, encoding="utf-8")
        if not text.rstrip().lower().endswith("</html>"):
            blocked.append("unfinished: Great Expectations stopped writing the page (its renderer failed)")
        if blocked:
            found[path.relative_to(folder).as_posix()] = blocked
    return found
