"""Numbers and charts' data for the 투자 (investment) chapter, from the clean venture and indicators tables.

Kept out of the notebook so that they are unit-tested and the chapter stays a thin reader.
"""

from __future__ import annotations

import pandas as pd

from analysis.cleaning.figures import revisions
from analysis.report import markup as m
from analysis.report import provenance as prov
from analysis.report import text as t
from analysis.report.views import preferred, stack_with_gaps

# Massachusetts: MassBio's restated series (2018 on) and its earlier basis (to 2020), never joined.
MA_SERIES = "ma_hq_biopharma_vc_massbio"
MA_OLD_SERIES = "ma_biopharma_vc_massbio"
# Korea: the ministry's restated series (venture-capital firms + 신기술사업금융, 2019 on) and KVCA's.
KR_SERIES = "kr_bio_medical_vc_mss"
KR_KVCA_SERIES = "kr_bio_medical_vc_kvca"
VENTURE_LABELS = {
    MA_SERIES: "매사추세츠 본사 바이오제약 (MassBio 현재 기준)",
    MA_OLD_SERIES: "매사추세츠 바이오제약 (MassBio 이전 기준)",
    KR_SERIES: "한국 바이오·의료 (중기부, 신기술금융 포함)",
    KR_KVCA_SERIES: "한국 바이오·의료 (KVCA)",
}
VENTURE_COLORS = dict(zip(VENTURE_LABELS.values(), ("#A41034", "#D98C9A", "#0F4C81", "#6FA8DC")))
SHARE_LABELS = {KR_KVCA_SERIES: "KVCA 기준", KR_SERIES: "중기부 기준 (신기술금융 포함)"}


def preferred_annual(venture: pd.DataFrame, series_id: str, period: str = "FY") -> pd.DataFrame:
    """One row per year for a series: the preferred figure for the period (FY: full year)."""
    rows = venture[(venture["series_id"] == series_id) & (venture["period"] == period) & venture["preferred"]]
    return rows.sort_values("year").reset_index(drop=True)


def venture_frame(venture: pd.DataFrame, series: tuple[str, ...] = tuple(VENTURE_LABELS)) -> pd.DataFrame:
    """Full-year venture capital of the series in US$ bn, each its own line, gaps explicit."""
    parts = {VENTURE_LABELS[sid]: preferred_annual(venture, sid).assign(value=lambda d: d["amount_usd"].astype(float) / 1e9)
             for sid in series}
    return stack_with_gaps(parts, "label")


def venture_colors(series: tuple[str, ...] = tuple(VENTURE_LABELS)) -> dict[str, str]:
    return {VENTURE_LABELS[sid]: VENTURE_COLORS[VENTURE_LABELS[sid]] for sid in series}


def latest_common_year(venture: pd.DataFrame, a: str = MA_SERIES, b: str = KR_SERIES, period: str = "FY") -> int:
    """The newest year both series publish for ``period`` ('FY' or 'H1'): a comparison is made at
    like periods, never a full year against a half."""
    common = set(preferred_annual(venture, a, period)["year"]) & set(preferred_annual(venture, b, period)["year"])
    if not common:
        raise ValueError(f"no {period} year with both {a} and {b}")
    return int(max(common))


PERIOD_LABELS = {MA_SERIES: "매사추세츠 본사 바이오제약 (MassBio)", KR_SERIES: "한국 바이오·의료 (중기부)"}
PERIOD_COLORS = dict(zip(PERIOD_LABELS.values(), ("#A41034", "#0F4C81")))
PERIOD_TITLES = {"FY": "연간 (1~12월)", "H1": "상반기 (1~6월)"}


def period_frame(venture: pd.DataFrame) -> pd.DataFrame:
    """Massachusetts and Korea on their current bases, full years and first halves as separate
    rows (``period``), in US$ bn at the same year's rate; the chart puts each period in its own panel."""
    parts = []
    for series, label in PERIOD_LABELS.items():
        for period in PERIOD_TITLES:
            rows = preferred_annual(venture, series, period)
            parts.append(rows.assign(label=label, value=rows["amount_usd"] / 1e9))
    return pd.concat(parts, ignore_index=True)


def at(venture: pd.DataFrame, series_id: str, year: int, period: str = "FY") -> pd.Series:
    rows = preferred_annual(venture, series_id, period)
    rows = rows[rows["year"] == year]
    if len(rows) != 1:
        raise KeyError(f"no preferred {series_id} {period} figure for {year}")
    return rows.iloc[0]


def usd(row: pd.Series, digits: int = 1) -> prov.Cited:
    """A venture amount in US$ as the report spells it, with its provenance (KRW rows say the rate)."""
    how = f"원화 금액을 그해 ECB 평균 환율 {t.rate(row['krw_per_usd'])}원/달러로 환산" if row["currency"] == "KRW" else None
    return prov.cite(t.usd(row["amount_usd"], digits), row, how=how)


def ratio(a: pd.Series, b: pd.Series, column: str = "amount_usd") -> prov.Cited:
    """'5.7배': a over b, cited to both rows."""
    return prov.cite(t.times(float(a[column]) / float(b[column])), [a, b], how="두 수치의 비율(달러 기준)")


def bio_share_frame(venture: pd.DataFrame) -> pd.DataFrame:
    """Bio·의료's share of all new Korean VC by year, as the sources print it, on each basis."""
    parts = {}
    for sid, label in SHARE_LABELS.items():
        rows = venture[(venture["series_id"] == sid) & venture["share_pct"].notna() & (venture["period"] == "FY")]
        rows = rows.sort_values(["year", "preferred"], ascending=[True, False]).drop_duplicates("year")
        parts[label] = rows.assign(value=rows["share_pct"].astype(float), value_as_published=rows["share_pct"].map(lambda v: f"{v:g}%"),
                                   quote=None, measure="share")
    return stack_with_gaps(parts, "label")


def ipo_share_frame(ind: pd.DataFrame) -> pd.DataFrame:
    rows = preferred(ind, "ma_biotech_ipo_share_massbio", period="FY")
    return rows.assign(label="매사추세츠 기업 비중", value=rows["value"].astype(float))


def ma_deal_sizes(ind: pd.DataFrame, year: int) -> pd.DataFrame:
    """Pharma/bio M&A deals, value and value per deal by country (Samjong KPMG), one year."""
    pref = ind[ind["preferred"] & (ind["year"] == year)]
    deals = pref[pref["series_id"] == "pharma_bio_ma_deals_kpmg"].set_index("entity")["value"]
    value = pref[pref["series_id"] == "pharma_bio_ma_value_kpmg"].set_index("entity")["value"]
    out = pd.concat({"deals": deals, "value": value}, axis=1).dropna().astype(float)
    out["per_deal"] = out["value"] / out["deals"]
    return out.sort_values("value", ascending=False)


def ma_year(ind: pd.DataFrame) -> int:
    """The latest year with M&A figures for both countries."""
    pref = ind[ind["preferred"] & (ind["series_id"] == "pharma_bio_ma_value_kpmg")]
    both = pref.groupby("year")["entity"].nunique()
    return int(both[both >= 2].index.max())


def _ma_rows(ind: pd.DataFrame, year: int) -> pd.DataFrame:
    return ind[ind["preferred"] & (ind["year"] == year) & ind["series_id"].isin(["pharma_bio_ma_deals_kpmg", "pharma_bio_ma_value_kpmg"])]


def ma_frame(ind: pd.DataFrame, year: int) -> pd.DataFrame:
    """M&A value (US$ bn) and value per deal (US$ M) by country: two panels, the same two bars."""
    rows = _ma_rows(ind, year)
    parts = []
    for country, g in rows.groupby("entity"):
        v = g[g["series_id"] == "pharma_bio_ma_value_kpmg"].iloc[0]
        d = g[g["series_id"] == "pharma_bio_ma_deals_kpmg"].iloc[0]
        parts.append(v.to_frame().T.assign(metric="거래 규모", label=country, value=float(v["value"]) / 1e9))
        parts.append(pd.DataFrame([v, d]).assign(metric="건당 규모", label=country, value=float(v["value"]) / float(d["value"]) / 1e6,
                                                  value_as_published=f"{v['value_as_published']} ÷ {d['value_as_published']}"))
    return pd.concat(parts, ignore_index=True)


def ma_deal_table(ind: pd.DataFrame, year: int) -> m.Markup:
    """The M&A comparison as a table: deals, value and value per deal by country, cited cells."""
    rows_ = _ma_rows(ind, year)
    rows = []
    for country, r in ma_deal_sizes(ind, year).iterrows():
        src = rows_[rows_["entity"] == country]
        rows.append({"country": country, "deals": prov.cite(t.num(r["deals"]), src[src["series_id"] == "pharma_bio_ma_deals_kpmg"], mark=False),
                     "value": prov.cite(t.usd(r["value"]), src[src["series_id"] == "pharma_bio_ma_value_kpmg"], mark=False),
                     "per_deal": prov.cite(t.usd(r["per_deal"]), src, how="거래 규모 ÷ 건수", mark=False)})
    return m.table(rows, [m.Column("국가", "country"), m.Column("건수", "deals", "r"), m.Column("거래 규모", "value", "r"),
                          m.Column("건당 규모", "per_deal", "r")])


def kosdaq_frame(ind: pd.DataFrame) -> pd.DataFrame:
    """KOSDAQ tech-special listings by year: all, bio and non-bio (KRX figures as reported)."""
    rows = preferred(ind, "kr_tech_special_listings_krx", period="FY")
    return rows.assign(label=rows["entity"], value=rows["value"].astype(float))


def annual_stop_sentence(year: int, ma_last: pd.Series, kr_last: pd.Series, kr_missing: list[int]) -> prov.Label:
    """Why the full-year comparison stops where it does, in words decided by the data: the side
    whose newest full year is older, or that both reach the same year (and which Korean years are
    missing on the way, so the line breaks there)."""
    ma_year, kr_year = int(ma_last["year"]), int(kr_last["year"])
    gap = (f" 다만 중기부 기준 한국 바이오·의료의 {', '.join(map(str, kr_missing))}년 연간 금액은 공표 자료에서 찾지 못해 그해는 선이 끊긴다."
           if kr_missing else "")
    if ma_year == kr_year == year:
        return prov.label(f"연간 비교는 두 나라 모두 {year}년 수치까지 있다.{gap}")
    older, newer = ("한국", "매사추세츠") if kr_year < ma_year else ("매사추세츠", "한국")
    return prov.label(f"연간 비교가 {year}년에 멈추는 것은 {older} 쪽 때문이다: {newer}는 {max(ma_year, kr_year)}년 연간 수치까지 있지만 "
                      f"{older}는 {min(ma_year, kr_year)}년 뒤의 연간 수치를 찾지 못했다(공표 자료 없음).{gap}")


def revision_sentence(venture: pd.DataFrame, sources: pd.DataFrame, year: int, period: str) -> m.Markup:
    """A later release that revised a Korean figure of the period compared (the ministry's full-year
    release revising its H1 total): both figures cited, the newer used. Empty when nothing was revised."""
    dates = sources.set_index("source_id")["date_published"].astype(str).to_dict()
    rows = venture[(venture["region"] == "KR") & (venture["year"] == year) & (venture["period"] == period)]
    found = revisions(rows, ("series_id", "year", "period"), "amount", dates)
    parts = []
    for r in found:
        old, new = r["before"], r["after"]
        what = "전체 벤처투자" if str(new["series_id"]).startswith("kr_all") else "바이오·의료 벤처투자"
        parts.append(prov.join([
            prov.label(f"{r['after_date'][:7]} 발표는 {year}년 상반기 {what}를 "),
            prov.cite(t.krw(old["amount"]) + t.dagger(old["evidence"]), old),
            prov.label(f"({r['before_date']} 발표)에서 "),
            prov.cite(t.krw(new["amount"]) + t.dagger(new["evidence"]), new),
            prov.label("로 고쳤다(두 수치 모두 데이터에 남기고 새 발표를 쓴다)."),
        ], sep=""))
    if not parts:
        return m.Markup("")
    kr_bio = venture[(venture["series_id"] == KR_SERIES) & (venture["year"] == year) & (venture["period"] == period)]
    if {r["after"]["source_id"] for r in found} - set(kr_bio["source_id"]):
        parts.append(prov.label("바이오·의료 상반기 금액은 그 새 발표에서 다시 찾지 못해, 비교에는 처음 발표된 수치를 쓴다."))
    return prov.join(parts, sep=" ")
