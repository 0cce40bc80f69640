"""Numbers and tables for the 밀집 (density) chapter."""

from __future__ import annotations

import pandas as pd

from analysis.report import markup as m
from analysis.report import text as t
from analysis.report.views import annual, latest, preferred, stack_with_gaps

MA_JOBS = "ma_biopharma_jobs_massbio"
MA_RD_JOBS = "ma_biotech_rd_jobs_massbio"
CLUSTER_METRICS = (
    ("kr_cluster_firms", "입주 기업·기관"),
    ("kr_cluster_jobs", "고용(명)"),
    ("kr_cluster_area", "면적(㎡)"),
    ("kr_cluster_sales", "매출"),
    ("kr_cluster_budget", "사업비"),
)


def ma_jobs_series(ind: pd.DataFrame) -> pd.DataFrame:
    """Massachusetts biopharma and biotech R&D jobs by year, with gaps where no edition reported."""
    return stack_with_gaps({"바이오제약 전체": annual(ind, MA_JOBS), "바이오 R&D": annual(ind, MA_RD_JOBS)}, "label")


def _cell(row: pd.Series) -> str:
    value = row["value"]
    if row["unit"] == "KRW":
        text = t.krw(value)
    else:
        text = t.num(value)
    approx = "약 " if row["qualifier"] == "approx" else ""
    more = "+" if row["qualifier"] in ("at_least", "more_than") else ""
    cum = " (누적)" if row["period"] == "CUM" else ""
    return f"{approx}{text}{more} ({int(row['year'])}){cum}{t.dagger(row['evidence'])}"


def korean_cluster_rows(ind: pd.DataFrame) -> list[dict]:
    """One row per Korean cluster: the latest figure of each metric with its year; '—' where no
    source publishes it (the table's footnote says so)."""
    clusters = sorted(set(ind.loc[ind["series_id"].isin([m for m, _ in CLUSTER_METRICS]), "entity"]))
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


def largest_korean_cluster_jobs(ind: pd.DataFrame) -> pd.Series:
    rows = preferred(ind, "kr_cluster_jobs")
    latest_rows = rows.sort_values("year").groupby("entity").tail(1)
    return latest_rows.sort_values("value").iloc[-1]
