"""The original report's claims (and those of the 2023 follow-up articles), each checked against
the clean data by a small function.

Verdicts (the report's Korean wording is in ``analysis.report.quality.VERDICT_LABELS``):

- ``confirmed``: the data support the figure;
- ``differs``: the data give another value (shown);
- ``outdated``: the figure was right when it was said, and a later source changed it;
- ``partly reproducible``: one reading of an ambiguous claim reproduces the figure, another does not;
- ``not reproducible``: the claim's definition is unknown, so no computation can reproduce it;
- ``unsourced``: no source for the figure was found; the data hold nothing to check it against.

Evidence is compared with the claim at the time it was made (the claim source's publication year)
as well as with the newest figure, and a check whose evidence is years away from the claim says so.
A verdict never blocks the build; a check that crashes does, because then the appendix would be
wrong without anyone noticing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from analysis.errors import CleaningError
from analysis.build.schema import Column, TableSchema
from analysis.build.sources import RawSource, read_named_tables
from analysis.build.units import UnitParseError, parse_quantity

RAW_FILE = "claims.csv"
RAW_COLUMNS = ("claim_id", "claimant", "figure", "claim", "location")
VERDICTS = ("confirmed", "differs", "outdated", "partly reproducible", "not reproducible", "unsourced")
# Evidence more than this many years from the claim is named as such in the verdict's detail.
STALE_YEARS = 2



def claim_order(claim_id: str) -> tuple:
    """Sort key that reads claim ids as a person numbers them: K2 before K10, K8a before K8b
    (the digits compare as numbers, the letters as text)."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.findall(r"\d+|\D+", str(claim_id)))


SCHEMA = TableSchema(
    name="claims",
    description="Quantitative claims of KERI (2020) and of the 2023 articles, with an automated verdict against the clean data.",
    key=("claim_id",),
    columns=(
        Column("claim_id", "string", "", "K = KERI via Yonhap (dossier numbering), S/T = 2023 articles.", "raw: claim_id"),
        Column("claimant", "string", "", "Who made the claim.", "raw: claimant"),
        Column("claim", "string", "", "The claim as printed.", "raw: claim"),
        Column("figure_as_printed", "string", "", "The number in the claim, as printed.", "raw: figure"),
        Column("verdict", "string", "", "confirmed, differs, outdated, partly reproducible, not reproducible or unsourced.",
               "analysis.build.claims check function"),
        Column("data_value", "string", "", "What the clean data say, in words.", "analysis.build.claims check function"),
        Column("detail", "string", "", "How the verdict was reached (definition, caveats).", "analysis.build.claims check function"),
        Column("evidence_rows", "string", "", "Clean rows used: table:source_id:source_row; separated by ';'.", "analysis.build.claims check function"),
        Column("check", "string", "", "Name of the check function.", "analysis.build.claims.CHECKS"),
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


def claim_year(claim, tables: Tables) -> int:
    """When the claim was made: the publication year of the source that printed it."""
    published = tables["sources"].set_index("source_id").loc[claim["source_id"], "date_published"]
    return int(str(published)[:4])


def _close(value: float, claimed: float, within: float) -> bool:
    return abs(value - claimed) <= within * claimed


def _stale_note(year: int, said: int) -> str:
    gap = abs(year - said)
    return f" 근거 자료({year}년)가 주장 시점({said}년)과 {gap}년 떨어져 있다." if gap > STALE_YEARS else ""


def _latest_vs_claim(claim, rows: pd.DataFrame, within: float, what: str, describe, detail: str, tables: Tables) -> Verdict:
    """The claim against the figure as it stood when the claim was made (the newest figure up to
    the claim's year) and against the newest figure: confirmed when both agree within the relative
    tolerance (claims print rounded, '약' figures); outdated when the figure agreed when said and
    a later source changed it; differs otherwise; unsourced without data."""
    if rows.empty:
        return Verdict("unsourced", "—", f"{what} 자료가 없다.", [])
    said = claim_year(claim, tables)
    claimed = _figure(claim)
    ordered = rows.sort_values("year")
    latest = ordered.iloc[-1]
    before = ordered[ordered["year"] <= said]
    then = before.iloc[-1] if not before.empty else None
    if _close(float(latest["value"]), claimed, within):
        verdict = "confirmed"
    elif then is not None and _close(float(then["value"]), claimed, within):
        verdict = "outdated"
    else:
        verdict = "differs"
    shown = [describe(then)] if then is not None and int(then["year"]) != int(latest["year"]) else []
    data_value = "; ".join([*shown, describe(latest)])
    nearest = min((int(y) for y in ordered["year"]), key=lambda y: abs(y - said))
    if verdict == "outdated":
        detail += f" 주장 당시({said}년)까지의 최신 수치({int(then['year'])}년)와는 맞지만, 이후 자료({int(latest['year'])}년)에서 바뀌었다."
    evidence = ordered if verdict != "confirmed" else ordered.iloc[[-1]]
    return Verdict(verdict, data_value, detail + _stale_note(nearest, said), _rows("indicators", evidence))


def check_three_factors(claim, tables: Tables) -> Verdict:
    return Verdict("not reproducible", "—", "분석의 틀(세 가지 요인)에 대한 주장으로, 데이터로 계산할 수치가 아니다. 본 보고서는 같은 틀로 장을 나눈다.", [])


def check_boston_firms(claim, tables: Tables) -> Verdict:
    rows = _preferred(tables["indicators"], "boston_biotech_firms", entity="보스턴 광역권")
    return _latest_vs_claim(claim, rows, 0.1, "보스턴 기업 수",
                            lambda r: f"{int(r['year'])}년 보스턴 광역권 바이오텍 기업 {r['value_as_published']}",
                            "MassBio 집계를 인용한 보도(2차 자료). KERI의 '약 1천여개'와 같은 규모다.", tables)


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
    restated = v[(v["series_id"] == "ma_hq_biopharma_vc_massbio") & (v["period"] == "FY") & v["preferred"] & (v["year"] == 2018)]
    later = (f" MassBio는 2021년 보고서부터 기준을 바꿔(매사추세츠 본사 바이오제약 기업) 2018년을 US${float(restated['amount'].iloc[0]) / 1e9:.2f}bn으로 "
             "다시 집계했으며, 이 기준에서도 2018년은 코로나19 이전의 최대다.") if len(restated) == 1 else ""
    return Verdict(verdict, f"2018년 US${value / 1e9:.1f}bn, 자료가 있는 해({years}) 중 최대",
                   "MassBio 이전 기준(매사추세츠 바이오제약 기업 VC). 2019년 이후에는 더 큰 해가 있다." + later,
                   _rows("venture_investment", pd.concat([earlier, restated])))


def check_ipo_ma_ratio(claim, tables: Tables) -> Verdict:
    """'기업당 IPO·M&A 금액 1∼2%': read as totals, Korea's 2018 M&A value over the US's falls inside
    the range; read per deal or per listing, the ratio is an order of magnitude larger."""
    ind = tables["indicators"]
    deals = _preferred(ind, "pharma_bio_ma_deals_kpmg", year=2018)
    value = _preferred(ind, "pharma_bio_ma_value_kpmg", year=2018)
    low, high = (float(x) for x in (parse_quantity(claim["figure"]).low, parse_quantity(claim["figure"]).high))
    totals, per_deal = {}, {}
    for country in ("미국", "한국"):
        d = deals[deals["entity"] == country]
        v = value[value["entity"] == country]
        if len(v) == 1:
            totals[country] = float(v["value"].iloc[0])
        if len(d) == 1 and len(v) == 1:
            per_deal[country] = float(v["value"].iloc[0]) / float(d["value"].iloc[0])
    parts, inside = [], False
    if len(totals) == 2:
        ratio = 100 * totals["한국"] / totals["미국"]
        inside = low <= ratio <= high
        parts.append(f"총액 기준: 2018년 제약·바이오 M&A 거래 규모 한국 US${totals['한국'] / 1e9:.2f}bn, 미국 US${totals['미국'] / 1e9:.1f}bn "
                     f"(한국이 미국의 {ratio:.1f}%)")
    if len(per_deal) == 2:
        parts.append(f"건당 기준: 한국 US${per_deal['한국'] / 1e6:.0f}M, 미국 US${per_deal['미국'] / 1e6:.0f}M "
                     f"(한국이 미국의 {100 * per_deal['한국'] / per_deal['미국']:.0f}%)")
    kr_ipo = _preferred(ind, "kr_tech_special_avg_proceeds_krx", entity="바이오")
    us_ipo = _preferred(ind, "us_biotech_ipo_avg_massbio")
    fx = tables["fx_krw_usd"].set_index("year")["krw_per_usd"]
    if len(kr_ipo) == 1 and len(us_ipo) == 1 and int(kr_ipo["year"].iloc[0]) in fx.index:
        k, u = kr_ipo.iloc[0], us_ipo.iloc[0]
        k_usd = float(k["value"]) / float(fx[int(k["year"])])
        parts.append(f"IPO 기업당 공모액: 한국 기술특례 바이오 {k['value_as_published']}(2005–{int(k['year'])}년 상장 기업 평균, "
                     f"{int(k['year'])}년 환율로 US${k_usd / 1e6:.0f}M), 미국 바이오텍 {int(u['year'])}년 평균 US${float(u['value']) / 1e6:.0f}M "
                     f"(한국이 미국의 약 {100 * k_usd / float(u['value']):.0f}%, 기간과 환산 연도가 다름)")
    verdict = "partly reproducible" if inside else "not reproducible"
    figure = claim["figure"]
    detail = ("KERI가 '기업당' 금액을 어떻게 정의했는지 보도에 없다. 총액으로 읽으면 2018년 M&A 거래 규모 비율이 주장 범위 안에 들지만, "
              f"'기업당'(건당 M&A 규모, 기업당 IPO 공모액)으로 읽으면 {figure}보다 훨씬 크다.") if inside else (
              f"KERI가 '기업당' 금액을 어떻게 정의했는지 보도에 없고, 어느 읽기로도 {figure}가 나오지 않는다.")
    return Verdict(verdict, "; ".join(parts) or "—", detail, _rows("indicators", pd.concat([deals, value, kr_ipo, us_ipo])))


def check_labcentral_share(claim, tables: Tables) -> Verdict:
    """'LabCentral … 26% of US bio VC': the 26% is Massachusetts' share of all US VC in H1 2022
    (MassBio); LabCentral's own figure is a share of early-stage financing, and it has residents in
    the tens, not a thousand."""
    v, ind = tables["venture_investment"], tables["indicators"]
    ma = v[(v["series_id"] == "ma_hq_biopharma_vc_massbio") & v["share_pct"].notna()]
    ma_h1 = ma[(ma["year"] == 2022) & (ma["period"] == "H1")]
    lc_share = _preferred(ind, "labcentral_us_early_stage_share")
    lc_res = _preferred(ind, "labcentral_resident_companies")
    if lc_share.empty and ma_h1.empty:
        return Verdict("unsourced", "—", "랩센트럴의 미국 바이오 VC 비중을 보여주는 자료가 없다.", [])
    parts = []
    if not ma_h1.empty:
        r = ma_h1.iloc[0]
        parts.append(f"매사추세츠 주 전체의 2022년 상반기 미국 VC 비중 {r['share_pct']:g}% (MassBio)")
    if not lc_share.empty:
        r = lc_share.sort_values("year").iloc[-1]
        parts.append(f"랩센트럴 자체 수치: {int(r['year'])}년 미국 초기 단계(시드·시리즈 A) 투자의 {r['value_as_published']}(입주·졸업 기업 합계)")
    if not lc_res.empty:
        r = lc_res.sort_values("year").iloc[-1]
        parts.append(f"입주 기업 {r['value_as_published']}곳({int(r['year'])}년)")
    return Verdict("differs", "; ".join(parts),
                   f"{claim['figure']}는 랩센트럴이 아니라 매사추세츠 주 전체의 비중이다. 랩센트럴이 밝힌 비중은 초기 단계 투자 기준이고, "
                   "주장과 달리 입주 기업은 수십 곳이다.",
                   _rows("venture_investment", ma_h1) + _rows("indicators", pd.concat([lc_share, lc_res])))


def check_kobe(claim, tables: Tables) -> Verdict:
    rows = _preferred(tables["indicators"], "comparator_cluster_firms", entity="고베 의료산업도시(KBIC)")
    return _latest_vs_claim(claim, rows, 0.05, "고베 KBIC 기업 수", lambda r: f"{int(r['year'])}년 {r['value_as_published']}",
                            "고베 시 집계(진출 기업·단체 수)와 비교했다.", tables)


def check_top20_pharma(claim, tables: Tables) -> Verdict:
    rows = _preferred(tables["indicators"], "ma_top20_pharma_presence")
    return _latest_vs_claim(claim, rows, 0.0, "세계 20대 제약사 진출 수",
                            lambda r: f"{int(r['year'])}년 세계 20대 제약사 중 {r['value_as_published']}곳이 매사추세츠에 진출 (Boston Globe)",
                            "보스턴이 아닌 매사추세츠 주 기준의 보도 수치다.", tables)


def _labhub(tables: Tables, series: str) -> pd.DataFrame:
    return _preferred(tables["indicators"], series, entity="K-바이오 랩허브")


def _check_labhub(claim, tables: Tables, series: str, what: str, detail: str) -> Verdict:
    return _latest_vs_claim(claim, _labhub(tables, series), 0.05, f"랩허브 {what}",
                            lambda r: f"{what} {r['value_as_published']} ({int(r['year'])}년 보도)", detail, tables)


def check_labhub_area(claim, tables: Tables) -> Verdict:
    return _check_labhub(claim, tables, "kr_cluster_area", "부지",
                         "연세대 국제캠퍼스 안의 랩허브 부지(인천시·인천경제청 발표 보도).")


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
    "T1": check_top20_pharma,
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
            raise CleaningError(claim["file"], claim["source_row"], "claim_id", f"no check for claim {claim['claim_id']!r}; add one to analysis.build.claims.CHECKS")
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
