"""The Great Expectations Data Docs as the site publishes them: a copy that loads nothing remote.

GX writes every page with about seventeen ``<script>``/``<link>``/``<img>`` loads from CDNs (bootstrap,
jQuery, bootstrap-table, Font Awesome, Vega, its own logo on S3). A reviewer who opens the site offline,
or from an archive years later, would get unstyled pages with empty tables; and the site's rule is
that no page loads anything from another host. So the site serves those files itself: they come from
the npm registry at the versions GX's templates name (``tools/datadocs-assets``, pinned by its
package-lock.json, installed by ``make datadocs-assets``), are copied into ``vendor/`` of the
published Data Docs, and each page's remote URL becomes a path relative to that page, since the site
lives under a sub-path (``https://OWNER.github.io/REPO/``) and must open from disk as well.

A remote URL this module does not know stops the publication with the page and the URL named: a newer
GX that adds a CDN load must be looked at, not published half-broken. ``<a href>`` links (GX's
documentation, its newsletter) are links a reader may follow, not loads, and stay as they are.

Each page carries the content security policy of :mod:`analysis.build.gx_inert`, made for its vendored
loads (scripts and styles from the site itself): an inline script or event handler GX's templates
do not write would run nowhere, and stops the publication, named.

What the site step can fix for readers of these pages (:func:`accessible`, docs/accessibility.md):
the pages are marked English (``<html lang="en">``; GX writes no language); the index's tabs become
a proper tab list (its ``<li>`` wrappers get ``role="presentation"``, so each ``role="tab"`` link
sits in the ``role="tablist"``); and a style sheet of our own overrides the colours axe-core finds
below WCAG's 4.5:1 (Bootstrap's link and button blue, the breadcrumb's grey, GX's orange footer
links) and underlines links inside text. What only bootstrap-table's scripts could fix (they add the
filter controls and scrolling table bodies when the page opens) is listed by
:data:`analysis.checks.accessibility.DATA_DOCS_KNOWN`.
"""

from __future__ import annotations

import base64
import hashlib
import html
import posixpath
import re
import shutil
import tempfile
from pathlib import Path

from analysis.build import gx_inert
from analysis.render.offline import REMOTE_URL, css_remote, remote_resources

VENDOR = "vendor"  # the folder of the published Data Docs that holds the copied assets
MAKE_TARGET = "make datadocs-assets"

# Remote URL (without query) -> file inside tools/datadocs-assets/node_modules. The versions are
# GX 1.24's (great_expectations/render/view/templates/*.j2); "vega@5" and friends are ranges there,
# pinned in package.json to what the CDN served for them when this was written.
ASSETS: dict[str, str] = {
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "bootstrap/dist/css/bootstrap.min.css",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "bootstrap/dist/js/bootstrap.min.js",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/dist/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": "popper.js/dist/umd/popper.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": "bootstrap-table/dist/bootstrap-table.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": "bootstrap-table/dist/bootstrap-table.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js":
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.min.js",
    # GX's templates take the filter-control styles from 1.19.0 (an npm alias installs it beside 1.19.1).
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css":
        "bootstrap-table-1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css":
        "bootstrap-table-1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css":
        "bootstrap-datepicker/dist/css/bootstrap-datepicker.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js":
        "bootstrap-datepicker/dist/js/bootstrap-datepicker.min.js",
    # Its CSS loads ../webfonts/*: the files a vendored stylesheet references are copied with it.
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": "@fortawesome/fontawesome-free/css/all.min.css",
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css":
        "@forevolve/bootstrap-dark/dist/css/bootstrap-prefers-dark.css",
    "https://cdn.jsdelivr.net/npm/vega@5": "vega/build/vega.min.js",
    "https://cdn.jsdelivr.net/npm/vega-lite@5": "vega-lite/build/vega-lite.min.js",
    "https://cdn.jsdelivr.net/npm/vega-embed@6": "vega-embed/build/vega-embed.min.js",
}

# Remote URL (without query) -> file already inside the Data Docs. GX's logo is also in its static/
# folder; the dark-mode logo is not, so dark mode shows the same (dark-lettered) logo.
LOCAL: dict[str, str] = {
    "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/logo-long.png": "static/images/logo-long.png",
    "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/full_logo_dark.png": "static/images/logo-long.png",
}

# Our overrides, last in <head>: colours with 4.5:1 or more against their background, links in text
# underlined (not told apart by colour alone). Inline styles are allowed by the pages' policy.
A11Y_STYLE = """<style data-boston="a11y">
a, .btn-link { color: #0056b3; }
p a, li a, td a, .alert a, footer a { text-decoration: underline; }
.btn-primary, .btn-primary:not(:disabled):not(.disabled).active, .btn-primary:not(:disabled):not(.disabled):active {
  color: #fff; background-color: #0056b3; border-color: #0056b3; }
.breadcrumb-item.active, .text-muted { color: #545b62 !important; }
footer a, footer a:hover { color: #c24000; }
</style>
"""
_HTML_TAG = re.compile(r"<html\b([^>]*)>", re.IGNORECASE)
_TABLIST = re.compile(r"(<ul\b[^>]*\brole=\"tablist\"[^>]*>)(.*?)(</ul>)", re.IGNORECASE | re.DOTALL)
_LIST_ITEM = re.compile(r"<li\b(?![^>]*\brole=)", re.IGNORECASE)
_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
_TAG = re.compile(r"<(?:script|link)\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""\s+([a-z:-]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""", re.IGNORECASE)
_CSS_URL = re.compile(r"""(?:url\(\s*["']?|@import\s+["'])([^)"'\s]+)""", re.IGNORECASE)


class DataDocsError(Exception):
    """The Data Docs cannot be published offline: the message names the page and URL, or what to run."""


def _key(url: str) -> str:
    """The URL as looked up: scheme-relative made https, without query or fragment (the S3 logo
    carries ``?d=TIMESTAMP``, which does not change the file)."""
    url = url.strip()
    if url.startswith("//"):
        url = "https:" + url
    return re.split(r"[?#]", url, maxsplit=1)[0]


def target(url: str) -> str | None:
    """Where a remote URL's file is in the published Data Docs (a path from its root), or None."""
    key = _key(url)
    if key in ASSETS:
        return f"{VENDOR}/{ASSETS[key]}"
    return LOCAL.get(key)


def _relative(path: str, page: str) -> str:
    """``path`` (from the Data Docs' root) as a link from ``page``: pages sit at different depths."""
    return posixpath.relpath(path, posixpath.dirname(page) or ".")


def _css_companions(css: Path, assets: Path, problems: list[str]) -> list[str]:
    """The files a vendored stylesheet loads by relative url() or @import (Font Awesome's webfonts),
    as paths inside node_modules, followed into imported stylesheets."""
    found: list[str] = []
    rel = css.relative_to(assets).as_posix()
    for ref in _CSS_URL.findall(css.read_text(encoding="utf-8")):
        if ref.startswith(("data:", "#")):
            continue
        if REMOTE_URL.match(ref):
            problems.append(f"{assets.name}/{rel}: loads {ref}, which is remote")
            continue
        path = posixpath.normpath(posixpath.join(posixpath.dirname(rel), _key(ref)))
        if path.startswith("../") or not (assets / path).is_file():
            problems.append(f"{assets.name}/{rel}: loads {ref}, which is not in {assets.name}/ (run `{MAKE_TARGET}`)")
            continue
        found.append(path)
        if path.endswith(".css"):
            found += _css_companions(assets / path, assets, problems)
    return found


def _attributes(tag: str) -> dict[str, str]:
    return {m.group(1).lower(): html.unescape((m.group(2) or "").strip("\"'")) for m in _ATTRIBUTE.finditer(tag)}


def _without_integrity(tag: str, file: Path, where: str, problems: list[str]) -> str:
    """The tag without ``integrity`` and ``crossorigin``, once the vendored file is shown to be the
    one GX pinned. From disk (file://) Chromium refuses a script with either attribute (an opaque
    origin fails the CORS check), so they cannot stay; the hash is checked here instead."""
    wanted = _attributes(tag).get("integrity", "").split()
    if wanted and file.is_file():
        data = file.read_bytes()
        have = {f"{a}-{base64.b64encode(hashlib.new(a, data).digest()).decode()}" for a in ("sha256", "sha384", "sha512")}
        if not have & set(wanted):
            problems.append(f"{where} is pinned by integrity {' '.join(wanted)}, which {file} does not match")
    return _ATTRIBUTE.sub(lambda m: "" if m.group(1).lower() in ("integrity", "crossorigin") else m.group(0), tag)


def _replace(text: str, url: str, link: str) -> str:
    """Every quoted or url()-bracketed occurrence of ``url`` (also with ``&`` as ``&amp;``) made ``link``."""
    for variant in sorted({url, html.escape(url, quote=False)}):
        text = re.sub(r"""(?<=["'(])(\s*)""" + re.escape(variant) + r"""(?=\s*["')])""",
                      lambda m: m.group(1) + link, text)
    return text


def accessible(page: str) -> str:
    """A GX page as the site publishes it: ``lang="en"`` on <html> (where GX wrote none), the list
    items of a tab list presentational (a tab's parent is then the tab list), and our colour
    overrides last in <head> (put there once)."""
    page = _HTML_TAG.sub(lambda m: m.group(0) if re.search(r"\blang\s*=", m.group(1), re.I) else f'<html lang="en"{m.group(1)}>',
                         page, count=1)
    page = _TABLIST.sub(lambda m: m.group(1) + _LIST_ITEM.sub('<li role="presentation"', m.group(2)) + m.group(3), page)
    if 'data-boston="a11y"' not in page:
        page = _HEAD_END.sub(lambda m: A11Y_STYLE + m.group(0), page, count=1)
    return page


def _misplaced_static(url: str, page: str, data_docs: Path) -> str | None:
    """GX's ``static/`` file that a page's local link means but misses, or None. GX 1.24 links the
    favicon of a validation page (four folders deep) one ``../`` short; the file is at the root's
    static/, so the link is pointed there instead of loading nothing."""
    path = _key(url)
    if not path or REMOTE_URL.match(path) or ":" in path.split("/")[0]:
        return None
    if (data_docs / posixpath.normpath(posixpath.join(posixpath.dirname(page), path))).is_file():
        return None
    meant = re.fullmatch(r"(?:\.\.?/)*(static/.+)", path)
    return meant.group(1) if meant and (data_docs / meant.group(1)).is_file() else None


def _remote(text: str, is_html: bool) -> list[str]:
    return remote_resources(text) if is_html else css_remote(text)


def _rewrite(rel: str, text: str, is_html: bool, data_docs: Path, assets: Path,
             problems: list[str], used: set[str]) -> str:
    """One page or stylesheet with each remote load made a relative link; what is unknown goes to problems."""
    links: dict[str, str] = {}
    for url in sorted(set(_remote(text, is_html))):
        place = target(url)
        if place is None:
            problems.append(f"{rel}: unknown remote resource {url}")
        elif place.startswith(VENDOR + "/") or (data_docs / place).is_file():
            links[url] = _relative(place, rel)
        else:
            problems.append(f"{rel}: {url} stands for {place}, which these Data Docs lack")
    vendored = {url: place.removeprefix(VENDOR + "/") for url in links
                if (place := target(url) or "").startswith(VENDOR + "/")}
    used.update(vendored.values())

    def tag(m: re.Match) -> str:
        attributes = _attributes(m.group(0))
        url = attributes.get("src") or attributes.get("href") or ""
        if url in vendored:
            return _without_integrity(m.group(0), assets / vendored[url], f"{rel}: {url}", problems)
        static = _misplaced_static(url, rel, data_docs)
        return _replace(m.group(0), url, _relative(static, rel)) if static else m.group(0)

    if is_html:
        text = _TAG.sub(tag, text)
    for url, link in links.items():
        text = _replace(text, url, link)
    problems += [f"{rel}: {url} could not be rewritten" for url in sorted(set(_remote(text, is_html))) if url in links]
    return text


def publish_data_docs(data_docs: Path, dest: Path, assets: Path) -> None:
    """Copy the Data Docs in ``data_docs`` to ``dest`` (replaced if it exists) with every remote
    load served from ``dest/vendor/`` (files from ``assets``, the node_modules folder of
    tools/datadocs-assets) or from the Data Docs' own static/ folder, linked relatively from each page.

    Nothing is written unless every page is done: an unknown remote URL, a file missing from
    ``assets`` or a vendored file that is not the one GX pins raises :class:`DataDocsError` listing
    each page and URL, and ``dest`` is left as it was. Files are read in name order and copied as
    bytes, so the same Data Docs and assets give the same output bytes."""
    if not assets.is_dir():
        raise DataDocsError(f"{assets} is missing: run `{MAKE_TARGET}` (npm ci in tools/datadocs-assets; the Data "
                            "Docs' scripts, styles and fonts, served from the site instead of CDNs)")
    if not (data_docs / "index.html").is_file():
        raise DataDocsError(f"{data_docs} holds no index.html: not a Data Docs folder")
    if (data_docs / VENDOR).exists():
        raise DataDocsError(f"{data_docs / VENDOR} exists: the Data Docs' own files would be mixed with the vendored ones")
    files = sorted(p.relative_to(data_docs).as_posix() for p in data_docs.rglob("*") if p.is_file())
    problems: list[str] = []
    used: set[str] = set()
    written: dict[str, bytes] = {}
    for rel in files:
        if rel.endswith((".html", ".htm", ".css")):
            with open(data_docs / rel, encoding="utf-8", newline="") as f:
                text = f.read()
            is_html = not rel.endswith(".css")
            new = _rewrite(rel, gx_inert.without_policy(text) if is_html else text, is_html, data_docs, assets, problems, used)
            if is_html:
                new, blocked = gx_inert.with_policy(accessible(new), vendored=True)
                problems += [f"{rel}: {b}" for b in blocked]
            if new != text:
                written[rel] = new.encode("utf-8")
    vendored: list[str] = []
    for path in sorted(used):
        if not (assets / path).is_file():
            problems.append(f"{assets.name}/{path} is missing: run `{MAKE_TARGET}` (package-lock.json may be newer)")
            continue
        vendored.append(path)
        if path.endswith(".css"):
            vendored += _css_companions(assets / path, assets, problems)
    if problems:
        raise DataDocsError(f"the Data Docs in {data_docs} cannot be published offline ({len(problems)} problem(s)); "
                            "a new remote load needs an entry in analysis.review.datadocs.ASSETS and its package in "
                            f"tools/datadocs-assets/package.json, a missing file `{MAKE_TARGET}`:\n" + "\n".join(f"  - {p}" for p in problems))

    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}-", dir=dest.parent))
    try:
        for rel in files:
            (staging / rel).parent.mkdir(parents=True, exist_ok=True)
            if rel in written:
                (staging / rel).write_bytes(written[rel])
            else:
                shutil.copyfile(data_docs / rel, staging / rel)
        for path in sorted(set(vendored)):
            (staging / VENDOR / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(assets / path, staging / VENDOR / path)
        staging.chmod(0o755)  # mkdtemp made it private
        if dest.exists():
            shutil.rmtree(dest)
        staging.rename(dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
