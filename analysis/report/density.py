"""Numbers, charts' data and tables for the 밀집 (density) chapter."""

from __future__ import annotations

import pandas as pd

from analysis import markup as m
from analysis.report import evidence
from analysis.report import provenance as prov
from analysis.report import text as t
from analysis.report.series import annual, latest, preferred, stack_with_gaps

MA_JOBS = "ma_biopharma_jobs_massbio"
MA_RD_JOBS = "ma_biotech_rd_jobs_massbio"
JOBS_LABELS = {MA_JOBS: "바이오제약 전체", MA_RD_JOBS: "바이오 R&D"}
CLUSTER_METRICS = (
    ("kr_cluster_firms", "입주 기업·기관"),
    ("kr_cluster_jobs", "고용(명)"),
    ("kr_cluster_area", "면적(㎡)"),
    ("kr_cluster_sales", "매출"),
    ("kr_cluster_budget", "사업비"),
)
# The dot plot's panels: Korean clusters beside Boston/Massachusetts and Kobe where a figure exists.
DOT_METRICS = {"입주 기업·기관 수": ("kr_cluster_firms", "comparator_cluster_firms", "boston_biotech_firms"),
               "고용(명)": ("kr_cluster_jobs", MA_JOBS),
               "면적(㎡)": ("kr_cluster_area",)}
DOT_CATEGORIES = {"한국 클러스터": "#0F4C81", "보스턴·매사추세츠": "#A41034", "해외 비교(고베)": "#8C8C8C"}


def ma_jobs_series(ind: pd.DataFrame) -> pd.DataFrame:
    """Massachusetts biopharma and biotech R&D jobs by year, with gaps where no edition reported."""
    parts = {label: annual(ind, series).assign(value=lambda d: d["value"].astype(float)) for series, label in JOBS_LABELS.items()}
    return stack_with_gaps(parts, "label")


def jobs_growth(ind: pd.DataFrame) -> dict:
    """First and latest year of the state's biopharma jobs, and the growth between them (cited)."""
    rows = annual(ind, MA_JOBS)
    first, last = rows.iloc[0], rows.iloc[-1]
    growth = 100 * (float(last["value"]) / float(first["value"]) - 1)
    return {"first": first, "last": last, "first_year": int(first["year"]), "last_year": int(last["year"]),
            "growth": prov.cite(t.pct(growth, 0), [first, last], how="두 해의 고용 수치로 계산한 증가율", kind="change"),
            "last_text": prov.cite(t.num(last["value"]), last), "first_text": prov.cite(t.num(first["value"]), first)}


def as_printed(row: pd.Series) -> prov.Cited:
    """A figure as the source printed it ('260여개'), with the dagger of secondary evidence."""
    return prov.cite(f"{row['value_as_published']}{t.dagger(row['evidence'])}", row)


def _cell(row: pd.Series) -> prov.Cited:
    text = t.krw(row["value"]) if row["unit"] == "KRW" else t.num(row["value"])
    approx = "약 " if row["qualifier"] == "approx" else ""
    more = "+" if row["qualifier"] in ("at_least", "more_than") else ""
    cum = " (누적)" if row["period"] == "CUM" else ""
    shown = evidence.hedge(f"{approx}{text}{more} ({int(row['year'])}){cum}{t.dagger(row['evidence'])}", row)
    return prov.cite(shown, row, mark=False)


def korean_cluster_rows(ind: pd.DataFrame) -> list[dict]:
    """One row per Korean cluster: the latest figure of each metric with its year; '—' where no
    source publishes it (the table's footnote says so)."""
    clusters = sorted(set(ind.loc[ind["series_id"].isin([s for s, _ in CLUSTER_METRICS]), "entity"]))
    rows = []
    for cluster in clusters:
        row = {"cluster": cluster}
        for series, _ in CLUSTER_METRICS:
            try:
                row[series] = _cell(latest(ind, series, cluster))
            except KeyError:
                row[series] = None
        rows.append(row)
    return rows


def korean_cluster_table(ind: pd.DataFrame) -> m.Markup:
    columns = [m.Column("클러스터", "cluster", "l", 2)] + [m.Column(label, series, "r", 1.3) for series, label in CLUSTER_METRICS]
    return m.table(korean_cluster_rows(ind), columns)


def cluster_rows(ind: pd.DataFrame) -> pd.DataFrame:
    """The latest preferred figure per cluster and metric (the rows the cluster table and dot plot show)."""
    rows = ind[ind["series_id"].isin([s for s, _ in CLUSTER_METRICS]) & ind["preferred"]]
    return rows.sort_values("year").groupby(["series_id", "entity"]).tail(1)


def largest_korean_cluster_jobs(ind: pd.DataFrame) -> pd.Series:
    rows = preferred(ind, "kr_cluster_jobs")
    latest_rows = rows.sort_values("year").groupby("entity").tail(1)
    return latest_rows.sort_values("value").iloc[-1]


def cluster_dots(ind: pd.DataFrame) -> pd.DataFrame:
    """Latest figure per cluster for each dot-plot panel, with Boston/Massachusetts and Kobe beside."""
    parts = []
    for metric, series_ids in DOT_METRICS.items():
        rows = ind[ind["series_id"].isin(series_ids) & ind["preferred"]]
        if metric != "고용(명)":
            rows = rows[rows["entity"] != "보스턴·케임브리지"]
        rows = rows.sort_values("year").groupby(["series_id", "entity"]).tail(1)
        category = rows["region"].map({"KR": "한국 클러스터", "MA": "보스턴·매사추세츠", "Boston": "보스턴·매사추세츠"}).fillna("해외 비교(고베)")
        parts.append(rows.assign(metric=metric, category=category, label=rows["entity"], value=rows["value"].astype(float)))
    return pd.concat(parts, ignore_index=True)
