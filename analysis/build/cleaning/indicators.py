"""Clean table ``indicators``: every other transcribed figure the report uses, in long form —
one row per (series, entity, year, period, source).

Why one long table: density, exits, NIH funding, hospital commercialisation and trial shares are
all "a number a source printed about an entity in a year". Each series declares its topic, the
kind of unit it must parse to and its definition (basis), so a figure filed under the wrong
series (a KRW amount under a USD series, a share under a count) stops the build.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from analysis.build.cleaning.figures import mark_preferred, parse_year, read_figures, select_series
from analysis.errors import CleaningError
from analysis.build.schema import Column, TableSchema
from analysis.build.sources import RawSource
from analysis.build.units import UnitParseError, parse_quantity, with_header_unit

# What each unit kind may parse to. Counts may be printed with a counter word (개, 명, 곳) or bare.
UNIT_KINDS = {
    "count": {None, "count"},
    "KRW": {"KRW"},
    "USD": {"USD"},
    "percent": {"percent"},
    "area": {"m2", "km2", "sqft"},
    "volume": {"L"},
}
# Area is stored in m² so that clusters compare; exact factors.
AREA_TO_M2 = {"m2": 1.0, "km2": 1_000_000.0, "sqft": 0.09290304}


@dataclass(frozen=True)
class Series:
    topic: str
    region: str
    metric: str
    kind: str
    basis: str
    entity: str | None = None  # fixed entity; None = the raw row's `entity` column


def _s(topic, region, metric, kind, basis, entity=None) -> Series:
    return Series(topic, region, metric, kind, basis, entity)


SERIES: dict[str, Series] = {
    # 밀집 (density) — Boston / Massachusetts
    "ma_biopharma_jobs_massbio": _s("밀집", "MA", "일자리", "count",
                                    "MassBio Industry Snapshot: Massachusetts biopharma employment (BLS QCEW, private)", "매사추세츠"),
    "ma_biotech_rd_jobs_massbio": _s("밀집", "MA", "바이오 R&D 일자리", "count",
                                     "MassBio: biotech research & development employment (BLS QCEW)", "매사추세츠"),
    "ma_biopharma_companies_massbio": _s("밀집", "MA", "바이오·제약 기업 수", "count",
                                         "MassBio: biotech and pharma companies located in Massachusetts", "매사추세츠"),
    "ma_colleges_massbio": _s("밀집", "MA", "대학 수", "count", "MassBio: colleges and universities in Massachusetts", "매사추세츠"),
    "boston_biotech_firms": _s("밀집", "Boston", "바이오 기업 수", "count", "MassBio via 헬로디디: biotech firms in the Boston area"),
    "ma_top20_pharma_presence": _s("밀집", "MA", "세계 20대 제약사 중 진출 기업 수", "count",
                                   "Boston Globe (MassBio Snapshot coverage): of the world's 20 largest drugmakers, how many have a presence in Massachusetts",
                                   "매사추세츠"),
    "labcentral_resident_companies": _s("밀집", "Boston", "LabCentral 입주 기업 수", "count", "LabCentral impact reports: resident companies"),
    "ma_lab_vacancy_massbio": _s("밀집", "MA", "랩 공실률", "percent",
                                 "MassBio Industry Snapshot (as reported by the trade press): lab vacancy rate by submarket; the date of "
                                 "measurement is not printed, the year is the Snapshot's (entity = Cambridge/Boston)"),
    "labcentral_us_early_stage_share": _s("투자", "Boston", "미국 초기 단계 투자 중 비중", "percent",
                                          "LabCentral impact reports: resident and alumni companies' share of all US early-stage (seed, Series A) financing"),
    # 밀집 — Korean clusters and comparators (entity = cluster)
    "kr_cluster_firms": _s("밀집", "KR", "입주 기업 수", "count", "보도·기관 발표: 클러스터 입주(유치) 기업·기관 수 (정의는 출처마다 다름)"),
    "kr_cluster_jobs": _s("밀집", "KR", "고용", "count", "보도·기관 발표: 클러스터 입주 기업 고용 인원"),
    "kr_cluster_area": _s("밀집", "KR", "면적", "area", "보도·기관 발표: 클러스터 부지 면적"),
    "kr_cluster_budget": _s("밀집", "KR", "사업비", "KRW", "보도·기관 발표: 조성 사업비(국비·지방비 포함 총액)"),
    "kr_cluster_sales": _s("밀집", "KR", "매출", "KRW", "보도·기관 발표: 입주 기업 매출"),
    "kr_cluster_investment_linked": _s("밀집", "KR", "투자 연계", "KRW",
                                       "기관 발표: 특구·클러스터 사업이 연계(중개)한 투자 실적 — 클러스터에 들어온 투자 총액이 아님"),
    "comparator_cluster_firms": _s("밀집", "other", "입주 기업 수", "count", "보도: 해외 비교 클러스터 입주 기업·기관 수"),
    # 투자 (investment) — exits
    "ma_biotech_ipos_massbio": _s("투자", "MA", "바이오텍 IPO 수", "count", "MassBio: IPOs of Massachusetts biotech companies", "매사추세츠"),
    "ma_biotech_ipo_share_massbio": _s("투자", "MA", "미국 바이오텍 IPO 중 비중", "percent",
                                       "MassBio: Massachusetts share of US-based biotech IPOs (by count)", "매사추세츠"),
    "ma_biotech_ipo_proceeds_massbio": _s("투자", "MA", "IPO 조달액", "USD", "MassBio: IPO proceeds of Massachusetts biotech companies", "매사추세츠"),
    "ma_biotech_ipo_avg_massbio": _s("투자", "MA", "IPO 평균 조달액", "USD", "MassBio: average IPO raise of Massachusetts-HQ biotech companies", "매사추세츠"),
    "us_biotech_ipo_avg_massbio": _s("투자", "US", "IPO 평균 조달액", "USD", "MassBio: average IPO raise of US biotech companies", "미국"),
    "kr_tech_special_avg_proceeds_krx": _s("투자", "KR", "기술특례상장 평균 공모액", "KRW",
                                           "KRX: 코스닥 기술특례상장 기업당 평균 공모금액, 2005년 제도 도입 이후 상장 기업 평균 (period CUM; entity = 바이오/비바이오)"),
    "kr_tech_special_listings_krx": _s("투자", "KR", "기술특례상장 기업 수", "count",
                                       "KRX(보도 인용): 코스닥 기술특례상장 기업 수, 연간(FY) 또는 2005년 이후 누적(CUM) (entity = 전체/바이오/비바이오)"),
    # Not the same count as kr_tech_special_listings_krx's 바이오: a broad industry grouping ("바이오업종":
    # new drugs, medical devices, drug manufacturing, in-vitro diagnostics) of all new KOSDAQ listings,
    # of which those that came through a tech-special route; never on one line with KRX's split.
    "kr_bio_sector_tech_special_listings_krx": _s("투자", "KR", "바이오업종 기술특례상장 기업 수", "count",
                                                  "KRX 집계(헬스조선 보도): 코스닥 신규 상장(스팩 제외) 가운데 '바이오업종'(신약개발·의료기기 제조·"
                                                  "의약품 제조·체외진단 등) 기업이 기술특례상장으로 상장한 수, 연간(FY). 기술성장특례 통계의 "
                                                  "바이오/비바이오 구분(kr_tech_special_listings_krx)과 같은 범위라는 확인이 없다",
                                                  "바이오업종"),
    "kr_tech_special_proceeds_krx": _s("투자", "KR", "기술특례상장 공모액", "KRW",
                                       "KRX: 코스닥 기술특례상장 공모금액, 연간(FY) 또는 2005년 이후 누적(CUM) (entity = 전체/바이오)"),
    "pharma_bio_ma_deals_kpmg": _s("투자", "other", "제약·바이오 M&A 건수", "count", "삼정KPMG: 국가별 제약·바이오 M&A 거래 건수 (entity = 국가)"),
    "pharma_bio_ma_value_kpmg": _s("투자", "other", "제약·바이오 M&A 규모", "USD", "삼정KPMG: 국가별 제약·바이오 M&A 거래 규모 (entity = 국가)"),
    # 병원협력 (hospital collaboration)
    "boston_nih_funding_bpda": _s("병원협력", "Boston", "NIH 연구비", "USD",
                                  "BPDA/BRA via BMRB: NIH funding to Boston institutions by fiscal year (entity = 전체/sector)"),
    "boston_nih_share_bpda": _s("병원협력", "Boston", "NIH 연구비 비중", "percent", "BPDA/BRA via BMRB: sector share of Boston's NIH funding"),
    "ma_nih_share_massbio": _s("병원협력", "MA", "미국 NIH 연구비 중 비중", "percent",
                               "MassBio year-end report via Banker & Tradesman: Massachusetts' share of all NIH funding in the year",
                               "매사추세츠"),
    "ma_nih_funding_decline_massbio": _s("병원협력", "MA", "NIH 연구비 감소율", "percent",
                                         "MassBio Industry Snapshot via GBH News: decline in NIH funding to Massachusetts from the year before, "
                                         "percent, printed as a decline without sign (a result)", "매사추세츠"),
    "ma_nih_funding_decline_projection_massbio": _s("병원협력", "MA", "NIH 연구비 감소율 전망", "percent",
                                                    "MassBio projection (August 2025, via GBH News) of the year's decline in NIH funding to "
                                                    "Massachusetts, percent — a projection, never a result", "매사추세츠"),
    "nih_hospital_funding": _s("병원협력", "Boston", "병원별 NIH 연구비", "USD",
                               "NIH awards to independent hospitals by fiscal year (MassBio/BMRB/BRIMR; entity = hospital)"),
    "kr_rh_research_funds_mohw": _s("병원협력", "KR", "총 연구비", "KRW", "보건복지부: 연구중심병원(10곳) 총 연구비", "연구중심병원 10곳"),
    "kr_rh_core_staff_mohw": _s("병원협력", "KR", "핵심연구인력", "count", "보건복지부: 연구중심병원(10곳) 핵심연구인력", "연구중심병원 10곳"),
    "kr_rh_tech_transfer_income_mohw": _s("병원협력", "KR", "기술이전 수입", "KRW", "보건복지부: 연구중심병원(10곳) 연간 기술이전 수입", "연구중심병원 10곳"),
    "kr_rh_new_startups_mohw": _s("병원협력", "KR", "신규 창업", "count", "보건복지부: 연구중심병원(10곳) 연간 신규 창업", "연구중심병원 10곳"),
    "kr_rh_startups_cumulative_mohw": _s("병원협력", "KR", "누적 창업", "count", "보건복지부: 연구중심병원 창업기업 누적 수", "연구중심병원 10곳"),
    "partners_research_funds": _s("병원협력", "Boston", "자체 연구 투자", "KRW",
                                  "한국경제 on Partners HealthCare (now Mass General Brigham): spending on its own labs, in KRW as printed",
                                  "Partners HealthCare (현 Mass General Brigham)"),
    "partners_commercial_investment": _s("병원협력", "Boston", "사업화 기업 투자", "KRW",
                                         "한국경제 on Partners HealthCare: investment in companies commercialising its research, in KRW as printed",
                                         "Partners HealthCare (현 Mass General Brigham)"),
    "partners_patent_deals": _s("병원협력", "Boston", "특허 거래(연간)", "count", "한국경제 on Partners HealthCare: patent deals a year",
                                "Partners HealthCare (현 Mass General Brigham)"),
    "boston_hospitals": _s("밀집", "Boston", "병원 수", "count", "보도: 보스턴 병원 수 (entity = 집계 범위)"),
    "industry_trials_city_share_konect": _s("병원협력", "KR", "산업체 임상시험 점유율", "percent",
                                            "KoNECT analysis of ClinicalTrials.gov: share of global industry-sponsored trials (entity = 도시/국가)"),
}

# What each series can plausibly hold, in its clean unit (count, KRW, USD, percent, m²): about an
# order of magnitude either side of anything its sources print. A figure outside is a unit or
# transcription slip (억 for 조, a share above 100 %, a count with extra zeros) and stops the build.
PLAUSIBLE: dict[str, tuple[float, float]] = {
    "ma_biopharma_jobs_massbio": (10_000, 1_000_000),
    "ma_biotech_rd_jobs_massbio": (1_000, 1_000_000),
    "ma_biopharma_companies_massbio": (10, 10_000),
    "ma_colleges_massbio": (10, 1_000),
    "boston_biotech_firms": (10, 10_000),
    "ma_top20_pharma_presence": (0, 20),
    "labcentral_resident_companies": (1, 5_000),
    "labcentral_us_early_stage_share": (0, 100),
    "ma_lab_vacancy_massbio": (0, 100),
    "ma_nih_funding_decline_massbio": (0, 100),
    "ma_nih_funding_decline_projection_massbio": (0, 100),
    "kr_cluster_firms": (1, 10_000),
    "kr_cluster_jobs": (10, 1_000_000),
    "kr_cluster_area": (1_000, 100_000_000),
    "kr_cluster_budget": (1e9, 1e14),
    "kr_cluster_sales": (1e8, 1e15),
    "kr_cluster_investment_linked": (1e8, 1e14),
    "comparator_cluster_firms": (1, 10_000),
    "ma_biotech_ipos_massbio": (0, 500),
    "ma_biotech_ipo_share_massbio": (0, 100),
    "ma_biotech_ipo_proceeds_massbio": (1e7, 1e11),
    "ma_biotech_ipo_avg_massbio": (1e6, 1e10),
    "us_biotech_ipo_avg_massbio": (1e6, 1e10),
    "kr_tech_special_avg_proceeds_krx": (1e9, 1e12),
    "kr_tech_special_listings_krx": (0, 1_000),
    "kr_tech_special_proceeds_krx": (1e10, 1e14),
    "kr_bio_sector_tech_special_listings_krx": (0, 1_000),
    "pharma_bio_ma_deals_kpmg": (1, 100_000),
    "pharma_bio_ma_value_kpmg": (1e6, 1e13),
    "boston_nih_funding_bpda": (1e7, 2e10),
    "boston_nih_share_bpda": (0, 100),
    "ma_nih_share_massbio": (0, 100),
    "nih_hospital_funding": (1e6, 1e10),
    "kr_rh_research_funds_mohw": (1e10, 1e14),
    "kr_rh_core_staff_mohw": (100, 100_000),
    "kr_rh_tech_transfer_income_mohw": (1e8, 1e12),
    "kr_rh_new_startups_mohw": (0, 1_000),
    "kr_rh_startups_cumulative_mohw": (0, 10_000),
    "partners_research_funds": (1e10, 1e15),
    "partners_commercial_investment": (1e9, 1e14),
    "partners_patent_deals": (1, 100_000),
    "boston_hospitals": (1, 200),
    "industry_trials_city_share_konect": (0, 25),
}

SCHEMA = TableSchema(
    name="indicators",
    description="Transcribed figures in long form: one row per (series, entity, year, period, source).",
    key=("series_id", "entity", "year", "period", "source_id"),
    columns=(
        Column("series_id", "string", "", "What is measured (see basis).", "raw: series"),
        Column("topic", "string", "", "Report pillar: 밀집, 투자 or 병원협력.", "analysis.build.cleaning.indicators.SERIES"),
        Column("region", "string", "", "MA, Boston, KR, US or other.", "analysis.build.cleaning.indicators.SERIES"),
        Column("entity", "string", "", "Who or what the figure is about (state, cluster, hospital, sector).", "SERIES or raw: entity"),
        Column("metric", "string", "", "Korean label of the measure.", "analysis.build.cleaning.indicators.SERIES"),
        Column("basis", "string", "", "Definition and producer; one basis per series.", "analysis.build.cleaning.indicators.SERIES"),
        Column("year", "int", "year", "Calendar or fiscal year the figure describes (NIH: federal FY).", "raw: year"),
        Column("period", "string", "", "FY = whole year; H1 = first half; CUM = cumulative to that year; AT = at a point in that year.", "raw: period"),
        Column("unit", "string", "", "count, KRW, USD, percent, m2 or L (area converted to m²).", "parsed from raw: value"),
        Column("value", "float", "unit", "The figure (for a range: empty, see low/high).", "parsed from raw: value"),
        Column("low", "float", "unit", "Lower end of a printed range.", "parsed from raw: value"),
        Column("high", "float", "unit", "Upper end of a printed range.", "parsed from raw: value"),
        Column("qualifier", "string", "", "exact, approx, at_least, more_than, at_most, less_than or range, as printed.", "parsed from raw: value"),
        Column("value_as_published", "string", "", "The figure exactly as printed.", "raw: value, unit"),
        Column("quote", "string", "", "Short verbatim quote, where the source text was seen.", "raw: quote"),
        Column("evidence", "string", "", "primary or secondary.", "sidecar: evidence"),
        Column("preferred", "bool", "", "The row the report uses for its (series, entity, year, period).", "derived: evidence rank, then newest publication"),
        Column("source_id", "string", "", "Raw source folder.", "data/raw/<source_id>"),
        Column("source_row", "int", "line", "Line of the raw file the figure comes from.", "raw file line number"),
    ),
)
PERIODS = ("FY", "H1", "CUM", "AT")


def attach_entity(df: pd.DataFrame) -> pd.DataFrame:
    """A series about one entity names it once (here); a series about many takes the raw row's."""
    out = df.copy()
    fixed = out["series"].map(lambda s: SERIES[s].entity)
    for row in out[fixed.isna() & out["entity"].eq("")].itertuples():
        raise CleaningError(row.file, row.source_row, "entity", f"series {row.series} needs the entity (cluster, hospital, …) in this column")
    out["entity"] = fixed.where(fixed.notna(), out["entity"])
    return out


def parse_values(df: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for row in df.itertuples():
        series = SERIES[row.series]
        text = with_header_unit(row.value, row.unit)
        try:
            q = parse_quantity(text)
        except UnitParseError as exc:
            raise CleaningError(row.file, row.source_row, "value", str(exc)) from exc
        if q.unit not in UNIT_KINDS[series.kind]:
            raise CleaningError(row.file, row.source_row, "value",
                                f"series {row.series} expects a {series.kind} figure, but {row.value!r} parsed as {q.unit!r}")
        unit = {"area": "m2", "count": "count"}.get(series.kind, q.unit)
        factor = AREA_TO_M2[q.unit] if series.kind == "area" else 1.0
        scale = (lambda x: None if x is None else x * factor)
        rows.append({"index": row.Index, "unit": unit, "value": scale(q.value), "low": scale(q.low), "high": scale(q.high),
                     "qualifier": q.qualifier, "value_as_published": text})
    parsed = pd.DataFrame(rows, columns=["index", "unit", "value", "low", "high", "qualifier", "value_as_published"]).set_index("index")
    return df.drop(columns=["unit", "value"]).join(parsed)


def attach_series_info(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out["series_id"] = out["series"]
    for field in ("topic", "region", "metric", "basis"):
        out[field] = out["series"].map(lambda s, f=field: getattr(SERIES[s], f))
    return out


def check_plausible(df: pd.DataFrame) -> pd.DataFrame:
    """Every parsed figure (and both ends of a range) inside its series' plausible range."""
    for row in df.itertuples():
        low, high = PLAUSIBLE[row.series_id]
        for value in (row.value, row.low, row.high):
            if value is not None and not pd.isna(value) and not low <= float(value) <= high:
                raise CleaningError(row.file, row.source_row, "value",
                                    f"{row.value_as_published!r} is {float(value):,.6g} {row.unit}, outside the plausible range "
                                    f"{low:,.6g}–{high:,.6g} for {row.series_id} ({SERIES[row.series_id].metric}): a unit or transcription slip?")
    return df


def check_reference_values(df: pd.DataFrame) -> None:
    """Pinned figures (OWID style) that anchor the report: KERI's '7만4천' is MassBio's 2018 count,
    and Boston's FY2020 NIH total. A parser or preference change that moves them stops the build."""
    pinned = {("ma_biopharma_jobs_massbio", "매사추세츠", 2018): 74_256.0,
              ("boston_nih_funding_bpda", "Boston (all)", 2020): 2_256_200_000.0}
    for (series, entity, year), value in pinned.items():
        hit = df[(df["series_id"] == series) & (df["entity"] == entity) & (df["year"] == year) & df["preferred"]]
        if len(hit) != 1 or float(hit["value"].iloc[0]) != value:
            raise CleaningError("data/raw", None, "value", f"pinned reference {series} {entity} {year} = {value:,.0f}, cleaning gave {hit['value'].tolist()}")


def clean_indicators(sources: Mapping[str, RawSource], root) -> pd.DataFrame:
    figures = select_series(read_figures(sources, root), SERIES)
    figures = parse_year(figures, PERIODS)
    df = check_plausible(attach_series_info(parse_values(attach_entity(figures))))
    df = mark_preferred(df, key=("series_id", "entity", "year", "period"))
    df["quote"] = df["quote"].replace("", None)
    out = SCHEMA.enforce(df)
    check_reference_values(out)
    return out
