"""The page's one local copy of Vega, Vega-Lite and vega-embed, and ``bostonChart`` (chart-fit.js),
included in the report's HTML head (report/_vega-bundle.html, written by the pre-render).

Why a module of its own: the pre-render calls :func:`write_vega_bundle` on every render, and the
chart builders (analysis.report.charts) import Altair and pandas, half a second that a render whose
bundle is up to date does not need.
"""

from __future__ import annotations

from pathlib import Path

FIT_SCRIPT = Path(__file__).with_name("chart-fit.js")


def vega_bundle_key() -> str:
    """What the bundle is made of: vl-convert's version (its Vega, Vega-Lite and vega-embed) and
    chart-fit.js. Asking vl-convert for the bundle takes about 3 s; the key does not."""
    import hashlib  # noqa: PLC0415
    from importlib.metadata import version  # noqa: PLC0415

    digest = hashlib.sha256(version("vl-convert-python").encode() + b"\0" + FIT_SCRIPT.read_bytes()).hexdigest()
    return f"<!-- boston-report vega bundle {digest[:16]} -->"


def write_vega_bundle(path: Path) -> bool:
    """Write the page's Vega bundle unless the file already holds this bundle (every render's
    pre-render calls this; only a new vl-convert or an edited chart-fit.js makes it again).
    Returns whether it was written."""
    key = vega_bundle_key()
    if path.exists():
        with path.open(encoding="utf-8") as existing:  # the key is the first line; the bundle is 0.9 MB
            if existing.readline() == key + "\n":
                return False
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(key + "\n" + vega_bundle_script(), encoding="utf-8")
    tmp.replace(path)
    return True


def vega_bundle_script() -> str:
    """Vega, Vega-Lite and vega-embed (from vl-convert, no network), then ``bostonChart``, which
    draws a chart and narrows it until it fits its column (chart-fit.js), in one inline script."""
    import vl_convert as vlc  # noqa: PLC0415

    return f'<script type="text/javascript">\n{vlc.javascript_bundle()}\n{FIT_SCRIPT.read_text(encoding="utf-8")}\n</script>\n'
