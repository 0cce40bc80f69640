"""What each of the report's charts is meant to draw, read straight from ``data/clean/``.

The read-back check (:mod:`analysis.checks.charts`) compares these marks with what the browser
actually draws. They are computed here on purpose without the report's own chart code
(``analysis/report/``): every figure is declared again from the published tables, in the units its
axis shows, so that a chart frame that stacks, doubles, drops or mis-scales a row cannot agree with
its own mistake. A chart with no declaration here fails the check: a new chart needs one.

A mark is what a reader sees: a bar (Vega ``rect``) from zero to its value, a point (``symbol``),
a vertex of a line (``line``), a span or reference line (``rule``). Its position on each axis is a
category (:class:`Cat`, with the offset band inside it for grouped bars) or an interval in data units
(:class:`Num`; a point is an interval of no width). ``series`` is the colour legend's entry, ``shape``
the shape legend's entry (for example the evidence of a point), ``panel`` the index of the panel in a
chart of side-by-side (or stacked) panels.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd

# The shape legend's words for a row's evidence (lines and dot plots mark secondary evidence).
EVIDENCE = {"primary": "1차 자료", "secondary": "2차 자료(보도 인용)"}


@dataclass(frozen=True)
class Cat:
    """A band on a categorical axis (and the offset band inside it, for grouped bars)."""

    name: str
    sub: str | None = None

    def __str__(self) -> str:
        return self.name if self.sub is None else f"{self.name}/{self.sub}"


@dataclass(frozen=True)
class Num:
    """An interval on a continuous axis, in data units (a date in milliseconds since 1970, UTC)."""

    lo: float
    hi: float

    def __str__(self) -> str:
        return _num(self.lo) if self.lo == self.hi else f"{_num(self.lo)}–{_num(self.hi)}"


def _num(v: float) -> str:
    """A value as a message shows it: a date, a year, a whole number, or four significant digits."""
    if abs(v) >= 1e11:
        return pd.Timestamp(v, unit="ms").strftime("%Y-%m-%d")
    if float(v).is_integer():
        return str(int(v)) if 1900 <= v <= 2100 else f"{int(v):,}"
    return f"{v:,.4g}" if abs(v) < 1000 else f"{v:,.1f}"


@dataclass(frozen=True)
class Mark:
    kind: str
    x: Cat | Num | None
    y: Cat | Num | None
    series: str | None = None
    shape: str | None = None
    panel: int = 0
    text: str | None = None  # a text mark's words (a label written in the plot)

    def __str__(self) -> str:
        what = {"rect": "bar", "symbol": "point", "line": "line vertex", "rule": "rule"}.get(self.kind, self.kind)
        parts = [f"x={self.x}" if self.x is not None else "", f"y={self.y}" if self.y is not None else "",
                 f"{self.text!r}" if self.text is not None else ""]
        tag = f" {self.series}" if self.series else ""
        return f"{what}{tag} ({', '.join(p for p in parts if p)})" + (f" [{self.shape}]" if self.shape else "")


# Read as text: names, and dates that may be partial ('2025', '2025-03').
TEXT_COLUMNS = {c: str for c in ("entity", "date", "deadline", "effective_deadline", "new_deadline", "status_as_of")}


class Tables:
    """The clean tables, read once from a ``data/clean/`` folder (the report's or an edition's)."""

    def __init__(self, clean: Path) -> None:
        self.clean = Path(clean)
        self._cache: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._cache:
            self._cache[name] = pd.read_csv(self.clean / f"{name}.csv", dtype=TEXT_COLUMNS)
        return self._cache[name]

    def preferred(self, table: str, series_id: str, period: str | None = None) -> pd.DataFrame:
        df = self[table]
        rows = df[(df["series_id"] == series_id) & df["preferred"].astype(bool)]
        if period is not None:
            rows = rows[rows["period"] == period]
        return rows


# --------------------------------------------------------------------------- building blocks

def _point(x: float, y: float, series: str | None, evidence: str | None, panel: int = 0) -> list[Mark]:
    """A line's vertex and its point: the builders draw both for every published year."""
    shape = EVIDENCE.get(evidence) if evidence else None
    return [Mark("line", Num(x, x), Num(y, y), series, None, panel), Mark("symbol", Num(x, x), Num(y, y), series, shape, panel)]


def _yearly_lines(rows: pd.DataFrame, series: str, value: Callable[[pd.Series], float], panel: int = 0) -> list[Mark]:
    out: list[Mark] = []
    for _, r in rows.iterrows():
        out += _point(float(r["year"]), value(r), series, r.get("evidence"), panel)
    return out


def _bar(category: Cat, v: float, series: str | None, *, horizontal: bool = False, panel: int = 0) -> Mark:
    return Mark("rect", Num(0.0, v), category, series, None, panel) if horizontal else Mark("rect", category, Num(0.0, v), series, None, panel)


def _ms(date: str) -> float:
    return float(pd.Timestamp(date).value // 1_000_000)


def _partial_start(date: str) -> str:
    """Where a partial date stands on a time axis: a year at 1 July, a month at its 15th (the
    report's reading guide says so)."""
    parts = str(date).split("-")
    if len(parts) == 1:
        return f"{parts[0]}-07-01"
    if len(parts) == 2:
        return f"{parts[0]}-{parts[1]}-15"
    return str(date)


def _partial_end(date: str) -> str:
    """Where a deadline stands: the last day it can mean ('2025' is 2025-12-31)."""
    parts = str(date).split("-")
    if len(parts) == 1:
        return f"{parts[0]}-12-31"
    if len(parts) == 2:
        return (pd.Timestamp(f"{parts[0]}-{parts[1]}-01") + pd.offsets.MonthEnd(0)).strftime("%Y-%m-%d")
    return str(date)


# --------------------------------------------------------------------------- the figures

MA_JOBS, MA_RD_JOBS = "ma_biopharma_jobs_massbio", "ma_biotech_rd_jobs_massbio"
MA_VC, MA_OLD_VC = "ma_hq_biopharma_vc_massbio", "ma_biopharma_vc_massbio"
KR_VC, KR_KVCA_VC = "kr_bio_medical_vc_mss", "kr_bio_medical_vc_kvca"
VENTURE_SERIES = {MA_VC: "매사추세츠 본사 바이오제약 (MassBio 현재 기준)", MA_OLD_VC: "매사추세츠 바이오제약 (MassBio 이전 기준)",
                  KR_VC: "한국 바이오·의료 (중기부, 신기술금융 포함)", KR_KVCA_VC: "한국 바이오·의료 (KVCA)"}


def _venture_lines(t: Tables, series: dict[str, str], panel: int = 0) -> list[Mark]:
    out: list[Mark] = []
    for sid, label in series.items():
        out += _yearly_lines(t.preferred("venture_investment", sid, "FY"), label, lambda r: float(r["amount_usd"]) / 1e9, panel)
    return out


def _capital_share_bars(t: Tables, panel: int = 0) -> list[Mark]:
    rh = t["research_hospitals"]
    out = []
    for rnd, g in rh.groupby("round"):
        year = str(int(str(rnd)[:4]))  # '2013_designation' -> 2013
        out.append(_bar(Cat(year), 100.0 * g["capital_region"].astype(bool).sum() / len(g), "수도권 비중", panel=panel))
    return out


def fig_summary(t: Tables) -> list[Mark]:
    jobs = _yearly_lines(t.preferred("indicators", MA_JOBS, "FY"), "바이오제약 전체", lambda r: float(r["value"]), 0)
    vc = _venture_lines(t, {MA_VC: VENTURE_SERIES[MA_VC], KR_VC: VENTURE_SERIES[KR_VC]}, 1)
    return jobs + vc + _capital_share_bars(t, 2)


def fig_jobs(t: Tables) -> list[Mark]:
    return (_yearly_lines(t.preferred("indicators", MA_JOBS, "FY"), "바이오제약 전체", lambda r: float(r["value"]))
            + _yearly_lines(t.preferred("indicators", MA_RD_JOBS, "FY"), "바이오 R&D", lambda r: float(r["value"])))


DOT_PANELS = (("입주 기업·기관 수", ("kr_cluster_firms", "comparator_cluster_firms", "boston_biotech_firms"), False),
              ("고용(명)", ("kr_cluster_jobs", MA_JOBS), True),
              ("면적(㎡)", ("kr_cluster_area",), False))
DOT_CATEGORY = {"KR": "한국 클러스터", "MA": "보스턴·매사추세츠", "Boston": "보스턴·매사추세츠"}


def fig_clusters(t: Tables) -> list[Mark]:
    """Each place's newest figure per panel (the Boston-and-Cambridge subset only beside jobs)."""
    ind = t["indicators"]
    out = []
    for panel, (_, series_ids, with_subset) in enumerate(DOT_PANELS):
        rows = ind[ind["series_id"].isin(series_ids) & ind["preferred"].astype(bool)]
        if not with_subset:
            rows = rows[rows["entity"] != "보스턴·케임브리지"]
        newest = rows[rows["year"] == rows.groupby(["series_id", "entity"])["year"].transform("max")]
        for _, r in newest.iterrows():
            out.append(Mark("symbol", Num(float(r["value"]), float(r["value"])), Cat(str(r["entity"])),
                            DOT_CATEGORY.get(r["region"], "해외 비교(고베)"), EVIDENCE[r["evidence"]], panel))
    return out


PERIOD_SERIES = {MA_VC: "매사추세츠 본사 바이오제약 (MassBio)", KR_VC: "한국 바이오·의료 (중기부)"}


def fig_vc_periods(t: Tables) -> list[Mark]:
    out = []
    for panel, period in enumerate(("FY", "H1")):
        for sid, label in PERIOD_SERIES.items():
            for _, r in t.preferred("venture_investment", sid, period).iterrows():
                out.append(_bar(Cat(str(int(r["year"])), label), float(r["amount_usd"]) / 1e9, label, panel=panel))
    return out


def fig_venture(t: Tables) -> list[Mark]:
    return _venture_lines(t, VENTURE_SERIES)


def fig_bio_share(t: Tables) -> list[Mark]:
    """Bio·의료's share of all new VC as printed, per basis; one figure a year (a preferred row first)."""
    v = t["venture_investment"]
    out = []
    for sid, label in ((KR_KVCA_VC, "KVCA 기준"), (KR_VC, "중기부 기준 (신기술금융 포함)")):
        rows = v[(v["series_id"] == sid) & v["share_pct"].notna() & (v["period"] == "FY")]
        rows = rows.sort_values(["year", "preferred"], ascending=[True, False]).drop_duplicates("year")
        out += _yearly_lines(rows, label, lambda r: float(r["share_pct"]))
    return out


def fig_ipo_share(t: Tables) -> list[Mark]:
    rows = t.preferred("indicators", "ma_biotech_ipo_share_massbio", "FY")
    return [_bar(Cat(str(int(r["year"])), "매사추세츠 기업 비중"), float(r["value"]), "매사추세츠 기업 비중") for _, r in rows.iterrows()]


def fig_kosdaq(t: Tables) -> list[Mark]:
    rows = t.preferred("indicators", "kr_tech_special_listings_krx", "FY")
    return [_bar(Cat(str(int(r["year"])), str(r["entity"])), float(r["value"]), str(r["entity"])) for _, r in rows.iterrows()]


def fig_ma(t: Tables) -> list[Mark]:
    """M&A value (US$ bn) and value per deal (US$ M) by country, in the newest year both countries
    publish the value."""
    ind = t["indicators"]
    pref = ind[ind["preferred"].astype(bool)]
    value = pref[pref["series_id"] == "pharma_bio_ma_value_kpmg"]
    deals = pref[pref["series_id"] == "pharma_bio_ma_deals_kpmg"]
    per_year = value.groupby("year")["entity"].nunique()
    year = int(per_year[per_year >= 2].index.max())
    out = []
    for _, v in value[value["year"] == year].iterrows():
        d = deals[(deals["year"] == year) & (deals["entity"] == v["entity"])]
        out.append(_bar(Cat(str(v["entity"])), float(v["value"]) / 1e9, str(v["entity"]), horizontal=True, panel=0))
        out.append(_bar(Cat(str(v["entity"])), float(v["value"]) / float(d["value"].iloc[0]) / 1e6, str(v["entity"]),
                        horizontal=True, panel=1))
    return out


def fig_nih(t: Tables) -> list[Mark]:
    rows = t.preferred("indicators", "nih_hospital_funding")
    return [_bar(Cat(str(r["entity"]), str(int(r["year"]))), float(r["value"]) / 1e6, str(int(r["year"])), horizontal=True)
            for _, r in rows.iterrows()]


NIH_SECTORS = {"Boston (all)": "보스턴 전체", "Boston hospitals & medical": "병원·의료기관", "Boston educational": "대학"}


def fig_nih_sector(t: Tables) -> list[Mark]:
    rows = t.preferred("indicators", "boston_nih_funding_bpda", "FY")
    out = []
    for entity, label in NIH_SECTORS.items():
        out += _yearly_lines(rows[rows["entity"] == entity], label, lambda r: float(r["value"]) / 1e9)
    return out


RH_PANELS = (("kr_rh_research_funds_mohw", 1e8), ("kr_rh_tech_transfer_income_mohw", 1e8), ("kr_rh_new_startups_mohw", 1.0))


def fig_rh_outcomes(t: Tables) -> list[Mark]:
    out = []
    for panel, (sid, unit) in enumerate(RH_PANELS):
        for _, r in t.preferred("indicators", sid, "FY").iterrows():
            out.append(_bar(Cat(str(int(r["year"]))), float(r["value"]) / unit, None, panel=panel))
    return out


TRIAL_PLACES = ("서울", "한국", "베이징", "휴스턴")


def fig_trials(t: Tables) -> list[Mark]:
    rows = t.preferred("indicators", "industry_trials_city_share_konect")
    out = []
    for place in TRIAL_PLACES:
        out += _yearly_lines(rows[rows["entity"] == place], place, lambda r: float(r["value"]))
    return out


EVENT_CATEGORY = {"regulation": "규제", "response": "대응"}


def fig_timeline(t: Tables) -> list[Mark]:
    """Every dated event in its category's band; an event written as a target or plan is a hollow
    diamond, a fact a filled circle (the legend's words, which colour and shape both follow)."""
    out = []
    for _, e in t["events"].iterrows():
        kind = "계획·목표" if ("목표" in str(e["event"]) or "계획" in str(e["event"])) else "사실"
        when = _ms(_partial_start(e["date"]))
        out.append(Mark("symbol", Num(when, when), Cat(EVENT_CATEGORY[e["category"]]), kind, kind))
    return out


OBSERVATION = {"started": "착수", "delayed": "지연", "scaled_down": "축소", "delivered": "이행", "planned": "계획"}


def fig_pledges(t: Tables) -> list[Mark]:
    """Per pledge (not the state visit's announcements): a span from the promise to its moved
    deadline (or to the status date, when there is none) in its status colour, its status and name
    written over it ('지연·축소: K-바이오 랩허브…': the status in words, not only in colour), the
    promise, deadlines and every observation as points on it; and one rule at the status date."""
    pledges, status = t["pledges"], t["pledge_status"]
    out = []
    as_of = str(pledges["status_as_of"].iloc[0])
    for _, p in pledges[pledges["kind"] == "pledge"].iterrows():
        row = Cat(str(p["pledge"]))
        out.append(Mark("text", None, row, text=f"{p['status_label']}: {p['pledge']}"))
        end = as_of if pd.isna(p["effective_deadline"]) else _partial_end(str(p["effective_deadline"]))
        out.append(Mark("rule", Num(_ms(_partial_start(p["date"])), _ms(end)), row, str(p["status_label"])))
        out.append(Mark("symbol", Num(_ms(_partial_start(p["date"])), _ms(_partial_start(p["date"]))), row, None, "약속"))
        if not pd.isna(p["deadline"]):
            d = _ms(_partial_end(str(p["deadline"])))
            out.append(Mark("symbol", Num(d, d), row, None, "기한"))
        for _, o in status[status["pledge_id"] == p["pledge_id"]].iterrows():
            d = _ms(_partial_start(o["date"]))
            out.append(Mark("symbol", Num(d, d), row, None, OBSERVATION[o["observation"]]))
            if not pd.isna(o["new_deadline"]):
                n = _ms(_partial_end(str(o["new_deadline"])))
                out.append(Mark("symbol", Num(n, n), row, None, "새 기한"))
    out.append(Mark("rule", Num(_ms(as_of), _ms(as_of)), None))
    return out


FIGURES: dict[str, Callable[[Tables], list[Mark]]] = {
    "fig-summary": fig_summary, "fig-jobs": fig_jobs, "fig-clusters": fig_clusters, "fig-vc-periods": fig_vc_periods,
    "fig-venture": fig_venture, "fig-bio-share": fig_bio_share, "fig-ipo-share": fig_ipo_share, "fig-kosdaq": fig_kosdaq,
    "fig-ma": fig_ma, "fig-nih": fig_nih, "fig-nih-sector": fig_nih_sector, "fig-rh-outcomes": fig_rh_outcomes,
    "fig-trials": fig_trials, "fig-timeline": fig_timeline, "fig-pledges": fig_pledges,
}


def expected(figure: str, tables: Tables) -> list[Mark] | None:
    """The marks a figure must draw, or None when no declaration exists for it."""
    build = FIGURES.get(figure)
    return None if build is None else build(tables)
