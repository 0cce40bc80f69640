"""Numbers and tables for the 병원협력 (hospital collaboration) chapter."""

from __future__ import annotations

import pandas as pd

from analysis.report import markup as m
from analysis.report import text as t
from analysis.report.views import preferred, value_at

NIH_HOSPITAL = "nih_hospital_funding"
KR_RH_SERIES = (
    ("kr_rh_research_funds_mohw", "총 연구비"),
    ("kr_rh_core_staff_mohw", "핵심연구인력(명)"),
    ("kr_rh_tech_transfer_income_mohw", "기술이전 수입"),
    ("kr_rh_new_startups_mohw", "신규 창업(건)"),
    ("kr_rh_startups_cumulative_mohw", "누적 창업(개사)"),
)


def nih_by_hospital(ind: pd.DataFrame) -> pd.DataFrame:
    """NIH awards to Boston hospitals by federal fiscal year, in US$ millions."""
    rows = preferred(ind, NIH_HOSPITAL).copy()
    rows["usd_m"] = rows["value"].astype(float) / 1e6
    return rows


def hospital_share_of_city(ind: pd.DataFrame, year: int) -> float:
    sector = value_at(ind, "boston_nih_funding_bpda", year, "Boston hospitals & medical")
    total = value_at(ind, "boston_nih_funding_bpda", year, "Boston (all)")
    return 100 * float(sector["value"]) / float(total["value"])


def capital_region_counts(rh: pd.DataFrame) -> dict[str, tuple[int, int]]:
    """Round -> (hospitals in 수도권, hospitals)."""
    return {rnd: (int(rows["capital_region"].sum()), len(rows)) for rnd, rows in rh.groupby("round")}


def research_hospital_table(rh: pd.DataFrame) -> m.Markup:
    rows = []
    for hospital, g in rh.groupby("hospital", sort=True):
        first = g.iloc[0]
        rows.append({"hospital": hospital, "city": first["city"], "sido": first["sido"],
                     "capital": "수도권" if first["capital_region"] else "비수도권",
                     "r2013": "○" if (g["round"] == "2013_designation").any() else None,
                     "r2025": "○" if (g["round"] == "2025_certification").any() else None})
    rows.sort(key=lambda r: (r["r2013"] is None, r["capital"] != "수도권", r["hospital"]))
    return m.table(rows, [m.Column("병원", "hospital", "l", 3), m.Column("도시", "city", "l", 1), m.Column("시도", "sido", "l", 1),
                          m.Column("구분", "capital", "l", 1), m.Column("2013 지정", "r2013", "l", 1), m.Column("2025 인증", "r2025", "l", 1)])


def kr_outcomes_table(ind: pd.DataFrame) -> m.Markup:
    years = sorted(set(ind.loc[ind["series_id"].isin([s for s, _ in KR_RH_SERIES]), "year"].astype(int)))
    rows = []
    for series, label in KR_RH_SERIES:
        row = {"metric": label}
        for year in years:
            hit = preferred(ind, series)
            hit = hit[hit["year"] == year]
            if hit.empty:
                row[str(year)] = None
                continue
            r = hit.iloc[0]
            row[str(year)] = (t.krw(r["value"]) if r["unit"] == "KRW" else t.num(r["value"])) + t.dagger(r["evidence"])
        rows.append(row)
    return m.table(rows, [m.Column("지표 (연구중심병원 10곳 합계)", "metric", "l", 2)] + [m.Column(f"{y}년", str(y), "r", 1) for y in years])


def partners_vs_korea(ind: pd.DataFrame, year: int = 2016) -> dict:
    """One Boston hospital system's own research spending against all 10 Korean research hospitals'
    total research funds, same year, both in KRW as the Korean sources print them."""
    partners = value_at(ind, "partners_research_funds", year)
    korea = value_at(ind, "kr_rh_research_funds_mohw", year)
    return {"year": year, "partners": float(partners["value"]), "korea": float(korea["value"]),
            "ratio": float(partners["value"]) / float(korea["value"])}


def trial_shares(ind: pd.DataFrame) -> pd.DataFrame:
    return preferred(ind, "industry_trials_city_share_konect")
