"""The original report's claims (and those of the 2023 follow-up articles), each checked against
the clean data by a small function.

Verdicts: ``confirmed`` (the data support the figure), ``differs`` (the data give another value,
shown), ``unsourced`` (no primary source for the figure was found: the data hold nothing it could
be checked against) and ``not reproducible`` (the claim's definition is unknown, so no computation
can reproduce it). A verdict never blocks the build; a check that crashes does, because then the
appendix would be wrong without anyone noticing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from analysis.errors import CleaningError
from analysis.schema import Column, TableSchema
from analysis.sources import RawSource, read_named_tables
from analysis.units import UnitParseError, parse_quantity

RAW_FILE = "claims.csv"
RAW_COLUMNS = ("claim_id", "claimant", "figure", "claim", "location")
VERDICTS = ("confirmed", "differs", "unsourced", "not reproducible")

SCHEMA = TableSchema(
    name="claims",
    description="Quantitative claims of KERI (2020) and of the 2023 articles, with an automated verdict against the clean data.",
    key=("claim_id",),
    columns=(
        Column("claim_id", "string", "", "K = KERI via Yonhap (dossier numbering), S/T = 2023 articles.", "raw: claim_id"),
        Column("claimant", "string", "", "Who made the claim.", "raw: claimant"),
        Column("claim", "string", "", "The claim as printed.", "raw: claim"),
        Column("figure_as_printed", "string", "", "The number in the claim, as printed.", "raw: figure"),
        Column("verdict", "string", "", "confirmed, differs, unsourced or not reproducible.", "analysis.claims check function"),
        Column("data_value", "string", "", "What the clean data say, in words.", "analysis.claims check function"),
        Column("detail", "string", "", "How the verdict was reached (definition, caveats).", "analysis.claims check function"),
        Column("evidence_rows", "string", "", "Clean rows used: table:source_id:source_row; separated by ';'.", "analysis.claims check function"),
        Column("check", "string", "", "Name of the check function.", "analysis.claims.CHECKS"),
        Column("source_id", "string", "", "Raw source of the claim.", "data/raw/<source_id>"),
        Column("source_row", "int", "line", "Line of the raw file.", "raw file line number"),
    ),
)


@dataclass
class Verdict:
    verdict: str
    data_value: str
    detail: str
    evidence: list[str]


Tables = Mapping[str, pd.DataFrame]


def _rows(table: str, df: pd.DataFrame) -> list[str]:
    return [f"{table}:{r.source_id}:{int(r.source_row)}" for r in df.itertuples()]


def _figure(claim: pd.Series) -> float | None:
    return parse_quantity(claim["figure"]).value if claim["figure"] else None


def _preferred(ind: pd.DataFrame, series: str, **where) -> pd.DataFrame:
    rows = ind[(ind["series_id"] == series) & ind["preferred"]]
    for col, value in where.items():
        rows = rows[rows[col] == value]
    return rows


def _latest_vs_claim(claim, rows: pd.DataFrame, within: float, what: str, describe, detail: str) -> Verdict:
    """The latest preferred figure against the claim's number: confirmed when within the relative
    tolerance (the claims print rounded, '약' figures), else differs; unsourced without data."""
    if rows.empty:
        return Verdict("unsourced", "—", f"{what} 자료가 없다.", [])
    r = rows.sort_values("year").iloc[-1]
    claimed = _figure(claim)
    verdict = "confirmed" if abs(float(r["value"]) - claimed) <= within * claimed else "differs"
    return Verdict(verdict, describe(r), detail, _rows("indicators", rows))


def check_three_factors(claim, tables: Tables) -> Verdict:
    return Verdict("not reproducible", "—", "분석의 틀(세 가지 요인)에 대한 주장으로, 데이터로 계산할 수치가 아니다. 본 보고서는 같은 틀로 장을 나눈다.", [])


def check_boston_firms(claim, tables: Tables) -> Verdict:
    rows = _preferred(tables["indicators"], "boston_biotech_firms", entity="보스턴 광역권")
    return _latest_vs_claim(claim, rows, 0.1, "보스턴 기업 수",
                            lambda r: f"{int(r['year'])}년 보스턴 광역권 바이오텍 기업 {r['value_as_published']}",
                            "MassBio 집계를 인용한 보도(2차 자료). KERI의 '약 1천여개'와 같은 규모다.")


def check_jobs(claim, tables: Tables) -> Verdict:
    rows = _preferred(tables["indicators"], "ma_biopharma_jobs_massbio", year=2018)
    if rows.empty:
        return Verdict("unsourced", "—", "2018년 매사추세츠 고용 자료가 없다.", [])
    value = float(rows["value"].iloc[0])
    claimed = _figure(claim)
    verdict = "confirmed" if value >= claimed else "differs"
    return Verdict(verdict, f"2018년 매사추세츠 바이오제약 고용 {value:,.0f}명 (MassBio)",
                   "수치는 일치하지만 범위가 다르다: 보스턴 클러스터가 아니라 매사추세츠 주 전체 바이오제약 고용(BLS QCEW)이다.",
                   _rows("indicators", rows))


def check_economic_effect(claim, tables: Tables) -> Verdict:
    return Verdict("unsourced", "—", "'2조 달러 이상의 경제 효과'의 1차 출처를 어느 자료에서도 찾지 못했다(2021년 KPBMA 등이 같은 문장을 반복).", [])


def check_seven_clusters(claim, tables: Tables) -> Verdict:
    return Verdict("not reproducible", "—", "보도문에 7개 클러스터의 명단이 없어 어느 클러스터를 말하는지 알 수 없다.", [])


def check_capital_region(claim, tables: Tables) -> Verdict:
    rh = tables["research_hospitals"]
    parts, verdict = [], "confirmed"
    for rnd, label in (("2013_designation", "2013년 지정"), ("2025_certification", "2025년 인증")):
        rows = rh[rh["round"] == rnd]
        n, cap = len(rows), int(rows["capital_region"].sum())
        parts.append(f"{label} {n}곳 중 {cap}곳 수도권")
        if n == 0 or cap / n <= 0.5:
            verdict = "differs"
    return Verdict(verdict, "; ".join(parts), "병원 소재지(시도)는 병원에 대한 일반 정보를 검토해 만든 조회표에서 가져왔다.", _rows("research_hospitals", rh))


def check_vc_record(claim, tables: Tables) -> Verdict:
    v = tables["venture_investment"]
    series = v[(v["series_id"] == "ma_biopharma_vc_massbio") & (v["period"] == "FY") & v["preferred"]]
    at = series[series["year"] == 2018]
    if at.empty:
        return Verdict("unsourced", "—", "2018년 MassBio VC 자료가 없다.", [])
    value = float(at["amount"].iloc[0])
    earlier = series[series["year"] <= 2018]
    record = value == float(earlier["amount"].max())
    matches = abs(value - _figure(claim)) < 0.05e9
    verdict = "confirmed" if matches and record else "differs"
    years = ", ".join(str(int(y)) for y in sorted(earlier["year"]))
    return Verdict(verdict, f"2018년 US${value / 1e9:.1f}bn, 자료가 있는 해({years}) 중 최대",
                   "MassBio 정의(매사추세츠 바이오제약 기업 VC). 2019년 이후에는 더 큰 해가 있다.", _rows("venture_investment", earlier))


def check_ipo_ma_ratio(claim, tables: Tables) -> Verdict:
    ind = tables["indicators"]
    deals = _preferred(ind, "pharma_bio_ma_deals_kpmg", year=2018)
    value = _preferred(ind, "pharma_bio_ma_value_kpmg", year=2018)
    per_deal = {}
    for country in ("미국", "한국"):
        d = deals[deals["entity"] == country]
        v = value[value["entity"] == country]
        if len(d) == 1 and len(v) == 1:
            per_deal[country] = float(v["value"].iloc[0]) / float(d["value"].iloc[0])
    parts = []
    if len(per_deal) == 2:
        parts.append(f"2018년 제약·바이오 M&A 건당 규모: 한국 US${per_deal['한국'] / 1e6:.0f}M, 미국 US${per_deal['미국'] / 1e6:.0f}M "
                     f"(한국이 미국의 {100 * per_deal['한국'] / per_deal['미국']:.0f}%)")
    kr_ipo = _preferred(ind, "kr_tech_special_avg_proceeds_krx", entity="바이오")
    us_ipo = _preferred(ind, "us_biotech_ipo_avg_massbio")
    fx = tables["fx_krw_usd"].set_index("year")["krw_per_usd"]
    if len(kr_ipo) == 1 and len(us_ipo) == 1 and int(kr_ipo["year"].iloc[0]) in fx.index:
        k, u = kr_ipo.iloc[0], us_ipo.iloc[0]
        k_usd = float(k["value"]) / float(fx[int(k["year"])])
        parts.append(f"IPO 기업당 공모액: 한국 기술특례 바이오 {int(k['year'])}년 US${k_usd / 1e6:.0f}M, 미국 바이오텍 {int(u['year'])}년 "
                     f"US${float(u['value']) / 1e6:.0f}M (한국이 미국의 {100 * k_usd / float(u['value']):.0f}%, 연도 다름)")
    return Verdict("not reproducible", "; ".join(parts) or "—",
                   "KERI가 '기업당' 금액을 어떻게 정의했는지(총액인지, 어떤 기업군인지) 알 수 없다. 건당 M&A 규모나 기업당 IPO 공모액으로 계산하면 1∼2%보다 훨씬 크다.",
                   _rows("indicators", pd.concat([deals, value, kr_ipo, us_ipo])))


def check_labcentral_share(claim, tables: Tables) -> Verdict:
    v = tables["venture_investment"]
    shares = v[(v["series_id"] == "ma_biopharma_vc_massbio") & v["share_pct"].notna() & (v["period"] == "FY")].sort_values("year")
    listed = ", ".join(f"{int(r.year)}년 {r.share_pct:g}%" for r in shares.itertuples())
    return Verdict("unsourced", f"매사추세츠 주 전체의 미국 바이오제약 VC 비중: {listed}",
                   "'랩센트럴이 미국 바이오 VC의 26%'라는 수치의 출처를 찾지 못했다. 가장 가까운 공표 수치는 랩센트럴이 아닌 매사추세츠 주 전체의 비중이다.",
                   _rows("venture_investment", shares))


def check_kobe(claim, tables: Tables) -> Verdict:
    rows = _preferred(tables["indicators"], "comparator_cluster_firms", entity="고베 의료산업도시(KBIC)")
    return _latest_vs_claim(claim, rows, 0.1, "고베 KBIC 기업 수", lambda r: f"{int(r['year'])}년 {r['value_as_published']}",
                            "360개사라는 수치는 다른 자료에서 찾지 못했다.")


def _labhub(tables: Tables, series: str) -> pd.DataFrame:
    return _preferred(tables["indicators"], series, entity="K-바이오 랩허브")


def _check_labhub(claim, tables: Tables, series: str, what: str, detail: str) -> Verdict:
    return _latest_vs_claim(claim, _labhub(tables, series), 0.05, f"랩허브 {what}",
                            lambda r: f"{what} {r['value_as_published']} ({int(r['year'])}년 보도)", detail)


def check_labhub_area(claim, tables: Tables) -> Verdict:
    return _check_labhub(claim, tables, "kr_cluster_area", "부지",
                         "4만㎡라는 수치는 다른 자료에서 찾지 못했다. 연세대 국제캠퍼스 부지(건축 15,000㎡ + 예비 13,000㎡).")


def check_labhub_budget(claim, tables: Tables) -> Verdict:
    return _check_labhub(claim, tables, "kr_cluster_budget", "총사업비", "'약 2,700억 원'은 총사업비를 반올림한 값이다.")


def check_unsourced(claim, tables: Tables) -> Verdict:
    return Verdict("unsourced", "—", "이 수치의 1차 출처를 찾지 못했다. 데이터로 싣지 않고 주장으로만 기록한다.", [])


CHECKS: dict[str, Callable[[pd.Series, Tables], Verdict]] = {
    "K2": check_three_factors,
    "K5": check_boston_firms,
    "K6": check_jobs,
    "K7": check_economic_effect,
    "K8a": check_seven_clusters,
    "K8b": check_capital_region,
    "K10": check_vc_record,
    "K11": check_ipo_ma_ratio,
    "S1": check_labcentral_share,
    "S2": check_kobe,
    "S3": check_unsourced,
    "T1": check_unsourced,
    "M1": check_labhub_area,
    "M2": check_labhub_budget,
}


def read_claims(sources: Mapping[str, RawSource], root) -> pd.DataFrame:
    return read_named_tables(sources, root, RAW_FILE, RAW_COLUMNS)


def run_checks(claims: pd.DataFrame, tables: Tables) -> pd.DataFrame:
    rows = []
    for claim in claims.to_dict("records"):
        check = CHECKS.get(claim["claim_id"])
        if check is None:
            raise CleaningError(claim["file"], claim["source_row"], "claim_id", f"no check for claim {claim['claim_id']!r}; add one to analysis.claims.CHECKS")
        if claim["figure"]:
            try:
                parse_quantity(claim["figure"])
            except UnitParseError as exc:
                raise CleaningError(claim["file"], claim["source_row"], "figure", str(exc)) from exc
        try:
            v = check(pd.Series(claim), tables)
        except Exception as exc:  # a broken check blocks the build (the verdict would silently be missing)
            raise CleaningError(claim["file"], claim["source_row"], "claim_id",
                                f"check {check.__name__} for {claim['claim_id']} raised {type(exc).__name__}: {exc}") from exc
        if v.verdict not in VERDICTS:
            raise CleaningError(claim["file"], claim["source_row"], "claim_id", f"check returned unknown verdict {v.verdict!r}")
        rows.append({**claim, "figure_as_printed": claim["figure"] or None, "verdict": v.verdict, "data_value": v.data_value,
                     "detail": v.detail, "evidence_rows": ";".join(v.evidence) or None, "check": check.__name__})
    return SCHEMA.enforce(pd.DataFrame(rows, columns=[*SCHEMA.names, "file"]))


def verdict_changes(new: pd.DataFrame, previous_csv) -> list[str]:
    """Lines for the build output when a re-check changes a verdict (data changed under a claim)."""
    try:
        old = pd.read_csv(previous_csv, dtype=str, keep_default_na=False).set_index("claim_id")["verdict"]
    except FileNotFoundError:
        return []
    lines = []
    for row in new.itertuples():
        before = old.get(row.claim_id)
        if before is not None and before != row.verdict:
            lines.append(f"claim {row.claim_id}: verdict changed from {before} to {row.verdict} ({row.data_value})")
        elif before is None:
            lines.append(f"claim {row.claim_id}: new, verdict {row.verdict}")
    return lines
