"""Numbers and charts' data for the 투자 (investment) chapter, from the clean venture and indicators tables.

Kept out of the notebook so that they are unit-tested and the chapter stays a thin reader.
"""

from __future__ import annotations

import pandas as pd

from analysis.build.cleaning.figures import revisions
from analysis import markup as m
from analysis.report import provenance as prov
from analysis.report import text as t
from analysis.report.series import preferred, stack_with_gaps

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
# The current basis dark, the earlier one lighter; each 3:1 or more against the white page.
VENTURE_COLORS = dict(zip(VENTURE_LABELS.values(), ("#A41034", "#E0607E", "#0F4C81", "#4A8FD0")))
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
    """'5.7배': a over b, cited to both rows (refused when they are of different periods)."""
    return prov.cite(t.times(float(a[column]) / float(b[column])), [a, b], how="두 수치의 비율(달러 기준)", kind="ratio")


# The basis of each venture series, as the text names it where two bases are compared.
BASIS_NAMES = {MA_SERIES: "MassBio", MA_OLD_SERIES: "MassBio 이전 기준", KR_SERIES: "중기부", KR_KVCA_SERIES: "KVCA",
               "us_biotech_pharma_vc_pitchbook": "PitchBook-NVCA"}


def named(row: pd.Series) -> prov.Named:
    """The venture row's basis named in words ('MassBio', '중기부'): said where bases differ."""
    return prov.basis(row, BASIS_NAMES[row["series_id"]])


def us_comparison(venture: pd.DataFrame) -> dict:
    """Korea's bio·medical VC (KVCA) against all US biotech and pharma VC (PitchBook-NVCA), in the
    newest year both publish: two definitions, so the text names both."""
    us_series = "us_biotech_pharma_vc_pitchbook"
    year = latest_common_year(venture, KR_KVCA_SERIES, us_series)
    kr_row, us_row = at(venture, KR_KVCA_SERIES, year), at(venture, us_series, year)
    share = prov.cite(t.pct(100 * float(kr_row["amount_usd"]) / float(us_row["amount_usd"])), [kr_row, us_row],
                      how="한국 바이오·의료 VC(KVCA) ÷ 미국 바이오·제약 VC (달러 기준)", kind="ratio")
    return {"year": year, "kr": kr_row, "us": us_row, "share": share}


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


MA_DEALS, MA_VALUE = "pharma_bio_ma_deals_kpmg", "pharma_bio_ma_value_kpmg"


def _ma_rows(ind: pd.DataFrame, year: int) -> pd.DataFrame:
    """The full-year M&A rows (deals and value) of one year, every country."""
    return ind[ind["preferred"] & (ind["year"] == year) & (ind["period"] == "FY") & ind["series_id"].isin([MA_DEALS, MA_VALUE])]


def ma_country_rows(ind: pd.DataFrame, year: int) -> dict[str, tuple[pd.Series, pd.Series]]:
    """(value row, deals row) of each country with both, largest value first."""
    rows = _ma_rows(ind, year)
    out = {}
    for country, g in rows.groupby("entity"):
        value, deals = g[g["series_id"] == MA_VALUE], g[g["series_id"] == MA_DEALS]
        if len(value) and len(deals):
            out[country] = (value.iloc[0], deals.iloc[0])
    return dict(sorted(out.items(), key=lambda kv: -float(kv[1][0]["value"])))


def ma_deal_sizes(ind: pd.DataFrame, year: int) -> pd.DataFrame:
    """Pharma/bio M&A deals, value and value per deal by country (Samjong KPMG), one year."""
    out = {}
    for country, (value, deals) in ma_country_rows(ind, year).items():
        prov.require_same_period([value, deals], "per")
        out[country] = {"deals": float(deals["value"]), "value": float(value["value"]), "per_deal": float(value["value"]) / float(deals["value"])}
    return pd.DataFrame.from_dict(out, orient="index")


def per_deal(value: pd.Series, deals: pd.Series, mark: bool = True) -> prov.Cited:
    """A country's M&A value per deal in US$, cited to both rows (refused across periods)."""
    return prov.cite(t.usd(float(value["value"]) / float(deals["value"])), [value, deals], how="거래 규모 ÷ 건수", kind="per", mark=mark)


def ma_ratios(ind: pd.DataFrame, year: int, a: str = "한국", b: str = "미국") -> dict[str, prov.Cited]:
    """Country ``a`` against ``b``: M&A value ('total') and value per deal ('per_deal'), as percentages."""
    rows = ma_country_rows(ind, year)
    (va, da), (vb, db) = rows[a], rows[b]
    total = prov.cite(t.pct(100 * float(va["value"]) / float(vb["value"])), [va, vb], how=f"{a} 거래 규모 ÷ {b} 거래 규모", kind="ratio")
    per = prov.cite(t.pct(100 * (float(va["value"]) / float(da["value"])) / (float(vb["value"]) / float(db["value"])), 0),
                    [per_deal(va, da), per_deal(vb, db)], how="건당 규모(거래 규모 ÷ 건수)의 비율", kind="ratio")
    return {"total": total, "per_deal": per}


def ma_year(ind: pd.DataFrame) -> int:
    """The latest year with M&A figures for both countries."""
    pref = ind[ind["preferred"] & (ind["series_id"] == MA_VALUE)]
    both = pref.groupby("year")["entity"].nunique()
    return int(both[both >= 2].index.max())


def ma_frame(ind: pd.DataFrame, year: int) -> pd.DataFrame:
    """M&A value (US$ bn) and value per deal (US$ M) by country: two panels, the same two bars.
    One row per bar: a bar drawn from two rows would be stacked to twice its value. The per-deal
    bar is the value row with the computed figure (its printed form says from what); the deals row
    it rests on is cited in the chart's source line and the table below it."""
    rows = _ma_rows(ind, year)
    parts = []
    for country, g in rows.groupby("entity"):
        v = g[g["series_id"] == "pharma_bio_ma_value_kpmg"].iloc[0]
        d = g[g["series_id"] == "pharma_bio_ma_deals_kpmg"].iloc[0]
        prov.require_same_period([v, d], "per")
        parts.append(v.to_frame().T.assign(metric="거래 규모", label=country, value=float(v["value"]) / 1e9))
        parts.append(v.to_frame().T.assign(metric="건당 규모", label=country, value=float(v["value"]) / float(d["value"]) / 1e6,
                                           value_as_published=f"{v['value_as_published']} ÷ {d['value_as_published']}"))
    return pd.concat(parts, ignore_index=True)


def ma_deal_table(ind: pd.DataFrame, year: int) -> m.Markup:
    """The M&A comparison as a table: deals, value and value per deal by country, cited cells."""
    rows = [{"country": country, "deals": prov.cite(t.num(deals["value"]), deals, mark=False),
             "value": prov.cite(t.usd(value["value"]), value, mark=False), "per_deal": per_deal(value, deals, mark=False)}
            for country, (value, deals) in ma_country_rows(ind, year).items()]
    return m.table(rows, [m.Column("국가", "country"), m.Column("건수", "deals", "r"), m.Column("거래 규모", "value", "r"),
                          m.Column("건당 규모", "per_deal", "r")])


KOSDAQ_SERIES = "kr_tech_special_listings_krx"
BIO_SECTOR_SERIES = "kr_bio_sector_tech_special_listings_krx"
BASIS_NAMES.update({KOSDAQ_SERIES: "한국거래소 기술성장특례 집계", BIO_SECTOR_SERIES: "'바이오업종' 기준"})


def kosdaq_frame(ind: pd.DataFrame) -> pd.DataFrame:
    """KOSDAQ tech-special listings by year: all, bio and non-bio (KRX figures as reported). The
    broad '바이오업종' count is another basis and is not drawn here."""
    rows = preferred(ind, KOSDAQ_SERIES, period="FY")
    return rows.assign(label=rows["entity"], value=rows["value"].astype(float))


def _listings(row: pd.Series) -> prov.Cited:
    return prov.cite(f"{t.num(row['value'])}곳{t.dagger(row['evidence'])}", row)


def kosdaq_listings(ind: pd.DataFrame) -> dict:
    """The newest year with both all tech-special listings and the bio ones on KRX's basis (a
    total and its part: one year, one basis), and the newest broad '바이오업종' count beside it."""
    rows = preferred(ind, KOSDAQ_SERIES, period="FY")
    both = rows.groupby("year")["entity"].agg(set)
    year = int(max(y for y, entities in both.items() if {"전체", "바이오"} <= entities))
    total, bio = (rows[(rows["year"] == year) & (rows["entity"] == e)].iloc[0] for e in ("전체", "바이오"))
    sector = preferred(ind, BIO_SECTOR_SERIES, period="FY").sort_values("year").iloc[-1]
    return {"year": year, "total": _listings(total), "bio": _listings(bio), "basis": named(total),
            "sector_year": int(sector["year"]), "sector": _listings(sector), "sector_basis": named(sector)}


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
