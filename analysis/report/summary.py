"""The 요약 page: how current each series is, and the claims' verdicts in one line."""

from __future__ import annotations

import pandas as pd

from analysis import markup as m
from analysis.report import provenance as prov
from analysis.report.quality import VERDICT_LABELS

# (table, series_id, label) of the series the chapters draw, in reading order.
CUTOFF_SERIES = (
    ("indicators", "ma_biopharma_jobs_massbio", "매사추세츠 바이오제약 고용"),
    ("indicators", "ma_lab_vacancy_massbio", "매사추세츠 랩 공실률 (MassBio Snapshot 보도)"),
    ("venture_investment", "ma_hq_biopharma_vc_massbio", "매사추세츠 바이오제약 VC (MassBio)"),
    ("venture_investment", "kr_bio_medical_vc_mss", "한국 바이오·의료 벤처투자 (중기부)"),
    ("venture_investment", "kr_bio_medical_vc_kvca", "한국 바이오·의료 VC (KVCA)"),
    ("indicators", "kr_tech_special_listings_krx", "코스닥 기술특례상장"),
    ("indicators", "pharma_bio_ma_value_kpmg", "제약·바이오 M&A (삼정KPMG)"),
    ("indicators", "nih_hospital_funding", "보스턴 병원별 NIH 연구비"),
    ("indicators", "boston_nih_funding_bpda", "보스턴 NIH 연구비 (부문별)"),
    ("indicators", "ma_nih_funding_decline_massbio", "매사추세츠 NIH 연구비 감소율 (실적)"),
    ("indicators", "kr_rh_research_funds_mohw", "연구중심병원 성과"),
    ("indicators", "industry_trials_city_share_konect", "임상시험 점유율 (KoNECT)"),
    ("indicators", "kr_cluster_firms", "한국 클러스터 입주 기업"),
)


KERI_SOURCE = "hankyung-2020-01-30-keri-boston"


def keri_year(sources: pd.DataFrame) -> prov.Label:
    """The year KERI's report came out, from its source's publication date."""
    return prov.label(str(sources.set_index("source_id").loc[KERI_SOURCE, "date_published"])[:4])


def latest_row(tables: dict[str, pd.DataFrame], table: str, series_id: str) -> pd.Series:
    df = tables[table]
    rows = df[(df["series_id"] == series_id) & df["preferred"]]
    full = rows[rows["period"] == "FY"]
    rows = full if not full.empty else rows
    return rows.sort_values(["year", "source_id"]).iloc[-1]


def latest_rows(tables: dict[str, pd.DataFrame], sources: pd.DataFrame) -> list[dict]:
    """Each series the report draws, its latest row and that row's source's publication date: the
    자료 기준 table here, and each edition's record in the editions archive."""
    dates = sources.set_index("source_id")["date_published"]
    out = []
    for table, series_id, label in CUTOFF_SERIES:
        row = latest_row(tables, table, series_id)
        out.append({"series_id": series_id, "series": label, "row": row, "published": str(dates[row["source_id"]])})
    return out


def lagging(tables: dict[str, pd.DataFrame], table: str, series_id: str) -> dict:
    """Where a series' newest year is not reached everywhere: the entities (hospitals, clusters)
    whose own latest year is older, and the full years missing inside the series' span."""
    df = tables[table]
    rows = df[(df["series_id"] == series_id) & df["preferred"]]
    full = rows[rows["period"] == "FY"]
    rows = full if not full.empty else rows
    last = int(rows["year"].max())
    behind = {}
    if "entity" in rows.columns and rows["entity"].nunique() > 1:
        latest = rows.groupby("entity")["year"].max()
        behind = {entity: int(year) for entity, year in latest.items() if year < last}
    years = set(rows["year"].astype(int))
    missing = [y for y in range(min(years), last) if y not in years] if not full.empty else []
    return {"last": last, "behind": behind, "missing": missing}


def cutoff_note(tables: dict[str, pd.DataFrame], table: str, series_id: str) -> prov.Label:
    """'나머지는 더 새 자료 없음: …' for a series whose sides do not all reach its newest year."""
    lag = lagging(tables, table, series_id)
    parts = []
    if lag["behind"]:
        parts.append("더 새 자료 없음: " + ", ".join(f"{e} {y}" for e, y in sorted(lag["behind"].items(), key=lambda kv: (-kv[1], kv[0]))))
    recent = [y for y in lag["missing"] if y >= lag["last"] - 5]
    if recent:
        parts.append("연간 수치를 찾지 못한 해: " + ", ".join(map(str, recent)))
    return prov.label("; ".join(parts))


def cutoffs(tables: dict[str, pd.DataFrame], sources: pd.DataFrame) -> list[dict]:
    out = []
    for r in latest_rows(tables, sources):
        table = next(tb for tb, sid, _ in CUTOFF_SERIES if sid == r["series_id"])
        out.append({**r, "year": prov.cite(f"{int(r['row']['year'])}년", r["row"], mark=False),
                    "note": cutoff_note(tables, table, r["series_id"])})
    return out


def cutoff_table(tables: dict[str, pd.DataFrame], sources: pd.DataFrame) -> m.Markup:
    return m.table(cutoffs(tables, sources), [m.Column("지표", "series", "l", 2.6), m.Column("최신 자료 연도", "year", "r", 1.1),
                                             m.Column("그 자료의 공표", "published", "r", 1.1), m.Column("그보다 오래된 쪽", "note", "l", 2.6)])


def verdict_counts(claims: pd.DataFrame) -> dict[str, prov.Cited]:
    """Claims per verdict ('확인 6건'), cited to the claims' sources."""
    out = {}
    for verdict, label in VERDICT_LABELS.items():
        rows = claims[claims["verdict"] == verdict]
        if len(rows):
            out[verdict] = prov.cite(f"{label} {len(rows)}건", rows, how="판정별 주장 수", mark=False, kind="count")
    return out


def verdict_sentence(claims: pd.DataFrame) -> prov.Cited:
    return prov.join(verdict_counts(claims).values(), ", ")
