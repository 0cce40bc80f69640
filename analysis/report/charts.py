"""House style and chart builders for the report (Altair), plus the renderer Quarto needs.

- One colour for Massachusetts/Boston, one for Korea, greys for comparators, everywhere.
- Korean font (Noto Sans CJK KR) in HTML and in the PNGs that go into the Typst PDF.
- Quarto ignores the Vega-Lite mimetype, so the renderer emits per format what Quarto needs: a
  raw-HTML block (interactive) for HTML and a PNG for the PDF (see :func:`html_and_png`).
- The HTML output calls a global ``bostonChart`` (``chart-fit.js``: ``vegaEmbed``, then the chart
  narrowed until it fits its column, e.g. on a phone) that the report loads once, with Vega, from a
  local bundle (``analysis.render.vegabundle``); no chart carries its own copy and nothing is fetched from a CDN.
- Every chart has a text alternative computed from the rows it draws (:mod:`analysis.report.chart_text`):
  its summary is the chart's accessible name (the spec's ``description``) and begins the PDF image's
  alt text; its longer description and its data, as tables, sit beside the chart in the HTML (a
  ``<details>``, the description also the chart's ``aria-describedby``). The drawing itself is one
  named image to assistive technology (``aria: false`` on marks, axes, legends and titles), and
  every colour a mark is drawn in stands out from the white page by 3:1 or more, bars side by side
  parted by a white edge (checked by :mod:`analysis.checks.contrast`).
"""

from __future__ import annotations

import html
import itertools
import json
import os
import re
from pathlib import Path

import altair as alt
import pandas as pd

from analysis.paths import CHART_IMAGES
from analysis.report import chart_text, evidence
from analysis.report import provenance as prov
from analysis.report.chart_text import ChartText
from analysis.markup import attribute, language_of, per_format_block, script_json
from analysis.markup import rendering

FONT = "Noto Sans CJK KR"
FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto")
# Every colour a mark is drawn in has a contrast of 3:1 or more against the white page (WCAG 1.4.11).
COLORS = {"MA": "#A41034", "Boston": "#A41034", "KR": "#0F4C81", "US": "#8C8C8C", "other": "#949494"}
BACKGROUND = "#ffffff"
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
            # aria: false on every part: the chart is one image to assistive technology, named by its
            # description (the text alternative); the data are in the table beside it.
            "title": {"font": FONT, "fontSize": 15, "anchor": "start", "subtitleFontSize": 12, "subtitleColor": "#555",
                      "aria": False},
            "axis": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 11, "titleFontSize": 12, "grid": True,
                     "gridColor": "#eee", "domainColor": "#767676", "aria": False},
            "legend": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 11, "orient": "top", "aria": False},
            "mark": {"aria": False},
            "line": {"strokeWidth": 2.5},
            "point": {"size": 60, "filled": True},
            "locale": {"number": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["$", ""]}},
        }
    }


def register_theme() -> None:
    @alt.theme.register(THEME_NAME, enable=True)
    def _theme() -> alt.theme.ThemeConfig:
        return alt.theme.ThemeConfig(house_theme())


def register_fonts() -> None:
    """Let vl-convert draw Korean glyphs in the PNGs (Debian's Noto CJK fonts)."""
    import vl_convert as vlc  # noqa: PLC0415

    for folder in FONT_DIRS:
        if Path(folder).is_dir():
            vlc.register_font_directory(folder)


def _png_cache_dir() -> Path:
    from analysis.paths import ProjectPaths  # noqa: PLC0415

    return ProjectPaths.from_env().build / "chart-cache"


def _png_key(spec: dict) -> str:
    import hashlib  # noqa: PLC0415

    import vl_convert as vlc  # noqa: PLC0415

    return hashlib.sha256(json.dumps([spec, PNG_SCALE, PNG_PPI, vlc.__version__, FONT_DIRS], sort_keys=True,
                                     ensure_ascii=False).encode("utf-8")).hexdigest()


def chart_png(spec: dict) -> bytes:
    """The chart as PNG for the PDF. Exporting is the slow part of a render (a second or so per
    chart), so PNGs are cached in build/chart-cache/ under a hash of everything that shapes them:
    the spec (data included), scale, density, the vl-convert version and the fonts it can use."""
    import vl_convert as vlc  # noqa: PLC0415

    cached = _png_cache_dir() / f"{_png_key(spec)}.png"
    if cached.exists():
        return cached.read_bytes()
    png = vlc.vegalite_to_png(spec, scale=PNG_SCALE, ppi=PNG_PPI)
    try:
        _write_atomically(cached, png)
    except OSError:
        pass  # a read-only checkout renders without the cache
    return png


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


PNG_REFERENCE = re.compile(r"!\[\]\(((?:\.\./)*" + CHART_IMAGES + r"/[0-9a-f]{64}\.png)\)")


def chart_image(spec: dict) -> str:
    """The chart's PNG as a file in report/_charts/, and its path relative to the document being
    executed (the kernel works in the document's folder, as Quarto's does)."""
    from analysis.paths import ProjectPaths  # noqa: PLC0415

    target = ProjectPaths.from_env().report / CHART_IMAGES / f"{_png_key(spec)}.png"
    if not target.exists():
        _write_atomically(target, chart_png(spec))
    return Path(os.path.relpath(target, Path.cwd())).as_posix()


TEXT_KEY = "text"  # usermeta.boston.text: a chart's text alternative, from its builder to the renderer


def with_text(chart, text: ChartText):
    """The chart with its text alternative: the summary as its ``description`` (Vega makes it the
    chart's accessible name) and the whole text in ``usermeta``, which the renderer takes out."""
    meta = chart.usermeta if isinstance(chart.usermeta, dict) else {}
    meta = {**meta, "boston": {**meta.get("boston", {}), TEXT_KEY: text.as_json()}}
    return chart.properties(description=text.summary, usermeta=meta)


def text_of(chart) -> ChartText | None:
    meta = chart.usermeta if isinstance(chart.usermeta, dict) else {}
    found = meta.get("boston", {}).get(TEXT_KEY)
    return ChartText.from_json(found) if found else None


def take_text(spec: dict) -> tuple[dict, ChartText | None]:
    """The spec without its text alternative's words (they go beside the chart, not into the
    browser's copy of the spec or the PNG), and the text alternative, if the chart has one."""
    meta = spec.get("usermeta") or {}
    found = (meta.get("boston") or {}).get(TEXT_KEY)
    if found is None:
        return spec, None
    boston = {k: v for k, v in meta["boston"].items() if k != TEXT_KEY}
    rest = {k: v for k, v in meta.items() if k != "boston"} | ({"boston": boston} if boston else {})
    out = {k: v for k, v in spec.items() if k != "usermeta"} | ({"usermeta": rest} if rest else {})
    return out, ChartText.from_json(found)


def _cell(tag: str, value: str, scope: str | None = None) -> str:
    """One cell, escaped; an English name (a Boston hospital) marked so in the Korean page."""
    attributes = (f' scope="{scope}"' if scope else "") + (' lang="en"' if language_of(value) == "en" else "")
    return f"<{tag}{attributes}>{html.escape(value)}</{tag}>"


def _table_html(table: chart_text.Table) -> str:
    """A table a screen reader can browse: its caption, a header cell per column (scope col) and the
    first cell of every row as the row's header (scope row). Every string is escaped. Quarto is told
    to leave it as it is (it would otherwise parse and re-style every raw HTML table)."""
    head = "".join(_cell("th", c, "col") for c in table.columns)
    rows = "".join("<tr>" + "".join(_cell("th", v, "row") if i == 0 else _cell("td", v) for i, v in enumerate(row)) + "</tr>"
                   for row in table.rows)
    return (f'<table class="chart-table" data-quarto-disable-processing="true"><caption>{html.escape(table.caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")


def chart_html(spec: dict, element_id: str | None = None, text: ChartText | None = None) -> str:
    """A div and a call to the page's one shared ``bostonChart`` (see :func:`analysis.render.vegabundle.vega_bundle_script`);
    with a text alternative, the description and the data tables beside it, in a ``<details>``.
    The div is described by the description (``aria-describedby``; Vega names it with the
    spec's ``description``)."""
    element_id = element_id or f"boston-vis-{next(_ids)}"
    payload = script_json(spec)  # data strings inside a <script>: see markup.script_json
    described = f' aria-describedby="{element_id}-desc"' if text else ""
    beside = ""
    if text is not None:
        tables = "".join(_table_html(table) for table in text.tables)
        beside = (f'\n<details class="chart-data"><summary>그래프 설명과 데이터 표</summary>'
                  f'<p id="{element_id}-desc" class="chart-desc">{html.escape(text.details)}</p>{tables}</details>')
    return (
        f'<div id="{element_id}" class="boston-chart"{described}></div>\n'
        f'<script type="text/javascript">bostonChart("#{element_id}", {payload}, '
        '{"actions": false, "renderer": "svg"}).catch(console.error);</script>' + beside
    )


# Tells Quarto to leave the raw HTML block's data tables as they are. Without it Quarto parses them
# in every format, and for the PDF runs each block through a CSS inliner in a new process (`quarto
# run juice.ts`), although the PDF drops raw HTML: measured, 44 s instead of 13 s for the report's PDF.
NO_TABLE_PROCESSING = "<!--| quarto-html-table-processing: none -->"


class MissingText(ValueError):
    """A chart about to be rendered without a text alternative."""


def html_and_png(spec: dict, **_metadata) -> dict[str, object]:
    """Altair renderer. In a render, one Markdown output serves every format: a raw-HTML block
    (the interactive chart and its text alternative; other formats drop raw HTML) and the PNG image
    with the text alternative as its alt text, shown only outside HTML (Quarto passes ``fig-alt``
    to Typst's ``image(alt:)``; a figure cell's own ``fig-alt`` does not reach a Markdown output).
    A chart without a text alternative is refused in a render. Not a ``text/html`` output: Quarto
    treats any ``text/html`` output as a "JavaScript widget" and adds RequireJS and jQuery from a
    CDN plus a ``define('jquery')`` call that fails without them. Outside a render (Jupyter) the
    chart is HTML and PNG, as a notebook shows it."""
    import base64  # noqa: PLC0415

    spec, text = take_text(spec)
    if rendering():
        if text is None:
            title = spec.get("title")
            raise MissingText(f"chart {(title.get('text') if isinstance(title, dict) else title)!r} has no text alternative: build "
                              "it with a builder of analysis.report.charts (or attach one with charts.with_text)")
        block = f"```{{=html}}\n{NO_TABLE_PROCESSING}\n{chart_html(spec, text=text)}\n```"
        image = f"![]({chart_image(spec)}){{fig-alt={attribute(text.alt)}}}"
        return {"text/markdown": block + "\n\n" + str(per_format_block("", image)) + "\n"}
    png = base64.b64encode(chart_png(spec)).decode("ascii")
    return {"text/html": chart_html(spec, text=text), "image/png": png}


def _display_unvalidated(chart, *args, **kwds):
    """A chart's display bundle without re-validating its spec against the Vega-Lite JSON schema.
    Validation costs about a second per execution; the tests execute every chart cell
    with it (outside Quarto), so a render under Quarto skips it."""
    renderer = alt.renderers.get()
    return renderer(chart.to_dict(validate=False, context={"pre_transform": False})) if renderer else None


def setup() -> None:
    """Call once at the top of the report: theme, fonts, renderer."""
    register_theme()
    register_fonts()
    alt.renderers.register(RENDERER_NAME, html_and_png)
    alt.renderers.enable(RENDERER_NAME)
    if rendering():
        alt.TopLevelMixin._repr_mimebundle_ = _display_unvalidated


# --------------------------------------------------------------------------- chart builders
#
# Every builder takes a tidy frame of clean rows (``label``, ``year`` or a category, ``value`` in the
# unit shown, and the rows' ``source_id``, figure as printed and quote) and returns an Altair chart in
# the house style. Tooltips show each point's source, the figure as printed and the quote; a click
# on a mark goes to the source's entry in the appendix (HTML). A year with no published figure is
# a row without a value: lines break there, nothing is filled.

EVIDENCE_LABELS = {"primary": "1차 자료", "secondary": "2차 자료(보도 인용)"}
EVIDENCE_SHAPES = alt.Scale(domain=list(EVIDENCE_LABELS.values()), range=["circle", "triangle-up"])
# The lighter shade of each side's colour (an earlier basis, a second series) and the greys of
# comparators: all 3:1 or more against white, and told apart from their darker neighbours.
MA_LIGHT, KR_LIGHT = "#E0607E", "#4A8FD0"
GREYS = ("#5E5E5E", "#949494", "#4D4D4D")
# Bars drawn side by side touch: a white edge parts them, so each needs contrast only with the page.
SEPARATOR = {"stroke": BACKGROUND, "strokeWidth": 1}
# One bar per year in shades of Massachusetts' colour, oldest lightest, each 3:1 or more against white.
YEAR_SHADES = (MA_LIGHT, "#CC3D5E", "#B8234A", COLORS["MA"], "#850C2A", "#5C0820")


_drawn: list[pd.DataFrame] = []  # the rows of the chart being built, for its title's evidence check


def _frame(df: pd.DataFrame, extra: dict[str, pd.Series] | None = None) -> pd.DataFrame:
    """The chart's data: the plotted columns plus provenance for tooltips and clicks."""
    _drawn.append(df)
    out = prov.annotate(df)
    out["근거"] = out["evidence"].map(EVIDENCE_LABELS).fillna("") if "evidence" in out else ""
    for name, col in (extra or {}).items():
        out[name] = col
    keep = [c for c in ("label", "year", "value", "entity", "category", "metric", "series_id", "period", "measure", "source_id",
                        "출처", "원문 표기", "인용", "근거", "href", *(extra or {})) if c in out.columns]
    out = out[keep].copy()
    if "year" in out:
        out["year"] = out["year"].astype("Int64")
    if "value" in out:
        out["value"] = out["value"].astype("Float64")
    return out


def _title(title: str, subtitle: str) -> alt.Title:
    drawn = [d for d in _drawn if {"source_id", "source_row"} <= set(d.columns)]
    _drawn.clear()
    evidence.refuse_in_title(title, pd.concat(drawn, ignore_index=True) if drawn else None)
    return alt.Title(title, subtitle=[subtitle])


def _heading(title: str, subtitle: str) -> dict:
    """The chart's title and, when the title or subtitle was built by :func:`provenance.phrase`,
    the figures it was built from as ``usermeta`` (the pairing check reads them there: the
    browser draws the title). Only a top-level chart may carry ``usermeta``."""
    marks = {part: list(getattr(text, "marks", ())) for part, text in (("title", title), ("subtitle", subtitle))}
    heading = {"title": _title(title, subtitle)}
    if any(marks.values()):
        heading["usermeta"] = {"provenance": marks}
    return heading


def _tooltip(value_title: str, fmt: str, first: tuple = ("label",)) -> list:
    fields = [alt.Tooltip(f"{f}:N", title={"label": "계열", "entity": "대상", "category": "구분", "metric": "지표"}.get(f, f))
              for f in first]
    return [*fields, alt.Tooltip("year:Q", title="연도", format="d"), alt.Tooltip("value:Q", title=value_title, format=fmt),
            alt.Tooltip("원문 표기:N"), alt.Tooltip("출처:N"), alt.Tooltip("인용:N")]


def _color(colors: dict[str, str], field: str = "label", title=None) -> alt.Color:
    # More than three entries side by side outgrow the page column: two to a row then.
    return alt.Color(f"{field}:N", scale=alt.Scale(domain=list(colors), range=list(colors.values())), title=title,
                     legend=alt.Legend(orient="top", labelLimit=260, columns=2 if len(colors) > 3 else alt.Undefined))


def _year_axis(**kw) -> alt.Axis:
    """A year axis whose labels never run together ('20132014…'): where two would touch, every
    other one is dropped (Vega's 'parity'), at the chart's own width and at a phone's."""
    return alt.Axis(title=None, labelAngle=0, labelOverlap="parity", labelSeparation=4, **kw)


# What a subtitle's positional words become when chart-fit.js stacks side-by-side panels on a
# phone: the chart carries both wordings (``usermeta.boston.stackedSubtitle``) and the page draws
# the one that matches the layout it drew.
# A particle after the word changes with it (쪽 ends in a consonant, 위 and 아래 do not): 왼쪽은 -> 위는.
STACKED_WORDS = tuple((side + a, stacked + b) for side, stacked in (("오른쪽", "아래"), ("왼쪽", "위"))
                      for a, b in (("은", "는"), ("이", "가"), ("을", "를"), ("과", "와"), ("으로", "로"), ("", "")))


def stacked_wording(text: str) -> str:
    for side, stacked in STACKED_WORDS:
        text = text.replace(side, stacked)
    return text


def side_by_side(*panels, title: str, subtitle: str, **kw) -> alt.HConcatChart:
    """Panels in a row under one title. Their subtitle may say where each panel is ('왼쪽부터 …'):
    the chart also carries the wording for the panels stacked (see :data:`STACKED_WORDS`)."""
    heading = _heading(title, subtitle)
    usermeta = {**heading.pop("usermeta", {}), "boston": {"stackedSubtitle": [stacked_wording(str(subtitle))]}}
    return alt.hconcat(*panels, **heading, usermeta=usermeta, **kw)


# A mark's width plus a gap, and the narrowest plot a chart with dated marks is drawn at (a phone:
# chart-fit.js narrows a 600 px chart to about 300 px): marks closer in time than that would touch.
MARK_PX = 15
NARROWEST_PLOT_PX = 290


def time_padding_days(start: pd.Timestamp, end: pd.Timestamp) -> int:
    """Days a time axis reaches beyond its first and last mark, so that no mark is cut at its edge."""
    return int((end - start).days * MARK_PX / NARROWEST_PLOT_PX) + 1


def lanes(dates: pd.Series, min_gap_days: float) -> pd.Series:
    """The row each dated mark is drawn in so that no two marks in one row are closer than
    ``min_gap_days``: in date order, the first row whose last mark is far enough back."""
    ends: list[pd.Timestamp] = []
    out = pd.Series(0, index=dates.index, dtype="int64")
    for idx, date in dates.sort_values(kind="stable").items():
        for lane, end in enumerate(ends):
            if (date - end).days >= min_gap_days:
                ends[lane] = date
                out[idx] = lane
                break
        else:
            ends.append(date)
            out[idx] = len(ends) - 1
    return out


def lines(df: pd.DataFrame, *, y_title: str, title: str, subtitle: str, colors: dict[str, str], fmt: str = ",.1f",
          width: int = WIDTH, height: int = HEIGHT) -> alt.LayerChart:
    """Yearly series as lines with points. Each label is its own line (two bases are two labels,
    never joined); point shape marks secondary evidence (triangles)."""
    data = _frame(df)
    base = alt.Chart(data).encode(
        # Padding keeps a point in the first or last year clear of the axes.
        x=alt.X("year:Q", scale=alt.Scale(padding=14), axis=alt.Axis(format="d", tickMinStep=1, title=None)),
        y=alt.Y("value:Q", title=y_title),
        color=_color(colors),
    )
    points = base.mark_point(filled=True, cursor="pointer").encode(
        shape=alt.Shape("근거:N", scale=EVIDENCE_SHAPES, title=None, legend=alt.Legend(orient="bottom")),
        href="href:N", tooltip=_tooltip(y_title, fmt))
    chart = (base.mark_line() + points).properties(width=width, height=height, **_heading(title, subtitle))
    return with_text(chart, chart_text.series(df, title=str(title), kind="꺾은선 그래프", axis=y_title, fmt=fmt, order=list(colors),
                                              shapes=True))


def year_bars(df: pd.DataFrame, *, y_title: str, title: str, subtitle: str, colors: dict[str, str], fmt: str = ",.0f",
              years: list[int] | None = None, y_max: float | None = None, width: int = WIDTH,
              height: int = HEIGHT) -> alt.Chart:
    """Bars by year, grouped by label; a year without a figure is an empty slot on the axis
    (every year from the first to the last, unless ``years`` names the slots). ``y_max`` fixes
    the top of the axis (100 for a share), so a bar's height reads against the whole."""
    data = _frame(df)
    have = data["year"].dropna().astype(int)
    domain = years or list(range(int(have.min()), int(have.max()) + 1))
    chart = alt.Chart(data.dropna(subset=["value"])).mark_bar(cursor="pointer", **SEPARATOR).encode(
        x=alt.X("year:O", scale=alt.Scale(domain=domain), axis=_year_axis()),
        xOffset=alt.XOffset("label:N", scale=alt.Scale(domain=list(colors))),
        y=alt.Y("value:Q", title=y_title, scale=alt.Scale(domain=[0, y_max]) if y_max is not None else alt.Undefined),
        color=_color(colors), href="href:N", tooltip=_tooltip(y_title, fmt),
    ).properties(width=width, height=height, **_heading(title, subtitle))
    return with_text(chart, chart_text.series(df, title=str(title), kind="막대 그래프", axis=y_title, fmt=fmt, order=list(colors),
                                              slots=domain))


def hbars_by_year(df: pd.DataFrame, *, x_title: str, title: str, subtitle: str, fmt: str = ",.1f",
                  width: int = WIDTH - 150, height: int = HEIGHT + 80) -> alt.Chart:
    """Horizontal bars: one row per entity (largest first), one bar per year in shades of one colour
    (each 3:1 or more against white; the bars of a row parted by a white edge)."""
    data = _frame(df)
    data["회계연도"] = data["year"].astype(int).astype(str)
    years = sorted(data["회계연도"].unique())
    order = data.groupby("label")["value"].max().sort_values(ascending=False).index.tolist()
    chart = alt.Chart(data.dropna(subset=["value"])).mark_bar(cursor="pointer", **SEPARATOR).encode(
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=220)),
        yOffset=alt.YOffset("회계연도:N"),
        x=alt.X("value:Q", title=x_title),
        color=alt.Color("회계연도:N", scale=alt.Scale(domain=years, range=list(YEAR_SHADES[-len(years):])), title="회계연도",
                        legend=alt.Legend(orient="top")),
        href="href:N", tooltip=_tooltip(x_title, fmt),
    ).properties(width=width, height=height, **_heading(title, subtitle))
    return with_text(chart, chart_text.ranking(df, title=str(title), kind="가로 막대 그래프", axis=x_title, fmt=fmt,
                                               year_word=" 회계연도", year_title="회계연도"))


def paired_bars(df: pd.DataFrame, *, title: str, subtitle: str, colors: dict[str, str], metric_titles: dict[str, str],
                fmt: str = ",.0f") -> alt.HConcatChart:
    """One small bar panel per metric (own scale), the same entities in each: e.g. M&A total and per deal."""
    data = _frame(df)
    panels = []
    for metric, axis_title in metric_titles.items():
        part = data[data["metric"] == metric]
        panels.append(alt.Chart(part).mark_bar(cursor="pointer").encode(
            y=alt.Y("label:N", title=None, sort=list(colors)),
            x=alt.X("value:Q", title=axis_title),
            color=_color(colors, title=None), href="href:N",
            tooltip=_tooltip(axis_title, fmt, first=("label", "metric")),
        ).properties(width=(WIDTH - 120) // len(metric_titles), height=110, title=alt.Title(metric, fontSize=12)))
    chart = side_by_side(*panels, title=title, subtitle=subtitle).resolve_scale(x="independent")
    return with_text(chart, chart_text.comparison(df, title=str(title), kind="가로 막대 그래프", panel="metric",
                                                  panel_titles=metric_titles, fmt=fmt))


def period_panels(df: pd.DataFrame, *, y_title: str, title: str, subtitle: str, colors: dict[str, str],
                  panel_titles: dict[str, str], fmt: str = ",.2f") -> alt.HConcatChart:
    """One bar panel per period (full year, first half), each with every year of its own range as a
    slot: figures for different periods are never on one axis, and a year one side does not
    publish is an empty slot beside the other side's bar."""
    data = _frame(df)
    panels, slots = [], {}
    for period, panel_title in panel_titles.items():
        part = data[data["period"] == period]
        have = part.dropna(subset=["value"])["year"].astype(int)
        domain = slots[period] = list(range(int(have.min()), int(have.max()) + 1))
        panels.append(alt.Chart(part.dropna(subset=["value"])).mark_bar(cursor="pointer", **SEPARATOR).encode(
            x=alt.X("year:O", scale=alt.Scale(domain=domain), axis=_year_axis()),
            xOffset=alt.XOffset("label:N", scale=alt.Scale(domain=list(colors))),
            y=alt.Y("value:Q", title=y_title),
            color=_color(colors), href="href:N", tooltip=_tooltip(y_title, fmt),
        ).properties(width=(WIDTH - 110) // len(panel_titles), height=HEIGHT - 100, title=alt.Title(panel_title, fontSize=12)))
    chart = side_by_side(*panels, title=title, subtitle=subtitle).resolve_scale(y="independent")
    return with_text(chart, chart_text.panels(df, title=str(title), kind="막대 그래프", panel="period", panel_titles=panel_titles,
                                              axes={p: y_title for p in panel_titles}, slots=slots, fmt=fmt))


def pledge_timeline(spans: pd.DataFrame, marks: pd.DataFrame, *, title: str, subtitle: str, colors: dict[str, str],
                    as_of: str) -> alt.LayerChart:
    """One row per pledge: a bar from the promise to its (moved) deadline in the status colour, the
    promise, deadlines and every dated observation as marks on it, and the report's date as a rule.
    Each pledge's status and name are written above its bar, across the plot, not beside it on an
    axis: a phone's axis has room for eight characters of it, the plot for the whole (cut) name. The
    status is written, not only coloured: colour is never the only cue."""
    order = list(dict.fromkeys(spans["label"]))
    dates = pd.to_datetime(pd.concat([spans["start"], spans["end"], marks["date"], pd.Series([as_of])]))
    pad = pd.Timedelta(days=time_padding_days(dates.min(), dates.max()))
    x_scale = alt.Scale(domain=[(dates.min() - pad).strftime("%Y-%m-%d"), (dates.max() + pad).strftime("%Y-%m-%d")])
    y = alt.Y("label:N", sort=order, title=None, axis=None)
    span_data = prov.annotate(spans)[["label", "start", "end", "status_label", "출처", "인용", "href", "open_end"]]
    span_data["name"] = span_data["status_label"] + ": " + span_data["label"]
    bars = alt.Chart(span_data).mark_rule(strokeWidth=7).encode(
        x=alt.X("start:T", scale=x_scale, axis=alt.Axis(format="%Y", tickCount="year", title=None, labelOverlap="parity",
                                                      labelSeparation=4)), x2="end:T", y=y,
        color=alt.Color("status_label:N", scale=alt.Scale(domain=list(colors), range=list(colors.values())), title="상태",
                        legend=alt.Legend(orient="bottom", columns=2, labelLimit=260)),
        strokeDash=alt.condition(alt.datum.open_end, alt.value([4, 3]), alt.value([1, 0])),
        href="href:N",
        tooltip=[alt.Tooltip("label:N", title="약속"), alt.Tooltip("status_label:N", title="상태"), alt.Tooltip("출처:N")])
    # Cut (with "…") at the plot's width, whatever width chart-fit.js draws it at.
    names = alt.Chart(span_data).mark_text(align="left", baseline="bottom", dy=-8, fontSize=11, color="#222",
                                           limit=alt.ExprRef("width")).encode(
        x=alt.value(0), y=y, text="name:N", href="href:N")
    mark_data = prov.annotate(marks)[["label", "date", "what", "출처", "원문 표기", "인용", "href"]]
    points = alt.Chart(mark_data).mark_point(size=80, filled=True, cursor="pointer", color="#222222").encode(
        x="date:T", y=y,
        shape=alt.Shape("what:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=["약속", "기한", "새 기한", "착수", "계획", "지연", "축소", "이행"],
                                        range=["circle", "square", "cross", "triangle-right", "triangle-left", "diamond", "triangle-down",
                                               "triangle-up"])),
        href="href:N",
        tooltip=[alt.Tooltip("date:T", title="날짜", format="%Y-%m-%d"), alt.Tooltip("label:N", title="약속"),
                 alt.Tooltip("what:N", title="구분"), alt.Tooltip("원문 표기:N"), alt.Tooltip("출처:N"), alt.Tooltip("인용:N")])
    today = alt.Chart(pd.DataFrame({"date": [as_of], "note": [f"판정 기준일 {as_of}"]})).mark_rule(
        color="#5E5E5E", strokeDash=[2, 2]).encode(x="date:T", tooltip=[alt.Tooltip("note:N", title="")])
    chart = (bars + names + points + today).properties(width=WIDTH, height=44 * max(len(order), 3), **_heading(title, subtitle))
    return with_text(chart, chart_text.pledges(spans, marks, title=str(title), statuses=list(colors), as_of=as_of))


def log_decades(values: pd.Series, margin: float = 0.15) -> list[float]:
    """Powers of ten from just below the smallest value to just above the largest: a log axis's
    domain and its only labels ('10, 100, 1k', not '10 20 40 100 200 400 1k'). The margin (in
    decades) keeps a mark at a round value, such as 1,000, off the edge of the plot."""
    import math  # noqa: PLC0415

    low = math.floor(math.log10(float(values.min())) - margin)
    high = math.ceil(math.log10(float(values.max())) + margin)
    return [float(10 ** k) for k in range(low, high + 1)]


def dot_rows(df: pd.DataFrame, *, title: str, subtitle: str, colors: dict[str, str], metric_titles: dict[str, str],
             fmt: str = ",.0f") -> alt.HConcatChart:
    """A dot plot per metric (log scale: clusters differ by orders of magnitude), clusters as rows."""
    data = _frame(df)
    order = list(dict.fromkeys(data.sort_values("label")["label"]))
    panels = []
    for n, (metric, axis_title) in enumerate(metric_titles.items()):
        part = data[(data["metric"] == metric) & data["value"].notna()]
        decades = log_decades(part["value"])
        panels.append(alt.Chart(part).mark_point(filled=True, size=90, cursor="pointer").encode(
            # The same rows in every panel, so a place without a figure is an empty row, not a shifted one.
            y=alt.Y("label:N", scale=alt.Scale(domain=order), title=None, axis=alt.Axis(labels=n == 0, labelLimit=200, ticks=n == 0)),
            x=alt.X("value:Q", scale=alt.Scale(type="log", domain=list(decades[:: len(decades) - 1])), title=axis_title,
                    axis=alt.Axis(format="~s", values=decades)),
            color=alt.Color("category:N", scale=alt.Scale(domain=list(colors), range=list(colors.values())), title=None,
                            legend=alt.Legend(orient="top")),
            shape=alt.Shape("근거:N", scale=EVIDENCE_SHAPES, title=None, legend=alt.Legend(orient="bottom")),
            href="href:N", tooltip=_tooltip(axis_title, fmt, first=("label", "metric")),
        ).properties(width=140 if n else 130, height=24 * max(len(order), 4), title=alt.Title(metric, fontSize=12)))
    chart = side_by_side(*panels, title=title, subtitle=subtitle, spacing=8).resolve_scale(x="independent")
    return with_text(chart, chart_text.comparison(df, title=str(title), kind="점 그래프(가로축 로그 눈금)", panel="metric",
                                                  panel_titles=metric_titles, fmt=fmt, with_year=True, category="category",
                                                  shapes=True))


def small_multiples(df: pd.DataFrame, *, title: str, subtitle: str, color: str, metric_titles: dict[str, str],
                    fmt: str = ",.0f") -> alt.HConcatChart:
    """One small bar panel per metric with its own y scale, every year a slot: an unpublished year
    is an empty slot, not a line drawn through it."""
    data = _frame(df)
    years = data["year"].dropna().astype(int)
    domain = list(range(int(years.min()), int(years.max()) + 1))
    panels = []
    for metric, axis_title in metric_titles.items():
        part = data[(data["metric"] == metric) & data["value"].notna()]
        panels.append(alt.Chart(part).mark_bar(color=color, cursor="pointer").encode(
            # The years that have a bar are labelled; an empty slot between them is a year without a figure.
            x=alt.X("year:O", scale=alt.Scale(domain=domain), axis=_year_axis(values=sorted(set(part["year"].astype(int))))),
            y=alt.Y("value:Q", title=axis_title), href="href:N",
            tooltip=_tooltip(axis_title, fmt, first=("metric",)),
        ).properties(width=(WIDTH - 60) // len(metric_titles), height=150, title=alt.Title(metric, fontSize=12)))
    chart = side_by_side(*panels, title=title, subtitle=subtitle).resolve_scale(y="independent")
    return with_text(chart, chart_text.panels(df, title=str(title), kind="막대 그래프", panel="metric",
                                              panel_titles={m: m for m in metric_titles}, axes=metric_titles, group=None,
                                              slots={m: domain for m in metric_titles}, fmt=fmt))


def timeline(df: pd.DataFrame, *, title: str, subtitle: str, categories: list[str]) -> alt.Chart:
    """Dated events on one band per category (in ``categories``' order); plans (targets) are hollow
    diamonds, facts filled circles, and the legend draws both. The band names the category, so
    the marks are one ink: a legend entry can only show the one fill its symbol has. Events too
    close in time to stand side by side go in rows of their own within the band (:func:`lanes`),
    so no mark hides another; the axis runs from the first year's January (or earlier: never
    closer to a mark than half its width) to the last year's December, so the first and last marks
    are whole and the first year is labelled."""
    data = _frame(df, extra={"date": df["date_start"], "event": df["event"], "kind": df["kind"]})
    dates = pd.to_datetime(data["date"])
    start, end = pd.Timestamp(dates.min().year, 1, 1), pd.Timestamp(dates.max().year, 12, 31)
    gap = time_padding_days(start, end)
    start, end = min(start, dates.min() - pd.Timedelta(days=gap)), max(end, dates.max() + pd.Timedelta(days=gap))
    data["lane"] = pd.concat([lanes(group, gap) for _, group in dates.groupby(data["category"])])
    data["row"] = data["category"] + "|" + data["lane"].map("{:02d}".format)
    rows = [f"{c}|{n:02d}" for c in categories if (data["category"] == c).any()
            for n in range(int(data.loc[data["category"] == c, "lane"].max()) + 1)]
    kinds = ["사실", "계획·목표"]
    ink = "#333333"
    legend = alt.Legend(orient="top", symbolStrokeWidth=1.5, symbolSize=110)
    chart = alt.Chart(data).mark_point(size=110, strokeWidth=1.5, filled=True, opacity=1, cursor="pointer").encode(
        x=alt.X("date:T", scale=alt.Scale(domain=[start.strftime("%Y-%m-%d"), end.strftime("%Y-%m-%d")]),
                axis=alt.Axis(format="%Y", tickCount="year", title=None, labelOverlap="parity", labelSeparation=4)),
        # A band per category, a row per lane; the category is named at its band's first row.
        y=alt.Y("row:N", sort=rows, title=None,
                axis=alt.Axis(labelExpr="split(datum.label, '|')[1] == '00' ? split(datum.label, '|')[0] : ''", ticks=False,
                              grid=False, domain=False)),
        # Fill, stroke and shape on one field with one legend: a single legend, each symbol as drawn.
        fill=alt.Fill("kind:N", scale=alt.Scale(domain=kinds, range=[ink, "#FFFFFF"]), title=None, legend=legend),
        stroke=alt.Stroke("kind:N", scale=alt.Scale(domain=kinds, range=[ink, ink]), title=None, legend=legend),
        shape=alt.Shape("kind:N", scale=alt.Scale(domain=kinds, range=["circle", "diamond"]), title=None, legend=legend),
        href="href:N",
        tooltip=[alt.Tooltip("date:T", title="날짜", format="%Y-%m-%d"), alt.Tooltip("category:N", title="구분"),
                 alt.Tooltip("event:N", title="내용"), alt.Tooltip("kind:N", title="성격"), alt.Tooltip("원문 표기:N"),
                 alt.Tooltip("출처:N"), alt.Tooltip("인용:N")],
    ).properties(width=WIDTH, height=alt.Step(16), **_heading(title, subtitle))
    return with_text(chart, chart_text.events(df, title=str(title), categories=categories,
                                              kinds={"사실": "채운 원", "계획·목표": "속이 빈 마름모"}))


def _bare(panel):
    """A copy of a chart without its own usermeta and description (a panel inside another chart)."""
    out = panel.copy(deep=False)
    out.usermeta = alt.Undefined
    out.description = alt.Undefined
    return out


def summary_panels(panels: list[alt.TopLevelMixin], title: str, subtitle: str) -> alt.HConcatChart:
    """The summary's small multiples: one small chart per finding, side by side. The panels' text
    alternatives become one, under the summary's title (a panel inside another chart carries no
    ``usermeta`` or description of its own)."""
    texts = [text_of(panel) for panel in panels]
    panels = [_bare(panel) for panel in panels]
    # One legend entry per line: side by side, the long series names would push the last panel
    # off a page column.
    chart = (side_by_side(*panels, title=title, subtitle=subtitle, spacing=14)
             .resolve_scale(color="independent", shape="independent")
             .configure_legend(columns=1))
    if all(texts):
        chart = with_text(chart, chart_text.combined(texts, title=str(title)))
    return chart
