"""House style and chart builders for the report (Altair), plus the renderer Quarto needs.

- One colour for Massachusetts/Boston, one for Korea, greys for comparators, everywhere.
- Korean font (Noto Sans CJK KR) in HTML and in the PNGs that go into the Typst PDF.
- Quarto ignores the Vega-Lite mimetype, so the renderer emits per format what Quarto needs: a
  raw-HTML block (interactive) for HTML and a PNG for the PDF (see :func:`html_and_png`).
- The HTML output references a global ``vegaEmbed`` that the report loads once from a local bundle
  (``vega_bundle_script``); no chart carries its own copy and nothing is fetched from a CDN.
"""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

import altair as alt
import pandas as pd

FONT = "Noto Sans CJK KR"
FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto")
COLORS = {"MA": "#A41034", "Boston": "#A41034", "KR": "#0F4C81", "US": "#8C8C8C", "other": "#BDBDBD"}
REGION_LABELS = {"MA": "매사추세츠", "Boston": "보스턴", "KR": "한국", "US": "미국"}
WIDTH = 600
HEIGHT = 320
# PNG for Typst: Typst sizes an image by its pixel density. vl-convert writes width*scale*ppi/72 pixels
# with ppi in the pHYs chunk, so the printed width is width*scale/72 in: 0.6 keeps a 600 px chart
# (about 650 px with padding) near 5.4 in, inside A4 text width, at 300 dpi sharpness.
PNG_SCALE = 0.6
PNG_PPI = 300
THEME_NAME = "boston"
RENDERER_NAME = "html+png"
_ids = itertools.count(1)


def house_theme() -> dict:
    return {
        "config": {
            "font": FONT,
            "view": {"stroke": None, "continuousWidth": WIDTH, "continuousHeight": HEIGHT},
            "title": {"font": FONT, "fontSize": 15, "anchor": "start", "subtitleFontSize": 12, "subtitleColor": "#555"},
            "axis": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 11, "titleFontSize": 12, "grid": True,
                     "gridColor": "#eee", "domainColor": "#888"},
            "legend": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 11, "orient": "top"},
            "line": {"strokeWidth": 2.5},
            "point": {"size": 60, "filled": True},
            "locale": {"number": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["$", ""]}},
        }
    }


def register_theme() -> None:
    @alt.theme.register(THEME_NAME, enable=True)
    def _theme() -> alt.theme.ThemeConfig:
        return alt.theme.ThemeConfig(house_theme())


def _register_fonts() -> None:
    import vl_convert as vlc  # noqa: PLC0415

    for folder in FONT_DIRS:
        if Path(folder).is_dir():
            vlc.register_font_directory(folder)


def chart_png(spec: dict) -> bytes:
    import vl_convert as vlc  # noqa: PLC0415

    return vlc.vegalite_to_png(spec, scale=PNG_SCALE, ppi=PNG_PPI)


def chart_html(spec: dict, element_id: str | None = None) -> str:
    """A div and a call to the page's one shared ``vegaEmbed`` (see :func:`vega_bundle_script`)."""
    element_id = element_id or f"boston-vis-{next(_ids)}"
    payload = json.dumps(spec, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    return (
        f'<div id="{element_id}" class="boston-chart"></div>\n'
        f'<script type="text/javascript">vegaEmbed("#{element_id}", {payload}, '
        '{"actions": false, "renderer": "svg"}).catch(console.error);</script>'
    )


def output_format() -> str | None:
    """The format Quarto is executing the notebook for ('html', 'typst'), from the execute-info file
    Quarto (1.8+) names in QUARTO_EXECUTE_INFO; None outside a Quarto render (tests, Jupyter)."""
    path = os.environ.get("QUARTO_EXECUTE_INFO")
    if not path:
        return None
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))["format"]["identifier"]["base-format"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def html_and_png(spec: dict, **_metadata) -> dict[str, object]:
    """Altair renderer: what the format being rendered needs, and nothing else.

    HTML gets the chart as a raw-HTML Markdown block, not a ``text/html`` output: Quarto treats any
    ``text/html`` output as a "JavaScript widget" and adds RequireJS and jQuery from a CDN plus a
    ``define('jquery')`` call that fails without them. The PDF gets the PNG only (vl-convert's
    export is the slow part, so HTML renders skip it). Outside Quarto both are emitted."""
    import base64  # noqa: PLC0415

    fmt = output_format()
    if fmt == "html":
        return {"text/markdown": f"```{{=html}}\n{chart_html(spec)}\n```\n"}
    png = base64.b64encode(chart_png(spec)).decode("ascii")
    if fmt is not None:
        return {"image/png": png}
    return {"text/html": chart_html(spec), "image/png": png}


def setup() -> None:
    """Call once at the top of the report: theme, fonts, renderer."""
    register_theme()
    _register_fonts()
    alt.renderers.register(RENDERER_NAME, html_and_png)
    alt.renderers.enable(RENDERER_NAME)


def vega_bundle_script() -> str:
    """Vega, Vega-Lite and vega-embed in one inline script (from vl-convert, no network)."""
    import vl_convert as vlc  # noqa: PLC0415

    return f'<script type="text/javascript">\n{vlc.javascript_bundle()}\n</script>\n'


# --------------------------------------------------------------------------- chart builders

EVIDENCE_LABELS = {"primary": "1차 자료", "secondary": "2차 자료(보도 인용)"}


def _text(col: pd.Series) -> pd.Series:
    return col.astype(object).where(col.notna(), "")


def line_chart(df: pd.DataFrame, group: str, y: str, *, y_title: str, title: str, subtitle: str,
               colors: dict[str, str], y_format: str = ",.2f") -> alt.LayerChart:
    """Lines with points by group over years. A year with no published figure is a row with an
    empty value, so the line breaks there (Vega-Lite's default for paths) instead of bridging it.
    Point shape shows the evidence: circle = primary source, triangle = secondary (press quoting it)."""
    data = pd.DataFrame({
        "그룹": df[group].astype(str), "연도": df["year"].astype(int), "값": df[y].astype(float),
        "원문 표기": _text(df["value_as_published"]), "근거": df["evidence"].map(EVIDENCE_LABELS).fillna(""),
        "출처": _text(df["source_id"]),
    })
    scale = alt.Scale(domain=list(colors), range=list(colors.values()))
    base = alt.Chart(data).encode(
        x=alt.X("연도:Q", axis=alt.Axis(format="d", tickMinStep=1, title=None)),
        y=alt.Y("값:Q", title=y_title),
        color=alt.Color("그룹:N", scale=scale, title=None),
    )
    # Secondary evidence is marked where it appears: triangles for figures quoted by the press.
    evidence = alt.Scale(domain=list(EVIDENCE_LABELS.values()), range=["circle", "triangle-up"])
    points = base.mark_point(filled=True).encode(
        shape=alt.Shape("근거:N", scale=evidence, title=None),
        tooltip=["그룹", "연도", alt.Tooltip("값:Q", format=y_format), "원문 표기", "근거", "출처"])
    return (base.mark_line() + points).properties(width=WIDTH, height=HEIGHT, title=alt.Title(title, subtitle=[subtitle]))


def venture_chart(comparison: pd.DataFrame, title: str, subtitle: str) -> alt.LayerChart:
    df = comparison.assign(지역=comparison["region"].map(REGION_LABELS))
    colors = {REGION_LABELS[r]: COLORS[r] for r in dict.fromkeys(comparison["region"])}
    return line_chart(df, "지역", "usd_bn", y_title="US$ 10억 (명목)", title=title, subtitle=subtitle, colors=colors)


def jobs_chart(jobs: pd.DataFrame, title: str, subtitle: str) -> alt.LayerChart:
    labels = list(dict.fromkeys(jobs["label"]))
    colors = dict(zip(labels, [COLORS["MA"], "#D98C9A"]))
    return line_chart(jobs, "label", "value", y_title="일자리 (명)", title=title, subtitle=subtitle, colors=colors, y_format=",.0f")


def nih_hospital_chart(nih: pd.DataFrame, title: str, subtitle: str) -> alt.Chart:
    """Grouped bars: each Boston hospital's NIH awards by fiscal year (one colour family: Boston)."""
    data = pd.DataFrame({
        "병원": nih["entity"].astype(str), "회계연도": nih["year"].astype(int).astype(str), "US$ M": nih["usd_m"].astype(float),
        "원문 표기": _text(nih["value_as_published"]), "근거": nih["evidence"].map(EVIDENCE_LABELS).fillna(""), "출처": _text(nih["source_id"]),
    })
    years = sorted(data["회계연도"].unique())
    shades = ["#E8B4BE", "#D27386", "#BA3C55", COLORS["MA"], "#6E0A22"][-len(years):] if len(years) <= 5 else None
    order = data.groupby("병원")["US$ M"].max().sort_values(ascending=False).index.tolist()
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("병원:N", sort=order, title=None),
        yOffset=alt.YOffset("회계연도:N"),
        x=alt.X("US$ M:Q", title="NIH 연구비 (US$ 백만, 명목)"),
        color=alt.Color("회계연도:N", scale=alt.Scale(domain=years, range=shades) if shades else alt.Undefined, title="회계연도"),
        tooltip=["병원", "회계연도", alt.Tooltip("US$ M:Q", format=",.1f"), "원문 표기", "근거", "출처"],
    ).properties(width=WIDTH - 150, height=HEIGHT + 80, title=alt.Title(title, subtitle=[subtitle]))
