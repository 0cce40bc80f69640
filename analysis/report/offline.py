"""Make the rendered HTML work offline, and prove it.

With ``embed-resources: true``, Quarto 1.10 adds jQuery and RequireJS loaders from cdn.jsdelivr.net
to a page whose Jupyter outputs contain HTML with scripts (our charts). Offline they cannot be
embedded and stay as remote ``<script src>`` tags. The charts do not use them (they call the
page's one local ``vegaEmbed``), so exactly those two loaders are removed; anything else remote
left in the page is an error, because the published HTML must reference nothing remote.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

CDN_LOADERS = re.compile(
    r'<script\b[^>]*\bsrc="https://cdn\.jsdelivr\.net/npm/'
    r'(?:requirejs@[\w.\-]+/require(?:\.min)?\.js|jquery@[\w.\-]+/dist/jquery(?:\.min)?\.js)"[^>]*>\s*</script>\s*',
    re.IGNORECASE,
)
# Elements that *load* something; <a href> is a link the reader may follow, not a resource.
REMOTE_RESOURCE = re.compile(
    r'<(script|link|img|iframe|source|video|audio|embed)\b[^>]*?\b(?:src|href)\s*=\s*["\']((?:https?:)?//[^"\']+)',
    re.IGNORECASE,
)
CSS_REMOTE = re.compile(r'url\(\s*["\']?((?:https?:)?//[^)"\']+)', re.IGNORECASE)


def strip_cdn_loaders(html: str) -> tuple[str, int]:
    return CDN_LOADERS.subn("", html)


def remote_resources(html: str) -> list[str]:
    found = [m.group(2) for m in REMOTE_RESOURCE.finditer(html)]
    found += [m.group(1) for m in CSS_REMOTE.finditer(html)]
    return found


def make_offline(path: Path) -> int:
    """Rewrite one HTML file in place; raise if anything remote remains."""
    html = path.read_text(encoding="utf-8")
    cleaned, removed = strip_cdn_loaders(html)
    remaining = remote_resources(cleaned)
    if remaining:
        raise ValueError(f"{path}: {len(remaining)} remote resource(s) left after removing the CDN loaders, e.g. {remaining[:3]}")
    if removed:
        path.write_text(cleaned, encoding="utf-8")
    return removed


def main(paths: list[str]) -> int:
    status = 0
    for name in paths:
        path = Path(name)
        if path.suffix.lower() != ".html" or not path.exists():
            continue
        try:
            removed = make_offline(path)
            print(f"post-render: {path}: removed {removed} CDN loader tag(s); no remote resources remain", file=sys.stderr)
        except ValueError as exc:
            print(f"post-render: {exc}", file=sys.stderr)
            status = 1
    return status
