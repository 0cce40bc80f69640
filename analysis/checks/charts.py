"""Every chart draws exactly its data, and draws it legibly: the browser's drawing read back and
compared with ``data/clean/``.

:mod:`analysis.checks.browser` opens the published page and reads, through each chart's own
scales, where every bar, point, line vertex and rule is drawn (``chart-read.js``);
:mod:`analysis.checks.chart_expectations` says, from the clean tables alone, what each figure must
draw. Here the two meet. A bar drawn twice (stacked from two rows), a point missing, a mark the data
do not hold, a value drawn at another height or on another scale fails, naming the figure, the mark
and both values. The same reading also checks what a reader would see wrong without any data: a
mark drawn outside its plot area, axis labels on top of each other, a legend entry without its
symbol, and a subtitle that says "왼쪽" (left) or "위쪽" (above) of panels that are not drawn so.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from analysis.checks.browser import Reading
from analysis.checks.chart_expectations import Cat, Mark, Num, Tables, expected
from analysis.checks.findings import Findings

CUT = "…"  # an axis label cut to fit (the full text is in the tooltip)
LANE = "|"  # a band split into rows so that close marks do not hide each other: 'category|row'
PX = 1.0  # how far (in pixels) a drawn position may be from the data's: none, but for rounding
# Words in a subtitle that describe where a panel is, and the layout they need.
SIDE_BY_SIDE_WORDS = ("왼쪽", "오른쪽")
STACKED_WORDS = ("위쪽", "아래쪽", "윗", "아랫")
INVISIBLE = {None, "", "none", "transparent", "#fff", "#ffffff", "white"}


@dataclass
class Drawn:
    """One data mark as read back: positions in data units (see chart-read.js)."""

    kind: str
    panel: int
    series: str | None
    shape: str | None
    x: dict | None
    y: dict | None
    text: str | None = None
    used: bool = False

    @classmethod
    def of(cls, m: dict) -> "Drawn":
        return cls(m["kind"], m["panel"], m["series"], m["shape"], m["x"], m["y"], m.get("text"))

    def position(self, axis: str) -> str:
        p = getattr(self, axis)
        if p is None:
            return ""
        if "cat" in p:
            return str(p["cat"]) if not p.get("sub") else f"{p['cat']}/{p['sub']}"
        return str(Num(p["lo"], p["hi"]))

    def __str__(self) -> str:
        return str(Mark(self.kind, _as_expected(self.x), _as_expected(self.y), self.series, self.shape, self.panel, self.text))


def _as_expected(p: dict | None):
    if p is None:
        return None
    if "cat" in p:
        return Cat(str(p["cat"]), p.get("sub"))
    return Num(p["lo"], p["hi"])


def same_category(want: Cat, got: dict) -> bool:
    """A band matches when it names the same category (an axis label cut to fit, ending in '…',
    matches the category it starts), and the same offset band where the data name one."""
    name = str(got.get("cat"))
    if name.startswith(want.name + LANE):  # a band split into rows: 'category|row'
        name = want.name
    if not same_text(want.name, name):
        return False
    return want.sub is None or str(got.get("sub")) == want.sub


def same_text(want: str, got: str | None) -> bool:
    """The same words, or the start of them cut to fit ('…')."""
    got = str(got)
    return got == want or (got.endswith(CUT) and want.startswith(got[: -len(CUT)]))


def same_number(want: Num, got: dict) -> bool:
    tol = PX * 2 * float(got.get("tol") or 0) + 1e-9 * max(abs(want.lo), abs(want.hi), 1.0)
    return abs(float(got["lo"]) - want.lo) <= tol and abs(float(got["hi"]) - want.hi) <= tol


def same_place(want, got: dict | None) -> bool:
    if want is None or got is None:
        return want is None and got is None
    if isinstance(want, Cat):
        return "cat" in got and same_category(want, got)
    return "lo" in got and same_number(want, got)


def matches(want: Mark, got: Drawn) -> bool:
    return (want.kind == got.kind and want.panel == got.panel and want.series == got.series
            and (want.shape is None or want.shape == got.shape)
            and (want.text is None or same_text(want.text, got.text))
            and same_place(want.x, got.x) and same_place(want.y, got.y))


def _bands(m) -> tuple:
    """The categorical part of a mark's position: marks are compared within the same bands."""
    def band(p):
        if isinstance(p, Cat):
            return p.name
        if isinstance(p, dict) and "cat" in p:
            return str(p["cat"]).split(LANE)[0]
        return None
    return (band(m.x), band(m.y))


def compare(figure: str, panels: list[dict], want: list[Mark], drawn: list[Drawn]) -> list[str]:
    """Problems, one per mark that is drawn wrongly, drawn but not in the data, or in the data but
    not drawn; each names the figure, the panel, the mark and both values."""
    w_hit: dict[int, Drawn | None] = {}
    for w in want:
        hit = next((d for d in drawn if not d.used and matches(w, d)), None)
        if hit is not None:
            hit.used = True
        w_hit[id(w)] = hit
    problems: list[str] = []

    def where(panel: int) -> str:
        title = panels[panel].get("title") if panel < len(panels) else None
        return f"{figure}" + (f", panel {panel + 1} ({title})" if len(panels) > 1 else "")

    # What is left is compared within the same kind of mark, panel and bands (a bar's category, a
    # point's row): a mark drawn at another value is one problem naming both values, a mark drawn
    # twice names every copy and what the data hold.
    left_w: dict[tuple, list[Mark]] = defaultdict(list)
    left_d: dict[tuple, list[Drawn]] = defaultdict(list)
    for w in want:
        if w_hit[id(w)] is None:
            left_w[_key(w)].append(w)
    for d in drawn:
        if not d.used:
            left_d[_key(d)].append(d)
    for key in sorted(set(left_w) | set(left_d), key=str):
        ws, ds = sorted(left_w.get(key, []), key=_order), sorted(left_d.get(key, []), key=_order)
        pairs = min(len(ws), len(ds))
        for w, d in zip(ws[:pairs], ds[:pairs]):
            problems.append(f"{where(w.panel)}: {w} is drawn as {d}")
        for w in ws[pairs:]:
            problems.append(f"{where(w.panel)}: {w} is in the data but is not drawn")
        for d in ds[pairs:]:
            same = [w for w in want if _key(w) == key and w.series == d.series]
            copies = [x for x in drawn if _key(x) == key and x.series == d.series]
            if same and len(copies) > len(same):
                problems.append(f"{where(d.panel)}: {same[0]} is drawn as {len(copies)} marks where the data have {len(same)}: "
                                + " and ".join(str(x) for x in copies))
            else:
                problems.append(f"{where(d.panel)}: {d} is drawn but is not in the data")
    return list(dict.fromkeys(problems))


def _key(m) -> tuple:
    return (m.kind, m.panel) + tuple(_fold(b) for b in _bands(m))


def _order(m) -> tuple:
    """Where a mark sits, for pairing what is left in order."""
    def at(p):
        if isinstance(p, Num):
            return p.lo
        if isinstance(p, dict) and "lo" in p:
            return float(p["lo"])
        return 0.0
    return (at(m.x), at(m.y), str(m.series))


def _fold(band: str | None) -> str | None:
    """A band name as both sides can agree on it (a cut label stands for what it starts)."""
    return None if band is None else band[: -len(CUT)] if band.endswith(CUT) else band


# --------------------------------------------------------------------------- legibility

def _overlap(a: dict, b: dict, slack: float = 0.5) -> bool:
    return min(a["x2"], b["x2"]) - max(a["x1"], b["x1"]) > slack and min(a["y2"], b["y2"]) - max(a["y1"], b["y1"]) > slack


def outside_plot(figure: str, chart: dict) -> list[str]:
    """Marks drawn past the edge of their plot area (a point cut in half by the axis)."""
    problems = []
    for m in chart["marks"]:
        # A line's vertex and a rule's ends are where they are drawn; a symbol reaches its radius.
        area, box = m.get("area"), (m.get("px") if m["kind"] in ("line", "rule") else m.get("box"))
        if not area or not box or area["x2"] <= area["x1"]:
            continue
        if (box["x1"] < area["x1"] - PX or box["x2"] > area["x2"] + PX
                or box["y1"] < area["y1"] - PX or box["y2"] > area["y2"] + PX):
            problems.append(f"{figure}: {Drawn.of(m)} is drawn outside its plot area (mark x {box['x1']:.0f}–{box['x2']:.0f}, "
                            f"y {box['y1']:.0f}–{box['y2']:.0f} px; plot x {area['x1']:.0f}–{area['x2']:.0f}, "
                            f"y {area['y1']:.0f}–{area['y2']:.0f} px)")
    return problems[:5]


def overlapping_labels(figure: str, chart: dict) -> list[str]:
    problems = []
    for axis in chart["axes"]:
        labels = [lab for lab in axis["labels"] if lab.get("box") and (lab.get("opacity") or 0) > 0 and lab["text"]]
        for i, a in enumerate(labels):
            for b in labels[i + 1:]:
                if _overlap(a["box"], b["box"]):
                    problems.append(f"{figure}: axis labels {a['text']!r} and {b['text']!r} are drawn on top of each other")
    return problems[:5]


def _visible(symbol: dict | None) -> bool:
    if not symbol or not symbol.get("size"):
        return False
    alpha = float(symbol.get("opacity", 1))
    fill = str(symbol.get("fill") or "").lower() not in INVISIBLE and alpha * float(symbol.get("fillOpacity", 1)) > 0
    stroke = (str(symbol.get("stroke") or "").lower() not in INVISIBLE and float(symbol.get("strokeWidth") or 0) > 0
              and alpha * float(symbol.get("strokeOpacity", 1)) > 0)
    return fill or stroke


def legend_symbols(figure: str, chart: dict) -> list[str]:
    return [f"{figure}: legend entry {e['label']!r} has no visible symbol (fill {e['symbol'] and e['symbol'].get('fill')}, "
            f"stroke {e['symbol'] and e['symbol'].get('stroke')})"
            for legend in chart["legends"] for e in legend["entries"] if not _visible(e.get("symbol"))]


def positional_words(figure: str, chart: dict) -> list[str]:
    """A subtitle that places panels ('왼쪽부터', '위쪽') must describe the layout actually drawn."""
    subtitle = " ".join(chart.get("subtitle") or [])
    panels = [p["box"] for p in chart["panels"]]
    if len(panels) < 2:
        return []
    side_by_side = all(b["x1"] >= a["x2"] - 1 for a, b in zip(panels, panels[1:]))
    stacked = all(b["y1"] >= a["y2"] - 1 for a, b in zip(panels, panels[1:]))
    problems = []
    said = [w for w in SIDE_BY_SIDE_WORDS if w in subtitle]
    if said and not side_by_side:
        problems.append(f"{figure}: the subtitle says {said[0]!r} but its {len(panels)} panels are not drawn side by side "
                        f"(subtitle: {subtitle!r})")
    said = [w for w in STACKED_WORDS if w in subtitle]
    if said and not stacked:
        problems.append(f"{figure}: the subtitle says {said[0]!r} but its {len(panels)} panels are not drawn one above the other")
    return problems


# --------------------------------------------------------------------------- a page

def check_reading(reading: Reading, clean: Path, *, name: str, required: tuple[str, ...] = ()) -> Findings:
    """Every chart on one page at one width against the clean tables in ``clean``. ``required``:
    figures the page must hold (the report's)."""
    f = Findings()
    at = f"{name} at {reading.width} px"
    tables = Tables(clean)
    seen = []
    for chart in reading.charts:
        figure = chart.get("figure") or chart.get("element") or "?"
        seen.append(figure)
        if chart.get("error"):
            f.problems.append(f"{at}: {figure}: {chart['error']}")
            continue
        want = expected(figure, tables)
        if want is None:
            f.problems.append(f"{at}: {figure}: no declaration of what it must draw (analysis/checks/chart_expectations.py): "
                              "every chart is read back against data/clean/")
        else:
            drawn = [Drawn.of(m) for m in chart["marks"]]
            f.problems += [f"{at}: {p}" for p in compare(figure, chart["panels"], want, drawn)]
        for check in (outside_plot, overlapping_labels, legend_symbols, positional_words):
            f.problems += [f"{at}: {p}" for p in check(figure, chart)]
    for figure in required:
        if figure not in seen:
            f.problems.append(f"{at}: {figure} is not drawn on the page")
    for url in reading.blocked[:5]:
        f.problems.append(f"{at}: tried to load {url} (refused: the page must work offline)")
    marks = sum(len(c["marks"]) for c in reading.charts)
    f.notes.append(f"{at}: {len(reading.charts)} chart(s) read back, {marks} marks compared with data/clean/")
    return f
