"""The page's one local copy of Vega, Vega-Lite and vega-embed, and ``bostonChart`` (chart-fit.js),
in the report's HTML head.

report/index.qmd's head includes report/_vega-bundle.html, the bundle itself (0.9 MB). The
executed notebook the project renders includes report/_vega-placeholder.html instead, one empty
script naming the bundle (execute.front_matter_cell swaps them), and the post-render puts the
bundle in the placeholder's place. Why: Quarto passes an included file through Pandoc and its HTML
post-processing, which costs 0.4 s per render for a script nothing there needs to read (measured
on the report's HTML render, 2 cores). A .qmd rendered by name (no pre- or post-render runs then)
still includes the whole bundle. Both files are written by the pre-render, and only when the
bundle's key changes.

Why a module of its own: the pre-render calls :func:`write_vega_bundle` on every render, and the
chart builders (analysis.report.charts) import Altair and pandas, half a second that a render whose
bundle is up to date does not need.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

FIT_SCRIPT = Path(__file__).resolve().parent.parent / "report" / "chart-fit.js"
INCLUDE = "_vega-bundle.html"  # beside index.qmd: the key, then the bundle
PLACEHOLDER_INCLUDE = "_vega-placeholder.html"  # beside it: what the executed notebook includes instead
KEY = "<!-- boston-report vega bundle {digest} -->"  # the first line of both files
PLACEHOLDER = '<script type="text/javascript" id="boston-vega-bundle" data-key="{digest}"></script>'
PLACE = re.compile(re.escape(PLACEHOLDER).replace(re.escape("{digest}"), "([0-9a-f]{16})"))


class BundleError(RuntimeError):
    """A page's placeholder cannot be filled: the message names the page and what is missing."""


def vega_bundle_digest() -> str:
    """What the bundle is made of: vl-convert's version (its Vega, Vega-Lite and vega-embed) and
    chart-fit.js. Asking vl-convert for the bundle takes about 3 s; the digest does not."""
    import hashlib  # noqa: PLC0415
    from importlib.metadata import version  # noqa: PLC0415

    return hashlib.sha256(version("vl-convert-python").encode() + b"\0" + FIT_SCRIPT.read_bytes()).hexdigest()[:16]


def vega_bundle_key() -> str:
    """The first line of both files: which bundle they are."""
    return KEY.format(digest=vega_bundle_digest())


def _holds(path: Path, key: str) -> bool:
    if not path.exists():
        return False
    with path.open(encoding="utf-8") as existing:  # the key is the first line; the bundle is 0.9 MB
        return existing.readline() == key + "\n"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def write_vega_bundle(include: Path, placeholder: Path) -> bool:
    """Write the bundle (``include``: the key, then the script) and the placeholder that stands
    for it (``placeholder``: one line) unless both already hold this bundle (every render's
    pre-render calls this; only a new vl-convert or an edited chart-fit.js makes them again).
    Returns whether anything was written."""
    key = vega_bundle_key()
    wrote = False
    if not _holds(include, key):
        _write(include, key + "\n" + vega_bundle_script())
        wrote = True
    line = PLACEHOLDER.format(digest=vega_bundle_digest())
    if not _holds(placeholder, line):
        _write(placeholder, line + "\n")
        wrote = True
    return wrote


def with_placeholder(includes: list[str]) -> list[str]:
    """A head's include list with the bundle replaced by its placeholder (for the executed notebook)."""
    return [PLACEHOLDER_INCLUDE if name == INCLUDE else name for name in includes]


def attach_vega_bundle(html: str, bundle_text: str, where: str) -> str:
    """The page with its head's placeholder replaced by the bundle (a page without one is returned
    as it is). Only a placeholder inside <head> counts, and only for the bundle it names: a page
    rendered before vl-convert or chart-fit.js changed stops the post-render."""
    found = PLACE.search(html, 0, max(html.find("</head>"), 0))
    if not found:
        return html
    key, _, script = bundle_text.partition("\n")
    if key != KEY.format(digest=found.group(1)):
        raise BundleError(f"{where}: its head asks for Vega bundle {found.group(1)}, but the kept bundle is "
                          f"{key[:80]!r}: render again (the pre-render writes the bundle anew)")
    return html[:found.start()] + script.rstrip("\n") + html[found.end():]


def bundle_filler(bundle: Path) -> Callable[[str, str], str]:
    """``attach_vega_bundle`` for the post-render's pages, reading the kept bundle once, and only
    if a page asks for it."""
    kept: list[str] = []

    def fill(html: str, where: str) -> str:
        if PLACE.search(html) is None:
            return html
        if not kept:
            if not bundle.is_file():
                raise BundleError(f"{where}: its head asks for the Vega bundle, but {bundle} is missing: render again")
            kept.append(bundle.read_text(encoding="utf-8"))
        return attach_vega_bundle(html, kept[0], where)

    return fill


def vega_bundle_script() -> str:
    """Vega, Vega-Lite and vega-embed (from vl-convert, no network), then ``bostonChart``, which
    draws a chart and narrows it until it fits its column (chart-fit.js), in one inline script."""
    import vl_convert as vlc  # noqa: PLC0415

    return f'<script type="text/javascript">\n{vlc.javascript_bundle()}\n{FIT_SCRIPT.read_text(encoding="utf-8")}\n</script>\n'
