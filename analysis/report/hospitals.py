"""Numbers, charts' data and tables for the 병원협력 (hospital collaboration) chapter."""

from __future__ import annotations

import pandas as pd

from analysis import markup as m
from analysis.report import provenance as prov
from analysis.report import text as t
from analysis.report.series import preferred, stack_with_gaps, value_at

NIH_HOSPITAL = "nih_hospital_funding"
NIH_CITY = "boston_nih_funding_bpda"
NIH_SECTORS = {"Boston (all)": "보스턴 전체", "Boston hospitals & medical": "병원·의료기관", "Boston educational": "대학"}
KR_RH_SERIES = (
    ("kr_rh_research_funds_mohw", "총 연구비"),
    ("kr_rh_core_staff_mohw", "핵심연구인력(명)"),
    ("kr_rh_tech_transfer_income_mohw", "기술이전 수입"),
    ("kr_rh_new_startups_mohw", "신규 창업(건)"),
    ("kr_rh_startups_cumulative_mohw", "누적 창업(개사)"),
)
# The outcomes chart: amounts in 억원, counts as they are.
RH_CHART = {"kr_rh_research_funds_mohw": ("총 연구비 (억원)", 1e8), "kr_rh_tech_transfer_income_mohw": ("기술이전 수입 (억원)", 1e8),
            "kr_rh_new_startups_mohw": ("신규 창업 (건)", 1.0)}
# Each 3:1 or more against the white page (checked by analysis.checks.contrast).
TRIAL_COLORS = {"서울": "#0F4C81", "한국": "#4A8FD0", "베이징": "#5E5E5E", "휴스턴": "#949494"}
ROUND_YEAR = {"2013_designation": 2013, "2025_certification": 2025}


def nih_by_hospital(ind: pd.DataFrame) -> pd.DataFrame:
    """NIH awards to Boston hospitals by federal fiscal year, in US$ millions."""
    rows = preferred(ind, NIH_HOSPITAL).copy()
    return rows.assign(label=rows["entity"], value=rows["value"].astype(float) / 1e6)


def nih_sector_frame(ind: pd.DataFrame) -> pd.DataFrame:
    """Boston's NIH funding in total and for hospitals and universities, US$ bn, by fiscal year."""
    rows = preferred(ind, NIH_CITY, period="FY")
    parts = {label: rows[rows["entity"] == entity].assign(value=lambda d: d["value"].astype(float) / 1e9)
             for entity, label in NIH_SECTORS.items()}
    return stack_with_gaps(parts, "label")


def hospital_share_of_city(ind: pd.DataFrame, year: int) -> prov.Cited:
    sector = value_at(ind, NIH_CITY, year, "Boston hospitals & medical")
    total = value_at(ind, NIH_CITY, year, "Boston (all)")
    return prov.cite(t.pct(100 * float(sector["value"]) / float(total["value"]), 0), [sector, total], how="병원·의료기관 ÷ 보스턴 전체",
                     kind="share")


def latest_sector_year(ind: pd.DataFrame) -> int:
    rows = preferred(ind, NIH_CITY, entity="Boston hospitals & medical")
    return int(rows["year"].max())




def capital_region(rh: pd.DataFrame, rnd: str) -> dict:
    """Counts of one round, cited to the rows of the lists they were counted from."""
    rows = rh[rh["round"] == rnd]
    cap = rows[rows["capital_region"]]
    n = prov.cite(f"{len(rows)}곳", rows, how="명단에서 센 병원 수", kind="count")
    capital = prov.cite(f"{len(cap)}곳", rows, how="명단의 병원 가운데 서울·인천·경기 소재를 센 수", kind="count")
    return {"n": n, "capital": capital, "share": prov.cite(t.pct(100 * len(cap) / len(rows), 0), [capital, n], how="수도권 병원 수 ÷ 전체", kind="share"),
            "year": prov.label(ROUND_YEAR[rnd])}


def capital_share_frame(rh: pd.DataFrame) -> pd.DataFrame:
    """수도권's share of research hospitals per round (one bar per round year)."""
    rows = []
    for rnd, g in rh.groupby("round"):
        prov.require_same_period([g], "share")  # one list, one round: the guard every share goes through
        first = g.iloc[0]
        cap = int(g["capital_region"].sum())
        rows.append({"label": "수도권 비중", "year": ROUND_YEAR[rnd], "value": 100 * cap / len(g), "source_id": first["source_id"],
                     "value_as_published": f"{len(g)}곳 중 {cap}곳 (명단에서 계산)", "evidence": first["evidence"], "quote": None,
                     "round": rnd})
    return pd.DataFrame(rows)


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


def _outcome_text(r: pd.Series) -> str:
    return (t.krw(r["value"]) if r["unit"] == "KRW" else t.num(r["value"])) + t.dagger(r["evidence"])


def kr_outcomes_table(ind: pd.DataFrame) -> m.Markup:
    years = sorted(set(ind.loc[ind["series_id"].isin([s for s, _ in KR_RH_SERIES]), "year"].astype(int)))
    rows = []
    for series, label in KR_RH_SERIES:
        row = {"metric": label}
        hits = preferred(ind, series)
        for year in years:
            hit = hits[hits["year"] == year]
            row[str(year)] = prov.cite(_outcome_text(hit.iloc[0]), hit.iloc[0], mark=False) if not hit.empty else None
        rows.append(row)
    return m.table(rows, [m.Column("지표 (지정 병원 합계)", "metric", "l", 2)] + [m.Column(f"{y}년", str(y), "r", 1) for y in years])


def rh_outcomes_frame(ind: pd.DataFrame) -> pd.DataFrame:
    parts = []
    for series, (metric, unit) in RH_CHART.items():
        rows = preferred(ind, series, period="FY")
        parts.append(rows.assign(metric=metric, value=rows["value"].astype(float) / unit))
    return pd.concat(parts, ignore_index=True)


def partners_year(ind: pd.DataFrame) -> int:
    """The year with both Partners' own research spending and the Korean research hospitals' funds."""
    a = set(preferred(ind, "partners_research_funds")["year"])
    b = set(preferred(ind, "kr_rh_research_funds_mohw")["year"])
    return int(max(a & b))


def partners_vs_korea(ind: pd.DataFrame) -> dict:
    """One Boston hospital system's own research spending against all 10 Korean research hospitals'
    total research funds, same year, both in KRW as the Korean sources print them."""
    year = partners_year(ind)
    partners = value_at(ind, "partners_research_funds", year)
    korea = value_at(ind, "kr_rh_research_funds_mohw", year)
    return {"year": year, "partners": float(partners["value"]), "korea": float(korea["value"]),
            "ratio": float(partners["value"]) / float(korea["value"]),
            "partners_text": prov.cite(t.krw(partners["value"]), partners), "korea_text": prov.cite(t.krw(korea["value"]), korea),
            "ratio_text": prov.cite(t.times(float(partners["value"]) / float(korea["value"])), [partners, korea], how="두 연구비의 비율(원화)",
                                    kind="ratio"),
            "partners_basis": prov.basis(partners, "한국경제 보도"), "korea_basis": prov.basis(korea, "보건복지부 집계")}


def trial_shares(ind: pd.DataFrame) -> pd.DataFrame:
    rows = preferred(ind, "industry_trials_city_share_konect")
    parts = {e: rows[rows["entity"] == e] for e in TRIAL_COLORS if e in set(rows["entity"])}
    frame = stack_with_gaps({k: v.assign(value=lambda d: d["value"].astype(float)) for k, v in parts.items()}, "label")
    return frame
